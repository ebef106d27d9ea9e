// The language server holds TurboFan back until its first analyses are done (lsp/cold-tiering.ts): hot code
// stays unoptimised while held and is optimised once released (settled, or the time limit), and
// DTS_LSP_OPT_HOLD=0 leaves the optimiser alone. Checked in a child process with V8's natives syntax, which
// tells whether a function is optimised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../util/paths';

const MODULE = path.join(REPO_ROOT, 'out/server/src/lsp/cold-tiering.js');

/** Runs `body` in a child with natives syntax; `hot()` runs a hot loop, `optimised()` says whether it got TurboFan code. */
function child(body: string, env: Record<string, string> = {}, flags: string[] = []): string {
  const script = `
    const { holdOptimiser } = require(${JSON.stringify(MODULE)});
    function work(n) { let s = 0; for (let i = 0; i < n; i++) s += (i * 7) % 13; return s; }
    const hot = () => { for (let k = 0; k < 300; k++) work(5000); };
    // bit 4 (16) of %GetOptimizationStatus: TurboFan code
    const optimised = () => (%GetOptimizationStatus(work) & 16) !== 0;
    // TurboFan compiles on a background thread: run the loop again (with pauses) until its code is in, or give up after 5 s
    const untilOptimised = (done) => { const end = Date.now() + 5000; const step = () => { hot(); if (optimised() || Date.now() > end) done(); else setTimeout(step, 20); }; step(); };
    const out = [];
    ${body}
  `;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', ...flags, '-e', script], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('the optimiser is held back until the first analyses settle, then optimises hot code', () => {
  const out = child(`
    let settled = false;
    const h = holdOptimiser({ settled: () => settled, maxMs: 20000 });
    // 300 ms of the hot loop: optimised well within that when the optimiser is on (see the last test)
    const end = Date.now() + 300;
    while (Date.now() < end) hot();
    out.push('held:' + h.held() + ':' + optimised());
    settled = true;
    setTimeout(() => untilOptimised(() => { out.push('after:' + h.held() + ':' + optimised()); console.log(out.join(' ')); }), 200);
  `);
  assert.equal(out, 'held:true:false after:false:true');
});

test('the hold ends after its time limit even when nothing settles; DTS_LSP_OPT_HOLD=0 never holds', () => {
  const out = child(`
    const h = holdOptimiser({ settled: () => false, maxMs: 100 });
    setTimeout(() => untilOptimised(() => { out.push(h.held() + ':' + optimised()); console.log(out.join(' ')); }), 300);
  `);
  assert.equal(out, 'false:true');
  const off = child(`
    const h = holdOptimiser({ settled: () => false, maxMs: 20000 });
    untilOptimised(() => { console.log(h.held() + ':' + optimised()); h.release(); });
  `, { DTS_LSP_OPT_HOLD: '0' });
  assert.equal(off, 'false:true');
});

test('a process started with its own say about the optimiser (--no-opt) is left alone: never switched on', () => {
  const out = child(`
    const h = holdOptimiser({ settled: () => true, maxMs: 50 });
    setTimeout(() => { const end = Date.now() + 300; while (Date.now() < end) hot(); console.log(h.held() + ':' + optimised()); }, 200);
  `, {}, ['--no-opt']);
  assert.equal(out, 'false:false');
});

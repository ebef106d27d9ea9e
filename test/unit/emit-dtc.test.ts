// Differential test of buildTree + emitDts against dtc itself: the emitted DTS,
// compiled by /usr/bin/dtc, must decompile to the same DTS as dtc's own compile
// of the original input. Inputs: every fixture of test/fixtures/tree/ that dtc
// accepts, and the dtc test inputs marked accept / accept-with-warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emitDts } from '../../server/src/tree/emit';
import { compileDecompile, compileDecompileText, dtcAvailable } from '../util/dtc';
import { DTC_TESTS, fixture, sharedAvailable } from '../util/paths';
import { buildFromText } from '../util/tree-helpers';

/** Inline dtc's own `/include/ "file"` (no cpp), searching the including file's directory. */
function inlineDtcIncludes(text: string, dir: string, depth = 0): string {
  if (depth > 20) return text;
  return text.replace(/\/include\/\s*"([^"]+)"/g, (m: string, name: string) => {
    const f = path.resolve(dir, name);
    if (!fs.existsSync(f)) return m;
    return inlineDtcIncludes(fs.readFileSync(f, 'utf8'), path.dirname(f), depth + 1);
  });
}

interface Outcome { file: string; status: 'agree' | 'differ' | 'skip'; detail: string }

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: dtc ${JSON.stringify(la[i] ?? '<eof>')} vs emitted ${JSON.stringify(lb[i] ?? '<eof>')}`;
  }
  return '';
}

/** dtc test inputs /usr/bin/dtc 1.6.1 cannot handle at all (not run, to keep the suite fast). */
const DTC161_HANGS = new Set(['phandle-args-overflow.dts']);

function differential(file: string): Outcome {
  if (DTC161_HANGS.has(path.basename(file))) return { file, status: 'skip', detail: 'dtc 1.6.1 never terminates on it (not run)' };
  const orig = compileDecompile(file);
  if (!orig.ok) {
    const reason = orig.stderr.trim().split('\n')[0];
    return { file, status: 'skip', detail: `dtc 1.6.1 fails on the original (dtc 1.8 input or a dtc 1.6.1 bug): ${reason}` };
  }
  const text = inlineDtcIncludes(fs.readFileSync(file, 'utf8'), path.dirname(file));
  const b = buildFromText(file, text);
  const problems = [...b.ast.errors.map((e) => `syntax-error: ${e.message}`), ...b.tree.diagnostics.map((d) => `${d.code}: ${d.message}`)];
  if (problems.length) return { file, status: 'differ', detail: `diagnostics on an input dtc accepts: ${problems.slice(0, 3).join(' | ')}` };
  const mine = compileDecompileText(emitDts(b.tree), [], path.dirname(file));
  if (!mine.ok) return { file, status: 'differ', detail: `dtc rejects the emitted DTS: ${mine.stderr.trim().split('\n')[0]}` };
  if (mine.dts !== orig.dts) return { file, status: 'differ', detail: firstDifference(orig.dts, mine.dts) };
  return { file, status: 'agree', detail: '' };
}

function report(name: string, outcomes: Outcome[]): void {
  const agree = outcomes.filter((o) => o.status === 'agree').length;
  const skipped = outcomes.filter((o) => o.status === 'skip');
  const differ = outcomes.filter((o) => o.status === 'differ');
  console.log(`# ${name}: ${agree}/${outcomes.length - skipped.length} agree with dtc, ${skipped.length} skipped`);
  for (const s of skipped) console.log(`#   skipped ${path.basename(s.file)}: ${s.detail}`);
  for (const d of differ) console.log(`#   DIFFER ${path.basename(d.file)}: ${d.detail}`);
}

test('emitted fixtures compile to the same blob as the originals', { skip: !dtcAvailable() && 'no /usr/bin/dtc' }, () => {
  // err-*.dts: inputs dtc rejects (we must report an error too); dtc17-*.dts: dtc >= 1.7 syntax that
  // /usr/bin/dtc 1.6.1 rejects (skipped); every other fixture must round-trip to the same blob.
  const dir = fixture('tree');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.dts')).sort().map((f) => path.join(dir, f));
  const outcomes: Outcome[] = [];
  const rejected: string[] = [];
  for (const f of files) {
    const name = path.basename(f);
    if (name.startsWith('dtc17-')) { outcomes.push({ file: f, status: 'skip', detail: 'dtc >= 1.7 syntax; dtc 1.6.1 rejects it' }); continue; }
    const o = differential(f);
    if (name.startsWith('err-')) {
      assert.equal(o.status, 'skip', `${name}: dtc should reject it`);
      const b = buildFromText(f, fs.readFileSync(f, 'utf8'));
      assert.ok(b.tree.diagnostics.some((d) => d.severity === 'error') || b.ast.errors.length > 0, `${name}: no error reported`);
      rejected.push(name);
      continue;
    }
    outcomes.push(o);
  }
  report('fixtures', outcomes);
  console.log(`#   ${rejected.length} err-* fixtures rejected by dtc and by us`);
  assert.ok(outcomes.length >= 15, `only ${outcomes.length} fixtures compared`);
  assert.ok(rejected.length >= 7, `only ${rejected.length} err-* fixtures`);
  assert.deepEqual(outcomes.filter((o) => o.status === 'differ').map((o) => `${path.basename(o.file)}: ${o.detail}`), []);
});

test('dtc test inputs (accept / accept-with-warning): emitted DTS compiles to the same blob', (t) => {
  if (!sharedAvailable()) { t.skip('no /work/shared/corpus/dtc-tests'); return; }
  if (!dtcAvailable()) { t.skip('no /usr/bin/dtc'); return; }
  const rows = fs.readFileSync(path.join(DTC_TESTS, 'manifest.tsv'), 'utf8').split('\n').slice(1)
    .map((l) => l.split('\t')).filter((r) => r[1] === 'accept' || r[1] === 'accept-with-warning');
  const outcomes = rows.map((r) => differential(path.join(DTC_TESTS, r[0])));
  report('dtc-tests', outcomes);
  const agree = outcomes.filter((o) => o.status === 'agree').length;
  const compared = outcomes.filter((o) => o.status !== 'skip').length;
  assert.ok(compared >= 100, `only ${compared} dtc tests compared`);
  assert.deepEqual(outcomes.filter((o) => o.status === 'differ').map((o) => `${path.basename(o.file)}: ${o.detail}`), []);
  assert.equal(agree, compared);
});

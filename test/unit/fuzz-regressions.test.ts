// Inputs that once crashed, hung or were far too slow (found by the fuzzer and by the hostile-input
// work), kept as fixtures in test/fixtures/fuzz-regressions/. manifest.json gives, per file, the
// expected diagnostics as [code, text at the range]. Each one must also satisfy the fuzzer's
// invariants: no exception, no internal error, every range inside its file, under 1 s, and the
// editor features must not throw on it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { Rng } from '../../scripts/fuzz/rng';
import { probeOffsets, runOne, SLOW_MS } from '../../scripts/fuzz/run-one';

const DIR = path.resolve(__dirname, '../../../test/fixtures/fuzz-regressions');
const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as Record<string, Array<[string, string]>>;
let tmp = '';

before(() => {
  // the FIFO case needs a FIFO next to its fixture: run every fixture from a temporary copy
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-fuzz-reg-'));
  fs.cpSync(DIR, tmp, { recursive: true });
  try {
    execFileSync('mkfifo', [path.join(tmp, 'fifo.dtsi')]);
  } catch {
    // without mkfifo the include is simply not found (the test below accepts that explicitly)
  }
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the manifest lists every fixture', () => {
  const files = fs.readdirSync(DIR).filter((f) => /\.(dts|dtsi)$/.test(f)).sort();
  assert.deepEqual(Object.keys(manifest).sort(), files);
});

for (const [name, expected] of Object.entries(manifest)) {
  test(`fuzz regression: ${name}`, () => {
    const file = path.join(tmp, name);
    const host = new AnalysisHost(new NodeFileSystem(), {});
    const text = fs.readFileSync(file, 'utf8');
    const r = runOne(host, file, file, text, probeOffsets(new Rng(1), text.length, 8));
    assert.deepEqual(r.failures, []);
    assert.ok(r.ms < SLOW_MS, `${r.ms} ms`);
    const a = host.analyze(file);
    let got = a.diagnostics.map((d) => [d.code, (a.fileText(d.file) ?? '').slice(d.start, d.end)]);
    if (name === 'include-fifo.dts' && !fs.existsSync(path.join(tmp, 'fifo.dtsi'))) got = got.map((d) => (d[0] === 'include-not-found' ? ['include-error', d[1]] : d));
    assert.deepEqual(got, expected);
  });
}

test('the lone-CR fixture defines X: the property gets its value', () => {
  const host = new AnalysisHost(new NodeFileSystem(), {});
  const a = host.analyze(path.join(tmp, 'lone-cr-directive.dts'));
  const p = a.tree.root.properties.find((x) => x.name === 'p');
  const cells = p?.chunks.flatMap((c) => (c.kind === 'cells' ? c.cells.map((x) => x.value) : []));
  assert.deepEqual(cells, [1n]);
});

test('the macro chain fixture: a chain of 150 still expands, 4,000 stops at the limit', () => {
  const host = new AnalysisHost(new NodeFileSystem(), {});
  const a = host.analyze(path.join(tmp, 'macro-chain.dts'));
  const q = a.tree.root.properties.find((x) => x.name === 'q');
  assert.deepEqual(q?.chunks.flatMap((c) => (c.kind === 'cells' ? c.cells.map((x) => x.value) : [])), [1n]);
  assert.equal(a.diagnostics[0].message, 'macro expansion nested too deeply (expanding "M4000")');
});

test('the fuzz invariants catch an exception, an internal error and a range past the end', () => {
  const throwing = { analyze: () => { throw new TypeError('boom'); } } as unknown as AnalysisHost;
  const r1 = runOne(throwing, '/x.dts', '/x.dts', '', [0]);
  assert.deepEqual(r1.failures.map((f) => [f.kind, f.where, f.message]), [['exception', 'analyze', 'TypeError: boom']]);

  const real = new AnalysisHost(new NodeFileSystem(), {}).analyze(path.join(tmp, 'lone-cr-directive.dts'));
  const bad = { ...real, diagnostics: [
    { file: real.root, start: 0, end: 1, severity: 'error' as const, code: 'internal-error', message: 'defect' },
    { file: real.root, start: 5, end: 100_000, severity: 'error' as const, code: 'syntax-error', message: 'far' },
  ] };
  const host = { analyze: () => bad } as unknown as AnalysisHost;
  const r2 = runOne(host, real.root, real.root, '', []);
  assert.deepEqual(r2.failures.map((f) => f.kind), ['internal-error', 'bad-range']);
  assert.match(r2.failures[1].message, /ends at 100000, past the end \(\d+\)/);
});

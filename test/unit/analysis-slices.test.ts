// An analysis in time slices (AnalysisHost's sliceMs, as the language server runs its background analyses,
// so that requests are answered between slices) gives exactly what one uninterrupted run gives, and it does
// pause inside the merge and the checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { kernelTreeIfPresent } from '../../scripts/kernel-tree';
import { AnalysisHost, type Analysis, type AnalysisOptions } from '../../server/src/analysis';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { buildTree, buildTreeSteps } from '../../server/src/tree/merge';
import { FIRST_WHOLE_MAX_CHARS, parseDts, parseDtsSteps } from '../../server/src/syntax/parse';
import { ParseCache } from '../../server/src/syntax/parse-cache';
import type { DtsFile } from '../../server/src/syntax/ast';
import { drain } from '../../server/src/base/slice';
import { emitDts } from '../../server/src/tree/emit';
import { fingerprint } from '../util/incremental-diff';
import { IdentityMap } from '../util/identity-map';
import { fixture } from '../util/paths';

function sliced(root: string, options: AnalysisOptions): { analysis: Analysis; steps: string[] } {
  const host = new AnalysisHost(new NodeFileSystem(), { ...options, sliceMs: 0 });
  const steps: string[] = [];
  const g = host.analyzeSteps(root);
  for (;;) {
    const r = g.next();
    if (r.done) return { analysis: r.value, steps };
    steps.push(r.value);
  }
}

function check(root: string, options: AnalysisOptions): string[] {
  const { analysis, steps } = sliced(root, options);
  const whole = new AnalysisHost(new NodeFileSystem(), options).analyze(root);
  assert.equal(fingerprint(analysis), fingerprint(whole));
  assert.ok(steps.filter((s) => s === 'merge').length >= 2, steps.join());
  assert.ok(steps.includes('graph'), steps.join());
  return steps;
}

test('an analysis in time slices = one run (fixture board), pausing between statements, phases and checks', () => {
  const dir = fixture('features');
  const steps = check(path.join(dir, 'demo-board.dts'), { includePaths: [path.join(dir, 'include')], autoDetectIncludePaths: false });
  // a zero-length slice: a pause after every top-level statement of the merge and after every check
  assert.ok(steps.filter((s) => s === 'checks').length >= 5, steps.join());
});

test('an analysis in time slices = one run (kernel boards, incremental host too)', (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const dts = path.join(kernel, 'arch/arm64/boot/dts');
  for (const b of ['qcom/sc7280-herobrine-villager-r1-lte.dts', 'freescale/imx8qm-apalis-eval-v1.2.dts']) {
    // a board's first parse: one run of the parser (its text is under FIRST_WHOLE_MAX_CHARS), then the stage's step
    assert.equal(check(path.join(dts, b), {}).filter((s) => s === 'parse').length, 1);
    // the first parse of a larger text: in groups of statements, with pauses between them
    const steps = check(path.join(dts, b), { firstWholeMaxChars: 0 });
    assert.ok(steps.filter((s) => s === 'parse').length >= 3, steps.join());
    check(path.join(dts, b), { incremental: true });
  }
});

test('buildTreeSteps with zero-length slices pauses after every top-level statement and equals buildTree', () => {
  const text = '/dts-v1/;\n/ { a: x { p = <1>; }; };\n&a { q = <&a>; };\n/ { y { r = "s"; }; };\n/delete-node/ &a;\n';
  const ast = parseDts(text);
  const ctx = () => ({ map: new IdentityMap('/t.dts', text.length), fs: new NodeFileSystem(), root: '/t.dts' });
  const g = buildTreeSteps(ast, ctx(), 0);
  let pauses = 0;
  let r = g.next();
  for (; !r.done; r = g.next()) pauses++;
  assert.ok(pauses >= 4, `${pauses} pauses`);
  const whole = buildTree(ast, ctx());
  assert.equal(emitDts(r.value), emitDts(whole));
  assert.deepEqual(r.value.diagnostics, whole.diagnostics);
  assert.deepEqual([...r.value.labels.keys()], [...whole.labels.keys()]);
});

test('a first parse in groups of statements gives the same AST as one run of the parser', (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const root = path.join(kernel, 'arch/arm64/boot/dts/qcom/sm8550-mtp.dts');
  const text = new AnalysisHost(new NodeFileSystem(), {}).analyze(root).pp.text;
  // (one run of the parser, no pause, for a text under FIRST_WHOLE_MAX_CHARS: the groups are for larger ones)
  assert.equal([...parseDtsSteps(text, undefined, {}, 0)].length, 0);
  const g = parseDtsSteps(text, undefined, { firstWholeMaxChars: 0 }, 0);
  let pauses = 0;
  let r = g.next();
  for (; !r.done; r = g.next()) pauses++;
  assert.ok(pauses >= 3, `${pauses} pauses`);
  assert.deepEqual(r.value, parseDts(text));
  // with a syntax error: the grouped parse gives up, the chunked parse recovers, as without groups
  const broken = text.replace('status = "okay";', 'status = "okay"');
  assert.deepEqual(drain(parseDtsSteps(broken, undefined, { firstWholeMaxChars: 0 }, 0)), parseDts(broken));
  assert.deepEqual(drain(parseDtsSteps(broken, undefined, {}, 0)), parseDts(broken));
});

test('a sliced first parse pauses inside a SoC root node too (item by item), with or without the cache warm; same AST', (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const dts = path.join(kernel, 'arch/arm64/boot/dts/qcom');
  const host = new AnalysisHost(new NodeFileSystem(), {});
  const cache = new ParseCache();
  const pausesOf = (text: string, owner: string): { pauses: number; file: DtsFile } => {
    const g = parseDtsSteps(text, cache, { owner, firstWholeMaxChars: 0 }, 0);
    let pauses = 0;
    let r = g.next();
    for (; !r.done; r = g.next()) pauses++;
    return { pauses, file: r.value };
  };
  // sm8550-mtp first (grouped parse, its root node item by item), then sm8550-hdk, which finds most of
  // sm8550.dtsi in the cache (the statement-by-statement parse)
  for (const [board, owner] of [['sm8550-mtp.dts', 'a'], ['sm8550-hdk.dts', 'b']]) {
    const text = host.analyze(path.join(dts, board)).pp.text;
    const whole = parseDts(text);
    const { pauses, file } = pausesOf(text, owner);
    assert.deepEqual(file, whole, board);
    const huge = whole.statements.filter((s) => s.end - s.start >= 16384).length;
    assert.ok(huge >= 1, board);
    // mtp: pauses inside its root node (not parsed in one piece: its items in runs of ~8 KB, a pause after
    // each; the rest of the text is two or three groups of statements); hdk: a pause between statements (its
    // root node is sm8550.dtsi's, in the cache)
    const hugeChars = whole.statements.reduce((n, s) => (s.end - s.start >= 16384 ? n + s.end - s.start : n), 0);
    if (owner === 'a') assert.ok(pauses >= Math.floor(hugeChars / 16384) + 4, `${board}: ${pauses} pauses, ${hugeChars} characters in huge statements`);
    else assert.ok(pauses >= whole.statements.length - 1, `${board}: ${pauses} pauses, ${whole.statements.length} statements`);
  }
});

test('a sliced first parse warms a root node\'s items in runs of the parser; a run with an error falls back to item by item, same AST', () => {
  // a root node over the split size: ~700 small items, one of them broken in the middle of a run
  const items: string[] = [];
  for (let i = 0; i < 700; i++) items.push(`\tn${i}: node@${i.toString(16)} {\n\t\tcompatible = "v,n";\n\t\treg = <0x${(i * 16).toString(16)} 0x10>;\n\t\tclocks = <&n${(i + 1) % 700} ${i}>;\n\t};\n`);
  const good = `/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n${items.join('')}};\n`;
  const broken = good.replace('reg = <0x1400 0x10>;', 'reg = <0x1400 0x10>');
  assert.notEqual(broken, good);
  for (const text of [good, broken]) {
    const cache = new ParseCache();
    const g = parseDtsSteps(text, cache, { owner: 'x', firstWholeMaxChars: 0 }, 0);
    let pauses = 0;
    let r = g.next();
    for (; !r.done; r = g.next()) pauses++;
    assert.deepEqual(r.value, parseDts(text));
    assert.ok(pauses >= 4, `${pauses} pauses`);
    if (text === good) {
      // every item cached, as parsed alone: an edit of the next parse finds them
      const again = parseDtsSteps(text.replace('n3: node@3', 'n3: node@3 '), cache, { owner: 'y', firstWholeMaxChars: 0 }, 0);
      assert.deepEqual(drain(again), parseDts(text.replace('n3: node@3', 'n3: node@3 ')));
      assert.ok(cache.stats.reused >= 690, `${cache.stats.reused} reused`);
    }
  }
});

test('a one-shot host (the CLI with one FILE: no preprocessor or parser memos) gives what a host with memos gives', (t) => {
  const dir = fixture('features');
  const opts: AnalysisOptions = { includePaths: [path.join(dir, 'include')], autoDetectIncludePaths: false };
  const board = path.join(dir, 'demo-board.dts');
  const oneShot = new AnalysisHost(new NodeFileSystem(), { ...opts, oneShot: true });
  assert.equal(fingerprint(oneShot.analyze(board)), fingerprint(new AnalysisHost(new NodeFileSystem(), opts).analyze(board)));
  assert.equal(oneShot.parseStats.parsed + oneShot.parseStats.reused, 0, 'nothing memoised');
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  for (const b of ['qcom/sm8550-mtp.dts', 'freescale/imx8qm-apalis-eval-v1.2.dts']) {
    const root = path.join(kernel, 'arch/arm64/boot/dts', b);
    assert.equal(fingerprint(new AnalysisHost(new NodeFileSystem(), { oneShot: true }).analyze(root)), fingerprint(new AnalysisHost(new NodeFileSystem(), {}).analyze(root)));
  }
});

test('a first parse in time slices of a text under FIRST_WHOLE_MAX_CHARS is one run of the parser (no pause), = parseDts; the items of a huge statement are not warmed one by one', () => {
  // a root node over the split size (~60 KB): sliced, it would pause after every run of ~8 KB of items
  const items: string[] = [];
  for (let i = 0; i < 1000; i++) items.push(`\tn${i}: node@${i.toString(16)} {\n\t\tcompatible = "v,n";\n\t\treg = <0x${(i * 16).toString(16)} 0x10>;\n\t};\n`);
  const text = `/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n${items.join('')}};\n`;
  assert.ok(text.length < FIRST_WHOLE_MAX_CHARS && text.length > 3 * 16384);
  const cache = new ParseCache();
  const g = parseDtsSteps(text, cache, { owner: 'x' }, 0);
  let pauses = 0;
  let r = g.next();
  for (; !r.done; r = g.next()) pauses++;
  assert.equal(pauses, 0);
  assert.deepEqual(r.value, parseDts(text));
  // the statements memoised whole (2: /dts-v1/; and the root node), not the root node's 1000 items
  assert.equal(cache.size, 2);
});

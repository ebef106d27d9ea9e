// The incremental merge (tree/incremental.ts) gives exactly what a fresh analysis gives: after every edit of
// a seeded random session (the benchmark's white-space and value edits, and typing, deleting, pasting,
// garbage), an incremental AnalysisHost and a fresh one agree on everything (test/util/incremental-diff.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kernelTreeIfPresent } from '../../scripts/kernel-tree';
import { benchEdit } from '../../scripts/bench/inproc';
import { prng } from '../../scripts/bench/stats';
import { makeEdit, type EditKind } from '../../scripts/soak/edits';
import type { AnalysisOptions } from '../../server/src/analysis';
import { boardEdits, diffBoard, diffRun } from '../util/incremental-diff';
import { fixture } from '../util/paths';

function session(root: string, files: string[], edits: number, seed: number, options: AnalysisOptions = {}): { patched: number; values: number; modelSkips: number; edgePatches: number; checksRerun: number } {
  const run = diffRun(options);
  const rnd = prng(seed);
  const texts = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
  assert.equal(run.step(root).diff, undefined);
  const kinds: EditKind[] = ['type', 'delete', 'paste', 'garbage', 'value', 'label', 'newline'];
  let undo: { f: string; text: string } | undefined;
  for (let i = 0; i < edits; i++) {
    const f = files[i % files.length];
    let text = texts.get(f)!;
    if (undo) {
      // the random edit of the step before is undone (a syntax error would stop the parser's edits)
      text = undo.text;
      texts.set(undo.f, text);
      run.fs.setOverlay(undo.f, text);
      undo = undefined;
      const r = run.step(root);
      assert.equal(r.diff, undefined, `undo ${i}: ${r.diff}`);
      continue;
    }
    if (i % 4 === 3) {
      undo = { f, text };
      const e = makeEdit(text, kinds[Math.floor(rnd() * kinds.length)], rnd);
      text = text.slice(0, e.start) + e.text + text.slice(e.end);
    } else {
      const e = benchEdit(text, rnd, i);
      text = text.slice(0, e.p) + e.insert + text.slice(e.p + e.remove);
    }
    texts.set(f, text);
    run.fs.setOverlay(f, text);
    const r = run.step(root);
    assert.equal(r.diff, undefined, `edit ${i} of ${path.basename(f)}: ${r.diff}`);
  }
  const s = run.host.incrementalStats;
  return { patched: s.mergePatches, values: s.mergeValuePatches, modelSkips: s.modelSkips, edgePatches: s.edgePatches, checksRerun: s.checksRerun };
}

test('incremental merge = fresh analysis over random edits of a fixture board', (t) => {
  const dir = fixture('features');
  const r = session(path.join(dir, 'demo-board.dts'), [path.join(dir, 'demo-board.dts'), path.join(dir, 'demo-soc.dtsi')], 150, 5,
    { includePaths: [path.join(dir, 'include')], autoDetectIncludePaths: false });
  t.diagnostic(JSON.stringify(r));
  assert.ok(r.patched > 40 && r.values > 10, JSON.stringify(r));
});

test('incremental merge = fresh analysis over random edits of kernel boards', (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const dts = path.join(kernel, 'arch/arm64/boot/dts');
  const r1 = session(path.join(dts, 'qcom/sc7280-herobrine-villager-r1-lte.dts'), [path.join(dts, 'qcom/sc7280-herobrine-villager-r1-lte.dts'), path.join(dts, 'qcom/sc7280.dtsi')], 60, 9);
  const r2 = session(path.join(dts, 'renesas/r8a779f0-spider.dts'), [path.join(dts, 'renesas/r8a779f0-spider.dts'), path.join(dts, 'renesas/r8a779f0.dtsi')], 60, 10);
  t.diagnostic(JSON.stringify([r1, r2]));
  assert.ok(r1.patched > 20 && r2.patched > 20, JSON.stringify([r1, r2]));
  // value edits of properties neither the graph nor the checks read (tree/value-reads.ts) kept both, and still agree
  assert.ok(r1.modelSkips > 3 && r2.modelSkips > 3, JSON.stringify([r1, r2]));
});

test('incremental: a value edit of a property a later /delete-property/ or /delete-node/ removed is patched (its own value diagnostics only), = fresh', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-deleted-prop-'));
  const board = path.join(dir, 'board.dts');
  const text = [
    '/dts-v1/;',
    '/ {',
    '\tintc: intc { #interrupt-cells = <1>; interrupt-controller; };',
    '\tdev {',
    '\t\tinterrupt-parent = <&intc>;',
    '\t\tinterrupts = <12>;',
    '\t\twide = /bits/ 8 <0x12>;',
    '\t};',
    '\tgone {',
    '\t\tinner { reg = <0x100 0x20>; };',
    '\t};',
    '};',
    '/ { /delete-node/ gone; };',
    '&{/dev} {',
    '\t/delete-property/ interrupts;',
    '\t/delete-property/ wide;',
    '};',
    '&{/dev} {',
    '\tinterrupts = <7>;',
    '};',
    '',
  ].join('\n');
  fs.writeFileSync(board, text);
  const run = diffRun({ autoDetectIncludePaths: false });
  assert.equal(run.step(board).diff, undefined);
  const edits: [string, string][] = [
    ['interrupts = <12>', 'interrupts = <13>'], // deleted later: shown nowhere
    ['0x12>', '0x1ff>'], // deleted later, and now truncated (value-truncated)
    ['interrupts = <7>', 'interrupts = <8>'], // the definition after the delete: the value shown
    ['0x1ff>', '0x13>'],
    ['<0x100 0x20>', '<0x100 0x30>'], // in a node a /delete-node/ removed (with its parent)
  ];
  const edit = boardEdits(run, board, text);
  for (const [from, to] of edits) {
    const { r, before, after } = edit(from, to);
    assert.equal(after.mergePatches, before.mergePatches + 1, `${from} -> ${to} was patched, not merged again`);
    if (to === '0x1ff>') assert.ok(r.incremental.diagnostics.some((d) => d.code === 'value-truncated'), 'the deleted definition keeps its value diagnostic');
  }
  assert.equal(run.host.incrementalStats.mergeValuePatches, 1, 'only the edit of the shown definition changed a value');
});

/**
 * Keystrokes stepped through `run`, `root` analysed after each and checked against the fresh analysis; `texts`
 * holds each edited file's text as typed so far.
 */
function keyboard(run: ReturnType<typeof diffRun>, root: string, texts: Map<string, string>) {
  const key = (f: string, p: number, remove: number, insert: string, what: string): void => {
    const was = texts.get(f)!;
    const text = was.slice(0, p) + insert + was.slice(p + remove);
    texts.set(f, text);
    run.fs.setOverlay(f, text);
    const r = run.step(root);
    assert.equal(r.diff, undefined, `${what} in ${path.basename(f)} at ${p}: ${r.diff}`);
  };
  return {
    key,
    /** `s` typed at p of f a character at a time, then deleted again from its end */
    typeAndDelete(f: string, p: number, s: string): void {
      for (const ch of s) key(f, p++, 0, ch, `typing ${JSON.stringify(s)}`);
      for (let k = s.length; k > 0; k--) key(f, --p, 1, '', `deleting ${JSON.stringify(s)}`);
    },
    /** the `s` that ends at p of f deleted a character at a time from its end, then typed again */
    deleteAndRetype(f: string, p: number, s: string): void {
      for (let k = s.length; k > 0; k--) key(f, --p, 1, '', `deleting ${JSON.stringify(s)}`);
      for (const ch of s) key(f, p++, 0, ch, `typing ${JSON.stringify(s)}`);
    },
  };
}

test('incremental: a property or node renamed where it is defined is patched in place (graph and checks made again), = fresh; a rename the merge would place otherwise is merged again', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-rename-'));
  const board = path.join(dir, 'board.dts');
  const text = [
    '/dts-v1/;',
    '/ {',
    '\t#address-cells = <1>;',
    '\t#size-cells = <1>;',
    '\tclk: clock-controller@100 { compatible = "vendor,clk"; reg = <0x100 0x10>; #clock-cells = <1>; };',
    '\tuart@1000 {',
    '\t\tcompatible = "vendor,uart";',
    '\t\treg = <0x1000 0x100>;',
    '\t\tclocks = <&clk 3>;',
    '\t\tclock-names = "core";',
    '\t\tstatus = "disabled";',
    '\t\textra-prop = <1>;',
    '\t};',
    '\tspi@2000 {',
    '\t\treg = <0x2000 0x100>;',
    '\t\tshared = <1>;',
    '\t};',
    '\tgpio@3000 { reg = <0x3000 0x100>; };',
    '};',
    '&{/spi@2000} {',
    '\tshared = <2>;',
    '};',
    '',
  ].join('\n');
  fs.writeFileSync(board, text);
  const run = diffRun({ autoDetectIncludePaths: false });
  assert.equal(run.step(board).diff, undefined);
  const edit = boardEdits(run, board, text);
  const patched: [string, string][] = [
    ['clocks = <&clk 3>', 'clockz = <&clk 3>'], // a supplier property gone: the graph loses its edge
    ['clockz = <&clk 3>', 'clocks = <&clk 3>'],
    ['status = "disabled"', 'statu = "disabled"'], // the node is enabled now: checks that read status see it
    ['statu = "disabled"', 'status = "disabled"'],
    ['extra-prop = <1>', 'extra-propq = <1>'], // typed longer at its end
    ['extra-propq = <1>', 'extra-prop = <2>'], // shorter, and another value
    ['\tuart@1000 {', '\tuart@1001 {'], // the unit address no longer matches reg
    ['\tuart@1001 {', '\tuart@10010 {'], // typed longer at its end
    ['\tuart@10010 {', '\tuart@1000 {'],
    ['\tuart@1000 {', '\tquart@1000 {'], // typed at its start
    ['\tquart@1000 {', '\tuart@1000 {'],
    ['extra-prop = <2>', 'xextra-prop = <2>'],
  ];
  for (const [from, to] of patched) {
    const { before, after } = edit(from, to);
    assert.equal(after.reshapePatches, before.reshapePatches + 1, `${from} -> ${to} was patched in place`);
  }
  const merged: [string, string][] = [
    ['\t\tshared = <1>', '\t\tsharex = <1>'], // also defined in the &{/spi@2000} body: merged again
    ['\t\tsharex = <1>', '\t\tshared = <1>'],
    ['clock-names = "core"', 'clocks = "core"'], // the name of another property of the node (a duplicate)
    ['clocks = "core"', 'clock-names = "core"'],
    ['\tgpio@3000 {', '\tspi@2000 {'], // a sibling's name: the two nodes merge
    ['\tspi@2000 { reg = <0x3000', '\tgpio@3000 { reg = <0x3000'],
    ['\tspi@2000 {\n', '\tspi@2001 {\n'], // a path reference (&{/spi@2000}) names it
  ];
  for (const [from, to] of merged) {
    const { before, after } = edit(from, to);
    assert.equal(after.reshapePatches, before.reshapePatches, `${from} -> ${to} was merged again`);
  }
});
test('incremental: a value whose phandle references changed is patched (resolved, reported when unresolved, phandles numbered again as dtc numbers them), = fresh; with /omit-if-no-ref/ it is merged again', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-refs-'));
  const board = path.join(dir, 'board.dts');
  const lines = [
    '/dts-v1/;',
    '/ {',
    '\ta: a { };',
    '\tb: b { };',
    '\tc: c { phandle = <1>; };',
    '\td: d { };',
    '\te: e { phandle = <0>; };',
    '\tuser1 { p = <&a>; };',
    '\tuser2 { p = <&b &d>; };',
    '\tuser3 { p = <&c &e>; };',
    '\tself: user4 { p = <&self 1>; };',
    '};',
    '',
  ];
  const text = lines.join('\n');
  fs.writeFileSync(board, text);
  const run = diffRun({ autoDetectIncludePaths: false });
  const first = run.step(board);
  assert.equal(first.diff, undefined);
  // a: 2 (1 is c's own), b: 3, d: 4, e: 5 (its own `phandle = <0>` is bad: none added), user4: 6
  assert.equal(first.incremental.tree.phandles.get(2)?.name, 'a');
  const edit = boardEdits(run, board, text);
  const steps: [string, string][] = [
    ['p = <&a>', 'p = <&ax>'], // unresolved: a has no phandle any more, the others move down
    ['p = <&ax>', 'p = <&d>'], // d is numbered first now
    ['p = <&d>', 'p = <&c>'], // c's own phandle
    ['p = <&c>', 'p = <&self>'], // a node further on, numbered first
    ['p = <&self>', 'p = <&a>'],
    ['<&b &d>', '<&d &b>'], // the order of first references
    ['<&self 1>', '<&self 1 &a>'], // another reference in the same value
  ];
  for (const [from, to] of steps) {
    const { r, before, after } = edit(from, to);
    assert.equal(after.reshapePatches, before.reshapePatches + 1, `${from} -> ${to} was patched`);
    if (to === 'p = <&ax>') assert.ok(r.incremental.diagnostics.some((d) => d.code === 'unresolved-reference' && /"ax"/.test(d.message)), 'the unresolved reference is reported');
  }
  // with /omit-if-no-ref/, a reference decides whether a node exists: merged again
  const omitText = text.replace('\td: d { };', '\t/omit-if-no-ref/ d: d { };');
  fs.writeFileSync(board, omitText);
  const run2 = diffRun({ autoDetectIncludePaths: false });
  assert.equal(run2.step(board).diff, undefined);
  const edit2 = boardEdits(run2, board, omitText);
  for (const [from, to] of [['<&b &d>', '<&b>'], ['<&b>', '<&b &d>']] as const) {
    const { before, after } = edit2(from, to);
    assert.equal(after.reshapePatches, before.reshapePatches, `${from} -> ${to} was merged again`);
  }
});

test('incremental: a node\'s labels changed where it is defined are patched (the label table made again, references by those names resolved again, phandles numbered again), = fresh; a label a statement or a duplicate involves is merged again', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-labels-'));
  const board = path.join(dir, 'board.dts');
  const text = [
    '/dts-v1/;',
    '/ {',
    '\ta: node-a { x = <1>; };',
    '\tnode-b { };',
    '\tuser1 { p = <&a>; };',
    '\tuser2 { p = <&bb &a>; };',
    '\tuser3 { v: q = <1>, v2: <2>; };',
    '\tc: node-c { };',
    '};',
    '&c { extra; };',
    '',
  ].join('\n');
  fs.writeFileSync(board, text);
  const run = diffRun({ autoDetectIncludePaths: false });
  assert.equal(run.step(board).diff, undefined);
  const edit = boardEdits(run, board, text);
  const patched: [string, string][] = [
    ['\ta: node-a', '\tax: node-a'], // user1 and user2's &a unresolved; node-a has no phandle now
    ['\tnode-b {', '\tbb: node-b {'], // a label added: user2's &bb resolves
    ['\tax: node-a', '\ta: node-a'],
    ['\tbb: node-b {', '\tbb: b2: node-b {'],
    ['\tbb: b2: node-b {', '\tnode-b {'],
  ];
  for (const [from, to] of patched) {
    const { r, before, after } = edit(from, to);
    assert.equal(after.reshapePatches, before.reshapePatches + 1, `${from} -> ${to} was patched`);
    if (to === '\tax: node-a') assert.ok(r.incremental.diagnostics.some((d) => d.code === 'unresolved-reference' && /"a"/.test(d.message)));
  }
  const merged: [string, string][] = [
    ['\tc: node-c', '\tcx: node-c'], // the &c statement names it
    ['\tcx: node-c', '\tc: node-c'],
    ['\tnode-b {', '\tv: node-b {'], // already a property's value label: a duplicate
  ];
  for (const [from, to] of merged) {
    const { before, after } = edit(from, to);
    assert.equal(after.reshapePatches, before.reshapePatches, `${from} -> ${to} was merged again`);
  }
});

test('incremental: edits batched into one analysis that relabel or rename a node and change its body\'s white space are merged again, = fresh', () => {
  // one edit from the first change to the last covers the body too, whose spans cannot be moved
  // (soak --schedule: a property's name span read "\tvalue " after `lone_:` became `lone_x:` and `value =` `value  =`)
  const text = ['/dts-v1/;', '/ {', '\ta: node-a { x = <1>; };', '\tnode-b { y = <2>; };', '\tuser1 { p = <&a>; };', '};', ''].join('\n');
  const { edit } = diffBoard(text);
  const relabel = edit('\ta: node-a { x = <1>; };', '\tax: node-a { x  = <1>; };');
  assert.equal(relabel.after.reshapePatches, relabel.before.reshapePatches, 'merged again');
  const rename = edit('\tnode-b { y = <2>; };', '\tnode-bc {  y = <2>; };');
  assert.equal(rename.after.reshapePatches, rename.before.reshapePatches, 'merged again');
  // a label typed alone is still patched
  const alone = edit('\tax: node-a', '\tay: node-a');
  assert.equal(alone.after.reshapePatches, alone.before.reshapePatches + 1, 'patched');
  // new lines between the label and the name, and a value in the body: one edit from the head into the body
  // (soak --schedule seed 7: the node's name span read "\n\nlone ")
  const head = edit('\tay: node-a { x  = <1>; };', '\tay: \n\nnode-a { x  = <2>; };');
  assert.equal(head.after.mergePatches, head.before.mergePatches, 'merged again');
});

test('incremental: a space typed before the tree when /dts-v1/ is missing moves the order error with the text, = fresh', () => {
  // (soak --schedule seed 30: the keystroke's parse placed "missing '/dts-v1/;'" at the first node's old offset)
  const { edit } = diffBoard('/dts_v1/;\n\n/ {\n\tmodel = "x";\n};\n\n&x {\n};\n');
  const r = edit('/dts_v1/;', '/dts_v1/; ').r;
  assert.ok(r.incremental.diagnostics.some((d) => /missing '\/dts-v1\/;'/.test(d.message)), 'the error is there');
});

/**
 * `text` written as a board in a folder of its own and analysed, with keystrokes at anchors (the offset right after
 * the anchor in the text as it is now), each run compared with a fresh analysis: `typed` types `s` a character at a
 * time and deletes it again, `pasted` inserts `s` at once and removes it, `merged` runs any n keystrokes that end at
 * `text` again; each returns how many of its keystrokes were merged in full rather than patched.
 */
function bodySession(prefix: string, text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const board = path.join(dir, 'board.dts');
  fs.writeFileSync(board, text);
  const run = diffRun({ autoDetectIncludePaths: false });
  assert.equal(run.step(board).diff, undefined);
  const texts = new Map([[board, text]]);
  const kb = keyboard(run, board, texts);
  const at = (anchor: string): number => {
    const k = texts.get(board)!.indexOf(anchor);
    assert.ok(k >= 0, anchor);
    return k + anchor.length;
  };
  const merged = (n: number, f: () => void): number => {
    const before = run.host.incrementalStats.mergePatches;
    f();
    assert.equal(texts.get(board), text);
    return n - (run.host.incrementalStats.mergePatches - before);
  };
  const typed = (anchor: string, s: string): number => merged(2 * s.length, () => kb.typeAndDelete(board, at(anchor), s));
  const pasted = (anchor: string, s: string): number => merged(2, () => {
    const p = at(anchor);
    kb.key(board, p, 0, s, `pasting ${JSON.stringify(s)}`);
    kb.key(board, p, s.length, '', `cutting ${JSON.stringify(s)}`);
  });
  return { run, board, texts, kb, at, merged, typed, pasted };
}

test('incremental: properties typed into a node\'s body or deleted from it, a character at a time or a line at once, are patched (skipped text alone changes nothing; references resolved and phandles numbered again), = fresh; what the merge would place otherwise is merged again', () => {
  // (the nodes typed into sit in a huge node, whose items the parser parses again one at a time, errors and all)
  const fillers = Array.from({ length: 300 }, (_, k) => `\t\tfiller@${(0x10000 + k).toString(16)} { compatible = "vendor,filler"; reg = <0x${(0x10000 + k).toString(16)} 0x1>; };`);
  const text = [
    '/dts-v1/;',
    '/ {',
    '\t#address-cells = <1>;',
    '\t#size-cells = <1>;',
    '\tsoc {',
    '\t\t#address-cells = <1>;',
    '\t\t#size-cells = <1>;',
    '\t\tranges;',
    '\t\tclk: clock-controller@100 { compatible = "vendor,clk"; reg = <0x100 0x10>; #clock-cells = <1>; vendor,ep = <&ep>; };',
    '\t\tgpio: gpio@3000 { reg = <0x3000 0x100>; #gpio-cells = <2>; };',
    '\t\tuart: uart@1000 {',
    '\t\t\tcompatible = "vendor,uart";',
    '\t\t\treg = <0x1000 0x100>;',
    '\t\t\tclocks = <&clk 3>;',
    '\t\t\tstatus = "disabled";',
    '\t\t\tport { ep: endpoint { remote = <1>; }; };',
    '\t\t};',
    '\t\ti2c@4000 {',
    '\t\t\tcompatible = "vendor,i2c";',
    '\t\t\treg = <0x4000 0x100>;',
    '\t\t\tstatus = "disabled";',
    '\t\t\tsensor@48 { reg = <0x48>; };',
    '\t\t};',
    '\t\tspi@2000 {',
    '\t\t\treg = <0x2000 0x100>;',
    '\t\t\tgone = <1>;',
    '\t\t\t/delete-property/ gone;',
    '\t\t};',
    ...fillers,
    '\t};',
    '};',
    '/ {',
    '\tmodel = "body";',
    '};',
    '&uart {',
    '\tstatus = "okay";',
    '\tcurrent-speed = <115200>;',
    '};',
    '',
  ].join('\n');
  const { run, board, texts, kb, typed, pasted } = bodySession('dts-body-', text);
  const reshaped = run.host.incrementalStats.reshapePatches;
  // patched at every keystroke: a property typed at the end of a node's properties, between two, in a child
  // node; a reference to a node with no phandle yet; one to no node (reported unresolved, then not)
  assert.equal(typed('\t\t\treg = <0x4000 0x100>;\n\t\t\tstatus = "disabled";\n', '\t\t\tvendor,foo = <1>;\n'), 0);
  assert.equal(typed('\t\t\tcompatible = "vendor,i2c";\n', '\t\t\tvendor,bar = <2 3>;\n'), 0);
  assert.equal(typed('ep: endpoint { remote = <1>;', ' vendor,deep = <3>;'), 0);
  assert.equal(typed('\t\t\tcompatible = "vendor,i2c";\n', '\t\t\tvendor-gpios = <&gpio 1 0>;\n'), 0);
  assert.equal(typed('\t\t\tcompatible = "vendor,i2c";\n', '\t\t\tvendor,missing = <&nosuch>;\n'), 0);
  assert.ok(run.host.incrementalStats.reshapePatches > reshaped + 20);
  // typed before a child node: while the property lacks its `;` the parser skips the child with it (a node gone
  // from the tree, then back); but a node referred to from elsewhere (`&ep` in the clock controller) going away is
  // merged in full (those two keystrokes, each way)
  assert.equal(typed('\t\t\treg = <0x4000 0x100>;\n\t\t\tstatus = "disabled";\n', '\t\t\tvendor,early = <1>;\n'), 0);
  assert.equal(typed('\t\t\tclocks = <&clk 3>;\n\t\t\tstatus = "disabled";\n', '\t\t\tvendor,foo = <1>;\n'), 4);
  // child nodes pasted and cut again: one with a label and references (to its own label too), one before a node
  assert.equal(pasted('\t\t\tstatus = "disabled";\n\t\t\tsensor@48 { reg = <0x48>; };\n', '\t\t\tnl: sub@1 { b = <&clk 2>; c = <&nl>; d { e; }; };\n'), 0);
  assert.equal(pasted('\t\t\treg = <0x4000 0x100>;\n\t\t\tstatus = "disabled";\n', '\t\t\taa { x = <&gpio 1 0>; };\n'), 0);
  // merged again: a pasted node with a label the tree has (and its cut, from a tree with a duplicate label), a
  // pasted node with a `/delete-node/` in it (its cut is patched: that deleted nothing)
  assert.equal(pasted('\t\t\treg = <0x4000 0x100>;\n\t\t\tstatus = "disabled";\n', '\t\t\tgpio: aa { };\n'), 2);
  assert.equal(pasted('\t\t\treg = <0x4000 0x100>;\n\t\t\tstatus = "disabled";\n', '\t\t\taa { /delete-node/ bb; };\n'), 1);
  // a property deleted a character at a time from its end, then typed again (without its `;`, the parser skips
  // the next property with it)
  {
    const line = '\t\t\treg = <0x4000 0x100>;\n';
    const before = run.host.incrementalStats;
    kb.deleteAndRetype(board, texts.get(board)!.indexOf(line) + line.length, line);
    assert.equal(texts.get(board), text);
    assert.equal(run.host.incrementalStats.mergePatches - before.mergePatches, 2 * line.length);
  }
  // a property of the huge node itself made an error and back (the parser gives an error item in its place: the
  // huge node is the item replaced)
  assert.equal(typed('\t\tranges', ' <x'), 0);
  // typed in a small top-level statement (parsed again on its own, with recovery): a `/ { }`, an `&uart { }`
  // that extends a node (a reference in it too)
  assert.equal(typed('\tmodel = "body";\n', '\tvendor,top = <&gpio 3 0>;\n'), 0);
  assert.equal(typed('\tstatus = "okay";\n', '\tvendor,late = <2>;\n'), 0);
  // a line pasted and cut again: in a node, in a small `/ { }` and in an `&uart { }` that extends a node
  assert.equal(pasted('\t\t\tcompatible = "vendor,i2c";\n', '\t\t\tvendor,bar = "x", "y";\n'), 0);
  assert.equal(pasted('\t\t\treg = <0x1000 0x100>;\n', '\t\t\tvendor,p = <&gpio 2 0>;\n'), 0);
  assert.equal(pasted('\tmodel = "body";\n', '\tvendor,top;\n'), 0);
  assert.equal(pasted('\tstatus = "okay";\n', '\tvendor,late = <2>;\n'), 0);
  // a property another body defines too: set again in `&uart { }` (the value the tree shows now, and back when
  // cut), defined earlier where the tree shows a later body's value (the property moves to where it is first
  // defined), and the earlier definition of `status` skipped with a half-written property before it (it moves to
  // `&uart { }`'s place, then back)
  assert.equal(pasted('\tstatus = "okay";\n', '\tcompatible = "b";\n'), 0);
  assert.equal(pasted('\t\t\treg = <0x1000 0x100>;\n', '\t\t\tcurrent-speed = <9600>;\n'), 0);
  assert.equal(typed('\t\t\tclocks = <&clk 3>;\n', '\t\t\tvendor,x = <1>;\n'), 0);
  // merged again: a name the body has already (a duplicate), a label, a property typed right before a
  // /delete-property/ (half written, it takes the directive in with it)
  assert.ok(typed('\t\t\treg = <0x4000 0x100>;\n\t\t\tstatus = "disabled";\n', '\t\t\treg = <1 1>;\n') > 0);
  assert.ok(typed('\t\t\treg = <0x4000 0x100>;\n\t\t\tstatus = "disabled";\n', '\t\t\tl: vendor,lab;\n') > 0);
  assert.ok(typed('\t\t\tgone = <1>;\n', '\t\t\tvendor,x;\n') > 0);
});

test('incremental: property and node lines typed into and deleted from kernel .dtsi nodes a character at a time (the body patch) = fresh analysis', (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const dts = path.join(kernel, 'arch/arm64/boot/dts');
  const board = path.join(dts, 'qcom/sc7280-herobrine-villager-r1-lte.dts');
  const files = [path.join(dts, 'qcom/sc7280.dtsi'), path.join(dts, 'qcom/sc7280-herobrine.dtsi')];
  const run = diffRun({});
  const texts = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
  const rnd = prng(29);
  assert.equal(run.step(board).diff, undefined);
  const kb = keyboard(run, board, texts);
  // (no quotes or braces typed one at a time: an editor closes those pairs as they are typed)
  const lines = ['\t\tvendor,t = <1>;\n', '\t\tclocks = <&gcc 1>;\n', '\t\tvendor,r = <&apps_smmu 1 0>;\n', '\t\tstatus = <2>;\n', '\t\tvendor,f;\n'];
  const before = run.host.incrementalStats;
  for (let round = 0; round < 2; round++) {
    const f = files[round];
    const text = texts.get(f)!;
    const places = [...text.matchAll(/^\t+[a-z#][a-z0-9,#_-]* = <[^;\n"]*>;\n/gm)];
    const m = places[Math.floor(rnd() * places.length)];
    const p = m.index! + m[0].length;
    // a line typed after a property line, or that property line deleted from its end and typed again
    if (round % 2 === 0) kb.typeAndDelete(f, p, lines[Math.floor(rnd() * lines.length)]);
    else kb.deleteAndRetype(f, p, m[0]);
  }
  const after = run.host.incrementalStats;
  t.diagnostic(JSON.stringify({ patched: after.mergePatches - before.mergePatches, reshaped: after.reshapePatches - before.reshapePatches }));
  // most keystrokes are patches, and some of them change the tree's shape
  assert.ok(after.reshapePatches - before.reshapePatches >= 4, JSON.stringify(after));
});

test('incremental: a node with a /delete-property/ or /delete-node/ below it takes properties and nodes typed or pasted into its body as a patch, unless the deletion names what came or went, = fresh', () => {
  const text = [
    '/dts-v1/;',
    '/ {',
    '\t#address-cells = <1>;',
    '\t#size-cells = <1>;',
    '\tbus@5000 {',
    '\t\t#address-cells = <1>;',
    '\t\t#size-cells = <0>;',
    '\t\treg = <0x5000 0x100>;',
    '\t\tdev@0 { reg = <0>; };',
    '\t\tdev@1 {',
    '\t\t\treg = <1>;',
    '\t\t\tinterrupts = <5>;',
    '\t\t};',
    '\t\tghost {',
    '\t\t\tx = <1>;',
    '\t\t};',
    '\t\tdev@3 { reg = <3>; sub3: sub { }; };',
    '\t\tgone4: dev@4 { reg = <4>; };',
    '\t\tdev@5 { reg = <5>; };',
    '\t};',
    '};',
    '/delete-node/ &sub3;',
    '/delete-node/ &gone4;',
    '/ {',
    '\tbus@5000 {',
    // (and directives that find nothing to delete: dtc ignores them, but they remove what a later edit gives their names)
    '\t\t/delete-property/ nosuch;',
    '\t\t/delete-property/ regx;',
    '\t\tdev@1 {',
    '\t\t\t/delete-property/ interrupts;',
    '\t\t};',
    '\t\t/delete-node/ ghost;',
    '\t\t/delete-node/ dev@00;',
    '\t};',
    '};',
    '',
  ].join('\n');
  const { board, kb, at, merged, typed, pasted } = bodySession('dts-body-deleted-', text);
  // the bus: dev@1's `interrupts` and the node ghost are deleted below it; a property typed into the bus (while
  // half written, the parser may skip dev@0 after it) and a child pasted into it (after dev@5: the edit found by
  // comparing the texts takes in the end of the node before it) touch neither: patched at every keystroke
  assert.equal(typed('\t\treg = <0x5000 0x100>;\n', '\t\tvendor,foo = <1>;\n'), 0);
  assert.equal(pasted('\t\tdev@5 { reg = <5>; };\n', '\t\tdev@2 { reg = <2>; };\n'), 0);
  // a property typed into dev@1 itself, after its deleted `interrupts` (another name): patched
  assert.equal(typed('\t\t\tinterrupts = <5>;\n', '\t\t\tvendor,bar = <2>;\n'), 0);
  // what the deletions name: dev@1's `interrupts` pasted again after the first, a second ghost node's contents
  // pasted, dev@1 cut and pasted again (its deleted property with it): merged in full
  assert.equal(pasted('\t\t\tinterrupts = <5>;\n', '\t\t\tinterrupts = <6>;\n'), 2);
  assert.equal(pasted('\t\tghost {\n', '\t\t\ty = <2>;\n'), 2);
  // names that delete directives which removed nothing name: a property typed with one, a property and a node
  // renamed to one (each keystroke equal to a fresh analysis: the directive removes what now has its name)
  assert.ok(typed('\t\treg = <0x5000 0x100>;\n', '\t\tnosuch = <1>;\n') > 0);
  assert.equal(typed('\t\treg', 'x'), 2);
  assert.equal(typed('\t\tdev@0', '0'), 2);
  assert.equal(pasted('\t\tdev@5 { reg = <5>; };\n', '\t\tdev@00 { reg = <0>; };\n'), 2);
  // dev@3 cut, the node `/delete-node/ &sub3` removed with it (that directive then finds nothing: an error)
  assert.equal(merged(2, () => {
    const line = '\t\tdev@3 { reg = <3>; sub3: sub { }; };\n';
    const p = at(line) - line.length;
    kb.key(board, p, line.length, '', 'cutting dev@3');
    kb.key(board, p, 0, line, 'pasting dev@3');
  }), 2);
  // a node pasted where `/delete-node/ &gone4` removed one of its name: merged in full
  assert.equal(pasted('\t\tdev@5 { reg = <5>; };\n', '\t\tdev@4 { reg = <5>; };\n'), 2);
  const dev = '\t\tdev@1 {\n\t\t\treg = <1>;\n\t\t\tinterrupts = <5>;\n\t\t};\n';
  assert.equal(merged(2, () => {
    const p = at('\t\tdev@0 { reg = <0>; };\n');
    kb.key(board, p, dev.length, '', 'cutting dev@1');
    kb.key(board, p, 0, dev, 'pasting dev@1');
  }), 2);
});

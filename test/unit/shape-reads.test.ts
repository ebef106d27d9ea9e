// A keystroke that renames, adds or removes properties in one node (PatchResult.shape) keeps the supplier graph and
// the checks that read none of their names or values (tree/value-reads.ts: names looked up, rules picked by), and
// runs again exactly what did: each case below is compared with a fresh analysis, and each name is one that a
// particular lookup or rule reads (the graph's binding names, the cells check's, `status`, `regulator-*`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { boardEdits, diffRun } from '../util/incremental-diff';
import { Reads, readsShape, trackReads } from '../../server/src/tree/value-reads';
import { getProperty, type TreeNode, type TreeProperty } from '../../server/src/tree/types';

const BOARD = [
  '/dts-v1/;',
  '/ {',
  '\t#address-cells = <1>;',
  '\t#size-cells = <1>;',
  '\tclk: clock-controller@100 { compatible = "vendor,clk"; reg = <0x100 0x10>; #clock-cells = <1>; status = "disabled"; };',
  '\treg0: regulator-0 { compatible = "regulator-fixed"; regulator-name = "reg0"; status = "disabled"; };',
  '\treg1: ldo-1 {',
  '\t\tcompatible = "vendor,pmic-ldo";',
  '\t\tregulatr-name = "reg1";',
  '\t\tvin-supply = <&reg0>;',
  '\t};',
  '\tuart@1000 {',
  '\t\tcompatible = "vendor,uart";',
  '\t\treg = <0x1000 0x100>;',
  '\t\tclockz = <&clk 3 4>;',
  '\t\tstatu = "disabled";',
  '\t\tvendor,mode = <1>;',
  '\t};',
  '};',
  '',
].join('\n');

function setup(text = BOARD) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-shape-'));
  const board = path.join(dir, 'board.dts');
  fs.writeFileSync(board, text);
  const run = diffRun({ autoDetectIncludePaths: false });
  const first = run.step(board);
  assert.equal(first.diff, undefined);
  return { run, board, first, edit: boardEdits(run, board, text) };
}

test('shape: properties whose names nothing reads keep the graph and every check; = fresh', () => {
  const { edit } = setup();
  // a property typed into a node one character at a time (each a rename of the one before, then its value)
  const steps: [string, string][] = [
    ['\t\tvendor,mode = <1>;\n', '\t\tvendor,mode = <1>;\n\t\tv = <1>;\n'],
    ['\t\tv = <1>;', '\t\tve = <1>;'],
    ['\t\tve = <1>;', '\t\tvendor,typed = <1>;'],
    ['\t\tvendor,typed = <1>;', '\t\tvendor,typed = <1 2>;'],
    ['\t\tvendor,typed = <1 2>;\n', ''],
    ['vendor,mode = <1>', 'vendor,moda = <1>'],
  ];
  let keeps = 0;
  for (const [from, to] of steps) {
    const { before, after } = edit(from, to);
    assert.equal(after.mergePatches, before.mergePatches + 1, `${JSON.stringify(from)} -> ${JSON.stringify(to)} was patched`);
    assert.equal(after.checksRerun, before.checksRerun, `${JSON.stringify(from)} -> ${JSON.stringify(to)}: no check ran again`);
    keeps += after.shapeKeeps - before.shapeKeeps;
  }
  // (all but the value edit change the node's properties)
  assert.equal(keeps, steps.length - 1, 'the graph was kept');
});

test('shape: a name the graph picks by its binding (clocks) builds the graph again; = fresh', () => {
  const { edit } = setup();
  const { r, before, after } = edit('clockz = <&clk 3 4>', 'clocks = <&clk 3 4>');
  assert.equal(after.reshapePatches, before.reshapePatches + 1);
  assert.equal(after.shapeKeeps, before.shapeKeeps, 'the graph read the name: built again');
  // the edge to the disabled clock controller (the graph's), and the cell count (the cells check's own walk)
  const edge = (ds: { code: string; message: string }[]) => ds.some((d) => d.code === 'supplier-disabled' && /&clk/.test(d.message));
  const count = (ds: { code: string; message: string }[]) => ds.some((d) => d.code === 'phandle-cells-mismatch' && /expects 1 cell/.test(d.message));
  const all = JSON.stringify(r.incremental.diagnostics.map((d) => `${d.code}: ${d.message}`));
  assert.ok(edge(r.incremental.diagnostics), all);
  assert.ok(count(r.incremental.diagnostics), all);
  const back = edit('clocks = <&clk 3 4>', 'clockz = <&clk 3 4>').r.incremental.diagnostics;
  assert.ok(!edge(back) && !count(back));
});

test('shape: a name a check looks up (status) runs that check again; = fresh', () => {
  const { edit } = setup();
  const on = edit('clockz = <&clk 3 4>', 'clocks = <&clk 3 4>').r.incremental.diagnostics;
  assert.ok(on.some((d) => d.code === 'supplier-disabled' && /clk/.test(d.message)), 'the enabled uart takes a disabled clock');
  const { r, before, after } = edit('statu = "disabled"', 'status = "disabled"');
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1, 'the graph read no status: kept');
  assert.ok(after.checksRerun > before.checksRerun, 'the checks that looked status up ran again');
  assert.ok(!r.incremental.diagnostics.some((d) => d.code === 'supplier-disabled' && /clk/.test(d.message)), 'the uart is disabled now');
});

test('shape: regulator-* names (a rule the status and cycle checks pick by) run those checks again; = fresh', () => {
  const { edit } = setup();
  const was = edit('regulatr-name = "reg1"', 'regulatr-namey = "reg1"').r.incremental.diagnostics.find((d) => d.code === 'supplier-disabled' && /reg0/.test(d.message));
  assert.ok(was, 'reg1 takes a disabled supply');
  const { r, before, after } = edit('regulatr-namey = "reg1"', 'regulator-name = "reg1"');
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1, 'the graph read no regulator-* name: kept');
  assert.ok(after.checksRerun > before.checksRerun, 'the checks that pick regulator-* ran again');
  const now = r.incremental.diagnostics.find((d) => d.code === 'supplier-disabled' && /reg0/.test(d.message));
  assert.ok(now && now.message !== was.message && /regulator/.test(now.message), `${was.message} / ${now?.message}`);
});

test('shape: the name of a component node owner (qcom,gmu, picked by the walk of the status check) runs that check again; = fresh', () => {
  const text = BOARD.replace(/\};\n$/, [
    '\tgmu: gmu@3000 { compatible = "qcom,adreno-gmu-630.2", "qcom,adreno-gmu"; reg = <0x3000 0x100>; clocks = <&clk 1>; };',
    '\tgpu@4000 { compatible = "qcom,adreno-630.2"; reg = <0x4000 0x100>; qcom,gmx = <&gmu>; };',
    '};',
    '',
  ].join('\n'));
  const { first, edit } = setup(text);
  const about = (ds: { code: string; message: string }[]) => ds.filter((d) => d.code === 'supplier-disabled' && /gmu/.test(d.message));
  assert.equal(about(first.incremental.diagnostics).length, 0, 'no GPU owns the GMU: its suppliers do not matter');
  const { r, before, after } = edit('qcom,gmx = <&gmu>', 'qcom,gmu = <&gmu>');
  assert.equal(after.reshapePatches, before.reshapePatches + 1);
  assert.ok(about(r.incremental.diagnostics).length > 0, JSON.stringify(r.incremental.diagnostics.map((d) => d.message)));
});

test('readsShape: a value read, a name looked up (found or not), a rule', () => {
  const node = { name: 'n', properties: [] as TreeProperty[], children: [], labels: [], contributions: [] } as unknown as TreeNode;
  const p = { name: 'status', chunks: [], node } as unknown as TreeProperty;
  const r = new Reads();
  trackReads(r, () => getProperty(node, 'clocks'));
  assert.ok(readsShape(r, { names: new Set(['clocks']), props: [] }), 'a lookup that found nothing');
  assert.ok(!readsShape(r, { names: new Set(['clockz']), props: [] }));
  r.add(p);
  assert.ok(readsShape(r, { names: new Set(['other']), props: [p] }), 'a value read');
  r.addMatcher((n) => n.endsWith('-supply'));
  assert.ok(readsShape(r, { names: new Set(['vdd-supply']), props: [] }), 'a rule');
});

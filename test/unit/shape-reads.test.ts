// A keystroke that renames, adds or removes properties in one node (PatchResult.shape) keeps the supplier graph and
// the checks that read none of their names or values (tree/value-reads.ts: names looked up, rules picked by), and
// runs again exactly what did: each case below is compared with a fresh analysis, and each name is one that a
// particular lookup or rule reads (the graph's binding names, the cells check's, `status`, `regulator-*`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffBoard } from '../util/incremental-diff';
import { Reads, readsShape, RefCell, trackReads } from '../../server/src/tree/value-reads';
import { numberingStats } from '../../server/src/tree/patch-util';
import type { Analysis } from '../../server/src/analysis';
import { getProperty, type Cell, type ResolvedRef, type TreeNode, type TreeProperty } from '../../server/src/tree/types';

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

/** `board` with `lines` added at the end of its root node. */
function withNodes(board: string, lines: string[]): string {
  return board.replace(/\};\n$/, [...lines, '};', ''].join('\n'));
}

const setup = (text = BOARD) => diffBoard(text);

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

test('shape: a name the graph picks by its binding walking the node (clocks) decodes that property again; = fresh', () => {
  const { edit } = setup();
  const { r, before, after } = edit('clockz = <&clk 3 4>', 'clocks = <&clk 3 4>');
  assert.equal(after.reshapePatches, before.reshapePatches + 1);
  assert.equal(after.shapeKeeps, before.shapeKeeps, 'the graph read the name');
  assert.equal(after.shapePatches, before.shapePatches + 1, 'the renamed property alone decoded again');
  // the edge to the disabled clock controller (the graph's), and the cell count (the cells check's own walk)
  const edge = (ds: { code: string; message: string }[]) => ds.some((d) => d.code === 'supplier-disabled' && /&clk/.test(d.message));
  const count = (ds: { code: string; message: string }[]) => ds.some((d) => d.code === 'phandle-cells-mismatch' && /expects 1 cell/.test(d.message));
  const all = JSON.stringify(r.incremental.diagnostics.map((d) => `${d.code}: ${d.message}`));
  assert.ok(edge(r.incremental.diagnostics), all);
  assert.ok(count(r.incremental.diagnostics), all);
  const b = edit('clocks = <&clk 3 4>', 'clockz = <&clk 3 4>');
  const back = b.r.incremental.diagnostics;
  assert.ok(!edge(back) && !count(back));
  assert.equal(b.after.shapePatches, b.before.shapePatches + 1, 'its edges gone: decoded again under a name with no binding');
});

test('shape: a name other decodings look up (interrupt-parent) builds the graph again; remote-endpoint (whose edge is another node\'s) decodes that property again; = fresh', () => {
  const text = withNodes(BOARD, [
    '\tintc: interrupt-controller@2000 { compatible = "vendor,intc"; reg = <0x2000 0x100>; interrupt-controller; #interrupt-cells = <1>; status = "disabled"; };',
    '\tdev@6000 { compatible = "vendor,dev"; reg = <0x6000 0x10>; interrupt-parenx = <&intc>; interrupts = <5>; };',
    '\tsrc { port { src_out: endpoint { remote-endpoinx = <&sink_in>; }; }; };',
    '\tsink { port { sink_in: endpoint { remote-endpoint = <&src_out>; }; }; };',
  ]);
  const { edit } = setup(text);
  for (const [from, to] of [['interrupt-parenx', 'interrupt-parent'], ['interrupt-parent', 'interrupt-parenx']]) {
    const { before, after } = edit(`${from} = `, `${to} = `);
    assert.equal(after.reshapePatches, before.reshapePatches + 1, `${from} -> ${to} patched`);
    assert.equal(after.shapePatches, before.shapePatches, `${from} -> ${to}: not decoded alone`);
    assert.equal(after.shapeKeeps, before.shapeKeeps, `${from} -> ${to}: built again`);
  }
  // (the edge goes from the port's parent, src, to the remote's, sink: decoded alone, put in the build's order)
  const links = (a: Analysis) => a.graph.edges.filter((e) => e.binding === 'remote-endpoint').map((e) => `${e.consumer.name}>${e.supplier.name}`);
  for (const [from, to, edges] of [['remote-endpoinx', 'remote-endpoint', ['src>sink', 'sink>src']], ['remote-endpoint', 'remote-endpoinx', ['sink>src']]] as const) {
    const { r, before, after } = edit(`${from} = `, `${to} = `);
    assert.equal(after.reshapePatches, before.reshapePatches + 1, `${from} -> ${to} patched`);
    assert.equal(after.shapePatches, before.shapePatches + 1, `${from} -> ${to}: decoded alone`);
    assert.deepEqual(links(r.incremental), edges);
  }
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
  const text = withNodes(BOARD, [
    '\tgmu: gmu@3000 { compatible = "qcom,adreno-gmu-630.2", "qcom,adreno-gmu"; reg = <0x3000 0x100>; clocks = <&clk 1>; };',
    '\tgpu@4000 { compatible = "qcom,adreno-630.2"; reg = <0x4000 0x100>; qcom,gmx = <&gmu>; };',
  ]);
  const { first, edit } = setup(text);
  const about = (ds: { code: string; message: string }[]) => ds.filter((d) => d.code === 'supplier-disabled' && /gmu/.test(d.message));
  assert.equal(about(first.incremental.diagnostics).length, 0, 'no GPU owns the GMU: its suppliers do not matter');
  const { r, before, after } = edit('qcom,gmx = <&gmu>', 'qcom,gmu = <&gmu>');
  assert.equal(after.reshapePatches, before.reshapePatches + 1);
  assert.ok(about(r.incremental.diagnostics).length > 0, JSON.stringify(r.incremental.diagnostics.map((d) => d.message)));
});

// A node renamed (PatchResult.shape.node): what made text of its name or of a path through it (nodeRef, nodePath), or
// tested its name, runs again; the rest is kept, its positions at the name moved.
const NODES = withNodes(BOARD, [
  '\tbus@5000 {',
  '\t\tcompatible = "simple-bus";',
  '\t\t#address-cells = <1>;',
  '\t\t#size-cells = <1>;',
  '\t\tranges;',
  '\t\tserial@5100 { compatible = "vendor,uart"; reg = <0x5100 0x10>; clocks = <&clk 7>; };',
  '\t};',
  '\tmisc@6000 {',
  '\t\tcompatible = "simple-bus";',
  '\t\t#address-cells = <1>;',
  '\t\t#size-cells = <1>;',
  '\t\tranges;',
  '\t\tkeys { compatible = "gpio-keys"; clocks = <&clk 9>; };',
  '\t};',
  '\ttimer@7000 { compatible = "vendor,timer"; reg = <0x7000 0x10>; phandle = <0x77>; #clock-cells = <1>; };',
  '\tdev@8000 { compatible = "vendor,dev"; reg = <0x8000 0x10>; clocks = <0x77>; };',
  '\tdev@9000 { compatible = "vendor,dev"; reg = <0x9000 0x10>; clocks = <0x77 5>; };',
  '\tsoc@a000 {',
  '\t\tcompatible = "simple-bus";',
  '\t\t#address-cells = <1>;',
  '\t\t#size-cells = <1>;',
  '\t\tranges;',
  '\t\ttimer@a100 { compatible = "vendor,timer"; reg = <0xa100 0x10>; phandle = <0x78>; #clock-cells = <1>; };',
  '\t};',
  '\tdev@b000 { compatible = "vendor,dev"; reg = <0xb000 0x10>; clocks = <0x78 5>; };',
  '\tcpus {',
  '\t\t#address-cells = <1>;',
  '\t\t#size-cells = <0>;',
  '\t\tcpu0: cpu@0 { reg = <0>; clocks = <&clk 1>; };',
  '\t};',
  '\tdsi@2000 {',
  '\t\tcompatible = "vendor,dsi";',
  '\t\treg = <0x2000 0x10>;',
  '\t\tports {',
  '\t\t\t#address-cells = <1>;',
  '\t\t\t#size-cells = <0>;',
  '\t\t\tport@0 { reg = <0>; dsi_out: endpoint { remote-endpoint = <&panel_in>; }; };',
  '\t\t};',
  '\t};',
  '\tpanel { compatible = "vendor,panel"; port { panel_in: endpoint { remote-endpoint = <&dsi_out>; }; }; };',
]);

type Diags = { code: string; message: string; node?: string }[];
/** the findings of one consumer's clocks entry of the disabled &clk (not the summary at &clk) */
const clkEdge = (ds: Diags, re: RegExp) => ds.filter((d) => d.code === 'supplier-disabled' && d.message.startsWith('clocks supplier &clk') && re.test(d.message));

test('node renamed: a name nothing reads keeps the graph and every check, the spans at it moved; = fresh', () => {
  const { edit } = setup(NODES);
  // (a letter typed at the end of a name, then taken away: the parent edge and the definition's name span end there)
  for (const [from, to] of [['\tport@0 {', '\tport@00 {'], ['\tport@00 {', '\tport@0 {'], ['\tbus@5000 {', '\tbux@5000 {'], ['\tbux@5000 {', '\tbux@50000 {']]) {
    const { before, after } = edit(from, to);
    assert.equal(after.reshapePatches, before.reshapePatches + 1, `${from} -> ${to} was patched as a rename`);
    assert.equal(after.shapeKeeps, before.shapeKeeps + 1, `${from} -> ${to}: the graph was kept`);
    assert.equal(after.checksRerun, before.checksRerun, `${from} -> ${to}: no check ran again`);
  }
});

test('node renamed: a finding that names the node, or whose path goes through it, runs again; = fresh', () => {
  const { first, edit } = setup(NODES);
  assert.equal(clkEdge(first.incremental.diagnostics, /serial@5100/).length, 1, 'the serial port in the bus takes the disabled clock');
  // the node named in the message (nodeRef)
  let { r, before, after } = edit('\t\tserial@5100 {', '\t\tseriax@5100 {');
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1, 'the graph read no name: kept');
  assert.ok(after.checksRerun > before.checksRerun, 'the check whose finding names it ran again');
  assert.equal(clkEdge(r.incremental.diagnostics, /serial@5100/).length, 0);
  assert.equal(clkEdge(r.incremental.diagnostics, /seriax@5100/).length, 1);
  // the parent of a node named with it (no unit address, no label: `misc@6000/keys`)
  assert.equal(clkEdge(r.incremental.diagnostics, /misc@6000\/keys/).length, 1);
  ({ r, before, after } = edit('\tmisc@6000 {', '\tmisx@6000 {'));
  assert.ok(after.checksRerun > before.checksRerun);
  assert.equal(clkEdge(r.incremental.diagnostics, /misx@6000\/keys/).length, 1);
  // a node with neither label nor reference, named by the cells check (nodeRef) and the raw-phandle check (its path)
  const timer = (ds: Diags, name: string) => ds.filter((d) => (d.code === 'phandle-cells-mismatch' || d.code === 'raw-phandle') && d.message.includes(name)).map((d) => d.code).sort();
  assert.deepEqual(timer(r.incremental.diagnostics, 'timer@7000'), ['phandle-cells-mismatch', 'raw-phandle']);
  ({ r, before, after } = edit('\ttimer@7000 {', '\ttimex@7000 {'));
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1);
  assert.deepEqual(timer(r.incremental.diagnostics, 'timex@7000'), ['phandle-cells-mismatch', 'raw-phandle']);
  assert.ok(r.incremental.diagnostics.some((d) => d.code === 'raw-phandle' && d.message.includes('&{/timex@7000}')));
  // a node above such a node: only the path the raw-phandle check suggests goes through it
  const suggests = (ds: Diags) => ds.filter((d) => d.code === 'raw-phandle' && /timer@a100/.test(d.message)).map((d) => /&\{[^}]*\}/.exec(d.message)?.[0]);
  assert.deepEqual(suggests(r.incremental.diagnostics), ['&{/soc@a000/timer@a100}']);
  ({ r, before, after } = edit('\tsoc@a000 {', '\tsoc@a0000 {'));
  assert.deepEqual(suggests(r.incremental.diagnostics), ['&{/soc@a0000/timer@a100}']);
  // the node a finding is about (its `node` field, nodePath)
  const about = (ds: Diags) => ds.filter((d) => d.code === 'supplier-disabled' && /^\/regulator/.test(d.node ?? '')).map((d) => d.node);
  assert.deepEqual(about(first.incremental.diagnostics), ['/regulator-0']);
  ({ r, before, after } = edit('\treg0: regulator-0 {', '\treg0: regulator-00 {'));
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1);
  assert.ok(after.checksRerun > before.checksRerun);
  assert.deepEqual(about(r.incremental.diagnostics), ['/regulator-00']);
});

test('node renamed: a name a check tests (a CPU under /cpus) runs it again; = fresh', () => {
  const { first, edit } = setup(NODES);
  const cpu = (ds: Diags) => clkEdge(ds, /&cpu0/);
  assert.equal(cpu(first.incremental.diagnostics).length, 1);
  assert.match(cpu(first.incremental.diagnostics)[0].message, /cpufreq/, 'a CPU under /cpus');
  const { r, before, after } = edit('\tcpus {', '\tcpux {');
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1);
  const now = cpu(r.incremental.diagnostics);
  assert.equal(now.length, 1);
  assert.doesNotMatch(now[0].message, /cpufreq/, 'no CPU node now');
});

test('node renamed: a name the cycle check tests (a regulator\'s supply is taken late) runs it again; = fresh', () => {
  const text = ['/dts-v1/;', '/ {',
    '\ta: regulator-a { compatible = "vendor,pmic"; vin-supply = <&b>; };',
    '\tb: ldo-b { compatible = "vendor,pmic"; vin-supply = <&a>; };',
    '};', ''].join('\n');
  const { first, edit } = setup(text);
  const cycles = (ds: Diags) => ds.filter((d) => d.code === 'dependency-cycle').length;
  assert.equal(cycles(first.incremental.diagnostics), 0, 'a regulator takes its supply after it probes: no cycle');
  // (no finding names the node: only the test of its name read it)
  const { r, before, after } = edit('\ta: regulator-a {', '\ta: ldo-a {');
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1);
  assert.ok(after.checksRerun > before.checksRerun);
  assert.equal(cycles(r.incremental.diagnostics), 2, 'a cycle of two supplies now');
});

test('node renamed: a name the IPMMU allow-list tests (an SDHI at its address) runs the check again; = fresh', () => {
  const text = ['/dts-v1/;', '/ {',
    '\tipmmu_ds0: iommu@e6740000 { compatible = "renesas,ipmmu-r8a77965"; #iommu-cells = <1>; };',
    '\tsdhi0: mmc@ee100000 { iommus = <&ipmmu_ds0 32>; };',
    '};', ''].join('\n');
  const { first, edit } = diffBoard(text, { autoDetectIncludePaths: false, severities: { 'iommu-xlate-denied': 'on' } });
  const denied = (ds: Diags) => ds.filter((d) => d.code === 'iommu-xlate-denied').length;
  assert.equal(denied(first.incremental.diagnostics), 0, 'an SDHI at ee100000 is allowed');
  // (no finding names the node: only the allow-list's test of its name read it)
  const { r, before, after } = edit('\tsdhi0: mmc@ee100000 {', '\tsdhi0: mmx@ee100000 {');
  assert.equal(after.reshapePatches, before.reshapePatches + 1);
  assert.equal(denied(r.incremental.diagnostics), 1);
});

test('node renamed: a name the graph tests (ports, for remote-endpoint) builds the graph again; = fresh', () => {
  const { first, edit } = setup(NODES);
  const consumer = (a: typeof first.incremental) => a.graph.edges.filter((e) => e.binding === 'remote-endpoint').map((e) => e.consumer.name).sort();
  assert.deepEqual(consumer(first.incremental), ['dsi@2000', 'panel']);
  const { r, before, after } = edit('\t\tports {', '\t\tportz {');
  assert.equal(after.reshapePatches, before.reshapePatches + 1);
  assert.equal(after.shapeKeeps, before.shapeKeeps, 'the graph read the name: built again');
  assert.deepEqual(consumer(r.incremental), ['panel', 'portz']);
});

// A reference changed in a value (`<&late 2>` to `<&clk2 2>`): that property's edges are decoded again and the graph
// kept, unless dtc's numbering changed under a lookup of a node by phandle value (a raw phandle cell); then built again.
const REFS = [
  '/dts-v1/;',
  '/ {',
  '\t#address-cells = <1>;',
  '\t#size-cells = <1>;',
  '\tclk: clock-controller@100 { compatible = "vendor,clk"; reg = <0x100 0x10>; #clock-cells = <1>; };',
  '\tclk2: clock-controller@200 { compatible = "vendor,clk"; reg = <0x200 0x10>; #clock-cells = <1>; status = "disabled"; };',
  '\tearly: early@300 { compatible = "vendor,early"; reg = <0x300 0x10>; #clock-cells = <1>; };',
  '\tlate: late@400 { compatible = "vendor,late"; reg = <0x400 0x10>; #clock-cells = <1>; };',
  '\tdev@1000 { compatible = "vendor,dev"; reg = <0x1000 0x10>; clocks = <&early 1>; };',
  '\tdev@2000 { compatible = "vendor,dev"; reg = <0x2000 0x10>; clocks = <&clk 1>, <&late 2>; };',
  '};',
  '',
].join('\n');

test('reference changed: the property decoded again, the graph kept; = fresh', () => {
  const { first, edit } = setup(REFS);
  const suppliers = (a: typeof first.incremental) => a.graph.edges.filter((e) => e.kind === 'property' && e.consumer.name === 'dev@2000').map((e) => e.supplier.name);
  assert.deepEqual(suppliers(first.incremental), ['clock-controller@100', 'late@400']);
  const disabled = (ds: Diags) => ds.filter((d) => d.code === 'supplier-disabled' && /&clk2/.test(d.message));
  // another supplier (disabled, two cells); then a name that resolves to nothing; then the first again
  let { r, before, after } = edit('<&late 2>', '<&clk2 2>');
  assert.equal(after.reshapePatches, before.reshapePatches + 1);
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1, 'the graph was kept');
  assert.equal(after.shapePatches, before.shapePatches + 1, 'the property\'s edges decoded again');
  assert.deepEqual(suppliers(r.incremental), ['clock-controller@100', 'clock-controller@200']);
  assert.ok(disabled(r.incremental.diagnostics).length > 0);
  ({ r, before, after } = edit('<&clk2 2>', '<&clk2x 2>'));
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1);
  assert.deepEqual(suppliers(r.incremental), ['clock-controller@100']);
  assert.ok(r.incremental.diagnostics.some((d) => d.code === 'unresolved-reference'));
  assert.equal(disabled(r.incremental.diagnostics).length, 0);
  ({ r, before, after } = edit('<&clk2x 2>', '<&late 2>'));
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1);
  assert.deepEqual(suppliers(r.incremental), ['clock-controller@100', 'late@400']);
});

test('reference changed to nodes referenced before it: dtc\'s numbering kept as it is; = fresh', () => {
  // dev@4000 comes after the first references to clk, early and late: its references change no number
  const { first, edit } = setup(withNodes(REFS, ['\tdev@4000 {', '\t\tcompatible = "vendor,dev";', '\t\treg = <0x4000 0x10>;', '\t\tclocks = <&clk 3>;', '\t};']));
  const numbers = (a: typeof first.incremental) => [...a.tree.phandles].map(([k, v]) => `${k}:${v.name}`).sort().join(' ');
  const was = numbers(first.incremental);
  // (the first reference patch after a whole merge numbers in full: the merge records no first references)
  let r = edit('<&clk 3>', '<&early 3>').r;
  const before = { ...numberingStats };
  r = edit('<&early 3>', '<&clk 3>').r;
  r = edit('<&clk 3>', '<&late 3>').r;
  assert.equal(numberingStats.kept, before.kept + 2, 'kept twice');
  assert.equal(numbers(r.incremental), was);
  assert.ok(r.incremental.graph.edges.some((e) => e.consumer.name === 'dev@4000' && e.supplier.name === 'late@400'));
  // one not referenced before it (clk2): made again
  r = edit('<&late 3>', '<&clk2 3>').r;
  assert.equal(numberingStats.made, before.made + 1);
  assert.notEqual(numbers(r.incremental), was);
  // the first reference to clk2 taken away (to one referenced before): made again
  r = edit('<&clk2 3>', '<&clk 3>').r;
  assert.equal(numberingStats.made, before.made + 2);
  assert.equal(numbers(r.incremental), was);
  // a property typed in before it (its place among the node's properties moves; the body patch gives the node's
  // later items again and numbers in full), then the first reference to clk2 taken away again
  edit('<&clk 3>', '<&clk2 3>');
  assert.equal(numberingStats.made, before.made + 3);
  const typed = edit('\t\tclocks = <&clk2 3>;', '\t\tvendor,a = <1>;\n\t\tclocks = <&clk2 3>;');
  assert.equal(typed.after.mergePatches, typed.before.mergePatches + 1, 'patched as the node\'s body');
  r = edit('<&clk2 3>', '<&clk 3>').r;
  assert.equal(numberingStats.made, before.made + 4);
  assert.equal(numbers(r.incremental), was);
});

test('reference changed: dtc\'s numbering moves under a raw phandle cell: what looked it up runs again; = fresh', () => {
  // early takes phandle 1, clk 2, late 3: the raw cell <3 5> is late's, by dtc's numbering only
  const { first, edit } = setup(withNodes(REFS, ['\tdev@3000 { compatible = "vendor,dev"; reg = <0x3000 0x10>; clocks = <3 5>; };']));
  const raw = (ds: Diags) => ds.filter((d) => d.code === 'raw-phandle-unstable').map((d) => d.message.split('.')[0]);
  assert.deepEqual(raw(first.incremental.diagnostics), ['raw phandle 0x3 is &late only by dtc\'s numbering']);
  // early referenced no more: clk takes 1, late 2
  let { r, before, after } = edit('<&early 1>', '<&earlx 1>');
  assert.equal(after.shapeKeeps, before.shapeKeeps, 'the graph looked the raw cell up: not kept as it was');
  assert.equal(after.shapePatches, before.shapePatches + 2, 'the reference\'s property, then the raw cell\'s, decoded again: not the whole graph');
  assert.deepEqual(raw(r.incremental.diagnostics), []);
  assert.equal(r.incremental.tree.phandles.get(2)?.name, 'late@400');
  ({ r } = edit('<&earlx 1>', '<&early 1>'));
  assert.deepEqual(raw(r.incremental.diagnostics), ['raw phandle 0x3 is &late only by dtc\'s numbering']);
});

test('a value that held no reference gets one after dtc\'s numbering was made again: the next numbering walks it too; = fresh', () => {
  // dev@3000's value holds no reference at first: numbering again must walk it once it does
  const { edit } = setup(withNodes(REFS, ['\tdev@3000 { compatible = "vendor,dev"; reg = <0x3000 0x10>; vendor,data = <1 2>; };', '\tlone: lone@5000 { compatible = "vendor,lone"; reg = <0x5000 0x10>; };']));
  const numbers = (a: Analysis) => [...a.tree.phandles].map(([k, v]) => `${k}:${v.name}`).sort().join(' ');
  // a label renamed that references name, and back: numbered again twice (the second time from what the first knew)
  let { r } = edit('\tearly: early@300', '\tearlx: early@300');
  ({ r } = edit('\tearlx: early@300', '\tearly: early@300'));
  assert.doesNotMatch(numbers(r.incremental), /:lone@5000/);
  // the value takes a reference to a node nothing referenced: numbered again, lone gets a phandle
  ({ r } = edit('vendor,data = <1 2>', 'vendor,data = <&lone 2>'));
  assert.match(numbers(r.incremental), /:lone@5000/);
  ({ r } = edit('\tearly: early@300', '\tearlx: early@300'));
  assert.match(numbers(r.incremental), /:lone@5000/);
});

test('a label a path value names is merged in full; once the value is cut, patched; pasted back, merged in full; = fresh', () => {
  const { edit } = setup(withNodes(REFS, ['\taliases {', '\t\tclock0 = &clk2;', '\t};']));
  const relabel = (from: string, to: string) => edit(`\t${from}: clock-controller@200`, `\t${to}: clock-controller@200`);
  // (the alias's value is a path: a label it names is not patched)
  let { before, after } = relabel('clk2', 'clk2x');
  assert.equal(after.mergePatches, before.mergePatches, 'merged in full');
  ({ before, after } = relabel('clk2x', 'clk2'));
  // the alias cut (merged in full: a path value's reference is never patched), the label patched, the alias pasted
  // back, the label merged in full again
  edit('\t\tclock0 = &clk2;\n', '');
  ({ before, after } = relabel('clk2', 'clk2x'));
  assert.equal(after.mergePatches, before.mergePatches + 1, 'no path value names it: patched');
  ({ before, after } = relabel('clk2x', 'clk2'));
  edit('\taliases {\n', '\taliases {\n\t\tclock0 = &clk2;\n');
  ({ before, after } = relabel('clk2', 'clk2x'));
  assert.equal(after.mergePatches, before.mergePatches, 'the pasted path value names it again: merged in full');
});

test('label changed: dtc\'s numbering moves, but not under the raw phandle cell the graph looked up: the graph kept; = fresh', () => {
  // early takes phandle 1 (referenced first), clk 2, late 3: the raw cell <1 5> is early's, and stays early's
  const { first, edit } = setup(withNodes(REFS, ['\tdev@3000 { compatible = "vendor,dev"; reg = <0x3000 0x10>; clocks = <1 5>; };']));
  const raw = (ds: Diags) => ds.filter((d) => d.code === 'raw-phandle-unstable').map((d) => d.message.split('.')[0]);
  assert.deepEqual(raw(first.incremental.diagnostics), ['raw phandle 0x1 is &early only by dtc\'s numbering']);
  // late referenced by an unresolved name now: its phandle 3 goes, 1 and 2 stay
  let { r, before, after } = edit('\tlate: late@400', '\tlatx: late@400');
  assert.equal(after.reshapePatches, before.reshapePatches + 1);
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1, 'the graph looked up 1 only: kept');
  assert.equal(r.incremental.tree.phandles.get(3), undefined);
  assert.deepEqual(raw(r.incremental.diagnostics), ['raw phandle 0x1 is &early only by dtc\'s numbering']);
  ({ r, before, after } = edit('\tlatx: late@400', '\tlate: late@400'));
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1);
  assert.equal(r.incremental.tree.phandles.get(3)?.name, 'late@400');
  // early referenced no more: 1 is clk's now, and what looked 1 up reads otherwise (the property that looked it up
  // is decoded again, with the reference's)
  ({ r, before, after } = edit('<&early 1>', '<&earlx 1>'));
  assert.equal(after.shapeKeeps, before.shapeKeeps, 'not kept as it was');
  assert.equal(after.shapePatches, before.shapePatches + 2, 'the reference\'s property, then where 1 was looked up, decoded again');
  assert.deepEqual(r.incremental.graph.edges.filter((e) => e.kind === 'property' && e.consumer.name === 'dev@3000').map((e) => e.supplier.name), ['clock-controller@100']);
  assert.deepEqual(raw(r.incremental.diagnostics), ['raw phandle 0x1 is &clk only by dtc\'s numbering']);
});

test('label changed: dtc\'s numbering moves under the raw phandle cell the graph looked up: the reference\'s property and the raw cell\'s decoded again, the rest of the graph kept; = fresh', () => {
  // early takes phandle 1 (referenced first), clk 2, late 3: the raw cell <1 5> is early's
  const { first, edit } = setup(withNodes(REFS, ['\tdev@3000 { compatible = "vendor,dev"; reg = <0x3000 0x10>; clocks = <1 5>; };']));
  const suppliers = (a: typeof first.incremental, dev: string) => a.graph.edges.filter((e) => e.kind === 'property' && e.consumer.name === dev).map((e) => e.supplier.name);
  assert.deepEqual(suppliers(first.incremental, 'dev@3000'), ['early@300']);
  // the label &early names typed longer: early loses its phandle, clk takes 1, and the raw cell is clk's
  let { r, before, after } = edit('\tearly: early@300', '\tearlx: early@300');
  assert.equal(after.reshapePatches, before.reshapePatches + 1, 'patched as a label');
  assert.equal(after.shapeKeeps, before.shapeKeeps, 'not kept as it was');
  assert.equal(after.shapePatches, before.shapePatches + 1, 'the two properties decoded again at once, not the whole graph');
  assert.deepEqual(suppliers(r.incremental, 'dev@3000'), ['clock-controller@100']);
  assert.deepEqual(suppliers(r.incremental, 'dev@1000'), []);
  ({ r, before, after } = edit('\tearlx: early@300', '\tearly: early@300'));
  assert.equal(after.shapePatches, before.shapePatches + 1);
  assert.deepEqual(suppliers(r.incremental, 'dev@3000'), ['early@300']);
  assert.deepEqual(suppliers(r.incremental, 'dev@1000'), ['early@300']);
});

test('remote-endpoint: a label it names typed longer, or its value made another reference, decodes that property again, the graph kept; = fresh', () => {
  const text = withNodes(BOARD, [
    '\tsrc { port { src_out: endpoint { remote-endpoint = <&sink_in>; }; }; };',
    '\tsink { port { sink_in: endpoint { remote-endpoint = <&src_out>; }; }; };',
    '\tother { port { other_in: endpoint { remote-endpoint = <&src_out>; }; }; };',
  ]);
  const { first, edit } = setup(text);
  const links = (a: Analysis) => a.graph.edges.filter((e) => e.binding === 'remote-endpoint').map((e) => `${e.consumer.name}>${e.supplier.name}`);
  assert.deepEqual(links(first.incremental), ['src>sink', 'sink>src', 'other>src']);
  // the label src's link names: unresolved, its edge gone (the only property decoded again), then back
  let { r, before, after } = edit(' sink_in: endpoint', ' sink_inx: endpoint');
  assert.equal(after.reshapePatches, before.reshapePatches + 1, 'patched as a label');
  assert.equal(after.shapePatches, before.shapePatches + 1, 'the remote-endpoint naming it decoded again');
  assert.deepEqual(links(r.incremental), ['sink>src', 'other>src']);
  ({ r, before, after } = edit(' sink_inx: endpoint', ' sink_in: endpoint'));
  assert.equal(after.shapePatches, before.shapePatches + 1);
  assert.deepEqual(links(r.incremental), ['src>sink', 'sink>src', 'other>src']);
  // src's link made another reference: to other
  ({ r, before, after } = edit('remote-endpoint = <&sink_in>', 'remote-endpoint = <&other_in>'));
  assert.equal(after.shapePatches, before.shapePatches + 1, 'decoded again, not built');
  assert.deepEqual(links(r.incremental), ['src>other', 'sink>src', 'other>src']);
});

test('label changed: the properties whose references it names decoded again, the graph kept; = fresh', () => {
  const { first, edit } = setup(REFS);
  const suppliers = (a: typeof first.incremental) => a.graph.edges.filter((e) => e.kind === 'property' && e.consumer.name === 'dev@2000').map((e) => e.supplier.name);
  // a label no reference names: nothing reads it
  let { r, before, after } = edit('\tclk2: clock-controller@200', '\tclk3: clock-controller@200');
  assert.equal(after.reshapePatches, before.reshapePatches + 1);
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1);
  assert.equal(after.checksRerun, before.checksRerun, 'no check ran again');
  // a label a reference names: that reference is unresolved now, its edge gone; then resolved again
  ({ r, before, after } = edit('\tlate: late@400', '\tlatx: late@400'));
  assert.equal(after.reshapePatches, before.reshapePatches + 1);
  assert.equal(after.shapeKeeps, before.shapeKeeps + 1, 'the graph was kept');
  assert.equal(after.shapePatches, before.shapePatches + 1, 'the property holding the reference decoded again');
  assert.deepEqual(suppliers(r.incremental), ['clock-controller@100']);
  assert.ok(r.incremental.diagnostics.some((d) => d.code === 'unresolved-reference' && /"late"/.test(d.message)));
  ({ r } = edit('\tlatx: late@400', '\tlate: late@400'));
  assert.deepEqual(suppliers(r.incremental), ['clock-controller@100', 'late@400']);
  // a label a finding names (nodeRef): the check runs again
  ({ r } = edit('<&late 2>', '<&clk3 2>'));
  assert.ok(r.incremental.diagnostics.some((d) => d.code === 'supplier-disabled' && /&clk3\b/.test(d.message)));
  ({ r, before, after } = edit('\tclk3: clock-controller@200', '\tclk3: clk4: clock-controller@200'));
  assert.ok(after.checksRerun > before.checksRerun);
  ({ r, before, after } = edit('\tclk3: clk4: clock-controller@200', '\tclk5: clk3: clock-controller@200'));
  assert.ok(r.incremental.diagnostics.some((d) => d.code === 'supplier-disabled' && /&clk5\b/.test(d.message)), 'the first label names it');
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
  // a node's name read: a rename of it; its path: of it or of a node above it; neither: of one below it or beside it
  const parent = { name: 'bus', properties: [], children: [node], labels: [], contributions: [] } as unknown as TreeNode;
  const child = { name: 'c', properties: [], children: [], labels: [], contributions: [], parent: node } as unknown as TreeNode;
  const other = { name: 'o', properties: [], children: [], labels: [], contributions: [], parent } as unknown as TreeNode;
  (node as { parent?: TreeNode }).parent = parent;
  const none = new Set<string>();
  assert.ok(!readsShape(r, { names: none, props: [], node }), 'no node read yet');
  r.addNode(node);
  assert.ok(readsShape(r, { names: none, props: [], node }));
  assert.ok(!readsShape(r, { names: none, props: [], node: parent }), 'its name, not its path');
  r.addPath(node);
  assert.ok(readsShape(r, { names: none, props: [], node: parent }), 'its path');
  assert.ok(!readsShape(r, { names: none, props: [], node: child }));
  assert.ok(!readsShape(r, { names: none, props: [], node: other }));
  // a reference cell's number read, dtc's numbering made again (from either side: the record or the change the smaller)
  const q = { name: 'clocks', chunks: [], node } as unknown as TreeProperty;
  const cell = new RefCell(0, 4, 1n, { ref: { kind: 'labelRef', name: 'gcc', start: 0, end: 4 } } as unknown as ResolvedRef);
  const many = new Set<Cell>([cell, ...Array.from({ length: 5 }, (_, k) => new RefCell(k, k + 1, 2n, {} as ResolvedRef))]);
  assert.ok(!readsShape(r, { names: none, props: [], renumbered: many }));
  r.add(q);
  assert.ok(!readsShape(r, { names: none, props: [], renumbered: many }), 'the property that holds it read, not its number');
  assert.equal(trackReads(r, () => cell.value), 1n);
  assert.ok(readsShape(r, { names: none, props: [], renumbered: many }), 'its number read');
  assert.ok(readsShape(r, { names: none, props: [], renumbered: new Set([cell]) }));
  // a number read outside any record is recorded nowhere; a renumbering writes it without reading
  const quiet = new Reads();
  cell.value = 7n;
  assert.equal(cell.value, 7n);
  assert.ok(!quiet.refValues);
});

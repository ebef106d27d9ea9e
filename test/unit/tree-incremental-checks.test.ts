// After a keystroke's patch (tree/incremental.ts), the supplier graph and the checks run again only where they read
// what changed: a value's edges decoded again in place, the units of the cells and raw-phandle checks that read a
// changed value, the checks that read the graph after a graph patch (not a check that read none). Each edit is
// compared with a fresh analysis (test/util/incremental-diff.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kernelTreeIfPresent } from '../../scripts/kernel-tree';
import { benchEdit } from '../../scripts/bench/inproc';
import { prng } from '../../scripts/bench/stats';
import { boardEdits, diffBoard, diffRun } from '../util/incremental-diff';

test('incremental: a value the graph read has its edges decoded again in place and only the checks that read it run, = fresh', (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const dts = path.join(kernel, 'arch/arm64/boot/dts');
  // value edits only (every benchEdit with an odd index changes a digit in a cell list)
  const board = path.join(dts, 'qcom/sm8550-mtp.dts');
  const soc = path.join(dts, 'qcom/sm8550.dtsi');
  const run = diffRun({});
  assert.equal(run.step(board).diff, undefined);
  const rnd = prng(21);
  const texts = new Map([board, soc].map((f) => [f, fs.readFileSync(f, 'utf8')]));
  for (let i = 0; i < 80; i++) {
    const f = i % 3 === 0 ? board : soc;
    const text = texts.get(f)!;
    const e = benchEdit(text, rnd, 1);
    const next = text.slice(0, e.p) + e.insert + text.slice(e.p + e.remove);
    texts.set(f, next);
    run.fs.setOverlay(f, next);
    const r = run.step(board);
    assert.equal(r.diff, undefined, `edit ${i} of ${path.basename(f)} at ${e.p}: ${r.diff}`);
  }
  const s = run.host.incrementalStats;
  t.diagnostic(JSON.stringify(s));
  // some edits changed an argument of a supplier edge (clocks, interrupts, ...): its edges were patched, and
  // fewer checks than all ran again
  assert.ok(s.edgePatches >= 5, JSON.stringify(s));
  assert.ok(s.checksRerun > 0 && s.checksRerun < 9 * s.edgePatches, JSON.stringify(s));
  // of the cells check (a check made of units, one per property), only the properties that read the value ran again
  assert.ok(s.unitsRerun > 0, JSON.stringify(s));
});

test('incremental: the cells and raw-phandle checks run again only the properties that read a changed value, and findings come and go as fresh', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-cells-units-'));
  const board = path.join(dir, 'board.dts');
  const text = [
    '/dts-v1/;',
    '/ {',
    '	clk: clock-controller { #clock-cells = <1>; };',
    '	pd: power-controller { #power-domain-cells = <0>; };',
    '	a { clocks = <&clk 1>; power-domains = <&pd>; };',
    '	b { clocks = <&clk 2>, <&clk 3>; };',
    '	c { clocks = <&clk 4 5>; };',
    '};',
    '',
  ].join('\n');
  fs.writeFileSync(board, text);
  const run = diffRun({ autoDetectIncludePaths: false });
  const first = run.step(board);
  assert.equal(first.diff, undefined);
  const mismatches = (a: typeof first.incremental) => a.diagnostics.filter((d) => d.code === 'phandle-cells-mismatch').length;
  assert.equal(mismatches(first.incremental), 1, 'c has one argument too many');
  // [from, to, findings after, units run again: the property is a unit of the cells check and of the raw-phandle
  // check (2); when its edges change shape the property alone is decoded again, and the raw-phandle check (which
  // reads the graph) lists its units again and runs that property's (2 again)]
  const steps: [string, string, number, number][] = [
    ['<&clk 4 5>', '<&clk 4>', 0, 2], // c's finding goes (its one edge keeps its shape)
    ['<&clk 2>, <&clk 3>', '<&clk 2 7>, <&clk 3>', 1, 2], // b gets one (the 7 ends its edges: another shape)
    ['<&clk 1>', '<&clk 9>', 1, 2], // a: a value, no finding either way
    ['<&clk 3>', '<&clk 6>', 1, 2], // b's finding stays, made again
    ['<&clk 2 7>', '<&clk 2>', 0, 2],
  ];
  // a provider's #clock-cells: the properties that read it are decoded again and every check that reads the graph
  // runs again; the cells check runs again only the properties that read that count (the clocks of a, b, c, d and
  // e: 5 units), the raw-phandle check (whose units are the properties with edges) lists its units again and runs
  // only those whose edges were decoded again: at <2> b and e have edges (2), at <0> all five (5), at <1> all but d (4)
  // (d's and e's clocks, too short for one cell, have edges only with none)
  const cellsSteps: [string, string, number, number][] = [
    ['#clock-cells = <1>', '#clock-cells = <2>', 7, 2],
    ['#clock-cells = <2>', '#clock-cells = <0>', 5, 5],
    ['#clock-cells = <0>', '#clock-cells = <1>', 2, 4],
  ];
  const edit = boardEdits(run, board, text);
  for (const [from, to, want, units] of steps) {
    const { r, before, after } = edit(from, to);
    assert.equal(mismatches(r.incremental), want, `${from} -> ${to}`);
    assert.equal(after.mergeValuePatches, before.mergeValuePatches + 1, `${from} -> ${to} patched a value`);
    assert.equal(after.unitsRerun, before.unitsRerun + units, `${from} -> ${to}: units of the cells and raw-phandle checks run again`);
  }
  // (a node added: merged in full, then patched again)
  edit('\tc { clocks = <&clk 4>; };', '\tc { clocks = <&clk 4>; };\n\td { clocks = <&clk>; e { clocks = <&clk 1>, <&clk>; }; };');
  for (const [from, to, want, raw] of cellsSteps) {
    const { r, before, after } = edit(from, to);
    assert.equal(mismatches(r.incremental), want, `${from} -> ${to}: findings`);
    assert.equal(after.mergeValuePatches, before.mergeValuePatches + 1, `${from} -> ${to} patched a value`);
    assert.equal(after.unitsRerun, before.unitsRerun + 5 + raw, `${from} -> ${to}: the five clocks of the cells check and ${raw} of the raw-phandle check ran again`);
    assert.equal(after.cellsPatches, before.cellsPatches + 1, `${from} -> ${to}: the clocks decoded again, the graph patched`);
  }
});

test('incremental: a changed cell count, or a value whose edges change shape, runs again the checks that read the graph (not the graph-free iommu-map check), and the status and raw-phandle findings come and go as fresh', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-cells-graph-'));
  const board = path.join(dir, 'board.dts');
  const text = [
    '/dts-v1/;',
    '/ {',
    '	#address-cells = <1>;',
    '	#size-cells = <1>;',
    '	smmu: iommu@1000 { compatible = "arm,mmu-500", "arm,smmu-v2"; reg = <0x1000 0x1000>; #iommu-cells = <1>; #global-interrupts = <0>; };',
    '	clk: clock-controller@2000 { reg = <0x2000 0x100>; #clock-cells = <1>; status = "disabled"; };',
    '	ok: clock-controller@3000 { reg = <0x3000 0x100>; #clock-cells = <0>; };',
    '	pcie@4000 { reg = <0x4000 0x100>; iommu-map = <0x200 &smmu 0 0x100>; iommu-map-mask = <0xff>; };',
    '	dev@5000 { reg = <0x5000 0x100>; clocks = <&clk 1 &ok>; iommus = <&smmu 3>; };',
    '	fixed: clock-6000 { phandle = <0x10>; #clock-cells = <0>; };',
    '	raw@7000 { reg = <0x7000 0x100>; clocks = <&clk 5 0x10>; };',
    '	pd: power-controller@9000 { reg = <0x9000 0x100>; phandle = <0x20>; #power-domain-cells = <0>; status = "disabled"; };',
    '	user@a000 { reg = <0xa000 0x100>; power-domains = <0>; };',
    '	user@b000 { reg = <0xb000 0x100>; power-domains = <&pd>; };',
    '};',
    '',
  ].join('\n');
  fs.writeFileSync(board, text);
  const run = diffRun({ autoDetectIncludePaths: false });
  const first = run.step(board);
  assert.equal(first.diff, undefined);
  const count = (a: typeof first.incremental, code: string) => a.diagnostics.filter((d) => d.code === code).length;
  assert.equal(count(first.incremental, 'iommu-map-format'), 1, 'id-base 0x200 has bits outside the mask');
  assert.equal(count(first.incremental, 'supplier-disabled'), 5, 'dev and raw use disabled &clk, user@b000 disabled &pd (and the summaries at their status)');
  assert.equal(count(first.incremental, 'raw-phandle'), 1, 'raw names &fixed by its number');
  const edit = boardEdits(run, board, text);
  // [from, to, supplier-disabled findings after, raw-phandle findings after]: with &clk's #clock-cells at 2, dev's
  // clocks read &ok as &clk's second argument (no edge to &ok) and raw's 0x10 is an argument too (no raw phandle);
  // at 0, dev's 1 and raw's 5 are read as phandles of no node, which ends their decoding (no raw phandle either);
  // the disabled &clk stays a supplier throughout (the two findings of user@b000 and &pd throughout too)
  // (the fifth: the checks that run again after a cell count's edit, below)
  const steps: [string, string, number, number, number][] = [
    ['#clock-cells = <1>; status', '#clock-cells = <2>; status', 5, 0, 3],
    ['#clock-cells = <2>; status', '#clock-cells = <0>; status', 5, 0, 3],
    ['status = "disabled"', 'status = "okay"', 2, 0, 0],
    ['#clock-cells = <0>; status', '#clock-cells = <1>; status', 2, 1, 2],
    ['#clock-cells = <1>; status', '#clock-cells = <2>; status', 2, 0, 2],
    ['status = "okay"', 'status = "disabled"', 5, 0, 0],
    ['#clock-cells = <2>; status', '#clock-cells = <1>; status', 5, 1, 3],
    ['#iommu-cells = <1>', '#iommu-cells = <2>', 5, 1, 6],
  ];
  /** the edit (= fresh, boardEdits), its supplier-disabled and raw-phandle findings as expected; the iommu-map one stays */
  const findings = (from: string, to: string, disabled: number, raw: number) => {
    const e = edit(from, to);
    assert.equal(count(e.r.incremental, 'supplier-disabled'), disabled, `${from} -> ${to}: supplier-disabled`);
    assert.equal(count(e.r.incremental, 'raw-phandle'), raw, `${from} -> ${to}: raw-phandle`);
    assert.equal(count(e.r.incremental, 'iommu-map-format'), 1, `${from} -> ${to}: the iommu-map finding stays`);
    return e;
  };
  for (const [from, to, disabled, raw, want] of steps) {
    const { before, after } = findings(from, to, disabled, raw);
    if (!from.startsWith('#')) continue;
    assert.equal(after.cellsPatches, before.cellsPatches + 1, `${from} -> ${to}: the readers decoded again`);
    // the checks that read the edges decoded again, and the cells check's units that read the count; not iommu-map
    // (graph-free), nor iommu-providers and kernel-config, which read no graph on this tree (its SMMU's driver defers
    // probe; no kernel configuration): what would make them read one is a value they read. Clocks decoded again:
    // supplier status (an edge to disabled &clk), raw phandles (relisted), not the two checks of iommus entries;
    // supplier status only while &clk is disabled (an edge to an available supplier is none of its business); the
    // cycles not at all: the links to &ok and &clk taken out and put in at dev close no cycle, and the deadlock
    // search from the SMMU (through its parent link to /) does not go through dev. The
    // IOMMU's cells: the iommus and cycle checks, iommu-providers (it read the value), not supplier status (the
    // SMMU is available)
    assert.equal(after.checksRerun, before.checksRerun + want, `${from} -> ${to}: the checks run again`);
  }
  // a value whose edges change shape (a null phandle made a reference to a disabled node, and back): that property
  // alone decoded again, not the whole graph (it then reads the new supplier's cell count, like user@b000: a change
  // of that count decodes both again); its findings come and go as fresh
  const shapes: [string, string, number, number][] = [
    ['power-domains = <0>', 'power-domains = <0x20>', 6, 2],
    ['#power-domain-cells = <0>', '#power-domain-cells = <1>', 3, 1],
    ['#power-domain-cells = <1>', '#power-domain-cells = <0>', 6, 2],
    ['power-domains = <0x20>', 'power-domains = <0>', 5, 1],
    ['clocks = <&clk 5 0x10>', 'clocks = <&clk 5 0x0>', 5, 0],
    ['clocks = <&clk 5 0x0>', 'clocks = <&clk 5 0x10>', 5, 1],
  ];
  for (const [from, to, disabled, raw] of shapes) {
    const { before, after } = findings(from, to, disabled, raw);
    if (from.startsWith('#')) assert.equal(after.cellsPatches, before.cellsPatches + 1, `${from} -> ${to}: its readers decoded again`);
    else assert.equal(after.shapePatches, before.shapePatches + 1, `${from} -> ${to}: the property decoded again, the graph patched`);
  }
});

test('incremental: a check that read the graph only for an IOMMU whose driver cannot defer probe runs again after a graph patch there, and its finding comes and goes as fresh', () => {
  const text = [
    '/dts-v1/;',
    '/ {',
    '\tccu: clock-controller@3001000 { #clock-cells = <1>; #reset-cells = <1>; };',
    '\tiommu: iommu@30f0000 { compatible = "allwinner,sun50i-h6-iommu"; #iommu-cells = <1>; clocks = <&ccu 48>; };',
    '};',
    '',
  ].join('\n');
  // (a finding given on request)
  const { first, edit } = diffBoard(text, { autoDetectIncludePaths: false, severities: { 'iommu-probe-once': 'on' } });
  const once = (a: typeof first.incremental) => a.diagnostics.filter((d) => d.code === 'iommu-probe-once').length;
  assert.equal(once(first.incremental), 1, 'the probe-once driver has a supplier');
  // the reference resolves to nothing (its edge goes: a graph patch), then again (= fresh, boardEdits)
  let { r } = edit('clocks = <&ccu 48>', 'clocks = <&ccx 48>');
  assert.equal(once(r.incremental), 0);
  ({ r } = edit('clocks = <&ccx 48>', 'clocks = <&ccu 48>'));
  assert.equal(once(r.incremental), 1);
});

test('incremental: after a graph patch, a check runs again only when an edge it looks at came or went, or it read the probe report; = fresh', () => {
  // two arm-smmu-v3 masters with one stream ID: which one loses it is the probe simulation's prediction, and the rtc's
  // clock decides it (a disabled clock: the rtc never probes, the gpio keeps its stream)
  const { edit } = diffBoard([
    '/dts-v1/;',
    '/ {',
    '	#address-cells = <1>;',
    '	#size-cells = <1>;',
    '	smmu3: iommu@1000 { compatible = "arm,smmu-v3"; reg = <0x1000 0x100>; #iommu-cells = <1>; };',
    '	clkoff: clock-controller@8000 { compatible = "fixed-clock"; reg = <0x8000 0x10>; #clock-cells = <0>; status = "disabled"; };',
    '	clkon: clock-controller@9000 { compatible = "fixed-clock"; reg = <0x9000 0x10>; #clock-cells = <0>; };',
    '	rtc@3000 { compatible = "arm,pl031", "arm,primecell"; reg = <0x3000 0x100>; clock-names = "apb_pclk"; clocks = <&clkon>; iommus = <&smmu3 0x42>; };',
    '	gpio@4000 { compatible = "arm,pl061", "arm,primecell"; reg = <0x4000 0x100>; clocks = <&clkon>; clock-names = "apb_pclk"; iommus = <&smmu3 0x42>; };',
    '	dma@5000 { reg = <0x5000 0x100>; dmas = <&clkon>; };',
    '};',
    '',
  ].join('\n'));
  const conflicts = (r: ReturnType<typeof edit>['r']) => r.incremental.diagnostics.filter((d) => d.code === 'iommu-stream-conflict').map((d) => d.message);
  // an optional link (dmas) to another supplier: no check looks at it (the cycles' links are mandatory, supplier status
  // skips optional ones but the IOMMUs', iommu-consumer reads iommus entries): three run again, the cells check (it
  // read the value), raw phandles (its units listed again) and iommu-streams, which read the probe report (six before)
  let e = edit('dmas = <&clkon>', 'dmas = <&clkoff>');
  assert.equal(e.after.shapePatches, e.before.shapePatches + 1, 'the dmas entry decoded again');
  assert.equal(e.after.checksRerun, e.before.checksRerun + 3, 'cells, raw phandles, iommu-streams');
  assert.ok(conflicts(e.r).every((m) => /gpio@4000 is predicted to probe second/.test(m)), JSON.stringify(conflicts(e.r)));
  // the rtc's clock disabled: an edge supplier status and the cycles look at; iommu-streams looks at iommus entries
  // only, but its words read the probe report, which every edge makes: it runs again, and says so
  e = edit('clock-names = "apb_pclk"; clocks = <&clkon>', 'clock-names = "apb_pclk"; clocks = <&clkoff>');
  assert.equal(e.after.shapePatches, e.before.shapePatches + 1);
  assert.equal(conflicts(e.r).length, 2);
  assert.ok(conflicts(e.r).every((m) => /whichever of the two probes second/.test(m)), JSON.stringify(conflicts(e.r)));
  e = edit('clock-names = "apb_pclk"; clocks = <&clkoff>', 'clock-names = "apb_pclk"; clocks = <&clkon>');
  assert.ok(conflicts(e.r).every((m) => /gpio@4000 is predicted to probe second/.test(m)), JSON.stringify(conflicts(e.r)));
});

test('incremental: the cycles check runs again after a graph patch only for a link that closes a cycle, is inside one, or goes through a deadlock search; its findings come and go as fresh', () => {
  const { first, edit } = diffBoard([
    '/dts-v1/;',
    '/ {',
    '	#address-cells = <1>;',
    '	#size-cells = <1>;',
    '	smmu: iommu@1000 { compatible = "arm,mmu-500", "arm,smmu-v2"; reg = <0x1000 0x100>; #iommu-cells = <1>; #global-interrupts = <0>; power-domains = <&pd>; };',
    '	pd: power-controller@2000 { reg = <0x2000 0x100>; #power-domain-cells = <0>; resets = <&w 0>; };',
    '	x: reset-controller@3000 { reg = <0x3000 0x100>; #reset-cells = <1>; resets = <&y 0>; };',
    '	y: reset-controller@4000 { reg = <0x4000 0x100>; #reset-cells = <1>; resets = <&z 0>; };',
    '	z: reset-controller@5000 { reg = <0x5000 0x100>; #reset-cells = <1>; resets = <&w 0>; };',
    '	w: reset-controller@6000 { reg = <0x6000 0x100>; #reset-cells = <1>; };',
    '	v: reset-controller@7000 { reg = <0x7000 0x100>; #reset-cells = <1>; };',
    '	gpu: gpu@8000 { reg = <0x8000 0x100>; #reset-cells = <1>; iommus = <&smmu 1>; };',
    '};',
    '',
  ].join('\n'));
  const count = (r: typeof first, code: string) => r.incremental.diagnostics.filter((d) => d.code === code).length;
  assert.equal(count(first, 'dependency-cycle'), 0);
  assert.equal(count(first, 'iommu-probe-deadlock'), 0);
  const rerun = (e: ReturnType<typeof edit>) => {
    assert.equal(e.after.shapePatches, e.before.shapePatches + 1, 'the resets entry decoded again, the graph patched');
    return e.after.checksRerun - e.before.checksRerun;
  };
  // z's reset from &w to &v: a link taken out and one put in between nodes in no cycle, off the SMMU's search (the
  // SMMU, its power domain, /): the same checks as for any reset entry, not the cycles
  const base = rerun(edit('#reset-cells = <1>; resets = <&w 0>; };\n\tw:', '#reset-cells = <1>; resets = <&v 0>; };\n\tw:'));
  // to &x: x -> y -> z -> x closes; the cycles check runs too, and reports the cycle
  let e = edit('resets = <&v 0>; };\n\tw:', 'resets = <&x 0>; };\n\tw:');
  assert.equal(rerun(e), base + 1, 'a link that closes a cycle');
  assert.ok(count(e.r, 'dependency-cycle') > 0);
  // back to &w: a link inside the component taken out
  e = edit('resets = <&x 0>; };\n\tw:', 'resets = <&w 0>; };\n\tw:');
  assert.equal(rerun(e), base + 1, 'a link inside a component');
  assert.equal(count(e.r, 'dependency-cycle'), 0);
  // the power domain's reset: its node is on the SMMU's search
  e = edit('#power-domain-cells = <0>; resets = <&w 0>;', '#power-domain-cells = <0>; resets = <&v 0>;');
  assert.equal(rerun(e), base + 1, 'a link of a node the deadlock search went through');
  // to the GPU, which is behind the SMMU: the SMMU needs its power domain, which needs the GPU
  e = edit('#power-domain-cells = <0>; resets = <&v 0>;', '#power-domain-cells = <0>; resets = <&gpu 0>;');
  assert.ok(count(e.r, 'iommu-probe-deadlock') > 0);
  e = edit('#power-domain-cells = <0>; resets = <&gpu 0>;', '#power-domain-cells = <0>; resets = <&w 0>;');
  assert.equal(count(e.r, 'iommu-probe-deadlock'), 0);
});

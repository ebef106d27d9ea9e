// A keystroke's analysis leaves what follows the edit to move later (tree/incremental.ts MergeMemo.pendingTree and
// the parser's deferred moves: settled after the diagnostics are out); what reads positions before that, the binding
// findings carried over to the analysis, reads them through Analysis.spanNow. Each is compared with a fresh analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, type Analysis, type AnalysisOptions } from '../../server/src/analysis';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { BindingsHost } from '../../server/src/bindings';
import { reportFindings, type BindingFinding } from '../../server/src/bindings/report';
import type { LiveTree } from '../../server/src/tree/types';
import { fingerprint } from '../util/incremental-diff';
import { fixture } from '../util/paths';

/** The features fixture's board and SoC .dtsi, with the options they are analysed with. */
function demoBoard(): { options: AnalysisOptions; board: string; soc: string } {
  const dir = fixture('features');
  return { options: { includePaths: [path.join(dir, 'include')], autoDetectIncludePaths: false }, board: path.join(dir, 'demo-board.dts'), soc: path.join(dir, 'demo-soc.dtsi') };
}

/**
 * An incremental host over an overlay file system (`more`: options that need that file system), and `steps`: its
 * analysis of `board` run stage by stage to the end, as the language server runs it (nothing settled).
 */
function stepped(board: string, options: AnalysisOptions, more: (fs: OverlayFileSystem) => AnalysisOptions = () => ({})) {
  const fs0 = new OverlayFileSystem(new NodeFileSystem());
  const host = new AnalysisHost(fs0, { ...options, ...more(fs0), incremental: true });
  const steps = (): Analysis => {
    const g = host.analyzeSteps(board);
    for (;;) { const r = g.next(); if (r.done) return r.value; }
  };
  // `from` replaced by `to` in the text of `file` (its overlay), then steps(), which must have patched the tree
  const texts = new Map<string, string>();
  const patched = (file: string, from: string, to: string): Analysis => {
    const text = texts.get(file) ?? fs.readFileSync(file, 'utf8');
    assert.ok(text.includes(from), from);
    const now = text.replace(from, to);
    texts.set(file, now);
    fs0.setOverlay(file, now);
    const before = host.incrementalStats.mergePatches;
    const a = steps();
    assert.equal(host.incrementalStats.mergePatches, before + 1, `${to}: patched`);
    return a;
  };
  return { fs0, host, steps, patched };
}

test('incremental: a keystroke analysis run in steps leaves the AST after the edit unmoved until settle or the first read, = fresh either way', () => {
  const { options, board, soc } = demoBoard();
  const { fs0, host, steps } = stepped(board, options);
  host.analyze(board);
  let text = fs.readFileSync(soc, 'utf8');
  // spaces near the top of the .dtsi: everything after them moves
  for (let i = 0; i < 6; i++) {
    const p = text.indexOf('\n', text.indexOf('{')) + 1;
    text = text.slice(0, p) + ' '.repeat(i + 1) + text.slice(p);
    fs0.setOverlay(soc, text);
    const before = host.incrementalStats.mergePatches;
    const a = steps();
    assert.equal(host.incrementalStats.mergePatches, before + 1, `edit ${i} patched the tree`);
    // even edits: the AST read first (it settles), odd ones: never settled here (the next parse copies instead)
    if (i % 2 === 0) assert.equal(fingerprint(a), fingerprint(new AnalysisHost(fs0, options).analyze(board)), `edit ${i}`);
  }
  const last = steps();
  last.settle();
  last.settle();
  assert.equal(fingerprint(last), fingerprint(new AnalysisHost(fs0, options).analyze(board)));
});

test('incremental: binding findings of nodes renamed, added or removed by a keystroke\'s patch land where a fresh analysis puts them', () => {
  const { options, board, soc } = demoBoard();
  const { fs0, host, patched } = stepped(board, options);
  const first = host.analyze(board);
  const findings: BindingFinding[] = [
    { node: '/soc@0/serial@a00000', code: 'binding-missing-required', message: 'm' },
    { node: '/soc@0/clock-controllerx@100000', code: 'binding-missing-required', message: 'm' },
    { node: '/soc@0/extra', property: 'reg', code: 'binding-item-count', message: 'v' },
  ];
  // (the nodes by path of the first tree, as the language server's carried-over findings ask for them)
  assert.equal(reportFindings(findings, first.tree, first.pp.map).length, 1);
  const edits: [string, string][] = [
    ['\t\tgcc: clock-controller@100000 {', '\t\tgcc: clock-controllerx@100000 {'], // renamed in place (tree/reshape.ts renameNode)
    ['<&apps_smmu 0x801 0x400>;\n\t\t};\n', '<&apps_smmu 0x801 0x400>;\n\t\t};\n\t\textra { reg = <1>; };\n'], // a node pasted (tree/body-patch.ts)
    ['\t\textra { reg = <1>; };\n', ''], // and cut
    ['\t\tgcc: clock-controllerx@100000 {', '\t\tgcc: clock-controller@100000 {'],
  ];
  const counts: number[] = [];
  for (const [from, to] of edits) {
    const a = patched(soc, from, to);
    const fresh = new AnalysisHost(fs0, options).analyze(board);
    const expected = reportFindings(findings, fresh.tree, fresh.pp.map);
    assert.deepEqual(reportFindings(findings, a.unsettledTree!, a.pp.map, undefined, a.spanNow), expected, to);
    counts.push(expected.length);
  }
  assert.deepEqual(counts, [2, 3, 2, 1]);
});

test('incremental: a white-space keystroke leaves the tree\'s own spans to settle; spanNow and the binding findings see them where they are, = fresh', () => {
  const { options, board, soc } = demoBoard();
  const { fs0, host, steps } = stepped(board, options);
  host.analyze(board);
  const findings: BindingFinding[] = [
    { node: '/soc@0/serial@a00000', code: 'binding-missing-required', message: 'm' },
    { node: '/soc@0/iommu@15000000', property: 'compatible', code: 'binding-unknown-property', message: 'u' },
    { node: '/soc@0/clock-controller@100000', property: 'reg', code: 'binding-item-count', message: 'v' },
  ];
  let text = fs.readFileSync(soc, 'utf8');
  for (let i = 0; i < 5; i++) {
    // spaces before the SoC node (everything after them moves); every other keystroke follows the last unsettled
    const p = text.indexOf('\tsoc: soc@0');
    text = text.slice(0, p) + ' '.repeat(i + 1) + text.slice(p);
    fs0.setOverlay(soc, text);
    const before = host.incrementalStats.mergePatches;
    const a = steps();
    assert.equal(host.incrementalStats.mergePatches, before + 1, `edit ${i} patched the tree`);
    const fresh = new AnalysisHost(fs0, options).analyze(board);
    const tree = a.unsettledTree!;
    const uart = (t: typeof tree) => t.labels.get('uart0')!.node.contributions[0];
    // the spans of the tree itself lag until settled (a test of the deferral itself: without it they are moved)
    assert.notEqual(uart(tree).start, uart(fresh.tree).start, `edit ${i}: the tree's spans wait for settle`);
    assert.deepEqual(a.spanNow!(uart(tree), tree.labels.get('uart0')!.node), { start: uart(fresh.tree).start, end: uart(fresh.tree).end });
    assert.deepEqual(reportFindings(findings, tree, a.pp.map, undefined, a.spanNow), reportFindings(findings, fresh.tree, fresh.pp.map));
    assert.equal(reportFindings(findings, fresh.tree, fresh.pp.map).length, 3);
    // the diagnostics went out right already; the tree once read through the analysis is settled
    assert.deepEqual(a.diagnostics, fresh.diagnostics, `edit ${i}`);
    if (i % 2 === 1) assert.equal(fingerprint(a), fingerprint(fresh), `edit ${i}`);
  }
  const last = steps();
  last.settle();
  assert.equal(fingerprint(last), fingerprint(new AnalysisHost(fs0, options).analyze(board)));
});

test('incremental: in a Linux tree with the language server\'s in-process bindings host (Zephyr only), a white-space keystroke still leaves the tree\'s spans to settle; = fresh', () => {
  const tree = fixture('bindings/linux');
  const board = path.join(tree, 'arch/arm64/boot/dts/acme/board.dts');
  const options: AnalysisOptions = { autoDetectIncludePaths: false };
  // as lsp/configuration.ts makes it: Linux trees are validated in the bindings worker
  const { fs0, host, steps } = stepped(board, options, (fs) => ({ bindings: new BindingsHost(fs, { linux: false }) }));
  assert.equal(host.analyze(board).flavour, 'linux');
  let text = fs.readFileSync(board, 'utf8');
  for (let i = 0; i < 3; i++) {
    const p = text.indexOf('\tgood: widget@2000');
    text = text.slice(0, p) + ' ' + text.slice(p);
    fs0.setOverlay(board, text);
    const a = steps();
    const fresh = new AnalysisHost(fs0, options).analyze(board);
    const widget = (t: LiveTree) => t.labels.get('good')!.node.contributions[0];
    assert.notEqual(widget(a.unsettledTree!).start, widget(fresh.tree).start, `edit ${i}: the tree's spans wait for settle`);
    assert.deepEqual(a.spanNow!(widget(a.unsettledTree!), a.unsettledTree!.labels.get('good')!.node), { start: widget(fresh.tree).start, end: widget(fresh.tree).end });
    assert.deepEqual(a.diagnostics, fresh.diagnostics.filter((d) => !d.code.startsWith('binding-')), `edit ${i}`);
  }
  const last = steps();
  last.settle();
  const fresh = new AnalysisHost(fs0, options).analyze(board);
  assert.equal(fingerprint(last), fingerprint({ ...fresh, diagnostics: fresh.diagnostics.filter((d) => !d.code.startsWith('binding-')) } as Analysis));
});

test('incremental: a patch of one node moves its subtree\'s spans and the label table at once, the other nodes\' at settle; spanNow, the label table and the settled tree = fresh', () => {
  const { options, board, soc } = demoBoard();
  const { fs0, host, patched } = stepped(board, options);
  host.analyze(board);
  const node = (t: LiveTree, label: string) => t.labels.get(label)?.node ?? t.root.children.find((c) => c.name === label)!;
  const labelSpans = (t: LiveTree) => [...t.labels].map(([k, v]) => `${k}@${v.span.start}-${v.span.end}`).sort();
  const edits: { from: string; to: string; changed: string; later: string }[] = [
    // a labelled child pasted into gcc's body (tree/body-patch.ts: the label table made again)
    { from: '\t\t\tclocks = <&xo>;\n', to: '\t\t\tclocks = <&xo>;\n\t\t\tpll: pll { #clock-cells = <0>; };\n', changed: 'gcc', later: 'uart0' },
    // a value typed longer in the SMMU (tree/incremental.ts)
    { from: 'reg = <0x15000000 0x100000>;', to: 'reg = <0x15000000 0x1000000>;', changed: 'apps_smmu', later: 'gpu' },
    // a property renamed (tree/reshape.ts renameProperty)
    { from: '\t\t\t#global-interrupts = <1>;', to: '\t\t\t#global-interruptsx = <1>;', changed: 'apps_smmu', later: 'uart0' },
    // a node relabelled, no reference naming it (relabelNode: the label table made again); the board's chosen after it
    { from: '\tsoc: soc@0 {', to: '\tsocx: soc@0 {', changed: 'socx', later: 'chosen' },
    // a label that references name (they resolve to nothing now, then again): the labels after it, outside it
    { from: '\t\tgcc: clock-controller@100000 {', to: '\t\tgccx: clock-controller@100000 {', changed: 'gccx', later: 'uart0' },
    { from: '\t\tgccx: clock-controller@100000 {', to: '\t\tgcc: clock-controller@100000 {', changed: 'gcc', later: 'uart0' },
    // the child cut again
    { from: '\t\t\tpll: pll { #clock-cells = <0>; };\n', to: '', changed: 'gcc', later: 'apps_smmu' },
  ];
  const lagged: string[] = [];
  for (const { from, to, changed, later } of edits) {
    const a = patched(soc, from, to);
    const fresh = new AnalysisHost(fs0, options).analyze(board);
    const tree = a.unsettledTree!;
    const span = (t: LiveTree, label: string) => node(t, label).contributions[0];
    // the changed node: moved already (spanNow does not move it again); a node after it: not yet, spanNow knows where
    assert.equal(span(tree, changed).start, span(fresh.tree, changed).start, `${to}: ${changed} moved at once`);
    assert.deepEqual(a.spanNow!(span(tree, changed), node(tree, changed)), { start: span(fresh.tree, changed).start, end: span(fresh.tree, changed).end });
    // (unless something read the tree's spans before the analysis returned: the checks run again, a graph built again)
    if (span(tree, later).start !== span(fresh.tree, later).start) lagged.push(changed);
    assert.deepEqual(a.spanNow!(span(tree, later), node(tree, later)), { start: span(fresh.tree, later).start, end: span(fresh.tree, later).end });
    assert.deepEqual(labelSpans(tree), labelSpans(fresh.tree), `${to}: the label table`);
    assert.deepEqual(a.diagnostics, fresh.diagnostics, to);
    // read through the analysis: settled
    assert.equal(fingerprint(a), fingerprint(fresh), to);
  }
  // the value typed longer, the property renamed and the node relabelled left the other nodes to settle
  assert.deepEqual(lagged, ['apps_smmu', 'apps_smmu', 'socx']);
});

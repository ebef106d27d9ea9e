// Bindings in the editor features: hover, completion, signature help inside < >, go to type definition,
// on the Linux and the Zephyr fixture trees (test/fixtures/bindings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, type Analysis } from '../../server/src/analysis';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { BindingsHost } from '../../server/src/bindings';
import { MemoryBindingsCache } from '../../server/src/bindings/cache';
import type { BindingDocs } from '../../server/src/bindings/docs';
import { bindingCompletions, bindingHover, getSignatureHelp, getTypeDefinition } from '../../server/src/features';
import { fixture } from '../util/paths';

function setup(board: string): { a: Analysis; docs: BindingDocs; text: string } {
  const nfs = new NodeFileSystem();
  const bindings = new BindingsHost(nfs, { installedCore: false, cache: new MemoryBindingsCache() });
  const a = new AnalysisHost(nfs, { bindings }).analyze(board);
  const docs = bindings.docsFor(a.tree, a.pp.map, a.bindingsInfo);
  assert.ok(docs, 'bindings found');
  return { a, docs, text: fs.readFileSync(board, 'utf8') };
}

/** Offset of `needle` (plus shift) after the first `after` in the text. */
function at(text: string, after: string, needle: string, shift = 0): number {
  const i = text.indexOf(needle, text.indexOf(after));
  assert.ok(i >= 0, needle);
  return i + shift;
}

const LINUX = fixture('bindings/linux/arch/arm64/boot/dts/acme/board.dts');
const L = setup(LINUX);

test('binding hover: a node shows its binding, a property what the binding says of it', () => {
  const n = bindingHover(L.a, L.docs, LINUX, at(L.text, 'good:', 'widget@2000', 2));
  assert.match(n!.markdown, /^\*\*Binding\*\* \[`acme\/acme,widget\.yaml`\]\(file:\/\/.*acme,widget\.yaml\): ACME widget controller/);
  assert.match(n!.markdown, /made up for the tests/);
  assert.match(n!.markdown, /Required: `compatible`, `reg`, `clocks`/);
  const p = bindingHover(L.a, L.docs, LINUX, at(L.text, 'good:', 'acme,mode', 3));
  assert.match(p!.markdown, /^\*\*`acme,mode`\*\* — type `string` · default `"slow"` · one of `"fast"`, `"slow"`/);
  assert.match(p!.markdown, /How fast the widget spins/);
  const c = bindingHover(L.a, L.docs, LINUX, at(L.text, 'good:', 'clocks', 1));
  assert.match(c!.markdown, /0\. core clock\n1\. bus clock/);
});

test('binding completion: allowed properties (required first), enum values, documented compatibles', () => {
  const body = at(L.text, 'good:', 'acme,mode');
  const lineStart = L.text.lastIndexOf('\n', body) + 1;
  const edited = L.text.slice(0, lineStart) + '\t\tacme,g\n' + L.text.slice(lineStart);
  const off = lineStart + '\t\tacme,g'.length;
  const names = bindingCompletions(L.a, L.docs, LINUX, off, lineStart, edited).map((x) => x.label);
  assert.deepEqual(names, ['acme,gain']);
  const all = bindingCompletions(L.a, L.docs, LINUX, lineStart + 2, lineStart, L.text.slice(0, lineStart) + '\t\t' + L.text.slice(lineStart));
  assert.ok(all.some((x) => x.label === 'interrupts') && !all.some((x) => x.label === 'acme,mode'), 'properties not yet present');
  const m = at(L.text, 'good:', 'acme,mode = "', 'acme,mode = "'.length);
  const modeText = L.text.slice(0, m) + L.text.slice(m + 'fast'.length);
  assert.deepEqual(bindingCompletions(L.a, L.docs, LINUX, m, m, modeText).map((x) => x.label), ['fast', 'slow']);
  const cpos = at(L.text, 'good:', '"acme,widget-v1"', 1 + 'acme,wid'.length);
  const compat = bindingCompletions(L.a, L.docs, LINUX, cpos, cpos, L.text).map((x) => x.label);
  assert.deepEqual(compat, ['acme,widget-v1', 'acme,widget-v2']);
});

test('signature help inside < >: phandle groups with the provider, reg address and size cells', () => {
  const s = getSignatureHelp(L.a, L.docs, LINUX, at(L.text, 'good:', '<&clk 2>', 6));
  assert.ok(s);
  assert.match(s.label, /^clocks\[1\]: <&clk /);
  assert.equal(s.activeParameter, 1);
  assert.match(s.documentation ?? '', /bus clock/);
  // right after the phandle: the provider; in white space before a cell: that cell (the file has a comment the
  // preprocessor drops, so file and analysed offsets differ)
  assert.equal(getSignatureHelp(L.a, L.docs, LINUX, at(L.text, 'good:', '<&clk 2>', 5))?.activeParameter, 0);
  const spaced = L.text.replace('<&clk 2>', '<&clk  2>');
  const ofs = new OverlayFileSystem(new NodeFileSystem());
  ofs.setOverlay(LINUX, spaced);
  const bh = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache: new MemoryBindingsCache() });
  const a2 = new AnalysisHost(ofs, { bindings: bh }).analyze(LINUX);
  const w = getSignatureHelp(a2, bh.docsFor(a2.tree, a2.pp.map, a2.bindingsInfo), LINUX, at(spaced, 'good:', '<&clk  2>', 6));
  assert.equal(w?.activeParameter, 1);
  const r = getSignatureHelp(L.a, L.docs, LINUX, at(L.text, 'good:', '0x100>', 1));
  assert.deepEqual(r!.parameters.map((x) => x.label), ['address', 'size']);
  assert.equal(r!.activeParameter, 1);
});

test('signature help inside iommus = < >: the IOMMU model\'s cell names for the provider\'s driver', () => {
  const f = fixture('checks/iommu-cells-ok.dts');
  const text = fs.readFileSync(f, 'utf8');
  const a = new AnalysisHost(new NodeFileSystem()).analyze(f);
  // arm,mmu-500 with #iommu-cells = <2>: stream ID and SMR mask (arm-smmu's of_xlate)
  const s = getSignatureHelp(a, undefined, f, text.indexOf('0x7f>') + 1);
  assert.deepEqual(s?.parameters.map((x) => x.label), ['&smmu2', 'stream ID', 'SMR mask']);
  assert.equal(s?.activeParameter, 2);
  assert.match(s?.label ?? '', /^iommus\[0\]: <&smmu2 stream ID SMR mask>/);
  const second = getSignatureHelp(a, undefined, f, text.indexOf('0x101>') + 1);
  assert.equal(second?.label, 'iommus[1]: <&smmu stream ID>');
});

test('go to type definition: the property in the binding, the binding of a node', () => {
  const [p] = getTypeDefinition(L.a, L.docs, LINUX, at(L.text, 'good:', 'acme,mode', 2));
  assert.ok(p.file.endsWith('acme,widget.yaml'));
  assert.equal(fs.readFileSync(p.file, 'utf8').slice(p.start, p.end), 'acme,mode');
  const [n] = getTypeDefinition(L.a, L.docs, LINUX, at(L.text, 'good:', 'widget@2000', 1));
  assert.ok(n.file.endsWith('acme,widget.yaml'));
});

const ZBOARD = fixture('bindings/zephyr/zephyr/boards/arm/testboard/testboard.dts');
const Z = setup(ZBOARD);

test('zephyr: hover, signature help with the provider binding\'s cell names, type definition through an include', () => {
  const h = bindingHover(Z.a, Z.docs, ZBOARD, at(Z.text, 'good:', 'mode', 1));
  assert.match(h!.markdown, /^\*\*`mode`\*\* — type `string` · required · one of `"fast"`, `"slow"`/);
  const s = getSignatureHelp(Z.a, Z.docs, ZBOARD, at(Z.text, 'good:', '<&adc0 1>', 7));
  assert.deepEqual(s!.parameters.map((x) => x.label), ['&adc0', 'input']);
  assert.equal(s!.activeParameter, 1);
  const [t] = getTypeDefinition(Z.a, Z.docs, ZBOARD, at(Z.text, 'good:', 'reg', 1));
  assert.equal(path.basename(t.file), 'test-base.yaml');
  assert.equal(fs.readFileSync(t.file, 'utf8').slice(t.start, t.end), 'reg');
  const [m] = getTypeDefinition(Z.a, Z.docs, ZBOARD, at(Z.text, 'good:', 'mode', 1));
  assert.equal(path.basename(m.file), 'acme,sensor.yaml');
  const body = at(Z.text, 'good:', 'mode');
  const ls = Z.text.lastIndexOf('\n', body) + 1;
  const props = bindingCompletions(Z.a, Z.docs, ZBOARD, ls + 3, ls, Z.text.slice(0, ls) + '\t\t\t' + Z.text.slice(ls)).map((x) => x.label);
  assert.ok(props.includes('taps') && props.includes('enable') && !props.includes('mode'));
});

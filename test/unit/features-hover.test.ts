import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'node:path';
import { getHover } from '../../server/src/features';
import { analyze, at, BOARD, lineOf, range, SOC, FEATURES } from './features-fixture';

test('hover on &label in an iommus specifier: the node as DTS, decoded specifier, IOMMU driver, edge counts; compact', () => {
  const a = analyze();
  const h = getHover(a, SOC, at(SOC, '<&apps_smmu 0x100', 2));
  assert.ok(h);
  assert.deepEqual(h.range, range(SOC, '<&apps_smmu 0x100', '&apps_smmu'));
  const md = h.markdown;
  assert.equal(md, [
    '```dts',
    'apps_smmu: iommu@15000000 {  // /soc@0/iommu@15000000, phandle ' + md.match(/phandle (0x[0-9a-f]+)/)![1],
    '\tcompatible = "qcom,sm8550-smmu-500", "qcom,smmu-500", "arm,mmu-500";',
    '\t#iommu-cells = <2>;',
    '};',
    '```',
    '',
    '**iommus[0]** → apps_smmu: stream ID 0x100, SMR mask 0x0',
    '',
    '**IOMMU** arm-smmu driver · CONFIG_ARM_SMMU (tristate) · device_initcall · can defer · cells: stream ID, SMR mask',
    '',
    'Suppliers: 1 · Consumers: 2',
  ].join('\n') + (md.includes('**Probe') ? md.slice(md.indexOf('\n\n**Probe')) : ''));
  // the probe section (features/probe.ts) is compacted to its heading line and a note
  assert.ok(md.split('\n').length <= 15, `fits a hover without scrolling:\n${md}`);
  assert.doesNotMatch(md, / ,|`, `/, 'no stray space before a comma, no code span before one');
});

test('hover on a specifier written with a macro shows the macro, then its value', () => {
  const a = analyze();
  const h = getHover(a, SOC, at(SOC, '<&gcc DEMO_CLK_SMMU>', 2));
  assert.ok(h);
  assert.match(h.markdown, /\*\*clocks\[0\]\*\* → gcc: clock ID DEMO_CLK_SMMU = 0x[0-9a-f]+$/m);
});

test('hover on an argument cell decodes the specifier it belongs to', () => {
  const a = analyze();
  const h = getHover(a, SOC, at(SOC, '0x801', 1));
  assert.ok(h);
  assert.deepEqual(h.range, range(SOC, '0x801'));
  assert.equal(h.markdown, '**iommus[1]** → apps_smmu: stream ID 0x801, SMR mask 0x400');
});

test('hover on a macro use shows its definition and expansion (and the specifier it forms)', () => {
  const a = analyze();
  const h = getHover(a, SOC, at(SOC, 'DEMO_SID(0x8', 3));
  assert.ok(h);
  assert.deepEqual(h.range, range(SOC, 'DEMO_SID(0x8, 0x0)'));
  assert.ok(h.markdown.startsWith('```c\n#define DEMO_SID(bus, dev) (((bus) << 8) | (dev))\n```'), h.markdown);
  assert.match(h.markdown, /Expands to: `\(\(\(0x8\) ?<< ?8\) ?\| ?\(0x0\)\)`/);
  assert.ok(h.markdown.includes('Defined in demo-sid.h:2'), h.markdown);
  assert.ok(h.markdown.includes('**iommus[0]** → apps_smmu: stream ID DEMO_SID(0x8, 0x0) = 0x800, SMR mask DEMO_SMR_MASK = 0x400'), h.markdown);
});

test('hover on a property name shows where its merged value comes from', () => {
  const a = analyze();
  const off = at(BOARD, 'status = "okay"', 2);
  const h = getHover(a, BOARD, off);
  assert.ok(h);
  assert.deepEqual(h.range, range(BOARD, 'status = "okay"', 'status'));
  const l1 = lineOf(SOC, at(SOC, 'status = "disabled"'));
  const l2 = lineOf(BOARD, off);
  assert.equal(h.markdown, `Property \`status\` of \`/soc@0/serial@a00000\`\n\nDefined in demo-soc.dtsi:${l1}, overridden in demo-board.dts:${l2}`);
});

test('hover on a consumer property name names its binding and supplier count', () => {
  const a = analyze();
  const h = getHover(a, SOC, at(SOC, 'iommus = <&apps_smmu DEMO_SID', 1));
  assert.ok(h);
  assert.ok(h.markdown.endsWith('Supplier binding `iommus` (`#iommu-cells`), optional for fw_devlink: 1 supplier'), h.markdown);
});

test('hover on a label definition, a node name, a path reference, a number and an include', () => {
  const a = analyze();
  const g = getHover(a, SOC, at(SOC, 'gpu: gpu@', 1));
  assert.ok(g);
  assert.deepEqual(g.range.file, SOC);
  assert.ok(g.markdown.includes('gpu: gpu@3d00000 {  // /soc@0/gpu@3d00000'), g.markdown);
  assert.ok(g.markdown.includes('Suppliers: 2 · Consumers: 0'), g.markdown);
  assert.ok(!g.markdown.includes('**IOMMU**'));

  const c = getHover(a, BOARD, at(BOARD, 'chosen', 2));
  assert.ok(c);
  assert.deepEqual(c.range, range(BOARD, 'chosen'));
  assert.ok(c.markdown.startsWith('```dts\nchosen {  // /chosen\n'), c.markdown);

  const p = getHover(a, BOARD, at(BOARD, '&{/soc@0/gpu', 3));
  assert.ok(p);
  assert.deepEqual(p.range, range(BOARD, '&{/soc@0/gpu@3d00000}'));
  assert.ok(p.markdown.startsWith('```dts\ngpu: gpu@3d00000 {'), p.markdown);

  const n = getHover(a, SOC, at(SOC, '19200000', 2));
  assert.ok(n);
  assert.equal(n.markdown, '`0x124f800` = `19200000`');

  const i = getHover(a, BOARD, at(BOARD, 'demo-soc.dtsi', 2));
  assert.ok(i);
  assert.equal(i.markdown, '`' + SOC + '`');
  assert.deepEqual(i.range, range(BOARD, 'demo-soc.dtsi'));
});

test('hover on a cursor just after a word and on whitespace', () => {
  const a = analyze();
  const h = getHover(a, BOARD, at(BOARD, 'chosen', 6));
  assert.ok(h);
  assert.deepEqual(h.range, range(BOARD, 'chosen'));
  assert.equal(getHover(a, BOARD, 0), undefined);
});

test('hover counts distinct supplier and consumer nodes over property links (entries, parents and disabled nodes)', () => {
  const file = path.join(FEATURES, 'hover-counts.dts');
  const a = analyze(file);
  assert.deepEqual(a.diagnostics, []);
  const counts = (needle: string, delta = 1): string | undefined =>
    getHover(a, file, at(file, needle, delta))?.markdown.split('\n').find((l) => l.startsWith('Suppliers:'));
  // gcc: two entries of &xo and one power domain = 2 suppliers (its parent soc@0 is no property link);
  // consumers serial (three entries), i2c and the disabled spi = 3
  assert.equal(counts('&gcc 1'), 'Suppliers: 2 · Consumers: 3');
  assert.equal(counts('gcc: clock', 6), 'Suppliers: 2 · Consumers: 3');
  assert.equal(counts('&xo>, <'), 'Suppliers: 0 · Consumers: 1');
  assert.equal(counts('&pd 1'), 'Suppliers: 0 · Consumers: 2');
  assert.equal(counts('serial@3000', 0), 'Suppliers: 1 · Consumers: 0');
});

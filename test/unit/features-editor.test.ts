// Inlay hints (specifier cell names), consumer-count code lenses, document highlight, selection ranges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'node:path';
import { getConsumerLenses, getDocumentHighlights, getInlayHints, getSelectionRanges } from '../../server/src/features';
import { analyze, at, FEATURES, range, SOC, text } from './features-fixture';

const NAV = path.join(FEATURES, 'nav.dts');

test('inlay hints name the cells written as numbers, from the IOMMU model and the binding', () => {
  const a = analyze(NAV);
  const hints = getInlayHints(a, NAV).map((h) => [text(NAV).slice(h.offset, h.offset + 4), h.label]);
  assert.deepEqual(hints, [
    ['0x60', 'stream ID:'], ['0x61', 'stream ID:'], ['1>, ', 'clock ID:'], ['2>, ', 'clock ID:'], ['3>;\n', 'clock ID:'], ['0x80', 'stream ID:'],
  ]);
  // a range limits them; cells written as macros get none (demo SoC: DEMO_SID(…), DEMO_CLK_SMMU)
  assert.equal(getInlayHints(a, NAV, at(NAV, 'clocks ='), at(NAV, 'gpu@4000')).length, 3);
  const soc = getInlayHints(analyze(), SOC).map((h) => text(SOC).slice(h.offset, h.offset + 5));
  assert.ok(soc.includes('0x100'), JSON.stringify(soc));
  assert.ok(!soc.some((s) => s.startsWith('DEMO')));
});

test('code lens: the consumer count on each provider defined in the file', () => {
  const a = analyze(NAV);
  assert.deepEqual(getConsumerLenses(a, NAV).map((l) => [text(NAV).slice(l.range.start, l.range.end), l.consumers, l.bindings]), [
    ['clock-controller@1000', 1, ['clocks']],
    ['iommu@2000', 2, ['iommus']],
  ]);
});

test('document highlight: a node\'s label and references; a property\'s settings', () => {
  const a = analyze(NAV);
  const hs = getDocumentHighlights(a, NAV, at(NAV, '&smmu 0x80', 2)).map((h) => [text(NAV).slice(h.start, h.end), h.kind]);
  assert.deepEqual(hs, [['smmu', 'write'], ['iommu@2000', 'write'], ['&smmu 0x60', 'read'], ['&smmu 0x61', 'read'], ['&smmu 0x80', 'read']]);
  const ps = getDocumentHighlights(analyze(), SOC, at(SOC, 'status = "disabled"', 2));
  assert.deepEqual(ps.map((h) => [h.start, h.kind]), [[range(SOC, 'status = "disabled"', 'status').start, 'write']]);
});

test('selection ranges: cell, group, value, statement, body, node, file', () => {
  const t = text(NAV);
  const [chain] = getSelectionRanges(t, [at(NAV, '0x61', 1)]);
  const texts = chain.map((r) => t.slice(r.start, r.end));
  assert.deepEqual(texts.slice(0, 5), ['0x61', '&smmu 0x61', '<&smmu 0x61>', '<&smmu 0x60>, <&smmu 0x61>', 'iommus = <&smmu 0x60>, <&smmu 0x61>;']);
  assert.ok(texts[5].startsWith('reg = <0x3000 0x100>;') && texts[5].endsWith('<&clk 3>;'), texts[5]);
  assert.ok(texts[6].startsWith('ufs: ufs@3000 {') && texts[6].endsWith('};'), texts[6]);
  assert.equal(texts[texts.length - 1], t);
  for (let i = 1; i < chain.length; i++) assert.ok(chain[i].start <= chain[i - 1].start && chain[i - 1].end <= chain[i].end);
});

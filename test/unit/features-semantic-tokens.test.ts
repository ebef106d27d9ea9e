import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getSemanticTokens, SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, type SemanticToken } from '../../server/src/features';
import * as path from 'node:path';
import { kernelTreeIfPresent } from '../../scripts/kernel-tree';
import { AnalysisHost } from '../../server/src/analysis';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { fixture } from '../util/paths';
import { analyze, at, BOARD, SOC, text } from './features-fixture';

function tokenAt(file: string, toks: SemanticToken[], needle: string, nth = 0): [string, string[], number] | undefined {
  const off = at(file, needle, 0, nth);
  const before = text(file).slice(0, off).split('\n');
  const line = before.length - 1;
  const char = before[before.length - 1].length;
  const t = toks.find((x) => x.line === line && x.char === char);
  if (!t) return undefined;
  return [SEMANTIC_TOKEN_TYPES[t.type], SEMANTIC_TOKEN_MODIFIERS.filter((_, i) => t.modifiers & (1 << i)), t.length];
}

test('semantic tokens of a board file are sorted and classified', () => {
  const a = analyze();
  const toks = getSemanticTokens(a, BOARD);
  for (let i = 1; i < toks.length; i++) {
    const p = toks[i - 1];
    const t = toks[i];
    assert.ok(p.line < t.line || (p.line === t.line && p.char + p.length <= t.char), `unsorted at ${i}`);
  }
  assert.deepEqual(tokenAt(BOARD, toks, 'model'), ['property', [], 5]);
  assert.deepEqual(tokenAt(BOARD, toks, '"Demo board"'), ['string', [], 12]);
  assert.deepEqual(tokenAt(BOARD, toks, 'chosen'), ['class', [], 6]);
  assert.deepEqual(tokenAt(BOARD, toks, '&uart0;'), ['label', [], 6]);
  assert.deepEqual(tokenAt(BOARD, toks, '&{/soc@0'), ['variable', [], 21]);
  // the inactive #if 0 block yields nothing
  assert.equal(tokenAt(BOARD, toks, '&gpu'), undefined);
});

test('semantic tokens of a .dtsi: labels, unit addresses, macros, numbers, disabled nodes', () => {
  const a = analyze();
  const toks = getSemanticTokens(a, SOC);
  assert.deepEqual(tokenAt(SOC, toks, 'apps_smmu:'), ['label', ['declaration'], 9]);
  assert.deepEqual(tokenAt(SOC, toks, 'iommu@15000000'), ['class', [], 5]);
  assert.deepEqual(tokenAt(SOC, toks, '15000000 {'), ['enumMember', [], 8]);
  assert.deepEqual(tokenAt(SOC, toks, 'DEMO_SID('), ['macro', [], 8]);
  assert.deepEqual(tokenAt(SOC, toks, 'DEMO_CLK_SMMU'), ['macro', [], 13]);
  assert.deepEqual(tokenAt(SOC, toks, '0x801'), ['number', [], 5]);
  assert.deepEqual(tokenAt(SOC, toks, '#iommu-cells'), ['property', [], 12]);
  // uart0 is disabled in the .dtsi but the board enables it: the merged status decides
  assert.deepEqual(tokenAt(SOC, toks, 'serial@'), ['class', [], 6]);
});

test('semantic tokens of a file read only its output ranges: the same tokens as a walk of the whole board', (t) => {
  const kernel = kernelTreeIfPresent();
  const boards: [string, string[]][] = [];
  const fdir = fixture('features');
  boards.push([path.join(fdir, 'demo-board.dts'), [path.join(fdir, 'demo-board.dts'), path.join(fdir, 'demo-soc.dtsi')]]);
  if (kernel) {
    const d = path.join(kernel, 'arch/arm64/boot/dts');
    boards.push([path.join(d, 'qcom/sm8550-mtp.dts'), [path.join(d, 'qcom/sm8550-mtp.dts'), path.join(d, 'qcom/sm8550.dtsi'), path.join(d, 'qcom/pm8550.dtsi')]]);
    boards.push([path.join(d, 'freescale/imx8qm-apalis-eval-v1.2.dts'), [path.join(d, 'freescale/imx8qm-apalis-eval-v1.2.dts'), path.join(d, 'freescale/imx8-apalis-v1.1.dtsi')]]);
  } else t.diagnostic('kernel boards skipped: Linux 6.12 sources not extracted');
  for (const [root, files] of boards) {
    const a = new AnalysisHost(new NodeFileSystem(), root.startsWith(fdir) ? { includePaths: [path.join(fdir, 'include')], autoDetectIncludePaths: false } : {}).analyze(root);
    const whole = { ...a, pp: { ...a.pp, map: { locate: a.pp.map.locate.bind(a.pp.map), toFileRange: a.pp.map.toFileRange.bind(a.pp.map), fromFile: a.pp.map.fromFile.bind(a.pp.map), macroAt: a.pp.map.macroAt.bind(a.pp.map) } } };
    for (const f of files) {
      const fast = getSemanticTokens(a, f);
      assert.ok(fast.length > 0, f);
      assert.deepEqual(fast, getSemanticTokens(whole, f), f);
    }
  }
});

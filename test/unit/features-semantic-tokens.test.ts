import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getSemanticTokens, SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, type SemanticToken } from '../../server/src/features';
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

// The TextMate grammar (syntaxes/dts.tmLanguage.json) tokenised by VS Code's own engine
// (vscode-textmate + vscode-oniguruma): the scopes an editor colours by.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { fixture, REPO_ROOT } from '../util/paths';

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== 'source.dts') return null;
      const file = path.join(REPO_ROOT, 'syntaxes/dts.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  const g = await registry.loadGrammar('source.dts');
  assert.ok(g, 'grammar loads');
  return g;
}

/** scopes of the first token that covers `needle` on line `line` */
function scopesAt(lines: { text: string; tokens: vsctm.IToken[] }[], line: number, needle: string): string[] {
  const l = lines[line];
  const col = l.text.indexOf(needle);
  assert.ok(col >= 0, `"${needle}" on line ${line + 1}`);
  const tok = l.tokens.find((t) => t.startIndex <= col && col < t.endIndex)!;
  return tok.scopes;
}

test('TextMate grammar: scopes of the constructs an editor colours', async () => {
  const grammar = await loadGrammar();
  const text = fs.readFileSync(fixture('grammar/sample.dts'), 'utf8').split('\n');
  let state = vsctm.INITIAL;
  const lines = text.map((t) => {
    const r = grammar.tokenizeLine(t, state);
    state = r.ruleStack;
    return { text: t, tokens: r.tokens };
  });
  const has = (line: number, needle: string, scope: RegExp) => {
    const s = scopesAt(lines, line, needle);
    assert.ok(s.some((x) => scope.test(x)), `${needle} (line ${line + 1}): ${s.join(' ')}`);
  };
  has(0, '/dts-v1/', /keyword/);
  has(1, 'include', /keyword\.control\.directive/);
  has(1, '<dt-bindings', /string/);
  has(2, 'block comment', /comment\.block/);
  has(4, 'smmu:', /label|entity/);
  has(4, 'iommu', /entity\.name|tag/);
  has(5, 'compatible', /property|variable|support/);
  has(5, '"arm,mmu-500"', /string\.quoted/);
  has(6, '#iommu-cells', /property|variable|support/);
  has(11, '&smmu', /reference|variable|entity|support/);
  has(11, '0x100', /constant\.numeric/);
  has(11, '// stream', /comment\.line/);
  has(13, '00', /constant/);
  has(17, '&smmu', /reference|variable|entity|support/);
  has(18, '/delete-property/', /keyword/);
});

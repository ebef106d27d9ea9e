// LineIndex (base/text.ts): line starts after LF, CRLF and a lone CR, the same whichever way the index is built
// (a text without CR is indexed with indexOf), checked at every offset against a plain reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/base/text';

/** The reference: line starts by one walk over the characters. */
function starts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) out.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      out.push(i + 1);
    }
  }
  return out;
}

function check(text: string): void {
  const idx = new LineIndex(text);
  const s = starts(text);
  assert.equal(idx.lineCount, s.length, JSON.stringify(text));
  for (let off = 0; off <= text.length; off++) {
    let line = 0;
    while (line + 1 < s.length && s[line + 1] <= off) line++;
    assert.deepEqual(idx.positionAt(off), { line, character: off - s[line] }, `${JSON.stringify(text)} @${off}`);
  }
}

test('LineIndex: LF, CRLF, lone CR, empty lines, no final newline, empty text', () => {
  for (const t of ['', '\n', 'a', 'a\n', 'a\nb', '\n\n\nx', 'a\r\nb\r\n', 'a\rb\rc', 'a\r\n\r\nb\n\rc\r', '/ {\n\tx = <1>;\n};\n', '\r', '\r\n']) check(t);
  assert.deepEqual(new LineIndex('ab\ncd\n\nef').positionAt(7), { line: 3, character: 0 });
  assert.deepEqual(new LineIndex('ab\r\ncd').positionAt(4), { line: 1, character: 0 });
});

test('LineIndex: random texts of a few characters, with and without CR', () => {
  let seed = 7;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  for (let k = 0; k < 400; k++) {
    const alphabet = k % 2 ? 'ab\n' : 'ab\n\r';
    let t = '';
    for (let i = rnd(30); i > 0; i--) t += alphabet[rnd(alphabet.length)];
    check(t);
  }
});

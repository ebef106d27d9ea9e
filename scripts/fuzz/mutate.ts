// Mutations of real Devicetree sources for the fuzzer: byte ranges and tokens are deleted,
// duplicated and swapped, the text is truncated, random directives and hostile tokens are
// inserted. Every mutation is described in words so that a failure can be reported and replayed.
import type { Rng } from './rng';

/** Rough tokens of DTS/cpp text: identifiers and names, numbers, strings, comments, single characters. */
const TOKEN_RE = /\s+|\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/[a-z-]+\/|0[xX][0-9a-fA-F]+|\d+|[A-Za-z_#][\w,.+\-#@?]*|&\{[^}\n]*\}|&[\w]+|./g;

export function tokenize(text: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m; m = TOKEN_RE.exec(text)) {
    if (m[0].length === 0) { TOKEN_RE.lastIndex++; continue; }
    if (!/^\s/.test(m[0])) out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Tokens and snippets that stress the grammar, the preprocessor and the value evaluator. */
const HOSTILE_TOKENS = [
  '{', '}', ';', '};', '<', '>', '[', ']', '(', ')', '=', ',', '&', '&{/', '"', "'", '\\', '/', '*', '%', '#', '##',
  '/*', '*/', '//', '\n', '\r', '\r\n', '\0', '\t', '\ufeff', '\ud800', '\u00e9', '\u{1f600}',
  '/dts-v1/;', '/plugin/;', '/memreserve/ 0 0;', '/delete-node/', '/delete-property/', '/omit-if-no-ref/',
  '/bits/ 64', '/bits/ 8', '/bits/ 7', '/bits/ 128', '/incbin/("missing.bin")', '/incbin/("x", 0, 0xffffffffffffffff)',
  '0xffffffffffffffff', '0x10000000000000000', '18446744073709551616', '-1', '(1/0)', '(1%0)', '(1 << 64)', '(-1 >> 63)',
  "'\\xff'", "'ab'", '"\\x"', '"\\777"', '&undefined_label', '&{/no/such/node}', 'label:', 'l1: l2:', '@', '@0', 'a@1,2',
  '#address-cells', '#size-cells', 'phandle', 'status = "disabled";', 'iommus = <&smmu 0>;', '#iommu-cells = <0>;',
  'compatible = "arm,mmu-500";', 'clocks = <&clk 1 2 3>;', 'interrupts-extended = <&gic>;',
];

const DIRECTIVES = [
  '#if 0', '#if 1', '#else', '#endif', '#elif 1', '#ifdef X', '#ifndef X', '#if defined(X) && (1/0)', '#if (', '#if 1 +',
  '#define X', '#define X(a) a a', '#define X(a, ...) a __VA_ARGS__ #a', '#define X(a) a ## a', '#define X X',
  '#define Y(a) Y(a)', '#define __FILE__ 1', '#undef X', '#undef', '#include "does-not-exist.h"', '#include <',
  '#include "."', '#include "/"', '#include __FILE__', '#include X', '#error fuzz', '#warning fuzz', '#line 5 "x.dts"',
  '#line', '#pragma once', '#', '# 1 "x.dts"', '#ident "x"', '#if', '#elif', '#endif junk', '/include/ "missing.dtsi"',
  '/include/ "."', '#define X(a', '#define', '#include_next "x"', '#import "x.h"',
];

export interface Mutation {
  /** the mutated text */
  text: string;
  /** what was done, in words */
  ops: string[];
}

export function mutate(text: string, rng: Rng, maxOps = 4): Mutation {
  const ops: string[] = [];
  let t = text;
  const n = rng.range(1, maxOps);
  for (let k = 0; k < n; k++) {
    const r = mutateOnce(t, rng);
    t = r.text;
    ops.push(r.op);
  }
  return { text: t, ops };
}

function mutateOnce(t: string, rng: Rng): { text: string; op: string } {
  const len = t.length;
  const pos = (): number => rng.int(len + 1);
  const kind = rng.int(15);
  switch (kind) {
    case 0: { // delete a byte range
      const s = pos();
      const e = Math.min(len, s + rng.smallLength(len - s));
      return { text: t.slice(0, s) + t.slice(e), op: `delete [${s},${e})` };
    }
    case 1: { // duplicate a byte range somewhere
      const s = pos();
      const e = Math.min(len, s + rng.smallLength(len - s));
      const at = pos();
      return { text: t.slice(0, at) + t.slice(s, e) + t.slice(at), op: `duplicate [${s},${e}) at ${at}` };
    }
    case 2: { // swap two byte ranges
      const a = [pos(), pos()].sort((x, y) => x - y);
      const l1 = rng.smallLength(Math.max(0, a[1] - a[0]));
      const l2 = rng.smallLength(Math.max(0, len - a[1]));
      const [s1, e1, s2, e2] = [a[0], a[0] + l1, a[1], a[1] + l2];
      if (e1 > s2) return { text: t, op: 'swap (no-op)' };
      return { text: t.slice(0, s1) + t.slice(s2, e2) + t.slice(e1, s2) + t.slice(s1, e1) + t.slice(e2), op: `swap [${s1},${e1}) [${s2},${e2})` };
    }
    case 3: { // truncate
      const at = pos();
      return { text: t.slice(0, at), op: `truncate at ${at}` };
    }
    case 4: case 5: { // delete / duplicate a token
      const toks = tokenize(t);
      if (toks.length === 0) return { text: t, op: 'token (none)' };
      const tk = rng.pick(toks);
      if (kind === 4) return { text: t.slice(0, tk.start) + t.slice(tk.end), op: `delete token [${tk.start},${tk.end})` };
      const at = rng.pick(toks).start;
      return { text: t.slice(0, at) + t.slice(tk.start, tk.end) + ' ' + t.slice(at), op: `duplicate token [${tk.start},${tk.end}) at ${at}` };
    }
    case 6: { // swap two tokens
      const toks = tokenize(t);
      if (toks.length < 2) return { text: t, op: 'swap tokens (none)' };
      let a = rng.pick(toks);
      let b = rng.pick(toks);
      if (a.start > b.start) [a, b] = [b, a];
      if (a.end > b.start) return { text: t, op: 'swap tokens (same)' };
      return {
        text: t.slice(0, a.start) + t.slice(b.start, b.end) + t.slice(a.end, b.start) + t.slice(a.start, a.end) + t.slice(b.end),
        op: `swap tokens [${a.start},${a.end}) [${b.start},${b.end})`,
      };
    }
    case 7: case 8: { // insert or replace with a hostile token
      const toks = tokenize(t);
      const h = rng.pick(HOSTILE_TOKENS);
      if (kind === 8 && toks.length) {
        const tk = rng.pick(toks);
        return { text: t.slice(0, tk.start) + h + t.slice(tk.end), op: `replace token [${tk.start},${tk.end}) by ${JSON.stringify(h)}` };
      }
      const at = toks.length && rng.chance(0.7) ? rng.pick(toks).end : pos();
      return { text: t.slice(0, at) + h + t.slice(at), op: `insert ${JSON.stringify(h)} at ${at}` };
    }
    case 9: case 10: { // insert a directive at a line start
      const d = rng.pick(DIRECTIVES);
      const at = lineStart(t, pos());
      return { text: t.slice(0, at) + d + '\n' + t.slice(at), op: `directive ${JSON.stringify(d)} at ${at}` };
    }
    case 11: { // change one character
      const at = rng.int(Math.max(1, len));
      const c = String.fromCharCode(rng.chance(0.8) ? rng.range(0, 127) : rng.range(128, 0xffff));
      return { text: t.slice(0, at) + c + t.slice(at + 1), op: `char ${JSON.stringify(c)} at ${at}` };
    }
    case 12: { // delete whole lines
      const s = lineStart(t, pos());
      let e = s;
      for (let k = rng.range(1, 20); k > 0 && e < len; k--) {
        const nl = t.indexOf('\n', e);
        e = nl < 0 ? len : nl + 1;
      }
      return { text: t.slice(0, s) + t.slice(e), op: `delete lines [${s},${e})` };
    }
    case 13: { // line ends: CRLF or lone CR for a region
      const s = pos();
      const e = Math.min(len, s + rng.smallLength(len - s) * 16);
      const to = rng.chance(0.5) ? '\r\n' : '\r';
      return { text: t.slice(0, s) + t.slice(s, e).replace(/\n/g, to) + t.slice(e), op: `line ends ${JSON.stringify(to)} in [${s},${e})` };
    }
    default: { // unbalance: drop a brace or a semicolon
      const idx: number[] = [];
      for (let i = 0; i < len; i++) {
        const c = t.charCodeAt(i);
        if (c === 123 || c === 125 || c === 59 || c === 60 || c === 62 || c === 34) idx.push(i);
      }
      if (idx.length === 0) return { text: t, op: 'unbalance (none)' };
      const at = rng.pick(idx);
      return { text: t.slice(0, at) + t.slice(at + 1), op: `drop ${JSON.stringify(t[at])} at ${at}` };
    }
  }
}

function lineStart(t: string, p: number): number {
  const i = t.lastIndexOf('\n', p - 1);
  return i < 0 ? 0 : i + 1;
}

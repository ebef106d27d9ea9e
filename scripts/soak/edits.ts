// The soak's edits: what a busy editor sends — typing, deleting, pasting, garbage, undo — as one text
// change each (offset range replaced by new text), chosen by a seeded random source.

/** One change of a document: [start, end) of the old text replaced by `text`. */
export interface TextEdit { start: number; end: number; text: string }

export type EditKind = 'type' | 'delete' | 'paste' | 'garbage' | 'value' | 'label' | 'newline';

/** The kinds of a single edit, weighted as a session picks them (typing and value edits twice as often). */
export const EDIT_MIX: readonly EditKind[] = ['type', 'type', 'delete', 'paste', 'garbage', 'value', 'value', 'label', 'newline'];
/** The characters of a burst of typing in one place. */
export const BURST_CHARS: readonly string[] = 'abcxyz_0123 '.split('');

/** Uniform integer in [0, n). */
export type Rand = () => number;
export const pick = <T>(rnd: Rand, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
export const int = (rnd: Rand, n: number): number => Math.floor(rnd() * n);

const TYPED = 'abcdefxyz_-,@0123456789 \t;{}<>&"/*#:=()[]+|?!';
/** Garbage a slip of the hand or a bad paste leaves: unbalanced braces, open comments and strings, directives, references. */
const GARBAGE = [
  '{', '};', '/*', '*/', '"', '<', '>', ';', '&', '&undefined_label', '&{/no/such/node}', '#define SOAK_M 1\n', '#undef SOAK_M\n',
  '#if 0\n', '#endif\n', '#include "no-such-file.h"\n', '/delete-node/ &soak;', '/delete-property/ status;', 'x: y { };',
  'status = "disabled";', '\u00e9\u4e2d', '\r\n', '\\', '0x', '/bits/ 64 <1>', '\0',
];

function isIdent(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c);
}

/** Offsets of `label:` definitions (a label followed by a node name) in a text. */
function labelSites(text: string): number[] {
  const out: number[] = [];
  const re = /(^|[\s{;])([A-Za-z_][A-Za-z0-9_]*):[ \t]+[A-Za-z0-9_,.+-]+(@[0-9a-fA-F,]+)?[ \t]*\{/g;
  for (let m = re.exec(text); m && out.length < 4000; m = re.exec(text)) out.push(m.index + m[1].length + m[2].length);
  return out;
}

/** Offsets of digits inside `<...>` cell lists. */
function cellDigits(text: string, rnd: Rand): number | undefined {
  for (let tries = 0; tries < 40; tries++) {
    const p = int(rnd, text.length);
    const open = text.lastIndexOf('<', p);
    const close = text.lastIndexOf('>', p);
    if (open < 0 || close > open) continue;
    const end = text.indexOf('>', p);
    if (end < 0 || text.slice(p, end).includes('\n')) continue;
    for (let k = p; k < end; k++) if (/[0-9]/.test(text[k]) && !isIdent(text[k - 1] ?? ' ')) return k;
  }
  return undefined;
}

/** A random edit of `text` of the given kind. */
export function makeEdit(text: string, kind: EditKind, rnd: Rand): TextEdit {
  const n = text.length;
  const at = n === 0 ? 0 : int(rnd, n + 1);
  switch (kind) {
    case 'type': {
      let s = '';
      for (let k = 1 + int(rnd, 3); k > 0; k--) s += pick(rnd, TYPED.split(''));
      return { start: at, end: at, text: s };
    }
    case 'newline':
      return { start: at, end: at, text: pick(rnd, ['\n', '\n\t', '\n\n', ' ']) };
    case 'delete': {
      const len = 1 + int(rnd, rnd() < 0.8 ? 8 : 200);
      return { start: at, end: Math.min(n, at + len), text: '' };
    }
    case 'paste': {
      // a few lines copied from elsewhere in the file, pasted at a line start
      const lines = text.split('\n');
      const from = int(rnd, lines.length);
      const chunk = lines.slice(from, from + 1 + int(rnd, 12)).join('\n') + '\n';
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      return { start: lineStart, end: lineStart, text: chunk };
    }
    case 'garbage':
      return { start: at, end: at, text: pick(rnd, GARBAGE) };
    case 'value': {
      const p = cellDigits(text, rnd);
      if (p === undefined) return { start: at, end: at, text: ' ' };
      return { start: p, end: p + 1, text: String(int(rnd, 10)) };
    }
    case 'label': {
      // rename a label where it is defined (its references elsewhere become unresolved)
      const sites = labelSites(text);
      if (sites.length === 0) return { start: at, end: at, text: 'x' };
      const p = pick(rnd, sites);
      return { start: p, end: p, text: pick(rnd, ['x', '_2']) };
    }
  }
}

/** Apply an edit; returns the new text and the edit that undoes it. */
export function applyEdit(text: string, e: TextEdit): { text: string; undo: TextEdit } {
  const next = text.slice(0, e.start) + e.text + text.slice(e.end);
  return { text: next, undo: { start: e.start, end: e.start + e.text.length, text: text.slice(e.start, e.end) } };
}

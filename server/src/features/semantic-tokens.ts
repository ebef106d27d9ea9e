// Semantic tokens of one file: labels, references, node names, unit addresses,
// property names, macros, numbers, strings. Items produced by a macro expansion
// are covered by the macro token of the invocation.
import type { Analysis } from '../analysis';
import type * as ast from '../syntax/ast';
import { getIndex, labelEnd, nodeOfItem } from './locate';
import { isEnabled } from './util';

/** Legend: standard token types where one fits. */
export const SEMANTIC_TOKEN_TYPES = [
  'label', // label definitions (with 'declaration') and label uses in &label
  'variable', // path references &{/...}
  'class', // node names
  'enumMember', // unit addresses (the part after '@')
  'property', // property names
  'macro', // macro invocations
  'number', // integer literals
  'string', // string literals
] as const;

export const SEMANTIC_TOKEN_MODIFIERS = ['declaration', 'unresolved', 'disabled'] as const;

export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];

export interface SemanticToken {
  line: number;
  char: number;
  length: number;
  /** index into SEMANTIC_TOKEN_TYPES */
  type: number;
  /** bit set over SEMANTIC_TOKEN_MODIFIERS */
  modifiers: number;
}

const T = Object.fromEntries(SEMANTIC_TOKEN_TYPES.map((t, i) => [t, i])) as Record<SemanticTokenType, number>;
const M_DECL = 1;
const M_UNRESOLVED = 2;
const M_DISABLED = 4;

export function getSemanticTokens(a: Analysis, file: string): SemanticToken[] {
  const idx = getIndex(a);
  const map = a.pp.map;
  const li = a.lineIndex(file);
  if (!li) return [];
  const raw: Array<{ start: number; end: number; type: number; mods: number }> = [];
  const emit = (s: number, e: number, type: number, mods: number): void => {
    if (e <= s) return;
    if (map.macroAt(s) || map.macroAt(e - 1)) return;
    // leaf tokens are contiguous copies of one file: map both ends with locate (cheaper than toFileRange)
    const l0 = map.locate(s);
    if (l0.file !== file) return;
    const l1 = map.locate(e - 1);
    if (l1.file !== file || l1.offset !== l0.offset + (e - 1 - s)) return;
    raw.push({ start: l0.offset, end: l0.offset + (e - s), type, mods });
  };
  const emitExpr = (e: ast.Expr, depth: number): void => {
    if (depth > 64) return;
    switch (e.kind) {
      case 'number': case 'char': emit(e.start, e.end, T.number, 0); break;
      case 'unary': emitExpr(e.operand, depth + 1); break;
      case 'binary': emitExpr(e.left, depth + 1); emitExpr(e.right, depth + 1); break;
      case 'conditional': emitExpr(e.test, depth + 1); emitExpr(e.consequent, depth + 1); emitExpr(e.alternate, depth + 1); break;
      case 'paren': emitExpr(e.expr, depth + 1); break;
    }
  };

  // only the items in the output ranges that came from this file (a board's small file skips its SoC's .dtsi)
  const items = idx.items;
  const ranges = map.outputRanges ? map.outputRanges(file) : [0, Infinity];
  for (let r = 0; r < ranges.length; r += 2) {
    const rs = ranges[r];
    const re = ranges[r + 1];
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (items[mid].start < rs) lo = mid + 1; else hi = mid;
    }
    for (let k = lo; k < items.length && items[k].start < re; k++) visit(items[k]);
  }
  function visit(it: (typeof items)[number]): void {
    switch (it.kind) {
      case 'label': emit(it.start, labelEnd(a, it), T.label, M_DECL); break;
      case 'reference': {
        const r = it.data as ast.Reference;
        const res = idx.refAt.get(r.start);
        const mods = res && !res.target ? M_UNRESOLVED : 0;
        emit(it.start, it.end, r.kind === 'labelRef' ? T.label : T.variable, mods);
        break;
      }
      case 'nodeName': {
        const parent = idx.items[it.parent];
        let mods = 0;
        if (parent.kind === 'node') {
          const n = nodeOfItem(idx, parent);
          if (n && !isEnabled(n)) mods |= M_DISABLED;
        }
        const name = a.pp.text.slice(it.start, it.end);
        const at = name.indexOf('@');
        if (at < 0) emit(it.start, it.end, T.class, mods);
        else {
          emit(it.start, it.start + at, T.class, mods);
          emit(it.start + at + 1, it.end, T.enumMember, mods);
        }
        break;
      }
      case 'propertyName': emit(it.start, it.end, T.property, 0); break;
      case 'cell': {
        const c = it.data as ast.CellItem;
        if (c.kind === 'expr') emitExpr(c.expr, 0);
        break;
      }
      case 'byte': emit(it.start, it.end, T.number, 0); break;
      case 'string': emit(it.start, it.end, T.string, 0); break;
      default: break;
    }
  }
  for (const m of idx.macrosByFile.get(file) ?? []) {
    raw.push({ start: m.range.start, end: m.range.start + m.name.length, type: T.macro, mods: 0 });
  }
  raw.sort((x, y) => x.start - y.start || y.end - x.end);
  const out: SemanticToken[] = [];
  let lastEnd = -1;
  const text = li.text;
  for (const t of raw) {
    if (t.start < lastEnd) continue; // overlapping (a file included twice, or nested): keep the first
    const p = li.positionAt(t.start);
    // clip to the end of the line: tokens do not span lines
    let end = t.end;
    for (let i = t.start; i < t.end; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) { end = i; break; }
    }
    if (end <= t.start) continue;
    out.push({ line: p.line, char: p.character, length: end - t.start, type: t.type, modifiers: t.mods });
    lastEnd = t.end;
  }
  return out;
}

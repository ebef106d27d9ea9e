// Orderings of dts-coding-style.rst that change the merged tree, offered as code actions (never
// applied by formatting): child nodes by unit address (or by name), properties in the style's
// order (compatible, reg, ranges, standard, vendor-specific, status), and a board's `&label`
// overrides alphabetically. Items move with the comments right above them and a comment trailing
// on their last line; everything else (other items, blank lines, separators) stays in place.
// Nothing is offered where order carries meaning: a body with preprocessor lines, /delete-…/
// statements, two items of the same name, a macro standing for statements, or a preprocessor line
// between the items that would move.
import { lex, type Tok } from './lexer';

export type SortKind = 'nodes' | 'properties' | 'overrides';

export interface SortAction {
  kind: SortKind;
  title: string;
  /** one replacement of [start, end) of the text */
  start: number;
  end: number;
  newText: string;
}

interface Item {
  kind: 'node' | 'property' | 'other' | 'directive';
  name: string;
  /** including attached comments */
  start: number;
  end: number;
}

interface Body {
  /** offset after `{` (or 0 for the top level) and of the closing `}` (or text end) */
  start: number;
  end: number;
  items: Item[];
  /** why nothing may be reordered here */
  unsafe?: string;
}

const isP = (t: Tok | undefined, s: string) => !!t && t.kind === 'punct' && t.text === s;
const isComment = (t: Tok) => t.kind === 'line-comment' || t.kind === 'block-comment';

/** The node bodies of a text, innermost last for each position; undefined when the braces do not balance. */
function bodies(text: string, toks: Tok[]): Body[] | undefined {
  const out: Body[] = [];
  const open: { tokIndex: number; start: number }[] = [{ tokIndex: -1, start: 0 }];
  const ranges: { from: number; to: number; start: number; end: number }[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (isP(t, '{')) open.push({ tokIndex: i, start: t.end });
    else if (isP(t, '}')) {
      const o = open.pop();
      if (!o || open.length === 0) return undefined;
      ranges.push({ from: o.tokIndex + 1, to: i, start: o.start, end: t.start });
    }
  }
  if (open.length !== 1) return undefined;
  ranges.push({ from: 0, to: toks.length, start: 0, end: text.length });
  for (const r of ranges) out.push(bodyItems(text, toks, r.from, r.to, r.start, r.end));
  return out;
}

const newlinesBetween = (text: string, a: number, b: number) => (text.slice(a, b).match(/\n/g) ?? []).length;

function bodyItems(text: string, toks: Tok[], from: number, to: number, start: number, end: number): Body {
  const items: Item[] = [];
  let unsafe: string | undefined;
  let i = from;
  let pendingComments: number[] = []; // token indexes of own-line comments right above the next item
  while (i < to) {
    const t = toks[i];
    if (t.kind === 'directive') {
      // items may not move across a preprocessor line (permute checks)
      for (const k of pendingComments) items.push({ kind: 'other', name: '', start: toks[k].start, end: toks[k].end });
      pendingComments = [];
      items.push({ kind: 'directive', name: '', start: t.start, end: t.end });
      i++;
      continue;
    }
    if (isComment(t)) {
      const prevEnd = i > from ? toks[i - 1].end : start;
      const ownLine = i === from ? newlinesBetween(text, start, t.start) > 0 || start === 0 : newlinesBetween(text, prevEnd, t.start) > 0;
      if (!ownLine && items.length && items[items.length - 1].end === prevEnd) {
        items[items.length - 1].end = t.end; // a trailing comment goes with its item
      } else {
        // a blank line between the comment and what follows detaches it
        const next = i + 1 < to ? toks[i + 1] : undefined;
        if (next && newlinesBetween(text, t.end, next.start) <= 1) pendingComments.push(i);
        else {
          for (const k of [...pendingComments, i]) items.push({ kind: 'other', name: '', start: toks[k].start, end: toks[k].end });
          pendingComments = [];
        }
      }
      i++;
      continue;
    }
    // one statement: up to `;` at brace depth 0 (a node's `{ … };` included)
    let j = i;
    let depth = 0;
    let sawBrace = false;
    let name = '';
    let named = false;
    for (; j < to; j++) {
      const u = toks[j];
      if (u.kind === 'directive' && depth === 0) break;
      if (isP(u, '{')) { depth++; sawBrace = true; }
      else if (isP(u, '}')) depth--;
      else if (isP(u, ';') && depth === 0) break;
      if (depth === 0 && !named && !sawBrace) {
        if ((u.kind === 'word' || u.kind === 'ref') && !isP(toks[j + 1], ':')) {
          name = u.text;
          named = true;
        } else if (isP(u, '/') && isP(toks[j + 1], '{')) {
          name = '/';
          named = true;
        } else if (u.kind === 'keyword' && u.text !== '/omit-if-no-ref/') {
          name = u.text;
          named = true;
        }
      }
    }
    const stmtEnd = j < to && isP(toks[j], ';') ? toks[j].end : toks[Math.min(j, to) - 1].end;
    const first = toks[i];
    if (first.kind === 'keyword' && first.text.startsWith('/delete-')) unsafe = `${first.text} in the node`;
    if (!sawBrace && !isP(toks[j], ';')) unsafe = 'a statement without `;` (a macro standing for statements?)';
    const itemStart = pendingComments.length ? toks[pendingComments[0]].start : first.start;
    pendingComments = [];
    items.push({ kind: sawBrace ? 'node' : first.kind === 'keyword' ? 'other' : 'property', name, start: itemStart, end: stmtEnd });
    i = j < to && isP(toks[j], ';') ? j + 1 : Math.max(j, i + 1);
  }
  for (const k of pendingComments) items.push({ kind: 'other', name: '', start: toks[k].start, end: toks[k].end });
  return { start, end, items, unsafe };
}

/** Unit address parts as numbers (`1,2` → [1, 2]); undefined when not plain hexadecimal. */
function unitAddress(name: string): bigint[] | undefined {
  const at = name.indexOf('@');
  if (at < 0) return undefined;
  const parts = name.slice(at + 1).split(',');
  if (parts.some((p) => !/^(0x)?[0-9a-fA-F]+$/.test(p))) return undefined;
  return parts.map((p) => BigInt(p.startsWith('0x') ? p : '0x' + p));
}

function compareAddr(x: bigint[], y: bigint[]): number {
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const a = x[i] ?? -1n;
    const b = y[i] ?? -1n;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

const baseName = (n: string) => (n.indexOf('@') < 0 ? n : n.slice(0, n.indexOf('@')));
const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** dts-coding-style.rst "Order of Properties in Device Node". */
export function propertyRank(name: string): number {
  if (name === 'compatible') return 0;
  if (name === 'reg') return 1;
  if (name === 'ranges') return 2;
  if (name === 'status') return 5;
  return name.includes(',') ? 4 : 3;
}

/** Fill the slots of the moved kind with the items in their new order. */
function permute(text: string, body: Body, kind: Item['kind'], order: (a: Item, b: Item) => number): { start: number; end: number; newText: string } | undefined {
  const slots = body.items.filter((x) => x.kind === kind);
  if (slots.length < 2) return undefined;
  const sorted = slots.map((x, k) => ({ x, k })).sort((a, b) => order(a.x, b.x) || a.k - b.k).map((e) => e.x);
  if (sorted.every((x, k) => x === slots[k])) return undefined;
  const start = slots[0].start;
  const end = slots[slots.length - 1].end;
  if (body.items.some((x) => x.kind === 'directive' && x.start >= start && x.end <= end)) return undefined;
  let out = '';
  let pos = start;
  let k = 0;
  for (const it of body.items) {
    if (it.start < start || it.end > end) continue;
    out += text.slice(pos, it.start);
    out += it.kind === kind ? text.slice(sorted[k].start, sorted[k++].end) : text.slice(it.start, it.end);
    pos = it.end;
  }
  return { start, end, newText: out };
}

/** The sort actions for the node body around `offset` (and, at the top level, the overrides). */
export function sortActions(text: string, offset: number): SortAction[] {
  const { toks } = lex(text);
  const all = bodies(text, toks);
  if (!all) return [];
  // the innermost body containing the offset
  let body: Body | undefined;
  for (const b of all) if (b.start <= offset && offset <= b.end && (!body || b.end - b.start < body.end - body.start)) body = b;
  if (!body || body.unsafe) return [];
  const out: SortAction[] = [];
  const top = body.start === 0 && body.end === text.length;
  const nodes = body.items.filter((x) => x.kind === 'node');
  const unique = (xs: Item[]) => new Set(xs.map((x) => x.name)).size === xs.length && xs.every((x) => x.name);
  if (top) {
    // a board's `&label { … };` overrides, alphabetically; `/ { … };` keeps its place
    const refs = nodes.filter((x) => x.name.startsWith('&'));
    if (refs.length >= 2 && unique(refs)) {
      const scoped: Body = { ...body, items: body.items.map((x) => (x.kind === 'node' && !x.name.startsWith('&') ? { ...x, kind: 'other' } : x)) };
      const e = permute(text, scoped, 'node', (a, b) => cmpStr(a.name, b.name));
      if (e) out.push({ kind: 'overrides', title: 'Sort the &label overrides alphabetically', ...e });
    }
    return out;
  }
  if (nodes.length >= 2 && unique(nodes)) {
    const addrs = new Map(nodes.map((x) => [x, unitAddress(x.name)]));
    const allAddressed = nodes.every((x) => addrs.get(x));
    const byAddress = (a: Item, b: Item) => compareAddr(addrs.get(a)!, addrs.get(b)!) || cmpStr(a.name, b.name);
    const byName = (a: Item, b: Item) => cmpStr(baseName(a.name), baseName(b.name)) || (addrs.get(a) && addrs.get(b) ? compareAddr(addrs.get(a)!, addrs.get(b)!) : cmpStr(a.name, b.name));
    const e = permute(text, body, 'node', allAddressed ? byAddress : byName);
    if (e) out.push({ kind: 'nodes', title: allAddressed ? 'Sort child nodes by unit address' : 'Sort child nodes by name', ...e });
  }
  const props = body.items.filter((x) => x.kind === 'property');
  if (props.length >= 2 && unique(props)) {
    const e = permute(text, body, 'property', (a, b) => propertyRank(a.name) - propertyRank(b.name));
    if (e) out.push({ kind: 'properties', title: 'Sort properties (compatible, reg, ranges, …, status)', ...e });
  }
  return out;
}

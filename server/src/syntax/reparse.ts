// A parse made from the owner's last parse when the text changed in one place (see reparseEdit).
import type { NodeBody, NodeDef, NodeItem, ParseEdit, RefNodeStatement, RootNodeStatement, Span, SyntaxErrorInfo, TopStatement, DtsFile } from './ast';
import { commonPrefix, commonSuffix } from '../base/text';
import { isSpace, looksLikeTopLevelStart, splitStatements } from './scan';
import { shiftItem, shiftStatement } from './shift';
import type { LastParse, ParseCache } from './parse-cache';
import { checkStatementOrder } from './order';
import { isNodeItem, isPropertyItem, itemEnd, SPLIT_MIN_CHARS } from './items';
import { parseItem, parseStatement } from './statement';

/**
 * The parse of `text` made from the owner's last parse when the two texts differ in one place that lies in
 * the white space between two items (or statements), or inside one item or statement that still parses as
 * exactly one item (statement) with the same boundaries: that item is parsed again (inside a node, only the
 * item of its body that the edit is in), everything after it is moved, the rest is the last parse's AST.
 * Undefined when the edit is anything else (the caller parses the whole text): an edit across items, one
 * that gives an item a syntax error, splits or joins items, or breaks dtc's properties-before-nodes order.
 * The last parse had no syntax error. The result is what the whole parse gives.
 */
export function reparseEdit(last: LastParse, text: string, cache: ParseCache, owner: string, complete: boolean): DtsFile | undefined {
  const old = last.text;
  const gen = cache.beginEdit(owner);
  try {
    if (text === old) return last.file;
    const p = commonPrefix(old, text);
    const s = commonSuffix(old, text, Math.min(old.length, text.length) - p);
    const e: EditCtx = { old, text, p, oldEnd: old.length - s, d: text.length - old.length, cache, gen, containers: [] };
    const statements = editList<TopStatement>(last.file.statements, 0, old.length, e, true, true);
    if (!statements) return undefined;
    const errors: SyntaxErrorInfo[] = [];
    checkStatementOrder(statements, errors, text.length, complete);
    const file: DtsFile = { statements, errors };
    // (not enumerable: the parse equals a whole parse of the text, field by field)
    const edit: ParseEdit = { base: new WeakRef(last.file), p: e.p, oldEnd: e.oldEnd, d: e.d, replaced: e.replaced };
    Object.defineProperty(file, 'edit', { value: edit, enumerable: false, writable: true, configurable: true });
    return file;
  } finally {
    cache.endParse(gen);
  }
}

interface EditCtx {
  old: string;
  text: string;
  /** the old text's [p, oldEnd) became the new text's [p, oldEnd + d) */
  p: number;
  oldEnd: number;
  d: number;
  cache: ParseCache;
  gen: number;
  /** the containers of the list being edited (see ParseEdit) */
  containers: string[];
  replaced?: ParseEdit['replaced'];
}

/**
 * `list` (top-level statements, or the items of one body) spans [lo, hi) of the old text and holds the edit:
 * the list after it, or undefined.
 */
function editList<T extends Span>(list: T[], lo: number, hi: number, e: EditCtx, top: boolean, memo: boolean): T[] | undefined {
  // the first element that ends after p
  let a = 0;
  let b = list.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (list[m].end <= e.p) a = m + 1; else b = m;
  }
  const k = a;
  const gapStart = k > 0 ? list[k - 1].end : lo;
  const gapEnd = k < list.length ? list[k].start : hi;
  const out = list.slice(0, k);
  let next: number;
  if (e.oldEnd <= gapEnd && allSpace(e.text, gapStart, gapEnd + e.d)) {
    // white space between two elements: nothing to parse
    next = k;
  } else {
    const x = list[k];
    if (!x || e.p < x.start || e.oldEnd > x.end) return undefined;
    const nested = inBody(x, e);
    const y = (nested ? editNode(x, e) : top ? reparseStatement(x as unknown as TopStatement, e) : reparseItem(x as unknown as NodeItem, e, memo)) as T | undefined;
    if (!y) return undefined;
    if (!nested) e.replaced = { old: x as unknown as NodeItem | TopStatement, now: y as unknown as NodeItem | TopStatement, containers: e.containers.slice() };
    if (!top && !itemOrderOk(list as unknown as NodeItem[], k, y as unknown as NodeItem)) return undefined;
    out.push(y);
    next = k + 1;
  }
  for (let i = next; i < list.length; i++) out.push(shiftTracked(list[i], e, top));
  return out;
}

/**
 * x moved by the edit's d, the cache told (an entry keeps the moved AST, not the old one). The items of a huge
 * node have entries of their own (see parseSplit): they are moved one by one.
 */
function shiftTracked<T extends Span>(x: T, e: EditCtx, top: boolean): T {
  const d = e.d;
  if (d === 0) return x; // (a same-length edit: nothing after it moves, the objects stay)
  let y: T;
  if (isContainer(x) && x.end - x.start >= SPLIT_MIN_CHARS) {
    const b = x.body;
    const items = new Array<NodeItem>(b.items.length);
    for (let i = 0; i < items.length; i++) items[i] = shiftTracked(b.items[i], e, false);
    const shell = { ...x, body: { ...b, items: [] } };
    const moved = (top ? shiftStatement(shell as TopStatement, d) : shiftItem(shell as NodeItem, d)) as unknown as Container;
    moved.body.items = items;
    y = moved as unknown as T;
  } else {
    y = (top ? shiftStatement(x as unknown as TopStatement, d) : shiftItem(x as unknown as NodeItem, d)) as unknown as T;
  }
  e.cache.moved(x, y, d);
  return y;
}

function isContainer(x: Span): x is Container {
  const k = (x as Partial<Container>).kind;
  return k === 'rootNode' || k === 'refNode' || k === 'node';
}

function allSpace(t: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (!isSpace(t.charCodeAt(i))) return false;
  return true;
}

type Container = RootNodeStatement | RefNodeStatement | NodeDef;

/** Is x a node (or `/ { }`, `&ref { }`) with the edit strictly inside its braces? */
function inBody(x: Span, e: EditCtx): x is Container {
  if (!isContainer(x)) return false;
  const b = x.body;
  return b.closeBrace >= 0 && b.start < e.p && e.oldEnd <= b.closeBrace;
}

/** The node (or top-level node statement) with its body edited. */
function editNode<T extends Span>(x: T & Container, e: EditCtx): T | undefined {
  const b = x.body;
  e.containers.push(x.kind === 'rootNode' ? '/' : x.kind === 'refNode' ? '&' + (x.ref.kind === 'labelRef' ? x.ref.name : `{${x.ref.path}}`) : x.name);
  // the items of a huge node have cache entries of their own (see parseSplit), those of a small one do not
  const items = editList<NodeItem>(b.items, b.start + 1, b.closeBrace, e, false, x.end - x.start >= SPLIT_MIN_CHARS);
  e.containers.pop();
  if (!items) return undefined;
  // an entry of the whole node (a top-level statement) holds its old text
  e.cache.drop(x);
  const body: NodeBody = { items, closeBrace: b.closeBrace + e.d, start: b.start, end: b.end + e.d };
  return { ...x, body, end: x.end + e.d };
}

/** dtc's "properties must precede subnodes" still holds with y in place of list[k] (it held before). */
function itemOrderOk(list: NodeItem[], k: number, y: NodeItem): boolean {
  if (isPropertyItem(y) && isNodeItem(list[k - 1])) return false;
  if (isNodeItem(y) && isPropertyItem(list[k + 1])) return false;
  return true;
}

/** A line of t that the statement splitter would take for the start of a top-level statement (see splitStatements). */
function topLevelLookalike(t: string): boolean {
  for (let i = t.indexOf('\n'); i >= 0 && i + 1 < t.length; i = t.indexOf('\n', i + 1)) {
    if (looksLikeTopLevelStart(t, i + 1, t.length)) return true;
  }
  return false;
}

/** [start, end) of text[a, b) without white space at either end. */
function trimmed(t: string, a: number, b: number): [number, number] {
  while (a < b && isSpace(t.charCodeAt(a))) a++;
  while (b > a && isSpace(t.charCodeAt(b - 1))) b--;
  return [a, b];
}

/** The item x after the edit, parsed again: exactly one item (white space around it aside), without error. */
function reparseItem(x: NodeItem, e: EditCtx, memo: boolean): NodeItem | undefined {
  const [a, b] = trimmed(e.text, x.start, x.end + e.d);
  const t = e.text.slice(a, b);
  if (t.length === 0 || itemEnd(t, 0, t.length) !== t.length || topLevelLookalike(t)) return undefined;
  e.cache.drop(x);
  return parseItem(t, a, e.cache, e.gen, undefined, 0, memo);
}

/** The top-level statement x after the edit, parsed again: exactly one statement (white space around it aside), without error. */
function reparseStatement(x: TopStatement, e: EditCtx): TopStatement | undefined {
  const [a, b] = trimmed(e.text, x.start, x.end + e.d);
  const t = e.text.slice(a, b);
  if (t.length === 0) return undefined;
  const chunks = splitStatements(t);
  if (chunks.length !== 2 || chunks[0] !== 0 || chunks[1] !== t.length) return undefined;
  e.cache.drop(x);
  const r = parseStatement(t, a, e.cache, e.gen, true, undefined);
  return r.errors.length === 0 && r.statements.length === 1 ? r.statements[0] : undefined;
}

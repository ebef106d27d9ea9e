// A parse made from the owner's last parse when the text changed in one place (see reparseEdit).
import type { NodeBody, NodeDef, NodeItem, ParseEdit, RefNodeStatement, RootNodeStatement, Span, SyntaxErrorInfo, TopStatement, DtsFile } from './ast';
import { detach, diffBounds, notedChange, type TextReader } from '../base/text';
import { isOneStatement, isSpace, looksLikeTopLevelStart, splitStatements } from './scan';
import { shiftItem, shiftStatement } from './shift';
import { moveItem, moveStatement } from './move';
import type { LastParse, ParseCache } from './parse-cache';
import { checkStatementOrder } from './order';
import { isNodeItem, isPropertyItem, ITEM_KEY, itemEnd, propertiesFirst, RECOVER_BY_ITEMS_MIN_CHARS, SPLIT_MIN_CHARS } from './items';
import { parseChunk } from './chunk';
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
export function reparseEdit(last: LastParse, text: string, cache: ParseCache, owner: string, complete: boolean, defer = false): DtsFile | undefined {
  const oldErrors = last.file.errors;
  const old = last.text;
  const gen = cache.beginEdit(owner);
  try {
    // (texts a note says differ are not compared: the new one, a keystroke's, is read only through its view)
    if (!notedChange(old, text) && text === old) return last.file;
    const { p, s, view } = diffBounds(old, text);
    const d = text.length - old.length;
    const moves: PendingMoves = { d, cache, owner, list: [] };
    const e: EditCtx = { old, text, view: view ?? text, p, oldEnd: old.length - s, d, cache, gen, containers: [], moves, shared: false, oldErrors };
    const statements = editList<TopStatement>(last.file.statements, 0, old.length, e, true, true, true);
    if (!statements) return undefined;
    // the last parse's errors must all have been in the item parsed again with recovery: its errors replace them
    // (an error elsewhere, or of the statement order, and the whole text is parsed); or the edit was spaces between
    // two items that no error reaches into: the errors are the last parse's, moved with the text after the edit
    const u = e.unit;
    const carried = !u && oldErrors.length ? carriedErrors(last, e, complete) : undefined;
    if (oldErrors.length && !carried && (!u || oldErrors.some((x) => x.start < u.start || x.end > u.end))) return undefined;
    const errors: SyntaxErrorInfo[] = u ? u.errors.slice() : carried ?? [];
    // (the statements after the edit are moved later, settleMoves: the order's errors are placed where they will be)
    const pending = new Set<TopStatement>();
    for (const m of moves.list) if (m.top && m.arr === statements) pending.add(statements[m.i]);
    checkStatementOrder(statements, errors, text.length, complete, { statements: pending, d });
    const file: DtsFile = { statements, errors };
    // (not enumerable: the parse equals a whole parse of the text, field by field)
    const edit: ParseEdit = { base: new WeakRef(last.file), p: e.p, oldEnd: e.oldEnd, d: e.d, replaced: e.replaced };
    if (view) edit.reader = view;
    if (u && !e.replaced) edit.reparsed = true;
    Object.defineProperty(file, 'edit', { value: edit, enumerable: false, writable: true, configurable: true });
    if (moves.list.length > 0) {
      PENDING.set(file, moves);
      if (!defer) settleMoves(file, false);
    }
    return file;
  } finally {
    cache.endParse(gen);
  }
}

/**
 * The last parse's item and statement errors moved with the text, for an edit of spaces or tabs between two items
 * (`e.gap`) with no line break taken or given and not at a line's start, that no error reaches into: each error lies
 * before the gap (it stays) or starts at or after its end (it moves), at a token, which the edit does not change, nor
 * what a token sees of the line breaks before it. Undefined otherwise (the whole text is parsed). The statement order's
 * errors are left out: they are found again.
 */
function carriedErrors(last: LastParse, e: EditCtx, complete: boolean): SyntaxErrorInfo[] | undefined {
  const g = e.gap;
  if (!g) return undefined;
  const { old, view, p, oldEnd, d } = e;
  if (p === 0 || old.charCodeAt(p - 1) === 10 || old.charCodeAt(p - 1) === 13) return undefined;
  const plainSpace = (t: TextReader, a: number, b: number): boolean => {
    for (let i = a; i < b; i++) { const c = t.charCodeAt(i); if (c !== 32 && c !== 9) return false; }
    return true;
  };
  if (!plainSpace(old, p, oldEnd) || !plainSpace(view, p, oldEnd + d)) return undefined;
  const order: SyntaxErrorInfo[] = [];
  checkStatementOrder(last.file.statements, order, old.length, complete);
  const isOrder = (x: SyntaxErrorInfo): boolean => order.some((y) => y.start === x.start && y.end === x.end && y.message === x.message);
  const out: SyntaxErrorInfo[] = [];
  for (const x of e.oldErrors) {
    if (isOrder(x)) continue;
    // (an error of no length where the gap starts or ends may be the end of an item's text: not placed by a token)
    if (x.end < g.start || (x.end === g.start && x.start < x.end)) out.push(x);
    else if (x.start >= g.end && x.end > x.start) out.push({ ...x, start: x.start + d, end: x.end + d });
    else return undefined;
  }
  return out;
}

interface EditCtx {
  old: string;
  /** the new text (read only where an edit is rare: its reads flatten it, see base/text.ts EditedText) */
  text: string;
  /** what the edit's reads of the new text go through: its view when a note said what the edit put in, else the text */
  view: TextReader;
  /** the old text's [p, oldEnd) became the new text's [p, oldEnd + d) */
  p: number;
  oldEnd: number;
  d: number;
  cache: ParseCache;
  gen: number;
  /** the containers of the list being edited (see ParseEdit) */
  containers: string[];
  replaced?: ParseEdit['replaced'];
  /** what comes after the edit, to be moved (see settleMoves) */
  moves: PendingMoves;
  /** a container of the list being edited is held by another owner's parse too (its contents are copied, never moved in place) */
  shared: boolean;
  /** the last parse's syntax errors (its statements' and items', sorted) */
  oldErrors: SyntaxErrorInfo[];
  /** the item parsed again with error recovery (see reparseUnit): its old span and the errors of its new parse */
  unit?: { start: number; end: number; errors: SyntaxErrorInfo[] };
  /** the edit was white space between two items (or statements): the old text's gap between them */
  gap?: { start: number; end: number };
  /** the unit gave other than one item (an error item, or several): the node whose list holds it is the item replaced */
  multi?: boolean;
}

/**
 * The statements and items after an edit, left where they were by reparseEdit: each lies in `arr` at `i`
 * (the new parse's lists). settleMoves moves them by d, in place or as copies.
 */
interface PendingMoves {
  d: number;
  cache: ParseCache;
  owner: string;
  list: { arr: Span[]; i: number; top: boolean; shared: boolean }[];
}

const PENDING = new WeakMap<DtsFile, PendingMoves>();

/**
 * Moves what comes after the edit of a parse made by reparseEdit with `defer` (nothing to do for any other
 * parse). `inPlace`: the last parse (whose objects these are) will never be read again: its tree was patched
 * and this analysis replaces it without a pause, so they are moved where they are, except objects another
 * owner's parse holds (copied). Otherwise copies, as an undeferred reparseEdit makes them.
 */
export function settleMoves(file: DtsFile, inPlace: boolean): void {
  const pm = PENDING.get(file);
  if (!pm) return;
  PENDING.delete(file);
  for (let k = 0; k < pm.list.length; k++) {
    const m = pm.list[k];
    const x = m.arr[m.i];
    m.arr[m.i] = inPlace && !m.shared ? moveOwned(x, pm, m.top) : shiftTracked(x, pm.d, pm.cache, m.top, pm.owner);
  }
}

/** x moved in place by d (the cache told), or a moved copy of it when another owner's parse holds it. */
function moveOwned<T extends Span>(x: T, pm: PendingMoves, top: boolean): T {
  if (pm.cache.isShared(x)) return shiftTracked(x, pm.d, pm.cache, top, pm.owner);
  if (isContainer(x) && x.end - x.start >= SPLIT_MIN_CHARS) {
    // the items of a huge node have cache entries of their own: each is moved (or copied) on its own
    if (top) moveStatement(x as unknown as TopStatement, pm.d, true); else moveItem(x as unknown as NodeItem, pm.d, true);
    const items = x.body.items;
    for (let i = 0; i < items.length; i++) items[i] = moveOwned(items[i], pm, false);
  } else if (top) moveStatement(x as unknown as TopStatement, pm.d);
  else moveItem(x as unknown as NodeItem, pm.d);
  pm.cache.moved(x, x, pm.d, pm.owner);
  return x;
}

/**
 * `list` (top-level statements, or the items of one body) spans [lo, hi) of the old text and holds the edit:
 * the list after it, or undefined. `memo`: its items have cache entries of their own (a huge node's);
 * `byItems`: a whole parse with an error in it recovers it item by item (see byItems).
 */
function editList<T extends Span>(list: T[], lo: number, hi: number, e: EditCtx, top: boolean, memo: boolean, byItems: boolean): T[] | undefined {
  // the first element that ends after p
  let a = 0;
  let b = list.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (list[m].end <= e.p) a = m + 1; else b = m;
  }
  // text typed where an item ends, or in the white space after it, that an error follows before the next item starts
  // (a property being typed, which the recovery ended there: `vendor,t` before `i2c8: i2c@a80000 {`, the error at
  // `i2c8`) is in that item's unit of the recovery: parsed again as a unit (`tail`, see reparseUnit)
  const tail = !top && byItems && a > 0 && list[a - 1].end <= e.p && allSpace(e.old, list[a - 1].end, e.p) && e.oldErrors.some((r) => r.end >= list[a - 1].end && r.start <= (a < list.length ? list[a].end : hi));
  const k = tail ? a - 1 : a;
  const gapStart = k > 0 ? list[k - 1].end : lo;
  const gapEnd = k < list.length ? list[k].start : hi;
  const out = list.slice(0, k);
  let next: number;
  if (e.oldEnd <= gapEnd && allSpace(e.view, gapStart, gapEnd + e.d)) {
    // white space between two elements: nothing to parse
    next = k;
    e.gap = { start: gapStart, end: gapEnd };
  } else {
    const x = list[k];
    if (!x || e.p < x.start || (e.oldEnd > x.end && !tail)) return undefined;
    // an item of a huge node with an error in it is parsed again whole, with recovery (see reparseUnit); a huge
    // one is descended into (its items are the units)
    const huge = x.end - x.start >= SPLIT_MIN_CHARS;
    const erroneous = e.oldErrors.length > 0 && e.oldErrors.some((r) => r.end >= x.start && r.start <= x.end);
    const nested = inBody(x, e) && (huge || !erroneous || byItemsAfter(x, e));
    const before = { moves: e.moves.list.length, unit: e.unit, replaced: e.replaced, multi: e.multi };
    let y = (tail || (erroneous && !nested) ? undefined : nested ? editNode(x, e) : top ? reparseStatement(x as unknown as TopStatement, e) : reparseItem(x as unknown as NodeItem, e, memo)) as T | undefined;
    let whole = false;
    if (!y && nested && top && !huge && !tail) {
      // an edit of a small statement's body outside any of its items (a line pasted or cut between two): the
      // statement parsed again whole (what the attempt inside it noted is forgotten)
      e.moves.list.length = before.moves;
      e.unit = before.unit;
      e.replaced = before.replaced;
      e.multi = before.multi;
      y = reparseStatement(x as unknown as TopStatement, e) as T | undefined;
      whole = y !== undefined;
    }
    if (!y) {
      // an item of a huge node (memo: its items are cached on their own) whose new text has an error, or had one
      // (a small top-level statement likewise, as the whole parse of a text with an error parses it: on its own)
      // (a unit of the recovery may hold x and the items after it: j is its last)
      let j = k;
      const ys = e.unit || huge ? undefined : top ? reparseTopUnit(x as unknown as TopStatement, e) as unknown as NodeItem[] | undefined : byItems ? reparseUnit(x as unknown as NodeItem, list as unknown as NodeItem[], k, e, memo, (last) => { j = last; }) : undefined;
      if (!ys) return undefined;
      if (!top && !propertiesFirst([...(list as unknown as NodeItem[]).slice(0, k), ...ys, ...(list as unknown as NodeItem[]).slice(j + 1)])) return undefined;
      // (an error item made one, or one made an error item or several: the node that holds them is what changed)
      if (j === k && ys.length === 1 && ys[0].kind !== 'error' && (x as unknown as NodeItem).kind !== 'error') e.replaced = { old: x as unknown as NodeItem, now: ys[0], containers: e.containers.slice() };
      else e.multi = true;
      for (const it of ys) out.push(it as unknown as T);
      next = j + 1;
    } else {
      if (!nested || whole) e.replaced = { old: x as unknown as NodeItem | TopStatement, now: y as unknown as NodeItem | TopStatement, containers: e.containers.slice() };
      if (!top && !itemOrderOk(list as unknown as NodeItem[], k, y as unknown as NodeItem)) return undefined;
      out.push(y);
      next = k + 1;
    }
  }
  // what follows moves by d: left as it is for now (see settleMoves)
  if (e.d !== 0) {
    for (let i = next; i < list.length; i++) {
      e.moves.list.push({ arr: out, i: out.length, top, shared: e.shared });
      out.push(list[i]);
    }
  } else for (let i = next; i < list.length; i++) out.push(list[i]);
  return out;
}

/**
 * x moved by the edit's d, the cache told (an entry keeps the moved AST, not the old one). The items of a huge
 * node have entries of their own (see parseSplit): they are moved one by one.
 */
function shiftTracked<T extends Span>(x: T, d: number, cache: ParseCache, top: boolean, owner: string): T {
  let y: T;
  if (isContainer(x) && x.end - x.start >= SPLIT_MIN_CHARS) {
    const b = x.body;
    const items = new Array<NodeItem>(b.items.length);
    for (let i = 0; i < items.length; i++) items[i] = shiftTracked(b.items[i], d, cache, false, owner);
    const shell = { ...x, body: { ...b, items: [] } };
    const moved = (top ? shiftStatement(shell as TopStatement, d) : shiftItem(shell as NodeItem, d)) as unknown as Container;
    moved.body.items = items;
    y = moved as unknown as T;
  } else {
    y = (top ? shiftStatement(x as unknown as TopStatement, d) : shiftItem(x as unknown as NodeItem, d)) as unknown as T;
  }
  cache.moved(x, y, d, owner);
  return y;
}

function isContainer(x: Span): x is Container {
  const k = (x as Partial<Container>).kind;
  return k === 'rootNode' || k === 'refNode' || k === 'node';
}

function allSpace(t: TextReader, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (!isSpace(t.charCodeAt(i))) return false;
  return true;
}

type Container = RootNodeStatement | RefNodeStatement | NodeDef;

/**
 * Does a whole parse recover the node x (edited inside) item by item, before the edit and after it (chunk.ts:
 * a statement or item of at least RECOVER_BY_ITEMS_MIN_CHARS)? An error in it is then the error of the item it
 * is in: that item is parsed again alone (reparseUnit).
 */
function byItemsAfter(x: Span, e: EditCtx): boolean {
  return x.end - x.start >= RECOVER_BY_ITEMS_MIN_CHARS && x.end + e.d - x.start >= RECOVER_BY_ITEMS_MIN_CHARS;
}

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
  // (what another owner's parse holds, it holds with everything inside it)
  const shared = e.shared;
  const inside = shared || e.cache.isShared(x);
  e.shared = inside;
  // the items of a huge node have cache entries of their own (see parseSplit), those of a small one do not
  const items = editList<NodeItem>(b.items, b.start + 1, b.closeBrace, e, false, x.end - x.start >= SPLIT_MIN_CHARS, byItemsAfter(x, e));
  e.shared = shared;
  e.containers.pop();
  if (!items) return undefined;
  // an entry of the whole node (a top-level statement) holds its old text, and the items y shares with x, which
  // settleMoves may move in place: it goes (ParseCache.drop)
  e.cache.drop(x);
  const body: NodeBody = { items, closeBrace: b.closeBrace + e.d, start: b.start, end: b.end + e.d };
  const y = { ...x, body, end: x.end + e.d };
  if (e.multi) {
    // (its list took the unit's items in place of one: this node is what the edit replaced)
    e.multi = false;
    e.replaced = { old: x as unknown as NodeItem | TopStatement, now: y as unknown as NodeItem | TopStatement, containers: e.containers.slice() };
  }
  return y;
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
function trimmed(t: TextReader, a: number, b: number): [number, number] {
  while (a < b && isSpace(t.charCodeAt(a))) a++;
  while (b > a && isSpace(t.charCodeAt(b - 1))) b--;
  return [a, b];
}

/** The item x after the edit, parsed again: exactly one item (white space around it aside), without error. */
function reparseItem(x: NodeItem, e: EditCtx, memo: boolean): NodeItem | undefined {
  const [a, b] = trimmed(e.view, x.start, x.end + e.d);
  const t = e.view.slice(a, b);
  if (t.length === 0 || itemEnd(t, 0, t.length) !== t.length || topLevelLookalike(t)) return undefined;
  e.cache.drop(x);
  return parseItem(t, a, e.cache, e.gen, undefined, 0, memo);
}

/**
 * The item x of a node that recovers item by item after the edit, parsed again with error recovery, as the whole
 * parse recovers such a node (chunk.ts recoverByItems: each item between the boundaries items.ts finds is parsed on
 * its own): the items and errors it gives. Undefined unless x began such a unit before (the item before it ends
 * one) and the unit ended with x or with an item after it (`last` is told that item's index: an error item cut off
 * at a line break, and the item the recovery then parsed as written, `vendor,t` before `i2c8: i2c@a80000 { … };`,
 * make one unit), and its new text is exactly one unit ending where it ended (white space around it aside).
 * `memo`: the node is huge, its items have cache entries (x's is replaced).
 */
function reparseUnit(x: NodeItem, list: NodeItem[], k: number, e: EditCtx, memo: boolean, last: (j: number) => void): NodeItem[] | undefined {
  const prev = list[k - 1];
  if (prev && itemEnd(e.old, prev.start, e.old.length) !== prev.end) return undefined;
  const unitEnd = itemEnd(e.old, x.start, e.old.length);
  if (e.oldEnd > unitEnd) return undefined;
  let j = k;
  while (j < list.length && list[j].end < unitEnd) j++;
  if (j === list.length || list[j].end !== unitEnd) return undefined;
  // (items after x in the unit: only where the whole parse recovered one, with an error in it)
  if (j > k && !e.oldErrors.some((r) => r.start >= x.start && r.end <= unitEnd)) return undefined;
  const [a, b] = trimmed(e.view, x.start, unitEnd + e.d);
  const t = e.view.slice(a, b);
  // (its end found in the whole text: a quote left open runs on past it)
  if (t.length === 0 || itemEnd(e.text, a, e.text.length) !== b || topLevelLookalike(t)) return undefined;
  for (let i = k; i <= j; i++) e.cache.drop(list[i]);
  const r = parseChunk(detach(t), a, undefined, 'BodyItems', 1, e.cache, e.gen);
  e.unit = { start: x.start, end: unitEnd, errors: r.errors };
  last(j);
  const items = r.statements as unknown as NodeItem[];
  // cached as the item parse caches an item of a huge node (statement.ts parseItem): the item, or that it failed
  const ok = r.errors.length === 0 && items.length === 1 && items[0].kind !== 'error' && items[0].start === a && items[0].end === b;
  if (memo) e.cache.store(ITEM_KEY + t, a, e.gen, ok ? { statements: items as unknown as TopStatement[], errors: [] } : { statements: [], errors: [{ start: a, end: a, message: 'item' }] });
  return items;
}

/**
 * A small top-level statement after the edit, parsed again with error recovery as the whole parse of a text with
 * an error parses every statement (parse.ts parseFull: each on its own, between the boundaries splitStatements
 * finds): its statements and errors. Undefined unless its new text is exactly one statement ended by its ';'
 * (the whole text's scan then cuts it at the same places).
 */
function reparseTopUnit(x: TopStatement, e: EditCtx): TopStatement[] | undefined {
  const [a, b] = trimmed(e.view, x.start, x.end + e.d);
  const t = e.view.slice(a, b);
  if (a !== x.start || !isOneStatement(t)) return undefined;
  e.cache.drop(x);
  const r = parseStatement(t, a, e.cache, e.gen, true, undefined);
  e.unit = { start: x.start, end: x.end, errors: r.errors };
  return r.statements;
}

/** The top-level statement x after the edit, parsed again: exactly one statement (white space around it aside), without error. */
function reparseStatement(x: TopStatement, e: EditCtx): TopStatement | undefined {
  const [a, b] = trimmed(e.view, x.start, x.end + e.d);
  const t = e.view.slice(a, b);
  if (t.length === 0) return undefined;
  const chunks = splitStatements(t);
  if (chunks.length !== 2 || chunks[0] !== 0 || chunks[1] !== t.length) return undefined;
  e.cache.drop(x);
  const r = parseStatement(t, a, e.cache, e.gen, true, undefined);
  return r.errors.length === 0 && r.statements.length === 1 ? r.statements[0] : undefined;
}

// The shape of a node statement or item without parsing it: its braces and the boundaries of its body
// items (for huge statements parsed item by item), and dtc's properties-before-subnodes order.
import type { NodeDef, NodeItem, RefNodeStatement, RootNodeStatement, SyntaxErrorInfo, TopStatement } from './ast';
import * as peg from './dts-parser';
import { isSpace, lineMarkerEnd, skipUnitAt } from './scan';

/** Statements (and node items) at least this long are parsed item by item. */
export const SPLIT_MIN_CHARS = 16384;

/**
 * A statement or node item with a syntax error at least this long recovers item by item (chunk.ts
 * recoverByItems): the error costs the parse of the item it is in, not of a whole mid-size node (a keystroke
 * in sc7280.dtsi's 15 KB qupv3_id_0 left a property half typed: ~3 ms a keystroke to parse the node again).
 */
export const RECOVER_BY_ITEMS_MIN_CHARS = 2048;

/** Texts up to this size are parsed in one run of the parser when nothing can be reused (see parseWhole). */
export const WHOLE_PARSE_MAX_CHARS = 1_000_000;
/** Cache keys of body items start with this character (no statement text does). */
export const ITEM_KEY_CODE = 1;
export const ITEM_KEY = String.fromCharCode(ITEM_KEY_CODE);

/** The end of the trivia (whitespace, comments) from i; -1 at a line marker (those can carry soft errors). */
function skipPlainTrivia(t: string, i: number, end: number): number {
  while (i < end) {
    const c = t.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    if (c === 47 /* / */ && i + 1 < end) {
      const d = t.charCodeAt(i + 1);
      if (d === 42 /* * */) { const e = t.indexOf('*/', i + 2); if (e < 0 || e + 2 > end) return -1; i = e + 2; continue; }
      if (d === 47) { const e = t.indexOf('\n', i + 2); i = e < 0 || e > end ? end : e; continue; }
    }
    if (c === 35 /* # */ && lineMarkerEnd(t, i, end) >= 0) return -1;
    break;
  }
  return i;
}

/**
 * Parses `header { items } ;` (a top-level `/ { };` / `&ref { };`, or a node item) by parsing the header
 * with an empty body and every body item on its own (memoised in the cache by its text, nested huge
 * nodes split again). Returns the statement (or node item) exactly as the whole parse builds it, or
 * undefined when the text is not one well-formed node or anything in it has an error: the caller then
 * parses it whole, so error recovery and messages are those of the whole parse.
 */
/**
 * The structure of `header { items } ;`: the offsets of '{' and '}' and [start, end) of every body item
 * (each ends with the ';' at its own brace depth 0); undefined when the text is not one such node.
 */
function scanNodeShape(t: string): { open: number; close: number; bounds: number[] } | undefined {
  const n = t.length;
  // the '{' of the header: before any ';'
  let open = -1;
  for (let i = 0; i < n;) {
    const c = t.charCodeAt(i);
    if (c === 123 /* { */) { open = i; break; }
    if (c === 59 /* ; */ || c === 125 /* } */) return undefined;
    const u = skipUnitAt(t, i, n);
    i = u >= 0 ? u : i + 1;
  }
  if (open < 0) return undefined;
  // the items: each ends with the ';' at its own brace depth 0
  const bounds: number[] = [];
  let i = open + 1;
  let close = -1;
  while (i < n) {
    i = skipPlainTrivia(t, i, n);
    if (i < 0 || i >= n) return undefined;
    if (t.charCodeAt(i) === 125) { close = i; break; }
    const start = i;
    const end = itemEnd(t, i, n);
    if (end < 0) return undefined;
    i = end;
    bounds.push(start, end);
  }
  if (close < 0) return undefined;
  const after = skipPlainTrivia(t, close + 1, n);
  if (after < 0 || t.charCodeAt(after) !== 59 || after + 1 !== n) return undefined;
  return { open, close, bounds };
}

export const isNodeItem = (it: NodeItem | undefined): boolean => it !== undefined && (it.kind === 'node' || it.kind === 'deleteNode');
export const isPropertyItem = (it: NodeItem | undefined): boolean => it !== undefined && (it.kind === 'property' || it.kind === 'deleteProperty');

/** dtc's "Properties must precede subnodes": no property (or /delete-property/) after a node (or /delete-node/). */
export function propertiesFirst(items: NodeItem[]): boolean {
  let seenNode = false;
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (isNodeItem(it)) seenNode = true;
    else if (seenNode && isPropertyItem(it)) return false;
  }
  return true;
}

/** The end of the body item starting at i (after the ';' at its own brace depth 0), or -1 (none, or a line marker). */
export function itemEnd(t: string, i: number, n: number): number {
  let depthIn = 0;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 35 && lineMarkerEnd(t, i, n) >= 0) return -1;
    const u = c === 34 || c === 39 || c === 47 || c === 38 ? skipUnitAt(t, i, n) : -1;
    if (u >= 0) { i = u; continue; }
    i++;
    if (c === 123) depthIn++;
    else if (c === 125) { if (depthIn === 0) return -1; depthIn--; }
    else if (c === 59 && depthIn === 0) return i;
  }
  return -1;
}

/** `header { items } ;` parsed as its header with an empty body, plus the item boundaries; undefined when it is not that shape. */
export function parseShell(t: string, base: number, rule: 'TopStatement' | 'BodyItems'): { node: RootNodeStatement | RefNodeStatement | NodeDef; open: number; close: number; bounds: number[] } | undefined {
  const shape = scanNodeShape(t);
  if (!shape) return undefined;
  const { open, close, bounds } = shape;
  const skeletonText = t.slice(0, open + 1) + t.slice(close);
  const soft: SyntaxErrorInfo[] = [];
  let skel: Array<TopStatement | NodeItem>;
  try {
    skel = peg.parse(skeletonText, { startRule: rule, base, errors: soft }) as Array<TopStatement | NodeItem>;
  } catch {
    return undefined;
  }
  if (soft.length !== 0 || skel.length !== 1) return undefined;
  const node = skel[0];
  if (node.kind !== 'rootNode' && node.kind !== 'refNode' && node.kind !== 'node') return undefined;
  if (node.body.items.length !== 0 || node.body.closeBrace !== base + open + 1) return undefined;
  return { node, open, close, bounds };
}

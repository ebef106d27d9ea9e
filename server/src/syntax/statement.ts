// One top-level statement or body item: from the parse cache, else parsed (a huge one item by item) and stored.
import type { NodeBody, NodeItem, SyntaxErrorInfo, TopStatement } from './ast';
import { detach } from '../base/text';
import * as peg from './dts-parser';
import type { ChunkResult, ParseCache } from './parse-cache';
import { parseChunk } from './chunk';
import { ITEM_KEY, parseShell, propertiesFirst, SPLIT_MIN_CHARS } from './items';
import type { Slicer } from '../base/slice';

/** One top-level statement t at offset start: from the cache, else parsed (and stored). */
export function parseStatement(t: string, start: number, cache: ParseCache | undefined, gen: number, split: boolean, isCancelled: (() => boolean) | undefined): ChunkResult {
  const hit = cache?.lookup(t, start, gen);
  if (hit) return hit;
  if (cache && split && t.length >= SPLIT_MIN_CHARS) {
    // a huge statement (`/ { ... };` of a SoC .dtsi): parsed and cached item by item, so that an edit
    // re-parses only the item (node) it touches; undefined when it has any error (parsed whole below)
    const st = parseSplit(t, start, true, cache, gen, isCancelled);
    if (st) {
      const r = { statements: [st as TopStatement], errors: [] };
      // whole too: an analysis that did not change it finds it in one lookup (its items are shared)
      cache.store(t, start, gen, r);
      return r;
    }
  }
  // the cache keeps the statement's text and AST (and the names cut from it): from a copy, not a
  // view of this version of the whole text (see detach)
  const own = detach(t);
  const r = parseChunk(own, start, isCancelled);
  // a chunk whose parse was cancelled is not cached (the next analysis parses it again)
  if (!isCancelled || !r.errors.some((e) => e.code === 'resource-limit' && e.start === start && e.end === start)) cache?.store(own, start, gen, r);
  return r;
}

function parseSplit(t: string, base: number, top: boolean, cache: ParseCache, gen: number, isCancelled?: () => boolean, depth = 0): TopStatement | NodeItem | undefined {
  if (depth > 64) return undefined;
  const shell = parseShell(t, base, top ? 'TopStatement' : 'BodyItems');
  if (!shell) return undefined;
  const { node, open, close, bounds } = shell;
  const removed = close - (open + 1);
  // the items
  const items: NodeItem[] = [];
  for (let k = 0; k < bounds.length; k += 2) {
    if ((k & 63) === 0 && isCancelled && isCancelled()) return undefined;
    const s = bounds[k];
    const e = bounds[k + 1];
    const it = parseItem(t.slice(s, e), base + s, cache, gen, isCancelled, depth);
    if (!it) return undefined;
    items.push(it);
  }
  // dtc's "Properties must precede subnodes" (a soft error of the whole parse)
  if (!propertiesFirst(items)) return undefined;
  const body: NodeBody = { items, closeBrace: base + close, start: node.body.start, end: node.body.end + removed };
  node.body = body;
  node.end += removed;
  return node;
}

/**
 * One body item, memoised in the cache by its text; `memo` false: not looked up or stored (an item of a node
 * too small to be split, which no parse looks up on its own).
 */
export function parseItem(text: string, base: number, cache: ParseCache, gen: number, isCancelled: (() => boolean) | undefined, depth: number, memo = true): NodeItem | undefined {
  const key = ITEM_KEY + text;
  const hit = memo ? cache.lookup(key, base, gen) : undefined;
  if (hit) return hit.errors.length === 0 && hit.statements.length === 1 ? (hit.statements[0] as unknown as NodeItem) : undefined;
  if (text.length >= SPLIT_MIN_CHARS) {
    const it = parseSplit(text, base, false, cache, gen, isCancelled, depth + 1);
    if (it) return it as NodeItem;
  }
  const soft: SyntaxErrorInfo[] = [];
  let list: NodeItem[];
  let ok = true;
  try {
    // parsed from a copy: the names cut from it must not keep the whole preprocessed text alive (see detach)
    list = peg.parse(detach(text), { startRule: 'BodyItems', base, errors: soft }) as unknown as NodeItem[];
  } catch {
    list = [];
    ok = false;
  }
  if (ok) ok = soft.length === 0 && list.length === 1 && list[0].kind !== 'error' && list[0].start === base && list[0].end === base + text.length;
  // a failed item is remembered as such (the statement is then parsed whole, and cached whole)
  if (memo) cache.store(key, base, gen, ok ? { statements: list as unknown as TopStatement[], errors: [] } : { statements: [], errors: [{ start: base, end: base, message: 'item' }] });
  return ok ? list[0] : undefined;
}

/**
 * Before a huge statement (a SoC's `/ { ... };`) is parsed in a sliced analysis (the language server's
 * background analyses): its body items parsed and cached one by one, with a pause whenever the slice is
 * used up, so that parseStatement(split) then finds them all in the cache instead of parsing 100-300 KB
 * in one piece while requests wait. Items with errors are left to that parse (it then parses the whole
 * statement, as before).
 */
export function* warmItems(t: string, start: number, cache: ParseCache, gen: number, slicer: Slicer, isCancelled: (() => boolean) | undefined, depth = 0): Generator<string, boolean, void> {
  if (depth > 64 || t.length < SPLIT_MIN_CHARS || cache.has(depth === 0 ? t : ITEM_KEY + t)) return true;
  const shell = parseShell(t, start, depth === 0 ? 'TopStatement' : 'BodyItems');
  if (!shell) return false;
  const { bounds } = shell;
  for (let k = 0; k < bounds.length; k += 2) {
    if (isCancelled && isCancelled()) return false;
    const item = t.slice(bounds[k], bounds[k + 1]);
    // a huge item (the soc@0 node) is itself warmed item by item first
    if (!(yield* warmItems(item, start + bounds[k], cache, gen, slicer, isCancelled, depth + 1))) return false;
    if (!parseItem(item, start + bounds[k], cache, gen, isCancelled, depth)) return false;
    if (slicer.due()) { yield 'parse'; slicer.restart(); }
  }
  return true;
}

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
  const r = parseChunk(own, start, isCancelled, 'TopStatement', 0, cache, gen);
  // a chunk whose parse was cancelled is not cached (the next analysis parses it again)
  if (!isCancelled || !r.errors.some((e) => e.code === 'resource-limit' && e.start === start && e.end === start)) cache?.store(own, start, gen, r);
  return r;
}

/**
 * A huge statement or node item parsed item by item (from the cache where it can). Undefined when it is not one
 * well-formed node shell; false when it is, but an item has an error (soft or hard) or dtc's property order is
 * broken: a parse of the whole text would then fail or report an error too.
 */
function parseSplit(t: string, base: number, top: boolean, cache: ParseCache, gen: number, isCancelled?: () => boolean, depth = 0): TopStatement | NodeItem | false | undefined {
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
    if (!it) return false;
    items.push(it);
  }
  // dtc's "Properties must precede subnodes" (a soft error of the whole parse)
  if (!propertiesFirst(items)) return false;
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
    if (it === false) {
      // an item inside has an error (or the property order is broken): the whole item parsed in one run would
      // fail or report it as well, and is not parsed in vain (a SoC's soc@0 node: ~100 KB per keystroke)
      if (memo) cache.store(key, base, gen, { statements: [], errors: [{ start: base, end: base, message: 'item' }] });
      return undefined;
    }
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
 * background analyses): its body items parsed and cached, with a pause whenever the slice is used up, so
 * that parseStatement(split) then finds them all in the cache instead of parsing 100-300 KB in one piece
 * while requests wait. Consecutive small items are parsed in one run of the parser (warmBatch) and cached
 * one by one: a run per item set the parser up ~500 times for sm8550.dtsi (issue 17: a fresh server's first
 * diagnostics of sm8550-mtp ~40 ms later than one whole parse). Items with errors are left to that parse
 * (it then parses the whole statement, as before).
 */
export function* warmItems(t: string, start: number, cache: ParseCache, gen: number, slicer: Slicer, isCancelled: (() => boolean) | undefined, depth = 0): Generator<string, boolean, void> {
  if (depth > 64 || t.length < SPLIT_MIN_CHARS || cache.has(depth === 0 ? t : ITEM_KEY + t)) return true;
  const shell = parseShell(t, start, depth === 0 ? 'TopStatement' : 'BodyItems');
  if (!shell) return false;
  const { bounds } = shell;
  // the batch: bounds[from] .. bounds[to - 1] (items neither huge nor cached yet)
  let from = 0;
  let to = 0;
  const flush = (): boolean => {
    const ok = from === to || warmBatch(t, bounds, from, to, start, cache, gen, isCancelled, depth);
    from = to;
    return ok;
  };
  for (let k = 0; k < bounds.length; k += 2) {
    if (isCancelled && isCancelled()) return false;
    const s = bounds[k];
    const e = bounds[k + 1];
    const huge = e - s >= SPLIT_MIN_CHARS;
    if (!huge && !cache.has(ITEM_KEY + t.slice(s, e))) {
      if (from === to) from = to = k;
      to = k + 2;
      if (e - bounds[from] < BATCH_CHARS && k + 2 < bounds.length) continue;
      if (!flush()) return false;
    } else {
      if (!flush()) return false;
      from = to = k + 2;
      if (!huge) continue;
      const item = t.slice(s, e);
      // a huge item (the soc@0 node) is itself warmed first
      if (!(yield* warmItems(item, start + s, cache, gen, slicer, isCancelled, depth + 1))) return false;
      if (!parseItem(item, start + s, cache, gen, isCancelled, depth)) return false;
    }
    if (slicer.due()) { yield 'parse'; slicer.restart(); }
  }
  return flush();
}

/** Consecutive small items warmed in one run of the parser; about this many characters per run. */
const BATCH_CHARS = 8192;

/**
 * The items bounds[from] .. bounds[to - 1] of t parsed together (start rule BodyItems over their span) and
 * cached one by one, each as parseItem would have cached it alone: the same AST (positions are absolute; an
 * item's parse does not look past its end), checked item by item against its bounds. A run with any error,
 * or whose items do not fall on the bounds, is parsed item by item instead (parseItem: the same results as
 * before, failures remembered).
 */
function warmBatch(t: string, bounds: number[], from: number, to: number, start: number, cache: ParseCache, gen: number, isCancelled: (() => boolean) | undefined, depth: number): boolean {
  const a = bounds[from];
  const n = (to - from) / 2;
  if (n > 1) {
    const soft: SyntaxErrorInfo[] = [];
    let list: NodeItem[] | undefined;
    try {
      // silent: a failure only sends the items to parseItem, which records it
      list = peg.parse(detach(t.slice(a, bounds[to - 1])), { startRule: 'BodyItems', base: start + a, errors: soft, peg$silentFails: 1 }) as unknown as NodeItem[];
    } catch {
      list = undefined;
    }
    let ok = list !== undefined && soft.length === 0 && list.length === n;
    for (let i = 0; ok && i < n; i++) {
      const it = list![i];
      ok = it.kind !== 'error' && it.start === start + bounds[from + 2 * i] && it.end === start + bounds[from + 2 * i + 1];
    }
    if (ok) {
      for (let i = 0; i < n; i++) {
        const s = bounds[from + 2 * i];
        cache.store(ITEM_KEY + t.slice(s, bounds[from + 2 * i + 1]), start + s, gen, { statements: [list![i] as unknown as TopStatement], errors: [] });
      }
      return true;
    }
  }
  for (let k = from; k < to; k += 2) {
    if (!parseItem(t.slice(bounds[k], bounds[k + 1]), start + bounds[k], cache, gen, isCancelled, depth)) return false;
  }
  return true;
}

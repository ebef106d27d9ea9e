// One chunk of text (one or more top-level statements, or body items) parsed with error recovery: one
// diagnostic per error, parsing resumes at the next item; huge statements recover item by item.
import type { ErrorItem, NodeItem, SyntaxErrorInfo, TopStatement } from './ast';
import * as peg from './dts-parser';
import { errorRegion, newlineBefore } from './scan';
import type { ChunkResult, ParseCache } from './parse-cache';
import { parseItem } from './statement';
import { parseShell, propertiesFirst, RECOVER_BY_ITEMS_MIN_CHARS, SPLIT_MIN_CHARS } from './items';
import { buildMessage, tokenAt } from './messages';

const MAX_RECOVERY_STEPS = 200;

export function isPegError(e: unknown): e is peg.SyntaxError {
  return typeof e === 'object' && e !== null && 'location' in e && 'expected' in e;
}

export function dedupe(errors: SyntaxErrorInfo[]): SyntaxErrorInfo[] {
  if (errors.length < 2) return errors;
  const seen = new Set<string>();
  const out: SyntaxErrorInfo[] = [];
  for (const e of errors) {
    const k = `${e.start}:${e.end}:${e.message}`;
    if (!seen.has(k)) { seen.add(k); out.push(e); }
  }
  return out;
}

/** Parses one chunk of text (one or more top-level statements); offsets are shifted by base. */
export function parseChunk(t: string, base: number, isCancelled?: () => boolean, startRule: 'TopStatement' | 'BodyItems' = 'TopStatement', depth = 0, cache?: ParseCache, gen = 0): ChunkResult {
  let soft: SyntaxErrorInfo[] = [];
  // a huge statement parsed before (the cache holds its items): item by item at once, the one with the error
  // parsed again (a first try of the whole text would read up to the error, in vain)
  if (cache && t.length >= SPLIT_MIN_CHARS && depth < 64) {
    const r = recoverByItems(t, base, isCancelled, startRule, depth, cache, gen);
    // (nesting too deep for the parser is reported for the whole statement, as the whole parse reports it)
    if (r && !r.errors.some((x) => x.code === 'resource-limit')) return r;
  }
  try {
    const statements = peg.parse(t, { startRule, base, errors: soft });
    return { statements, errors: dedupe(soft) };
  } catch (e) {
    if (!isPegError(e)) return failedChunk(t, base, e);
  }
  // a statement or node of some size (a SoC's `/ { ... };`, a bus node) with errors: recover item by item, so a
  // header change that breaks a hundred properties costs a hundred small re-parses, not a hundred whole-statement
  // ones, and a keystroke's error costs the parse of its item (syntax/reparse.ts reparses that item alone); a huge
  // one with a cache was tried above
  if ((!cache || t.length < SPLIT_MIN_CHARS) && t.length >= RECOVER_BY_ITEMS_MIN_CHARS && depth < 64) {
    const r = recoverByItems(t, base, isCancelled, startRule, depth, cache, gen);
    if (r) return r;
  }
  const vsemi = new Set<number>();
  const vclose = new Set<number>();
  const regions = new Map<number, { end: number; message: string }>();
  const hard: SyntaxErrorInfo[] = [];
  const reported = new Set<number>();
  let firstMessage = '';
  for (let step = 0; step < MAX_RECOVERY_STEPS; step++) {
    // every step re-parses the whole chunk: on a huge statement with many errors this is the slow
    // part, so it obeys the analysis' cancellation / time budget
    if (step > 0 && isCancelled && isCancelled()) {
      const message = 'parsing was cancelled while recovering from syntax errors in this statement';
      const item: ErrorItem = { kind: 'error', message, start: base, end: base + t.length };
      return { statements: [item], errors: [...hard, { start: base, end: base, message, code: 'resource-limit' }] };
    }
    soft = [];
    let failure: peg.SyntaxError;
    try {
      // exhaustive: the messages list every alternative, as if no look ahead had ruled one out
      const statements = peg.parse(t, { startRule, base, errors: soft, vsemi, vclose, regions, exhaustive: true });
      const errors = dedupe([...hard, ...soft].sort((a, b) => a.start - b.start));
      return { statements, errors };
    } catch (e) {
      if (!isPegError(e)) return failedChunk(t, base, e);
      failure = e;
    }
    const p = failure.location.start.offset;
    const tok = tokenAt(t, p);
    const likelySemi = p >= t.length || t.charCodeAt(p) === 125 /* } */ || newlineBefore(t, p);
    const message = buildMessage(failure.expected, tok.text, likelySemi);
    if (firstMessage === '') firstMessage = message;
    // one diagnostic per error: a failure where an error was already reported,
    // or at the end after an earlier error, is a consequence of that error
    const consequence = reported.has(p) || (p >= t.length && (hard.length > 0 || soft.length > 0));
    if (!consequence) {
      hard.push({ start: p + base, end: tok.end + base, message });
      reported.add(p);
    }
    const exp = failure.expected ?? [];
    const wantsSemi = exp.some((x) => x.type === 'other' && x.description.startsWith("';'"));
    const wantsClose = exp.some((x) => x.type === 'other' && x.description === "'}'");
    if (wantsSemi && !vsemi.has(p) && likelySemi) {
      vsemi.add(p);
      continue;
    }
    if (wantsClose && p >= t.length && !vclose.has(p)) {
      vclose.add(p);
      continue;
    }
    const r = errorRegion(t, p, vsemi);
    if (r.end <= r.start || regions.has(r.start)) break;
    regions.set(r.start, { end: r.end, message: consequence ? firstMessage : message });
  }
  return wholeChunkError(t, base, firstMessage || 'syntax error', hard[0]);
}



/**
 * Error recovery of a `/ { items };` or `&ref { items };` statement or node item of at least
 * RECOVER_BY_ITEMS_MIN_CHARS one body item at a time (each
 * with the usual recovery). Undefined when the statement is not one well-formed node shell (its header,
 * braces or item boundaries are broken) or dtc's "properties must precede subnodes" applies: the caller
 * then recovers over the whole statement.
 */
function recoverByItems(t: string, base: number, isCancelled: (() => boolean) | undefined, rule: 'TopStatement' | 'BodyItems', depth: number, cache: ParseCache | undefined, gen: number): ChunkResult | undefined {
  const shell = parseShell(t, base, rule);
  if (!shell) return undefined;
  const { node, close, bounds } = shell;
  const open = shell.open;
  const items: NodeItem[] = [];
  const errors: SyntaxErrorInfo[] = [];
  for (let k = 0; k < bounds.length; k += 2) {
    if (isCancelled && (k & 63) === 0 && isCancelled()) return undefined;
    const text = t.slice(bounds[k], bounds[k + 1]);
    // an item without error as the item parse (parseItem) makes and caches it: a keystroke's syntax error in a
    // SoC .dtsi parses that item again, not the hundreds of others (the same AST either way)
    // (the items of a node below SPLIT_MIN_CHARS have no cache entries of their own: parsed, not stored)
    const it = cache ? parseItem(text, base + bounds[k], cache, gen, isCancelled, depth, t.length >= SPLIT_MIN_CHARS) : undefined;
    if (it) { items.push(it); continue; }
    const r = parseChunk(text, base + bounds[k], isCancelled, 'BodyItems', depth + 1, cache, gen);
    for (const it of r.statements as unknown as NodeItem[]) items.push(it);
    for (const e of r.errors) errors.push(e);
  }
  if (!propertiesFirst(items)) return undefined;
  if (errors.length === 0) return undefined;
  const removed = close - (open + 1);
  node.body = { items, closeBrace: base + close, start: node.body.start, end: node.body.end + removed };
  node.end += removed;
  return { statements: [node as TopStatement], errors: dedupe(errors.sort((a, b) => a.start - b.start)) };
}

/** The parser threw something other than a syntax error: a stack overflow on deep nesting, or a defect. */
function failedChunk(t: string, base: number, e: unknown): ChunkResult {
  if (e instanceof RangeError) {
    const message = 'nesting too deep: the parser ran out of stack in this statement (nodes or expressions nested more than about 1,500 levels); the statement is skipped';
    const item: ErrorItem = { kind: 'error', message, start: base, end: base + t.length };
    let p = 0;
    while (p < t.length && t.charCodeAt(p) <= 32) p++;
    const tok = tokenAt(t, p);
    return { statements: [item], errors: [{ start: base + p, end: base + Math.max(tok.end, Math.min(p + 1, t.length)), message, code: 'resource-limit' }] };
  }
  return wholeChunkError(t, base, `internal parser error: ${String(e)}`);
}

function wholeChunkError(t: string, base: number, message: string, first?: SyntaxErrorInfo): ChunkResult {
  const item: ErrorItem = { kind: 'error', message, start: base, end: base + t.length };
  return { statements: [item], errors: [first ?? { start: base, end: base + t.length, message }] };
}

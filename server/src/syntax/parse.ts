// Parser facade: preprocessed text -> DtsFile.
//
// The text is split into top-level statements by a fast scanner (scan.ts);
// each chunk is parsed with the peggy grammar (dts.peggy, start rule
// TopStatement) and memoised in a ParseCache by its text, so an edit re-parses
// only the statements it touches. Reused statements are shifted to their new
// offset by a clone walk (or returned as is when their offset did not change).
// A first parse, when less than half of the text is cached, runs the parser
// once over the whole text and memoises its statements one by one (parseWhole).
// An owner's next parse starts from its last one when the texts differ in one
// place (reparseEdit): only the item the edit is in is parsed again.
//
// Error recovery (per chunk): parse strictly; on a syntax error record ONE
// diagnostic, then re-parse with recovery options (assume a missing ';' or
// '}', or skip the broken item up to the next ';' of its body as an ErrorItem)
// until the chunk parses. The loop is bounded; its last resort turns the whole
// chunk into one ErrorItem.
//
// The AST returned is shared with the cache: treat it as immutable.
import type { ErrorItem, NodeBody, NodeDef, NodeItem, RefNodeStatement, RootNodeStatement, Span, SyntaxErrorInfo, TopStatement, DtsFile } from './ast';
import { commonPrefix, commonSuffix, detach } from '../base/text';
import * as peg from './dts-parser';
import { errorRegion, isNameChar, isSpace, lineMarkerEnd, looksLikeTopLevelStart, newlineBefore, skipUnitAt, splitStatements } from './scan';
import { shiftError, shiftItem, shiftStatement } from './shift';

export interface ParseOptions {
  /**
   * Check the statement order of a complete dtc input (default true): the file
   * starts with '/dts-v1/;', headers precede '/memreserve/'s which precede nodes,
   * and there is at least one node. Pass false for a fragment (.dtsi parsed alone).
   */
  complete?: boolean;
  /**
   * Who parses (e.g. the root file of an analysis context): the statements of the last parse of each of
   * the recent owners stay in the ParseCache when it trims itself, whatever their age.
   */
  owner?: string;
  /** Cooperative cancellation, checked between statements: parsing stops with a 'resource-limit' error. */
  isCancelled?: () => boolean;
}

interface ChunkResult {
  statements: TopStatement[];
  errors: SyntaxErrorInfo[];
}

/** Owners whose last parse (and the keys it used) the cache keeps. */
const MAX_OWNERS = 16;

/** What the next parse of an owner can start from (see reparseEdit). */
interface LastParse {
  text: string;
  file: DtsFile;
  complete: boolean;
}

interface CacheEntry extends ChunkResult {
  /** offset the stored statements are positioned at */
  base: number;
  /** generation of the last parse that used the entry */
  gen: number;
  /** the key it is stored under (a copy of the text; a lookup's key is a view of a newer text) */
  key: string;
}

/** Memo of parsed top-level statements, keyed by their text. One per workspace / CLI run. */
export class ParseCache {
  /** statements / items parsed and reused */
  readonly stats = { parsed: 0, reused: 0 };
  /** parses made by editing the owner's last one (reparseEdit) */
  edits = 0;
  private readonly entries = new Map<string, CacheEntry>();
  private gen = 0;
  /** total length of the keys (the statements' text): the memory of the cache grows with it */
  private chars = 0;
  /** keys used by the last parse of each recent owner (most recent last) */
  private readonly live = new Map<string, Set<string>>();
  private current: Set<string> | undefined;
  private currentOwner: string | undefined;
  /** the last parse of each recent owner: its text and result (see reparseEdit) */
  private readonly lastParses = new Map<string, LastParse>();

  /**
   * maxChars bounds the text (hence the ASTs) kept: every edit of a big statement adds a new entry,
   * so the bound keeps memory flat over long editing sessions; the least recently used go first.
   */
  constructor(private readonly maxEntries = 60000, private readonly maxChars = 1_500_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** @internal is this statement text cached? (no side effect) */
  has(text: string): boolean {
    return this.entries.has(text);
  }

  /** @internal has this owner parsed before (its text is being edited, not read once)? */
  knowsOwner(owner: string | undefined): boolean {
    return owner !== undefined && this.live.has(owner);
  }

  /** @internal the last parse of this owner */
  lastParse(owner: string): LastParse | undefined {
    return this.lastParses.get(owner);
  }

  /** @internal */
  setLastParse(owner: string, last: LastParse): void {
    this.lastParses.delete(owner);
    this.lastParses.set(owner, last);
    if (this.lastParses.size > MAX_OWNERS) this.lastParses.delete(this.lastParses.keys().next().value as string);
  }

  /** @internal a parse that edits the owner's last one: it keeps using what that one used (but what it `drop`s) */
  beginEdit(owner: string): number {
    this.currentOwner = owner;
    this.current = this.live.get(owner) ?? new Set();
    return ++this.gen;
  }

  /**
   * Entries by the statement (or item) they hold: an edit of the last parse moves statements without
   * looking them up by their text, and tells the cache (`moved`), so that an entry does not keep a copy of
   * an AST the current parse replaced.
   */
  private readonly byAst = new WeakMap<object, CacheEntry>();

  /** @internal the current parse moved `was` (an entry's only statement or item) by d: it is now `now` */
  moved(was: object, now: object, d: number): void {
    const e = this.byAst.get(was);
    if (!e || e.statements.length !== 1 || e.statements[0] !== was) return;
    e.statements = [now as TopStatement];
    e.base += d;
    this.byAst.set(now, e);
  }

  /** @internal the current parse replaced `was` (its text changed): its entry, if any, goes (unless another owner uses it) */
  drop(was: object): void {
    const e = this.byAst.get(was);
    if (!e || e.statements[0] !== was || this.entries.get(e.key) !== e) return;
    this.current?.delete(e.key);
    for (const [owner, keys] of this.live) if (owner !== this.currentOwner && keys.has(e.key)) return;
    this.entries.delete(e.key);
    this.chars -= e.key.length;
  }

  /** @internal */
  beginParse(owner?: string): number {
    this.currentOwner = owner;
    this.current = owner === undefined ? undefined : new Set();
    return ++this.gen;
  }

  /** @internal */
  lookup(text: string, base: number, gen: number): ChunkResult | undefined {
    const e = this.entries.get(text);
    if (!e) return undefined;
    if (e.gen !== gen) {
      // most recently used last: eviction walks the map in insertion order
      this.entries.delete(e.key);
      this.entries.set(e.key, e);
    }
    e.gen = gen;
    this.current?.add(e.key);
    this.stats.reused++;
    if (e.base !== base) {
      const d = base - e.base;
      // keys of body items (see parseSplit) start with ITEM_KEY: their entries hold one NodeItem
      e.statements = text.charCodeAt(0) === ITEM_KEY_CODE
        ? e.statements.map((s) => shiftItem(s as unknown as NodeItem, d) as unknown as TopStatement)
        : e.statements.map((s) => shiftStatement(s, d));
      e.errors = e.errors.map((x) => shiftError(x, d));
      e.base = base;
      if (e.statements.length === 1) this.byAst.set(e.statements[0], e);
    }
    return e;
  }

  /** @internal */
  store(text: string, base: number, gen: number, r: ChunkResult): void {
    this.stats.parsed++;
    if (!this.entries.has(text)) this.chars += text.length;
    // the key is a copy: a slice would keep the whole text it was cut from alive (see detach)
    const key = detach(text);
    const e: CacheEntry = { statements: r.statements, errors: r.errors, base, gen, key };
    this.entries.set(key, e);
    if (r.statements.length === 1) this.byAst.set(r.statements[0], e);
    this.current?.add(key);
  }

  /** @internal drop entries not used recently when the cache is over its size */
  endParse(gen: number): void {
    if (this.currentOwner !== undefined && this.current) {
      this.live.delete(this.currentOwner);
      this.live.set(this.currentOwner, this.current);
      if (this.live.size > MAX_OWNERS) this.live.delete(this.live.keys().next().value as string);
    }
    this.current = undefined;
    this.currentOwner = undefined;
    if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) return;
    const isLive = (k: string): boolean => {
      for (const set of this.live.values()) if (set.has(k)) return true;
      return false;
    };
    // least recently used first, down to 2/3 of the bounds; never an entry of this parse
    const maxEntries = Math.floor((this.maxEntries * 2) / 3);
    const maxChars = Math.floor((this.maxChars * 2) / 3);
    for (const [k, e] of this.entries) {
      if (this.entries.size <= maxEntries && this.chars <= maxChars) break;
      if (e.gen >= gen || isLive(k)) continue;
      this.entries.delete(k);
      this.chars -= k.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.live.clear();
    this.lastParses.clear();
    this.chars = 0;
  }
}

// ---- error messages -------------------------------------------------------------

const VALUE_STARTS = new Set(['string', "'<'", "'['", "'/bits/'", "'/incbin/'", 'reference']);
const ITEM_STARTS = new Set(["'/delete-property/'", "'/delete-node/'", "'/omit-if-no-ref/'", 'property or node name', 'label']);

function expectationText(e: peg.PeggyExpectation): string | undefined {
  switch (e.type) {
    case 'literal': return `'${e.text}'`;
    case 'other': return e.description === 'whitespace' ? undefined : e.description;
    case 'end': return 'end of input';
    case 'any': return 'any character';
    case 'class': return undefined;
  }
}

function joinAlternatives(list: string[]): string {
  if (list.length <= 1) return list[0] ?? '';
  return list.slice(0, -1).join(', ') + ' or ' + list[list.length - 1];
}

/** The offending token at p, for messages and the diagnostic range. */
function tokenAt(t: string, p: number): { text: string; end: number } {
  if (p >= t.length) return { text: '', end: p };
  let e = p;
  if (t.charCodeAt(p) === 38 /* & */) e++;
  while (e < t.length && isNameChar(t.charCodeAt(e)) && e - p < 64) e++;
  if (e > p + 1 && t.charCodeAt(e - 1) === 44 /* , */) e--;
  if (e === p || (e === p + 1 && t.charCodeAt(p) === 38)) e = p + 1;
  return { text: t.slice(p, e), end: e };
}

function buildMessage(expected: peg.PeggyExpectation[] | null, found: string, preferSemi: boolean): string {
  const seen = new Set<string>();
  for (const e of expected ?? []) {
    const s = expectationText(e);
    if (s !== undefined) seen.add(s);
  }
  let list = [...seen];
  // condense the usual sets
  if (list.includes("'/dts-v1/'") && list.includes("'/'")) {
    list = ["a top-level statement ('/ { ... };', '&label { ... };', '/delete-node/ &label;', ...)"];
  }
  const semi = list.find((s) => s.startsWith("';'"));
  if (semi !== undefined && semi !== "';'" && preferSemi) {
    list = [semi];
  } else {
    if (semi !== undefined) list = [...list.filter((x) => x !== semi && x !== 'label' && x !== "','"), semi];
    if (list.filter((s) => VALUE_STARTS.has(s)).length >= 3) {
      list = list.filter((s) => !VALUE_STARTS.has(s) && s !== 'label');
      list.unshift('a property value');
    }
    if (list.includes('property or node name')) {
      list = list.filter((s) => !ITEM_STARTS.has(s));
      list.unshift('a property or node');
    }
    if (list.includes('integer') && list.includes("'('")) {
      list = list.filter((s) => s !== 'character literal' && s !== "'('");
    }
    if (list.includes('integer') && list.includes("'-'")) {
      list = list.filter((s) => s !== "'-'" && s !== "'~'" && s !== "'!'");
    }
  }
  if (found === '' && list.includes("'}'")) return "expected '}' at the end of the statement: a '{' is not closed";
  const what = list.length ? `expected ${joinAlternatives(list)}` : 'syntax error';
  // control characters (NUL, a lone CR, ...) are shown escaped, not raw in the message
  const shown = found.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return found === '' ? `${what} at end of input` : `${what}, found '${shown}'`;
}

// ---- chunk parsing with recovery -------------------------------------------------------

const MAX_RECOVERY_STEPS = 200;

function isPegError(e: unknown): e is peg.SyntaxError {
  return typeof e === 'object' && e !== null && 'location' in e && 'expected' in e;
}

function dedupe(errors: SyntaxErrorInfo[]): SyntaxErrorInfo[] {
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
export function parseChunk(t: string, base: number, isCancelled?: () => boolean, startRule: 'TopStatement' | 'BodyItems' = 'TopStatement', depth = 0): ChunkResult {
  let soft: SyntaxErrorInfo[] = [];
  try {
    const statements = peg.parse(t, { startRule, base, errors: soft });
    return { statements, errors: dedupe(soft) };
  } catch (e) {
    if (!isPegError(e)) return failedChunk(t, base, e);
  }
  // a huge statement (a SoC's `/ { ... };`) with errors: recover item by item, so a header change that
  // breaks a hundred properties costs a hundred small re-parses, not a hundred whole-statement ones
  if (t.length >= SPLIT_MIN_CHARS && depth < 64) {
    const r = recoverByItems(t, base, isCancelled, startRule, depth);
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

/** `header { items } ;` parsed as its header with an empty body, plus the item boundaries; undefined when it is not that shape. */
function parseShell(t: string, base: number, rule: 'TopStatement' | 'BodyItems'): { node: RootNodeStatement | RefNodeStatement | NodeDef; open: number; close: number; bounds: number[] } | undefined {
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

/**
 * Error recovery of a huge `/ { items };` or `&ref { items };` statement one body item at a time (each
 * with the usual recovery). Undefined when the statement is not one well-formed node shell (its header,
 * braces or item boundaries are broken) or dtc's "properties must precede subnodes" applies: the caller
 * then recovers over the whole statement.
 */
function recoverByItems(t: string, base: number, isCancelled: (() => boolean) | undefined, rule: 'TopStatement' | 'BodyItems', depth: number): ChunkResult | undefined {
  const shell = parseShell(t, base, rule);
  if (!shell) return undefined;
  const { node, close, bounds } = shell;
  const open = shell.open;
  const items: NodeItem[] = [];
  const errors: SyntaxErrorInfo[] = [];
  for (let k = 0; k < bounds.length; k += 2) {
    if (isCancelled && (k & 63) === 0 && isCancelled()) return undefined;
    const r = parseChunk(t.slice(bounds[k], bounds[k + 1]), base + bounds[k], isCancelled, 'BodyItems', depth + 1);
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

// ---- huge statements, item by item ---------------------------------------------------------

/** Statements (and node items) at least this long are parsed item by item. */
const SPLIT_MIN_CHARS = 16384;

/** Texts up to this size are parsed in one run of the parser when nothing can be reused (see parseWhole). */
const WHOLE_PARSE_MAX_CHARS = 1_000_000;
/** Cache keys of body items start with this character (no statement text does). */
const ITEM_KEY_CODE = 1;
const ITEM_KEY = String.fromCharCode(ITEM_KEY_CODE);

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

const isNodeItem = (it: NodeItem | undefined): boolean => it !== undefined && (it.kind === 'node' || it.kind === 'deleteNode');
const isPropertyItem = (it: NodeItem | undefined): boolean => it !== undefined && (it.kind === 'property' || it.kind === 'deleteProperty');

/** dtc's "Properties must precede subnodes": no property (or /delete-property/) after a node (or /delete-node/). */
function propertiesFirst(items: NodeItem[]): boolean {
  let seenNode = false;
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (isNodeItem(it)) seenNode = true;
    else if (seenNode && isPropertyItem(it)) return false;
  }
  return true;
}

/** The end of the body item starting at i (after the ';' at its own brace depth 0), or -1 (none, or a line marker). */
function itemEnd(t: string, i: number, n: number): number {
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
function parseItem(text: string, base: number, cache: ParseCache, gen: number, isCancelled: (() => boolean) | undefined, depth: number, memo = true): NodeItem | undefined {
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

// ---- whole file -------------------------------------------------------------------------

/** Parses preprocessed Devicetree source. Never throws. */
export function parseDts(text: string, cache?: ParseCache, options: ParseOptions = {}): DtsFile {
  const owner = options.owner;
  if (!cache || owner === undefined) return parseFull(text, cache, options);
  const complete = options.complete !== false;
  const last = cache.lastParse(owner);
  let file = last && last.complete === complete && last.file.errors.length === 0 ? reparseEdit(last, text, cache, owner, complete) : undefined;
  if (file) cache.edits++;
  else file = parseFull(text, cache, options);
  cache.setLastParse(owner, { text, file, complete });
  return file;
}

/** One top-level statement t at offset start: from the cache, else parsed (and stored). */
function parseStatement(t: string, start: number, cache: ParseCache | undefined, gen: number, split: boolean, isCancelled: (() => boolean) | undefined): ChunkResult {
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

function parseFull(text: string, cache: ParseCache | undefined, options: ParseOptions): DtsFile {
  const statements: TopStatement[] = [];
  const errors: SyntaxErrorInfo[] = [];
  // huge statements are split into items only for an owner parsed before (an edit session): a first parse
  // (a CLI run, a board just opened) parses them whole, which is faster when nothing can be reused
  const split = cache !== undefined && cache.knowsOwner(options.owner);
  const gen = cache ? cache.beginParse(options.owner) : 0;
  let chunks: number[] | undefined;
  if (!split && text.length <= WHOLE_PARSE_MAX_CHARS && !(options.isCancelled && options.isCancelled())) {
    // an empty cache cannot help: no need to split the text to find out
    if (cache && cache.size > 0) chunks = splitStatements(text);
    if (!chunks || !mostlyCached(text, chunks, cache)) {
      const whole = parseWhole(text, cache, gen);
      if (whole) {
        cache?.endParse(gen);
        checkStatementOrder(whole.statements, whole.errors, text.length, options.complete !== false);
        return whole;
      }
    }
  }
  if (!chunks) chunks = splitStatements(text);
  for (let i = 0; i < chunks.length; i += 2) {
    const start = chunks[i];
    const end = chunks[i + 1];
    if (options.isCancelled && (i & 31) === 0 && options.isCancelled()) {
      const message = 'parsing was cancelled: the rest of the text is not analysed';
      statements.push({ kind: 'error', message, start, end: text.length });
      errors.push({ start, end: start, message, code: 'resource-limit' });
      break;
    }
    const r = parseStatement(text.slice(start, end), start, cache, gen, split, options.isCancelled);
    for (let sIndex = 0, sList = r.statements; sIndex < sList.length; sIndex++) { const s = sList[sIndex]; statements.push(s); }
    for (let eIndex = 0, eList = r.errors; eIndex < eList.length; eIndex++) { const e = eList[eIndex]; errors.push(e); }
  }
  cache?.endParse(gen);
  checkStatementOrder(statements, errors, text.length, options.complete !== false);
  return { statements, errors };
}

/** Is at least half of the text in cached statements (another board with the same SoC .dtsi, a re-parse)? */
function mostlyCached(text: string, chunks: number[], cache: ParseCache | undefined): boolean {
  if (!cache || cache.size === 0) return false;
  let cached = 0;
  for (let i = 0; i < chunks.length; i += 2) {
    if (cache.has(text.slice(chunks[i], chunks[i + 1]))) cached += chunks[i + 1] - chunks[i];
  }
  return cached * 2 >= text.length;
}

/**
 * A first parse (little of the text in the cache) reads the whole text in one run of the parser: a cold
 * process parses a 200 KB board a third faster than statement by statement (one parser set-up instead of
 * one per statement). The statements are then memoised one by one, as the chunked parse would have stored
 * them. Undefined when the text has a syntax error (the chunked parse recovers).
 */
function parseWhole(text: string, cache: ParseCache | undefined, gen: number): { statements: TopStatement[]; errors: SyntaxErrorInfo[] } | undefined {
  const soft: SyntaxErrorInfo[] = [];
  let statements: TopStatement[];
  try {
    statements = peg.parse(text, { startRule: 'TopStatement', base: 0, errors: soft });
  } catch {
    return undefined;
  }
  const errors = dedupe(soft.sort((a, b) => a.start - b.start));
  if (!cache) return { statements, errors };
  // memoised per statement, keyed by its text (the statement scanner cuts valid text at the same places;
  // where it would not, a later parse just misses)
  const parts: { start: number; end: number; statements: TopStatement[]; errors: SyntaxErrorInfo[] }[] = [];
  let ei = 0;
  for (let si = 0; si < statements.length; si++) {
    const st = statements[si];
    const part = { start: st.start, end: st.end, statements: [st], errors: [] as SyntaxErrorInfo[] };
    if (ei < errors.length && errors[ei].start < st.start) return { statements, errors }; // an error between statements: no memo
    while (ei < errors.length && errors[ei].start < st.end) part.errors.push(errors[ei++]);
    parts.push(part);
  }
  if (ei !== errors.length) return { statements, errors };
  for (let k = 0; k < parts.length; k++) {
    const pt = parts[k];
    const key = text.slice(pt.start, pt.end);
    if (!cache.has(key)) cache.store(key, pt.start, gen, { statements: pt.statements, errors: pt.errors });
  }
  return { statements, errors };
}

// ---- an edit of the last parse ------------------------------------------------------------

/**
 * The parse of `text` made from the owner's last parse when the two texts differ in one place that lies in
 * the white space between two items (or statements), or inside one item or statement that still parses as
 * exactly one item (statement) with the same boundaries: that item is parsed again (inside a node, only the
 * item of its body that the edit is in), everything after it is moved, the rest is the last parse's AST.
 * Undefined when the edit is anything else (the caller parses the whole text): an edit across items, one
 * that gives an item a syntax error, splits or joins items, or breaks dtc's properties-before-nodes order.
 * The last parse had no syntax error. The result is what the whole parse gives.
 */
function reparseEdit(last: LastParse, text: string, cache: ParseCache, owner: string, complete: boolean): DtsFile | undefined {
  const old = last.text;
  const gen = cache.beginEdit(owner);
  try {
    if (text === old) return last.file;
    const p = commonPrefix(old, text);
    const s = commonSuffix(old, text, Math.min(old.length, text.length) - p);
    const e: EditCtx = { old, text, p, oldEnd: old.length - s, d: text.length - old.length, cache, gen };
    const statements = editList<TopStatement>(last.file.statements, 0, old.length, e, true, true);
    if (!statements) return undefined;
    const errors: SyntaxErrorInfo[] = [];
    checkStatementOrder(statements, errors, text.length, complete);
    return { statements, errors };
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
    const y = (inBody(x, e) ? editNode(x, e) : top ? reparseStatement(x as unknown as TopStatement, e) : reparseItem(x as unknown as NodeItem, e, memo)) as T | undefined;
    if (!y) return undefined;
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
  // the items of a huge node have cache entries of their own (see parseSplit), those of a small one do not
  const items = editList<NodeItem>(b.items, b.start + 1, b.closeBrace, e, false, x.end - x.start >= SPLIT_MIN_CHARS);
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

/**
 * dtc's file structure: headers (/dts-v1/; optionally followed by /plugin/;),
 * then /memreserve/s, then the device tree (which starts with '/ {' or '&ref {').
 */
function checkStatementOrder(statements: TopStatement[], errors: SyntaxErrorInfo[], textLength: number, complete: boolean): void {
  let phase = 0; // 0 headers, 1 memreserves, 2 tree
  let sawVersion = false;
  let headerFlags: number | undefined; // 1 = v1, 2 = plugin
  let current = 0;
  let prevKind = '';
  const extra: SyntaxErrorInfo[] = [];
  const finishHeader = (s: TopStatement | undefined): void => {
    if (current === 0) return;
    if (headerFlags === undefined) headerFlags = current;
    else if (headerFlags !== current && s) extra.push({ start: s.start, end: s.end, message: "Header flags don't match earlier ones" });
    current = 0;
  };
  let lastVersion: TopStatement | undefined;
  for (let sIndex = 0, sList = statements; sIndex < sList.length; sIndex++) {
    const s = sList[sIndex];
    switch (s.kind) {
      case 'error':
        break;
      case 'version':
        finishHeader(lastVersion);
        if (phase > 0) extra.push({ start: s.start, end: s.end, message: "'/dts-v1/;' must come before '/memreserve/' and nodes" });
        sawVersion = true;
        current = 1;
        lastVersion = s;
        break;
      case 'plugin':
        if (prevKind !== 'version' || phase > 0) {
          extra.push({ start: s.start, end: s.end, message: "'/plugin/;' must directly follow '/dts-v1/;'" });
        } else {
          current |= 2;
          lastVersion = s;
        }
        break;
      case 'memreserve':
        finishHeader(lastVersion);
        if (complete && !sawVersion && phase === 0) extra.push({ start: s.start, end: s.start, message: "missing '/dts-v1/;' at the start of the file" });
        sawVersion = true;
        if (phase > 1) extra.push({ start: s.start, end: s.end, message: "'/memreserve/' must come before nodes" });
        else phase = 1;
        break;
      default:
        finishHeader(lastVersion);
        if (phase < 2) {
          if (complete && !sawVersion) extra.push({ start: s.start, end: s.start, message: "missing '/dts-v1/;' at the start of the file" });
          sawVersion = true;
          if (s.kind === 'deleteNodeRef' || s.kind === 'omitIfNoRef') {
            extra.push({ start: s.start, end: s.end, message: `'${s.kind === 'deleteNodeRef' ? '/delete-node/' : '/omit-if-no-ref/'}' needs a node defined before it` });
          }
          phase = 2;
        }
    }
    if (s.kind !== 'error') prevKind = s.kind;
  }
  finishHeader(lastVersion);
  if (complete && phase < 2 && !statements.some((s) => s.kind === 'error')) {
    extra.push({ start: textLength, end: textLength, message: "no root node: expected '/ { ... };'" });
  }
  if (extra.length) {
    for (const e of extra) errors.push(e);
    errors.sort((a, b) => a.start - b.start);
  }
}

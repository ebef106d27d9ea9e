// Parser facade: preprocessed text -> DtsFile.
//
// The text is split into top-level statements by a fast scanner (scan.ts);
// each chunk is parsed with the peggy grammar (dts.peggy, start rule
// TopStatement) and memoised in a ParseCache by its text, so an edit re-parses
// only the statements it touches. Reused statements are shifted to their new
// offset by a clone walk (or returned as is when their offset did not change).
//
// Error recovery (per chunk): parse strictly; on a syntax error record ONE
// diagnostic, then re-parse with recovery options (assume a missing ';' or
// '}', or skip the broken item up to the next ';' of its body as an ErrorItem)
// until the chunk parses. The loop is bounded; its last resort turns the whole
// chunk into one ErrorItem.
//
// The AST returned is shared with the cache: treat it as immutable.
import type { ErrorItem, SyntaxErrorInfo, TopStatement, DtsFile } from './ast';
import * as peg from './dts-parser';
import { errorRegion, isNameChar, newlineBefore, splitStatements } from './scan';
import { shiftError, shiftStatement } from './shift';

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

interface CacheEntry extends ChunkResult {
  /** offset the stored statements are positioned at */
  base: number;
  /** generation of the last parse that used the entry */
  gen: number;
}

/** Memo of parsed top-level statements, keyed by their text. One per workspace / CLI run. */
export class ParseCache {
  readonly stats = { parsed: 0, reused: 0 };
  private readonly entries = new Map<string, CacheEntry>();
  private gen = 0;
  /** total length of the keys (the statements' text): the memory of the cache grows with it */
  private chars = 0;
  /** keys used by the last parse of each recent owner (most recent last) */
  private readonly live = new Map<string, Set<string>>();
  private current: Set<string> | undefined;
  private currentOwner: string | undefined;

  /**
   * maxChars bounds the text (hence the ASTs) kept: every edit of a big statement adds a new entry,
   * so the bound keeps memory flat over long editing sessions; the least recently used go first.
   */
  constructor(private readonly maxEntries = 60000, private readonly maxChars = 1_500_000) {}

  get size(): number {
    return this.entries.size;
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
      this.entries.delete(text);
      this.entries.set(text, e);
    }
    e.gen = gen;
    this.current?.add(text);
    this.stats.reused++;
    if (e.base !== base) {
      const d = base - e.base;
      e.statements = e.statements.map((s) => shiftStatement(s, d));
      e.errors = e.errors.map((x) => shiftError(x, d));
      e.base = base;
    }
    return e;
  }

  /** @internal */
  store(text: string, base: number, gen: number, r: ChunkResult): void {
    this.stats.parsed++;
    if (!this.entries.has(text)) this.chars += text.length;
    this.entries.set(text, { statements: r.statements, errors: r.errors, base, gen });
    this.current?.add(text);
  }

  /** @internal drop entries not used recently when the cache is over its size */
  endParse(gen: number): void {
    if (this.currentOwner !== undefined && this.current) {
      this.live.delete(this.currentOwner);
      this.live.set(this.currentOwner, this.current);
      if (this.live.size > 16) this.live.delete(this.live.keys().next().value as string);
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
export function parseChunk(t: string, base: number): ChunkResult {
  let soft: SyntaxErrorInfo[] = [];
  try {
    const statements = peg.parse(t, { startRule: 'TopStatement', base, errors: soft });
    return { statements, errors: dedupe(soft) };
  } catch (e) {
    if (!isPegError(e)) return failedChunk(t, base, e);
  }
  const vsemi = new Set<number>();
  const vclose = new Set<number>();
  const regions = new Map<number, { end: number; message: string }>();
  const hard: SyntaxErrorInfo[] = [];
  const reported = new Set<number>();
  let firstMessage = '';
  for (let step = 0; step < MAX_RECOVERY_STEPS; step++) {
    soft = [];
    let failure: peg.SyntaxError;
    try {
      const statements = peg.parse(t, { startRule: 'TopStatement', base, errors: soft, vsemi, vclose, regions });
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

// ---- whole file -------------------------------------------------------------------------

/** Parses preprocessed Devicetree source. Never throws. */
export function parseDts(text: string, cache?: ParseCache, options: ParseOptions = {}): DtsFile {
  const chunks = splitStatements(text);
  const statements: TopStatement[] = [];
  const errors: SyntaxErrorInfo[] = [];
  const gen = cache ? cache.beginParse(options.owner) : 0;
  for (let i = 0; i < chunks.length; i += 2) {
    const start = chunks[i];
    const end = chunks[i + 1];
    if (options.isCancelled && (i & 31) === 0 && options.isCancelled()) {
      const message = 'parsing was cancelled: the rest of the text is not analysed';
      statements.push({ kind: 'error', message, start, end: text.length });
      errors.push({ start, end: start, message, code: 'resource-limit' });
      break;
    }
    const t = text.slice(start, end);
    let r = cache?.lookup(t, start, gen);
    if (!r) {
      r = parseChunk(t, start);
      cache?.store(t, start, gen, r);
    }
    for (const s of r.statements) statements.push(s);
    for (const e of r.errors) errors.push(e);
  }
  cache?.endParse(gen);
  checkStatementOrder(statements, errors, text.length, options.complete !== false);
  return { statements, errors };
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
  for (const s of statements) {
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

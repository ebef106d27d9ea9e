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
//
// Files: parse-cache.ts (the memo), statement.ts (one statement or item, cached; huge ones item by item),
// items.ts (node shapes, item boundaries, dtc's item order), chunk.ts (a chunk with error recovery),
// messages.ts (error messages), reparse.ts (an edit of the last parse), order.ts (statement order).
import type { SyntaxErrorInfo, TopStatement, DtsFile } from './ast';
import * as peg from './dts-parser';
import { splitStatements } from './scan';
import { ParseCache } from './parse-cache';
import { reparseEdit, settleMoves } from './reparse';
import { SPLIT_MIN_CHARS, WHOLE_PARSE_MAX_CHARS } from './items';
import { checkStatementOrder } from './order';
import { parseStatement, warmItems } from './statement';
import { dedupe } from './chunk';
import { drain, Slicer } from '../base/slice';

export { ParseCache } from './parse-cache';
export { settleMoves } from './reparse';

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
  /**
   * An edit of the owner's last parse leaves what follows the edit unmoved until the caller calls
   * `settleMoves` (in place once the last parse will not be read again; see reparse.ts). Every other parse,
   * and one without this option, is complete when returned.
   */
  deferMoves?: boolean;
  /**
   * A first parse in time slices (the language server's background analysis) of a text up to this size runs
   * the parser once, without pauses (default FIRST_WHOLE_MAX_CHARS); a larger one goes in groups of statements
   * and a huge statement item by item, pausing between them.
   */
  firstWholeMaxChars?: number;
}

/**
 * A board's first parse in the language server is one run of the parser up to this size of preprocessed text:
 * sliced (groups of statements, the SoC's root node item by item, a pause after each) it took 110-145 ms cold for
 * sm8550-mtp's 165 KB against 64-76 ms in one run, and sm8550-mtp's first diagnostics in a fresh server went from
 * 225 to 172 ms (medians of 8 paired runs). A request for another context waits for that one run (~70 ms cold
 * here); the requests-while-busy benchmark showed no change (p95 33-34 ms sliced, 28-33 ms whole).
 */
export const FIRST_WHOLE_MAX_CHARS = 262_144;

/** Parses preprocessed Devicetree source. Never throws. */
export function parseDts(text: string, cache?: ParseCache, options: ParseOptions = {}): DtsFile {
  return drain(parseDtsSteps(text, cache, options));
}

/**
 * The same parse; a first parse of a large text (one run of the parser, see parseWhole) runs in groups of
 * statements and yields between them once `sliceMs` is used up (the language server's background analyses).
 */
export function* parseDtsSteps(text: string, cache?: ParseCache, options: ParseOptions = {}, sliceMs = Infinity): Generator<string, DtsFile, void> {
  const owner = options.owner;
  if (!cache || owner === undefined) return yield* parseFull(text, cache, options, sliceMs);
  const complete = options.complete !== false;
  const last = cache.lastParse(owner);
  // (a deferred parse whose analysis was abandoned: its moves are made now, as copies)
  if (last) settleMoves(last.file, false);
  // (a last parse with syntax errors is edited only where they all are: see reparseEdit)
  let file = last && last.complete === complete ? reparseEdit(last, text, cache, owner, complete, options.deferMoves) : undefined;
  if (file) cache.edits++;
  else file = yield* parseFull(text, cache, options, sliceMs);
  cache.setLastParse(owner, { text, file, complete });
  return file;
}

function* parseFull(text: string, cache: ParseCache | undefined, options: ParseOptions, sliceMs: number): Generator<string, DtsFile, void> {
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
      const wholeMax = Math.max(GROUP_CHARS, options.firstWholeMaxChars ?? FIRST_WHOLE_MAX_CHARS);
      const whole = sliceMs === Infinity || text.length <= wholeMax ? parseWhole(text, cache, gen) : yield* parseGroups(text, chunks ?? splitStatements(text), cache, gen, sliceMs);
      if (whole) {
        cache?.endParse(gen);
        checkStatementOrder(whole.statements, whole.errors, text.length, options.complete !== false);
        return whole;
      }
    }
  }
  if (!chunks) chunks = splitStatements(text);
  // sliced (a background analysis): a pause whenever the slice is used up, and huge statements parsed item by item
  const slicer = sliceMs === Infinity || !cache ? undefined : new Slicer(sliceMs);
  for (let i = 0; i < chunks.length; i += 2) {
    const start = chunks[i];
    const end = chunks[i + 1];
    if (options.isCancelled && (i & 31) === 0 && options.isCancelled()) {
      const message = 'parsing was cancelled: the rest of the text is not analysed';
      statements.push({ kind: 'error', message, start, end: text.length });
      errors.push({ start, end: start, message, code: 'resource-limit' });
      break;
    }
    if (slicer) {
      if (slicer.due()) { yield 'parse'; slicer.restart(); }
      if (end - start >= SPLIT_MIN_CHARS) yield* warmItems(text.slice(start, end), start, cache!, gen, slicer, options.isCancelled);
    }
    const r = parseStatement(text.slice(start, end), start, cache, gen, split || slicer !== undefined, options.isCancelled);
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

/** A first parse in slices reads the text in groups of statements of about this many characters. */
const GROUP_CHARS = 32_000;

/**
 * parseWhole in groups of whole statements (a huge statement is a group of its own), with a pause between
 * groups once a slice of `sliceMs` is used up. Undefined when a group has a syntax error (the chunked parse
 * recovers).
 */
function* parseGroups(text: string, chunks: number[], cache: ParseCache | undefined, gen: number, sliceMs: number): Generator<string, { statements: TopStatement[]; errors: SyntaxErrorInfo[] } | undefined, void> {
  const slicer = new Slicer(sliceMs);
  const statements: TopStatement[] = [];
  const errors: SyntaxErrorInfo[] = [];
  let i = 0;
  while (i < chunks.length) {
    const a = chunks[i];
    let j = i + 2;
    while (j < chunks.length && chunks[j + 1] - a <= GROUP_CHARS) j += 2;
    // (the white space after the group's last statement belongs to the next group, or ends the text)
    const b = j < chunks.length ? chunks[j] : text.length;
    let part: { statements: TopStatement[]; errors: SyntaxErrorInfo[] } | undefined;
    if (cache && j === i + 2 && chunks[i + 1] - a >= SPLIT_MIN_CHARS && !/\S/.test(text.slice(chunks[i + 1], b))) {
      // one huge statement (a SoC's root node): item by item, with pauses (warmItems), then from the cache
      yield* warmItems(text.slice(a, chunks[i + 1]), a, cache, gen, slicer, undefined);
      const r = parseStatement(text.slice(a, chunks[i + 1]), a, cache, gen, true, undefined);
      part = r.errors.length === 0 ? r : undefined;
    } else part = parseWhole(text.slice(0, b), cache, gen, a);
    if (!part) return undefined;
    for (let k = 0; k < part.statements.length; k++) statements.push(part.statements[k]);
    for (let k = 0; k < part.errors.length; k++) errors.push(part.errors[k]);
    i = j;
    if (i < chunks.length && slicer.due()) { yield 'parse'; slicer.restart(); }
  }
  return { statements, errors };
}

/**
 * A first parse (little of the text in the cache) reads the whole text in one run of the parser: a cold
 * process parses a 200 KB board a third faster than statement by statement (one parser set-up instead of
 * one per statement). The statements are then memoised one by one, as the chunked parse would have stored
 * them. Undefined when the text has a syntax error (the chunked parse recovers).
 */
function parseWhole(text: string, cache: ParseCache | undefined, gen: number, from = 0): { statements: TopStatement[]; errors: SyntaxErrorInfo[] } | undefined {
  const soft: SyntaxErrorInfo[] = [];
  let statements: TopStatement[];
  try {
    // silent: a syntax error only sends the text to the chunked parse, which says what was expected
    statements = peg.parse(from === 0 ? text : text.slice(from), { startRule: 'TopStatement', base: from, errors: soft, peg$silentFails: 1 });
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

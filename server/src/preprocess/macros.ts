// Macro definitions and the expansion engine (Prosser's hide-set algorithm:
// a token that names a macro in its own hide set is "painted blue" and never
// expands again). Stringizing and token pasting follow cpp in
// assembler-with-cpp mode: a '#' not followed by a parameter is literal, and
// a paste that does not form one token leaves the two tokens side by side.
import type { MacroDefinition } from './types';
import { flatten } from '../base/text';
import { classifySingle, K, type HideSet, type Tok, isHSpace, isIdStart, identEnd, isDigit, numberEnd, quoteEnd, lastQuoteKind, isPunctChar, punctEnd, blockCommentEnd, lineCommentEnd } from './lexer';

/** cpp's dynamic macros: __FILE__, __LINE__, __COUNTER__, __INCLUDE_LEVEL__, __BASE_FILE__ */
export type BuiltinKind = 'file' | 'line' | 'counter' | 'level' | 'base';

export const OP_NONE = 0;
export const OP_STRINGIZE = 1;
export const OP_PASTE = 2;
/** `__VA_OPT__(inner)` of a variadic macro: inner when the variable arguments expand to tokens, else nothing */
export const OP_VAOPT = 3;

export interface BodyTok {
  t: string;
  k: K;
  ws: boolean;
  /** parameter index, -1 when not a parameter */
  param: number;
  op: number;
  /** the replacement inside `__VA_OPT__( )` (op OP_VAOPT) */
  inner?: BodyTok[];
}

export interface Macro {
  name: string;
  params: string[] | null;
  variadic: boolean;
  body: BodyTok[];
  def: MacroDefinition;
  /** identity for cache validation: location + parameters + body */
  sig: string;
  builtin?: BuiltinKind;
  /** a problem cpp only warns about (not kept in the table) */
  warning?: DefineError;
}

export interface DefineError { message: string; pos: number; end: number }

function bodyText(toks: Tok[]): string {
  let s = '';
  for (let i = 0; i < toks.length; i++) {
    if (i > 0 && toks[i].ws) s += ' ';
    s += toks[i].t;
  }
  return s;
}

/**
 * Parse the tokens of a #define after the directive name. `toks[0]` is the macro name.
 * `location` is where the name is written (undefined for command-line macros).
 */
export function parseDefine(toks: Tok[], location: MacroDefinition['location']): Macro | DefineError {
  const nameTok = toks[0];
  if (!nameTok) return { message: 'no macro name given in #define directive', pos: -1, end: -1 };
  if (nameTok.k !== K.Ident) return { message: `macro names must be identifiers`, pos: nameTok.pos, end: nameTok.pos + nameTok.t.length };
  if (nameTok.t === 'defined') return { message: `"defined" cannot be used as a macro name`, pos: nameTok.pos, end: nameTok.pos + nameTok.t.length };
  const name = nameTok.t;
  let i = 1;
  let params: string[] | null = null;
  let variadic = false;
  if (toks[1] && toks[1].t === '(' && !toks[1].ws) {
    params = [];
    i = 2;
    let closed = false;
    if (toks[i]?.t === ')') { i++; closed = true; }
    while (!closed) {
      const p = toks[i];
      if (!p) return { message: `missing ')' in macro parameter list`, pos: toks[i - 1].pos, end: toks[i - 1].pos + toks[i - 1].t.length };
      if (p.t === '...') {
        params.push('__VA_ARGS__');
        variadic = true;
        i++;
        if (toks[i]?.t !== ')') return errAt(toks[i] ?? p, `missing ')' after "..."`);
        i++;
        closed = true;
        break;
      }
      if (p.k !== K.Ident) return errAt(p, `expected parameter name, found "${p.t}"`);
      if (params.includes(p.t)) return errAt(p, `duplicate macro parameter "${p.t}"`);
      if (p.t === '__VA_ARGS__') return errAt(p, `__VA_ARGS__ can not be used as a parameter name`);
      params.push(p.t);
      i++;
      const q = toks[i];
      if (q?.t === '...') {
        variadic = true;
        i++;
        if (toks[i]?.t !== ')') return errAt(toks[i] ?? q, `missing ')' after "..."`);
        i++;
        closed = true;
        break;
      }
      if (q?.t === ',') { i++; continue; }
      if (q?.t === ')') { i++; closed = true; break; }
      return errAt(q ?? p, q ? `expected ',' or ')', found "${q.t}"` : `missing ')' in macro parameter list`);
    }
  }
  const rest = toks.slice(i);
  if (rest.length > 0) rest[0] = { ...rest[0], ws: false };
  const body = parseBody(rest, 0, rest.length, params, variadic, false);
  if ('message' in body) return body;
  // (flat copies: the concatenations are ropes of one piece per token, ~30 bytes each, and every definition of
  // every header stays in the preprocessor's cache: ~4 MB for four kernel boards)
  const text = flatten(bodyText(rest));
  const def: MacroDefinition = { name, body: text, location };
  if (params) { def.params = params.slice(); if (variadic) def.variadic = true; }
  const sig = flatten(`${location ? `${location.file}:${location.start}` : '-'}|${params ? params.join(',') + (variadic ? '...' : '') : '-'}|${text}`);
  const m: Macro = { name, params, variadic, body, def, sig };
  if (!variadic) {
    const va = rest.find((t) => t.k === K.Ident && t.t === '__VA_OPT__');
    if (va) m.warning = { message: '__VA_OPT__ can only appear in the expansion of a variadic macro (kept as written)', pos: va.pos, end: va.pos + va.t.length };
  }
  return m;
}

/** The replacement list rest[from, to) as body tokens: parameters, '#', '##' and (variadic macros) __VA_OPT__ groups. */
function parseBody(rest: Tok[], from: number, to: number, params: string[] | null, variadic: boolean, inVaOpt: boolean): BodyTok[] | DefineError {
  const body: BodyTok[] = [];
  for (let j = from; j < to; j++) {
    const t = rest[j];
    let param = -1;
    if (params && t.k === K.Ident) param = params.indexOf(t.t);
    let op = OP_NONE;
    if (t.t === '##') op = OP_PASTE;
    else if (t.t === '#' && params) {
      const n = j + 1 < to ? rest[j + 1] : undefined;
      if (n && variadic && n.k === K.Ident && n.t === '__VA_OPT__') return errAt(n, `'#' before __VA_OPT__ (stringizing it) is not supported`);
      const pi = n && n.k === K.Ident ? params.indexOf(n.t) : -1;
      if (pi >= 0) {
        body.push({ t: '#', k: K.Punct, ws: t.ws, param: pi, op: OP_STRINGIZE });
        j++;
        continue;
      }
    } else if (variadic && t.k === K.Ident && t.t === '__VA_OPT__') {
      if (inVaOpt) return errAt(t, `__VA_OPT__ may not appear in a __VA_OPT__ operand`);
      const open = j + 1 < to ? rest[j + 1] : undefined;
      if (!open || open.t !== '(') return errAt(open ?? t, `__VA_OPT__ must be followed by an open parenthesis`);
      let depth = 0;
      let close = -1;
      for (let k = j + 1; k < to; k++) {
        if (rest[k].t === '(') depth++;
        else if (rest[k].t === ')' && --depth === 0) { close = k; break; }
      }
      if (close < 0) return errAt(t, `unterminated __VA_OPT__`);
      const inner = parseBody(rest, j + 2, close, params, variadic, true);
      if ('message' in inner) return inner;
      if (inner.length > 0 && (inner[0].op === OP_PASTE || inner[inner.length - 1].op === OP_PASTE)) {
        return errAt(inner[0].op === OP_PASTE ? rest[j + 2] : rest[close - 1], `'##' cannot appear at either end of __VA_OPT__`);
      }
      if (inner.length > 0) inner[0] = { ...inner[0], ws: false };
      body.push({ t: '__VA_OPT__', k: K.Ident, ws: t.ws, param: -1, op: OP_VAOPT, inner });
      j = close;
      continue;
    }
    body.push({ t: t.t, k: t.k, ws: t.ws, param, op });
  }
  if (!inVaOpt && body.length > 0 && (body[0].op === OP_PASTE || body[body.length - 1].op === OP_PASTE)) {
    const bad = body[0].op === OP_PASTE ? rest[from] : rest[to - 1];
    return errAt(bad, `'##' cannot appear at either end of a macro expansion`);
  }
  return body;
}

function errAt(t: Tok, message: string): DefineError {
  return { message, pos: t.pos, end: t.pos + t.t.length };
}

/** Two definitions are the same when parameters and body (with whitespace normalised) agree. */
export function sameDefinition(a: Macro, b: Macro): boolean {
  if ((a.params === null) !== (b.params === null)) return false;
  if (a.params && b.params && (a.params.join(',') !== b.params.join(',') || a.variadic !== b.variadic)) return false;
  return a.def.body === b.def.body;
}

// ---------------------------------------------------------------------------
// hide sets

// hide sets are immutable: memoise a + name so that the many tokens of one expansion,
// which share a hide set, share the result too (exponential expansions stay linear in their budget)
const hsAddMemo = new WeakMap<ReadonlySet<string>, Map<string, ReadonlySet<string>>>();
function hsAdd(a: HideSet, name: string): HideSet {
  if (!a) return new Set([name]);
  if (a.has(name)) return a;
  let m = hsAddMemo.get(a);
  if (!m) { m = new Map(); hsAddMemo.set(a, m); }
  let s = m.get(name);
  if (!s) {
    const n = new Set(a);
    n.add(name);
    s = n;
    m.set(name, s);
  }
  return s;
}
function hsUnion(a: HideSet, b: HideSet): HideSet {
  if (!a || a.size === 0) return b;
  if (!b || b.size === 0 || a === b) return a;
  let s: Set<string> | null = null;
  for (const n of b) {
    if (!a.has(n)) {
      if (!s) s = new Set(a);
      s.add(n);
    }
  }
  return s ?? a;
}
function hsIntersect(a: HideSet, b: HideSet): HideSet {
  if (!a || !b) return null;
  if (a === b) return a;
  const s = new Set<string>();
  for (const n of a) if (b.has(n)) s.add(n);
  return s.size ? s : null;
}

// ---------------------------------------------------------------------------
// reading macro arguments from the rest of a file

/** Reads tokens from file text (whitespace, newlines and comments are whitespace). */
export class FileReader {
  /** end of the last token returned */
  lastEnd: number;
  constructor(readonly text: string, public pos: number, readonly end: number) { this.lastEnd = pos; }

  private skip(): boolean {
    const text = this.text;
    let i = this.pos;
    let ws = false;
    while (i < this.end) {
      const c = text.charCodeAt(i);
      if (c === 10 || isHSpace(c)) { i++; ws = true; continue; }
      if (c === 92 && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) {
        i += text.charCodeAt(i + 1) === 10 ? 2 : 3;
        continue;
      }
      if (c === 47) {
        const d = text.charCodeAt(i + 1);
        if (d === 42) { const e = blockCommentEnd(text, i); i = e < 0 ? this.end : e; ws = true; continue; }
        if (d === 47) { i = lineCommentEnd(text, i, this.end); ws = true; continue; }
      }
      break;
    }
    this.pos = i;
    return ws;
  }

  peekParen(): boolean {
    const save = this.pos;
    this.skip();
    const r = this.pos < this.end && this.text.charCodeAt(this.pos) === 40;
    this.pos = save;
    return r;
  }

  next(): Tok | null {
    const ws = this.skip();
    const text = this.text;
    const i = this.pos;
    if (i >= this.end) return null;
    const c = text.charCodeAt(i);
    let j: number;
    let k: K;
    if (isIdStart(c)) { j = identEnd(text, i + 1, this.end); k = K.Ident; }
    else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) { j = numberEnd(text, i, this.end); k = K.Number; }
    else if (c === 34 || c === 39) { j = quoteEnd(text, i, this.end); k = lastQuoteKind; }
    else if (isPunctChar(c)) { j = punctEnd(text, i, this.end); k = K.Punct; }
    else { j = i + 1; k = K.Other; }
    this.pos = j;
    this.lastEnd = j;
    return { t: text.slice(i, j), k, ws, pos: i, hs: null };
  }
}

// ---------------------------------------------------------------------------
// expansion

export interface ExpandHost {
  lookup(name: string): Macro | undefined;
  /** value of __FILE__ / __LINE__ for a token at pos (or the current invocation) */
  builtin(kind: BuiltinKind, pos: number): Tok;
}

export interface ExpandIssue {
  code: 'macro-error' | 'resource-limit';
  severity: 'error' | 'warning';
  message: string;
  /** file range when the offending tokens were written in the file; -1 = use the invocation range */
  start: number;
  end: number;
}

export class LimitError extends Error {}

/** How the error of an invocation whose argument list runs to the end of its file begins (incremental.ts looks for it). */
export const UNTERMINATED_ARGS = 'unterminated argument list';

interface Src { stack: Tok[]; reader: FileReader | null }

const MAX_TOKENS_PER_EXPANSION = 500_000;
const MAX_DEPTH = 200;

export class Expander {
  issues: ExpandIssue[] = [];
  private budget = MAX_TOKENS_PER_EXPANSION;
  private recursionNoted = new Set<string>();

  constructor(private readonly host: ExpandHost) {}

  /** Reset per top-level expansion. */
  begin(): void {
    this.issues = [];
    this.budget = MAX_TOKENS_PER_EXPANSION;
    this.recursionNoted.clear();
  }

  /** Expand a list of tokens in isolation (macro arguments, #if, #include lines). */
  expandList(toks: Tok[], depth = 0): Tok[] {
    if (depth > MAX_DEPTH) throw new LimitError('macro expansion nested too deeply');
    const src: Src = { stack: [], reader: null };
    for (let i = toks.length - 1; i >= 0; i--) src.stack.push(toks[i]);
    const out: Tok[] = [];
    this.run(src, out, depth);
    return out;
  }

  /**
   * Expand the macro invocation whose name token is `nameTok`, reading further
   * tokens (arguments) from `reader` when needed. Returns undefined when the
   * name is a function-like macro not followed by '('.
   */
  expandFromFile(nameTok: Tok, reader: FileReader): Tok[] | undefined {
    const m = this.host.lookup(nameTok.t);
    if (!m) return undefined;
    if (m.params && !m.builtin && !reader.peekParen()) return undefined;
    const src: Src = { stack: [nameTok], reader };
    const out: Tok[] = [];
    this.run(src, out, 0);
    return out;
  }

  private pushAll(src: Src, toks: Tok[]): void {
    for (let i = toks.length - 1; i >= 0; i--) src.stack.push(toks[i]);
  }

  private peekParen(src: Src): boolean {
    if (src.stack.length) return src.stack[src.stack.length - 1].t === '(';
    return src.reader ? src.reader.peekParen() : false;
  }

  private run(src: Src, out: Tok[], depth: number): void {
    const stack = src.stack;
    while (stack.length) {
      const tok = stack.pop()!;
      if (tok.k !== K.Ident) { out.push(tok); continue; }
      const m = this.host.lookup(tok.t);
      if (!m) { out.push(tok); continue; }
      if (tok.hs && tok.hs.has(tok.t)) {
        if (!this.recursionNoted.has(tok.t)) {
          this.recursionNoted.add(tok.t);
          this.issues.push({ code: 'macro-error', severity: 'warning', message: `macro "${tok.t}" refers to itself (directly or through other macros); the inner "${tok.t}" is left unexpanded`, start: -1, end: -1 });
        }
        out.push(tok);
        continue;
      }
      // a hide set holds every macro the token came through: bound the chain (A -> B -> C -> ...) like the nesting
      if (tok.hs && tok.hs.size > MAX_DEPTH) throw new LimitError('macro expansion nested too deeply');
      if (m.builtin) {
        const b = this.host.builtin(m.builtin, tok.pos);
        out.push({ ...b, ws: tok.ws, ap: true, apAfter: true });
        continue;
      }
      if (!m.params) {
        const res = this.subst(m, null, hsAdd(tok.hs, m.name), depth);
        this.markResult(res, tok, src);
        continue;
      }
      if (!this.peekParen(src)) { out.push(tok); continue; }
      const readerSave = src.reader ? src.reader.pos : 0;
      const readerLastEnd = src.reader ? src.reader.lastEnd : 0;
      const fromStack: Tok[] = [];
      const r = this.collectArgs(src, m, fromStack);
      if ('error' in r) {
        this.issues.push({ code: 'macro-error', severity: 'error', message: r.error, start: tok.pos >= 0 ? tok.pos : -1, end: tok.pos >= 0 ? (r.end > tok.pos ? r.end : tok.pos + tok.t.length) : -1 });
        // restore what was consumed and leave the name unexpanded
        if (src.reader) { src.reader.pos = readerSave; src.reader.lastEnd = readerLastEnd; }
        for (let i = fromStack.length - 1; i >= 0; i--) stack.push(fromStack[i]);
        out.push({ ...tok, hs: hsAdd(tok.hs, tok.t) });
        continue;
      }
      const hs = hsAdd(hsIntersect(tok.hs, r.rparen.hs), m.name);
      const res = this.subst(m, r.args, hs, depth);
      this.markResult(res, tok, src);
    }
  }

  private markResult(res: Tok[], tok: Tok, src: Src): void {
    if (res.length) {
      res[0].ws = tok.ws;
      res[0].ap = true;
      res[res.length - 1].apAfter = true;
      this.pushAll(src, res);
    } else if (src.stack.length) {
      // an empty expansion still separates its neighbours
      const n = src.stack[src.stack.length - 1];
      src.stack[src.stack.length - 1] = { ...n, ws: n.ws || tok.ws, ap: true };
    }
  }

  private collectArgs(src: Src, m: Macro, fromStack: Tok[]): { args: Tok[][]; rparen: Tok } | { error: string; end: number } {
    const next = (): Tok | null => {
      if (src.stack.length) { const t = src.stack.pop()!; fromStack.push(t); return t; }
      return src.reader ? src.reader.next() : null;
    };
    next(); // '('
    const args: Tok[][] = [[]];
    let depth = 0;
    const np = m.params!.length;
    let count = 0;
    for (;;) {
      const t = next();
      if (!t) return { error: `${UNTERMINATED_ARGS} invoking macro "${m.name}"`, end: -1 };
      if (++count > MAX_TOKENS_PER_EXPANSION) throw new LimitError(`argument list of macro "${m.name}" is too long`);
      if (t.k === K.Punct) {
        if (t.t === '(') depth++;
        else if (t.t === ')') {
          if (depth === 0) {
            const end = src.reader && fromStack.length === 0 ? src.reader.lastEnd : (src.reader ? src.reader.lastEnd : -1);
            // argument count
            let n = args.length;
            if (n === 1 && args[0].length === 0 && np === 0) n = 0;
            if (n === np || (m.variadic && n === np - 1) ) {
              if (m.variadic && n === np - 1) args.push([]);
              if (np === 0) args.length = 0;
              return { args, rparen: t };
            }
            if (np === 1 && n === 0) return { args: [[]], rparen: t };
            if (n > np) return { error: `macro "${m.name}" passed ${n} arguments, but takes just ${np}`, end };
            return { error: `macro "${m.name}" requires ${np} arguments, but only ${n} given`, end };
          }
          depth--;
        } else if (t.t === ',' && depth === 0 && !(m.variadic && args.length >= np)) {
          args.push([]);
          continue;
        }
      }
      args[args.length - 1].push(t);
    }
  }

  private spend(n: number): void {
    this.budget -= n;
    if (this.budget < 0) throw new LimitError('macro expansion is too large');
  }

  private subst(m: Macro, args: Tok[][] | null, hs: HideSet, depth: number, body: BodyTok[] = m.body, expanded: (Tok[] | undefined)[] = []): Tok[] {
    const out: Tok[] = [];
    this.spend(body.length + 1);
    const vaOpt = (b: BodyTok): Tok[] => {
      if (!args || !m.variadic || !b.inner) return [];
      const va = m.params!.length - 1;
      let e = expanded[va];
      if (!e) { e = this.expandList(args[va], depth + 1); expanded[va] = e; }
      return e.length === 0 ? [] : this.subst(m, args, hs, depth, b.inner, expanded);
    };
    const memo = new Map<HideSet, HideSet>();
    const withHs = (t: HideSet): HideSet => {
      if (!t) return hs;
      let r = memo.get(t);
      if (r === undefined) { r = hsUnion(t, hs); memo.set(t, r); }
      return r;
    };
    const copyArg = (toks: Tok[], ws: boolean): void => {
      this.spend(toks.length);
      for (let i = 0; i < toks.length; i++) {
        const a = toks[i];
        out.push({ t: a.t, k: a.k, ws: i === 0 ? ws : a.ws, pos: a.pos, hs: withHs(a.hs), ap: i === 0 ? true : a.ap, apAfter: i === toks.length - 1 ? true : a.apAfter });
      }
    };
    let placemarker = false; // the last operand produced no tokens
    for (let i = 0; i < body.length; i++) {
      const b = body[i];
      if (b.op === OP_PASTE) {
        const n = body[i + 1];
        i++;
        let rhs: Tok[];
        if (n.op === OP_STRINGIZE && args) rhs = [this.stringize(args[n.param], n.ws)];
        else if (n.op === OP_VAOPT) rhs = vaOpt(n).map((a) => ({ ...a }));
        else if (n.param >= 0 && args) {
          // GNU: , ## __VA_ARGS__ drops the comma when the variable argument is empty
          const isVa = m.variadic && n.param === m.params!.length - 1;
          if (isVa && !placemarker && out.length && out[out.length - 1].t === ',') {
            if (args[n.param].length === 0) { out.pop(); placemarker = false; continue; }
            copyArg(args[n.param], n.ws);
            placemarker = false;
            continue;
          }
          rhs = args[n.param].map((a) => ({ ...a }));
        } else rhs = [{ t: n.t, k: n.k, ws: n.ws, pos: -1, hs }];
        if (rhs.length === 0) continue; // lhs stays
        if (placemarker || out.length === 0) {
          copyArg(rhs, rhs[0].ws);
          placemarker = false;
          continue;
        }
        const lhs = out.pop()!;
        const text = lhs.t + rhs[0].t;
        const k = classifySingle(text);
        if (k !== undefined) {
          out.push({ t: text, k, ws: lhs.ws, pos: -1, hs: withHs(lhs.hs), ap: lhs.ap });
        } else {
          // assembler mode: an invalid paste leaves both tokens
          out.push(lhs);
          out.push({ ...rhs[0], ws: false, hs: withHs(rhs[0].hs) });
        }
        for (let j = 1; j < rhs.length; j++) out.push({ ...rhs[j], hs: withHs(rhs[j].hs), apAfter: j === rhs.length - 1 ? true : rhs[j].apAfter });
        placemarker = false;
        continue;
      }
      if (b.op === OP_STRINGIZE && args) {
        out.push(this.stringize(args[b.param], b.ws));
        placemarker = false;
        continue;
      }
      if (b.op === OP_VAOPT) {
        const toks = vaOpt(b);
        copyArg(toks, b.ws);
        placemarker = toks.length === 0;
        continue;
      }
      if (b.param >= 0 && args) {
        const nextIsPaste = body[i + 1]?.op === OP_PASTE;
        let toks: Tok[];
        if (nextIsPaste) toks = args[b.param];
        else {
          let e = expanded[b.param];
          if (!e) { e = this.expandList(args[b.param], depth + 1); expanded[b.param] = e; }
          toks = e;
        }
        copyArg(toks, b.ws);
        placemarker = toks.length === 0;
        continue;
      }
      out.push({ t: b.t, k: b.k, ws: b.ws, pos: -1, hs });
      placemarker = false;
    }
    return out;
  }

  private stringize(toks: Tok[], ws: boolean): Tok {
    let s = '"';
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (i > 0 && t.ws) s += ' ';
      if (t.k === K.String || t.k === K.Char || (t.k === K.Other && (t.t[0] === '"' || t.t[0] === "'"))) s += t.t.replace(/[\\"]/g, (c) => '\\' + c);
      else s += t.t;
    }
    s += '"';
    return { t: s, k: K.String, ws, pos: -1, hs: null };
  }
}

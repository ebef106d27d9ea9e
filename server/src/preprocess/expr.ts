// #if / #elif expression evaluation: C integer constant expressions in
// 64-bit intmax_t / uintmax_t arithmetic (BigInt), with the usual
// arithmetic conversions (a signed/unsigned mix is unsigned), short-circuit
// evaluation (division by zero in an unevaluated operand is fine), character
// constants, and unknown identifiers evaluating to 0.
import { K, type Tok } from './lexer';

export interface ExprError {
  message: string;
  /** the offending token, when there is one */
  tok?: Tok;
}

interface Val { v: bigint; u: boolean }

const M64 = (1n << 64n) - 1n;
function norm(v: bigint, u: boolean): Val {
  return { v: u ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v), u };
}

class Fail extends Error {
  constructor(readonly err: ExprError) { super(err.message); }
}

const BIN_PREC: Record<string, number> = {
  '*': 10, '/': 10, '%': 10,
  '+': 9, '-': 9,
  '<<': 8, '>>': 8,
  '<': 7, '<=': 7, '>': 7, '>=': 7,
  '==': 6, '!=': 6,
  '&': 5, '^': 4, '|': 3, '&&': 2, '||': 1,
};

export function parseIntegerLiteral(t: string): Val | undefined {
  let s = t;
  let unsigned = false;
  // suffixes
  const m = /^(.*?)([uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?$/.exec(s);
  if (m && m[2]) {
    s = m[1];
    unsigned = /[uU]/.test(m[2]);
  }
  let v: bigint;
  let decimal = false;
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = BigInt(s);
    else if (/^0[bB][01]+$/.test(s)) v = BigInt(s);
    else if (/^0[0-7]*$/.test(s)) v = s.length > 1 ? BigInt('0o' + s.slice(1)) : 0n;
    else if (/^[1-9][0-9]*$/.test(s)) { v = BigInt(s); decimal = true; }
    else return undefined;
  } catch {
    return undefined;
  }
  if (v > M64) v = v & M64; // integer constant too large: cpp warns and truncates
  if (!unsigned && v > (1n << 63n) - 1n) {
    // a hex/octal constant that does not fit intmax_t is unsigned; a decimal one too (with a warning in cpp)
    unsigned = true;
    void decimal;
  }
  return norm(v, unsigned);
}

function charValue(t: string): bigint | undefined {
  // t is '...' possibly with a prefix (L, u, U, u8)
  const q = t.indexOf("'");
  const body = t.slice(q + 1, -1);
  if (body.length === 0) return undefined;
  const vals: number[] = [];
  for (let i = 0; i < body.length;) {
    const c = body[i];
    if (c !== '\\') { vals.push(body.charCodeAt(i) & 0xff); i++; continue; }
    const d = body[i + 1];
    i += 2;
    switch (d) {
      case 'n': vals.push(10); break;
      case 't': vals.push(9); break;
      case 'r': vals.push(13); break;
      case 'a': vals.push(7); break;
      case 'b': vals.push(8); break;
      case 'f': vals.push(12); break;
      case 'v': vals.push(11); break;
      case 'e': case 'E': vals.push(27); break;
      case 'x': {
        let j = i;
        while (j < body.length && /[0-9a-fA-F]/.test(body[j])) j++;
        vals.push(parseInt(body.slice(i, j) || '0', 16) & 0xff);
        i = j;
        break;
      }
      default:
        if (d !== undefined && d >= '0' && d <= '7') {
          let j = i - 1;
          let k = 0;
          while (j < body.length && k < 3 && body[j] >= '0' && body[j] <= '7') { j++; k++; }
          vals.push(parseInt(body.slice(i - 1, j), 8) & 0xff);
          i = j;
        } else if (d !== undefined) vals.push(d.charCodeAt(0) & 0xff);
    }
  }
  if (vals.length === 1) {
    // plain char is signed on the usual hosts
    const v = vals[0];
    return BigInt(v > 127 ? v - 256 : v);
  }
  let r = 0n;
  for (const v of vals) r = ((r << 8n) | BigInt(v)) & 0xffffffffn;
  return BigInt.asIntN(32, r);
}

/** Evaluate tokens of a #if expression (macros already expanded, `defined` already replaced by 0/1). */
export function evaluate(toks: Tok[]): { value: boolean; error?: ExprError } {
  let i = 0;
  const peek = (): Tok | undefined => toks[i];

  const fail = (message: string, tok?: Tok): never => { throw new Fail({ message, tok }); };

  function primary(ev: boolean): Val {
    const t = toks[i];
    if (!t) return fail('missing expression in #if', toks[i - 1]);
    i++;
    switch (t.k) {
      case K.Number: {
        const v = parseIntegerLiteral(t.t);
        if (!v) return fail(/[.eEpP]/.test(t.t) && !/^0[xX]/.test(t.t) ? `floating constant ${t.t} in preprocessor expression` : `invalid integer constant ${t.t} in #if`, t);
        return v;
      }
      case K.Char: {
        const v = charValue(t.t);
        if (v === undefined) return fail(`empty character constant in #if`, t);
        return { v, u: false };
      }
      case K.Ident:
        // unknown identifiers are 0 (true/false are plain identifiers in C)
        if (peek()?.t === '(') return fail(`missing binary operator before token "("`, peek());
        return { v: 0n, u: false };
      case K.Punct:
        switch (t.t) {
          case '(': {
            const v = comma(ev);
            if (peek()?.t !== ')') return fail(`missing ')' in expression`, peek() ?? t);
            i++;
            return v;
          }
          case '-': { const a = unary(ev); return norm(-a.v, a.u); }
          case '+': return unary(ev);
          case '~': { const a = unary(ev); return norm(~a.v, a.u); }
          case '!': { const a = unary(ev); return { v: a.v === 0n ? 1n : 0n, u: false }; }
        }
        return fail(`operator '${t.t}' has no left operand`, t);
      default:
        return fail(`token "${t.t}" is not valid in preprocessor expressions`, t);
    }
  }
  function unary(ev: boolean): Val { return primary(ev); }

  function binary(minPrec: number, ev: boolean): Val {
    let left = unary(ev);
    for (;;) {
      const op = peek();
      if (!op) return left;
      if (op.k !== K.Punct) return fail(`missing binary operator before token "${op.t}"`, op);
      const prec = BIN_PREC[op.t];
      if (prec === undefined || prec < minPrec) return left;
      i++;
      if (op.t === '&&') {
        const r = binary(prec + 1, ev && left.v !== 0n);
        left = { v: left.v !== 0n && r.v !== 0n ? 1n : 0n, u: false };
        continue;
      }
      if (op.t === '||') {
        const r = binary(prec + 1, ev && left.v === 0n);
        left = { v: left.v !== 0n || r.v !== 0n ? 1n : 0n, u: false };
        continue;
      }
      const right = binary(prec + 1, ev);
      left = apply(op, left, right, ev);
    }
  }

  function apply(op: Tok, a: Val, b: Val, ev: boolean): Val {
    const u = a.u || b.u;
    const x = u ? BigInt.asUintN(64, a.v) : a.v;
    const y = u ? BigInt.asUintN(64, b.v) : b.v;
    const bool = (c: boolean): Val => ({ v: c ? 1n : 0n, u: false });
    switch (op.t) {
      case '*': return norm(x * y, u);
      case '/':
      case '%':
        if (y === 0n) {
          if (ev) return fail('division by zero in #if', op);
          return { v: 0n, u };
        }
        return norm(op.t === '/' ? x / y : x % y, u);
      case '+': return norm(x + y, u);
      case '-': return norm(x - y, u);
      case '<<': {
        // shift count is taken as signed; a negative count shifts the other way
        const n = b.u ? BigInt.asUintN(64, b.v) : b.v;
        if (n < 0n) return shr(a, -n);
        return n >= 64n ? { v: 0n, u: a.u } : norm((a.u ? BigInt.asUintN(64, a.v) : a.v) << n, a.u);
      }
      case '>>': {
        const n = b.u ? BigInt.asUintN(64, b.v) : b.v;
        if (n < 0n) return n <= -64n ? { v: 0n, u: a.u } : norm(a.v << -n, a.u);
        return shr(a, n);
      }
      case '<': return bool(x < y);
      case '<=': return bool(x <= y);
      case '>': return bool(x > y);
      case '>=': return bool(x >= y);
      case '==': return bool(x === y);
      case '!=': return bool(x !== y);
      case '&': return norm(x & y, u);
      case '^': return norm(x ^ y, u);
      case '|': return norm(x | y, u);
    }
    return fail(`unexpected operator ${op.t}`, op);
  }

  function shr(a: Val, n: bigint): Val {
    if (n >= 64n) return { v: a.u || a.v >= 0n ? 0n : -1n, u: a.u };
    const x = a.u ? BigInt.asUintN(64, a.v) : a.v;
    return norm(x >> n, a.u);
  }

  function conditional(ev: boolean): Val {
    const c = binary(1, ev);
    if (peek()?.t !== '?') return c;
    const q = toks[i++];
    const takeFirst = c.v !== 0n;
    const a = comma(ev && takeFirst);
    if (peek()?.t !== ':') return fail(`'?' without following ':'`, peek() ?? q);
    i++;
    const b = conditional(ev && !takeFirst);
    const u = a.u || b.u;
    return norm(takeFirst ? a.v : b.v, u);
  }

  function comma(ev: boolean): Val {
    let v = conditional(ev);
    while (peek()?.t === ',') {
      i++;
      v = conditional(ev);
    }
    return v;
  }

  try {
    if (toks.length === 0) return { value: false, error: { message: '#if with no expression' } };
    const v = comma(true);
    if (i < toks.length) {
      const t = toks[i];
      if (t.t === ')') return { value: false, error: { message: `missing '(' in expression`, tok: t } };
      if (t.t === ':') return { value: false, error: { message: `':' without preceding '?'`, tok: t } };
      return { value: false, error: { message: `missing binary operator before token "${t.t}"`, tok: t } };
    }
    return { value: v.v !== 0n };
  } catch (e) {
    if (e instanceof Fail) return { value: false, error: e.err };
    return { value: false, error: { message: `bad #if expression: ${(e as Error).message}` } };
  }
}

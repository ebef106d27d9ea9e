// Integer expression evaluation with dtc's semantics (dtc-parser.y): every
// value is a 64-bit unsigned integer, arithmetic wraps, shifts by 64 or more
// give 0, comparisons and logical operators give 0/1, and both sides of
// &&, || and ?: are evaluated (dtc computes them in its parser actions).
// Division or modulo by zero is an error at the whole `a / b` expression and
// yields 0. Evaluation uses an explicit stack: no recursion, any depth.
import type { Expr, Span } from '../syntax/ast';

export const U64_MASK = (1n << 64n) - 1n;

export interface EvalProblem {
  span: Span;
  message: string;
}

/** Evaluate an integer expression; problems (division by zero, literal out of range) are passed to `report`. */
export function evalExpr(root: Expr, report: (p: EvalProblem) => void): bigint {
  // fast path: a plain literal (the overwhelmingly common case)
  if (root.kind === 'number' && root.value >= 0n && root.value <= U64_MASK) return root.value;
  if (root.kind === 'char') return BigInt.asUintN(64, root.value);
  // Post-order walk: a frame is visited once to push its operands, then again to combine them.
  const work: { e: Expr; expanded: boolean }[] = [{ e: root, expanded: false }];
  const values: bigint[] = [];
  let guard = 0;
  while (work.length > 0) {
    if (++guard > 50_000_000) {
      report({ span: root, message: 'Expression too large to evaluate' });
      return 0n;
    }
    const f = work[work.length - 1];
    const e = f.e;
    if (!f.expanded) {
      f.expanded = true;
      switch (e.kind) {
        case 'number':
        case 'char':
          break;
        case 'unary':
          work.push({ e: e.operand, expanded: false });
          continue;
        case 'paren':
          work.push({ e: e.expr, expanded: false });
          continue;
        case 'binary':
          // right pushed first so that left is evaluated first (order only matters for report order)
          work.push({ e: e.right, expanded: false });
          work.push({ e: e.left, expanded: false });
          continue;
        case 'conditional':
          work.push({ e: e.alternate, expanded: false });
          work.push({ e: e.consequent, expanded: false });
          work.push({ e: e.test, expanded: false });
          continue;
        default:
          break;
      }
    }
    work.pop();
    switch (e.kind) {
      case 'number': {
        let v = e.value;
        if (v < 0n || v > U64_MASK) {
          report({ span: e, message: `Integer literal '${e.text}' out of range` });
          v = U64_MASK;
        }
        values.push(v);
        break;
      }
      case 'char':
        values.push(BigInt.asUintN(64, e.value));
        break;
      case 'paren':
        break; // value of the inner expression stays on the stack
      case 'unary': {
        const v = values.pop() ?? 0n;
        if (e.op === '-') values.push(BigInt.asUintN(64, -v));
        else if (e.op === '~') values.push(v ^ U64_MASK);
        else values.push(v === 0n ? 1n : 0n);
        break;
      }
      case 'binary': {
        const b = values.pop() ?? 0n;
        const a = values.pop() ?? 0n;
        values.push(binary(e.op, a, b, e, report));
        break;
      }
      case 'conditional': {
        const c = values.pop() ?? 0n;
        const t = values.pop() ?? 0n;
        const test = values.pop() ?? 0n;
        values.push(test !== 0n ? t : c);
        break;
      }
      default:
        values.push(0n);
    }
  }
  return values.pop() ?? 0n;
}

function binary(op: string, a: bigint, b: bigint, span: Span, report: (p: EvalProblem) => void): bigint {
  switch (op) {
    case '*': return BigInt.asUintN(64, a * b);
    case '/':
      if (b === 0n) { report({ span, message: 'Division by zero' }); return 0n; }
      return a / b;
    case '%':
      if (b === 0n) { report({ span, message: 'Division by zero' }); return 0n; }
      return a % b;
    case '+': return BigInt.asUintN(64, a + b);
    case '-': return BigInt.asUintN(64, a - b);
    case '<<': return b < 64n ? BigInt.asUintN(64, a << b) : 0n;
    case '>>': return b < 64n ? a >> b : 0n;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '&': return a & b;
    case '^': return a ^ b;
    case '|': return a | b;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    default: return 0n;
  }
}

/**
 * dtc's check of a value against an array element size: the bits above the
 * element must be all zero, or all one (a sign-extended negative value).
 */
export function fitsBits(v: bigint, bits: number): boolean {
  if (bits >= 64) return true;
  const mask = (1n << BigInt(bits)) - 1n;
  return v <= mask || (v | mask) === U64_MASK;
}

/** Decode the text between the quotes of a DTS string (or char literal) into bytes, as dtc does (no trailing NUL). */
export function decodeDtsString(raw: string): { bytes: number[]; problem?: string } {
  const out: number[] = [];
  let problem: string | undefined;
  const n = raw.length;
  for (let i = 0; i < n; ) {
    const c = raw.charCodeAt(i);
    if (c !== 92 /* \ */ || i + 1 >= n) {
      // UTF-8 encode one code point
      let cp = raw.codePointAt(i) ?? c;
      const w = cp > 0xffff ? 2 : 1;
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
      pushUtf8(out, cp);
      i += w;
      continue;
    }
    const e = raw.charCodeAt(i + 1);
    i += 2;
    switch (e) {
      case 97: out.push(7); break; // a
      case 98: out.push(8); break; // b
      case 116: out.push(9); break; // t
      case 110: out.push(10); break; // n
      case 118: out.push(11); break; // v
      case 102: out.push(12); break; // f
      case 114: out.push(13); break; // r
      case 120: { // x: up to two hex digits
        let v = 0;
        let k = 0;
        while (k < 2 && i < n && isHex(raw.charCodeAt(i))) { v = v * 16 + hexVal(raw.charCodeAt(i)); i++; k++; }
        if (k === 0) { problem = '\\x used with no following hex digits'; out.push(0x78); }
        else out.push(v & 0xff);
        break;
      }
      default:
        if (e >= 48 && e <= 55) { // octal: up to three digits, first already read
          let v = e - 48;
          let k = 1;
          while (k < 3 && i < n && raw.charCodeAt(i) >= 48 && raw.charCodeAt(i) <= 55) { v = v * 8 + raw.charCodeAt(i) - 48; i++; k++; }
          out.push(v & 0xff);
        } else {
          // any other escaped character stands for itself
          i -= 1;
          let cp = raw.codePointAt(i) ?? e;
          const w = cp > 0xffff ? 2 : 1;
          if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
          pushUtf8(out, cp);
          i += w;
        }
    }
  }
  return { bytes: out, problem };
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
function hexVal(c: number): number {
  if (c <= 57) return c - 48;
  if (c <= 70) return c - 55;
  return c - 87;
}
function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

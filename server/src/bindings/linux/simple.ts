// Value schemas checked by a small interpreter instead of compiled code. Most of a binding's text constrains
// property values (`items`, `enum`, `minItems`, `$ref: types.yaml#...`); compiling all of it is most of the
// first validation's time, while most values are valid. Such a schema becomes `dtsSimple` (ajv.ts): this
// interpreter answers whether the value is valid, with ajv's semantics (keywords of a type apply to data of
// that type; `$ref` runs the compiled target); only when it is not (or the interpreter cannot tell) is the
// schema compiled, and its errors are ajv's own. A wrong "valid" would hide a problem, so the interpreter
// knows only keywords whose semantics are plain, and answers undefined (compile) for anything else.
import { isObject, type Json, type JsonObject } from './fixups';
import { regExpEngine, sizeOf } from './ajv';

/** Keywords that validate nothing. */
const ANNOTATIONS = new Set(['description', 'title', '$comment', 'deprecated', 'default', 'examples', '$filename', 'dim']);
const KNOWN = new Set([
  'type', 'const', 'enum', 'pattern', 'minItems', 'maxItems', 'items', 'additionalItems', 'contains', 'uniqueItems',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'allOf', 'anyOf', 'oneOf', 'not',
  '$ref', 'typeSize',
]);

/** Whether the interpreter knows every keyword of `s` (and its subschemas); boolean schemas are left to ajv. */
export function isSimple(s: Json): boolean {
  if (!isObject(s)) return false;
  let any = false;
  const ok = (x: Json): boolean => {
    if (typeof x === 'boolean') return true;
    if (!isObject(x)) return false;
    for (const [k, v] of Object.entries(x)) {
      if (ANNOTATIONS.has(k)) continue;
      if (!KNOWN.has(k)) return false;
      any = true;
      switch (k) {
        case 'items':
          if (Array.isArray(v) ? !v.every(ok) : !ok(v)) return false;
          break;
        case 'additionalItems':
        case 'contains':
        case 'not':
          if (!ok(v)) return false;
          break;
        case 'allOf':
        case 'anyOf':
        case 'oneOf':
          if (!Array.isArray(v) || !v.every(ok)) return false;
          break;
        case '$ref':
          if (typeof v !== 'string' || v.startsWith('#')) return false;
          break;
        case 'type':
          if (!(typeof v === 'string' || (Array.isArray(v) && v.every((t) => typeof t === 'string')))) return false;
          break;
        case 'enum':
          if (!Array.isArray(v)) return false;
          break;
        case 'pattern':
          if (typeof v !== 'string') return false;
          break;
        case 'const':
          break;
        default:
          if (typeof v !== 'number' && typeof v !== 'boolean') return false;
      }
    }
    return true;
  };
  return ok(s) && any;
}

/** The `$ref`s (as written) of a simple schema. */
export function refsOf(s: Json, out: string[] = []): string[] {
  if (Array.isArray(s)) for (const x of s) refsOf(x, out);
  else if (isObject(s)) {
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else if (k !== 'const' && k !== 'enum') refsOf(v, out);
    }
  }
  return out;
}

/** ajv's deep equality (fast-deep-equal) on decoded values. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
      return true;
    }
    if (Array.isArray(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal((a as JsonObject)[k], (b as JsonObject)[k]));
  }
  // NaN
  return a !== a && b !== b;
}

function isType(t: string, v: unknown): boolean | undefined {
  switch (t) {
    case 'array': return Array.isArray(v);
    case 'object': return !!v && typeof v === 'object' && !Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number';
    case 'integer': return typeof v === 'number' && !(v % 1) && !isNaN(v);
    case 'boolean': return typeof v === 'boolean';
    case 'null': return v === null;
    default: return undefined;
  }
}

const patterns = new Map<string, RegExp>();

/** Runs a compiled `$ref` target: true / false, undefined when it cannot be resolved. */
export type RefRunner = (ref: string, base: string, data: unknown, parent: unknown, key: string | number) => boolean | undefined;

/**
 * Whether `v` (found at `parent[key]`) is valid against `s`, as ajv (JSON Schema 2019-09) decides it;
 * undefined when the answer needs something the interpreter does not do.
 */
export function holds(s: Json, v: unknown, parent: unknown, key: string | number, base: string, ref: RefRunner): boolean | undefined {
  if (s === true) return true;
  if (s === false) return false;
  if (!isObject(s)) return undefined;
  const arr = Array.isArray(v) ? (v as unknown[]) : undefined;
  const num = typeof v === 'number';
  let result = true as boolean | undefined;
  // each keyword's answer: false ends the check, undefined (cannot tell) is kept unless a later one is false
  for (const k in s) {
    const x = s[k] as Json;
    let r = true as boolean | undefined;
    switch (k) {
      case 'type': {
        if (Array.isArray(x)) {
          r = false;
          for (const t of x) {
            const y = isType(String(t), v);
            if (y) {
              r = true;
              break;
            }
            if (y === undefined) r = undefined;
          }
        } else r = isType(String(x), v);
        break;
      }
      case 'const':
        r = equal(x, v);
        break;
      case 'enum':
        r = (x as Json[]).some((e) => equal(e, v));
        break;
      case 'pattern':
        if (typeof v === 'string') {
          let re = patterns.get(x as string);
          if (!re) patterns.set(x as string, (re = regExpEngine(x as string, '')));
          r = re.test(v);
        }
        break;
      case 'minItems':
        if (arr) r = !(arr.length < (x as number));
        break;
      case 'maxItems':
        if (arr) r = !(arr.length > (x as number));
        break;
      case 'items':
        if (arr) {
          const tuple = Array.isArray(x);
          const n = tuple ? Math.min(x.length, arr.length) : arr.length;
          for (let i = 0; i < n; i++) {
            const y = holds(tuple ? x[i] : x, arr[i], arr, i, base, ref);
            if (y === false) return false;
            if (y === undefined) r = undefined;
          }
        }
        break;
      case 'additionalItems':
        if (arr && Array.isArray(s.items)) {
          const n = s.items.length;
          if (x === false) r = arr.length <= n;
          else {
            for (let i = n; i < arr.length; i++) {
              const y = holds(x, arr[i], arr, i, base, ref);
              if (y === false) return false;
              if (y === undefined) r = undefined;
            }
          }
        }
        break;
      case 'contains':
        if (arr) {
          r = false;
          for (let i = 0; i < arr.length; i++) {
            const y = holds(x, arr[i], arr, i, base, ref);
            if (y) {
              r = true;
              break;
            }
            if (y === undefined) r = undefined;
          }
        }
        break;
      case 'uniqueItems':
        if (arr && x === true) {
          outer: for (let i = 0; i < arr.length; i++) {
            for (let j = 0; j < i; j++) {
              if (equal(arr[i], arr[j])) {
                r = false;
                break outer;
              }
            }
          }
        }
        break;
      case 'minimum':
        if (num) r = !((v as number) < (x as number) || isNaN(v as number));
        break;
      case 'maximum':
        if (num) r = !((v as number) > (x as number) || isNaN(v as number));
        break;
      case 'exclusiveMinimum':
        if (num) r = !((v as number) <= (x as number) || isNaN(v as number));
        break;
      case 'exclusiveMaximum':
        if (num) r = !((v as number) >= (x as number) || isNaN(v as number));
        break;
      case 'multipleOf':
        if (num) {
          const q = (v as number) / (x as number);
          r = q === parseInt(String(q));
        }
        break;
      case 'typeSize':
        r = sizeOf(parent, key) === x;
        break;
      case 'allOf':
        for (const y of x as Json[]) {
          const z = holds(y, v, parent, key, base, ref);
          if (z === false) return false;
          if (z === undefined) r = undefined;
        }
        break;
      case 'anyOf':
      case 'oneOf': {
        let n = 0;
        let unknown = false;
        for (const y of x as Json[]) {
          const z = holds(y, v, parent, key, base, ref);
          if (z === true) n++;
          else if (z === undefined) unknown = true;
        }
        if (unknown) r = k === 'anyOf' && n > 0 ? true : undefined;
        else r = k === 'anyOf' ? n > 0 : n === 1;
        break;
      }
      case 'not': {
        const z = holds(x, v, parent, key, base, ref);
        r = z === undefined ? undefined : !z;
        break;
      }
      case '$ref':
        r = ref(x as string, base, v, parent, key);
        break;
      default:
        if (ANNOTATIONS.has(k)) break;
        return undefined;
    }
    if (r === false) return false;
    if (r === undefined) result = undefined;
  }
  return result;
}

// Codes and messages of dt-schema errors, in the project's message style: the key fact first ("3 items, at
// most 2 allowed"), the binding that says so last.
import type { ErrorObject } from 'ajv';
import { RAW_BYTES } from './decode';

/** The code of an error: the kind of problem (the keywords required / additional properties are mapped apart). */
export function codeFor(keyword: string, ctx: { keyword: string }[], prop: string | undefined): string {
  switch (keyword) {
    case 'required':
    case 'dependentRequired':
      return 'binding-missing-required';
    case 'minItems':
    case 'maxItems':
      return 'binding-item-count';
    case 'type':
    case 'typeSize':
      return 'binding-type';
    case 'enum':
    case 'const':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
    case 'uniqueItems':
      return prop === '$nodename' ? 'binding-node-name' : 'binding-value';
    case 'pattern':
      return prop === '$nodename' ? 'binding-node-name' : 'binding-value';
    case 'internal':
      return 'internal-error';
    case 'oneOf':
    case 'anyOf':
      if (ctx.length && ctx.every((c) => c.keyword === 'required')) return 'binding-missing-required';
      return prop === '$nodename' ? 'binding-node-name' : 'binding-constraint';
    default:
      return 'binding-constraint';
  }
}

export function hex(v: unknown): string {
  return typeof v === 'number' ? (Number.isInteger(v) && (v > 9 || v < -9) ? `${v < 0 ? '-' : ''}0x${Math.abs(v).toString(16)}` : String(v)) : String(v);
}

/** A decoded value as DTS would write it. */
export function show(v: unknown): string {
  if (v === RAW_BYTES) return 'raw bytes';
  if (v === true) return 'true';
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) {
    if (v.length === 1) return show(v[0]);
    if (v.every((x) => typeof x === 'string')) return v.map((x) => `"${x}"`).join(', ');
    if (v.every((x) => typeof x === 'number')) return `<${v.map(hex).join(' ')}>`;
    return v.map(show).join(', ');
  }
  return hex(v);
}

/** What undecodable bytes were written as: a string, or so many bytes. */
function rawText(raw: Uint8Array | undefined): string {
  if (!raw) return 'bytes of no type';
  if (raw.length > 1 && raw[raw.length - 1] === 0 && raw.subarray(0, -1).every((b) => (b >= 0x20 && b < 0x7f) || b === 0)) {
    return new TextDecoder().decode(raw.subarray(0, -1)).split('\0').map((x) => `"${x}"`).join(', ');
  }
  return `${raw.length} byte${raw.length === 1 ? '' : 's'}`;
}

function list(values: unknown[], max = 5): string {
  const shown = values.slice(0, max).map(show).join(', ');
  return values.length > max ? `${shown}, … (${values.length} values)` : shown;
}

function items(n: number): string {
  return n === 1 ? '1 item' : `${n} items`;
}

/** The short name of a schema: its path under /schemas/. */
export function schemaName(id: string | undefined): string {
  if (!id) return 'the binding';
  return id.replace(/^https?:\/\/devicetree\.org\/schemas\//, '').replace(/#$/, '');
}

/** Keywords whose message is about a property's value: it starts with the property's name, as dt-validate's do. */
const VALUE_KEYWORDS = new Set(['minItems', 'maxItems', 'enum', 'const', 'type', 'typeSize', 'pattern', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'uniqueItems', 'oneOf', 'anyOf', 'contains', 'dependentSchemas', 'not']);

/**
 * The message of an error at value `value` of property `prop` (undefined: the node itself), from schema `id`.
 * A message about a property's value names the property first (`reg: 2 items, at most 1 allowed (…)`): the
 * Problems list and a CI log show the message without the line.
 */
export function messageFor(err: ErrorObject, ctx: ErrorObject[], prop: string | undefined, value: unknown, id: string | undefined, type?: string, raw?: Uint8Array): string {
  const m = messageOf(err, ctx, prop, value, id, type, raw);
  if (prop === undefined || prop === '$nodename' || !VALUE_KEYWORDS.has(err.keyword)) return m;
  if ((err.keyword === 'oneOf' || err.keyword === 'anyOf') && m.endsWith(' is missing (required by ' + schemaName(id) + ')')) return m;
  return `${prop}: ${m}`;
}

function messageOf(err: ErrorObject, ctx: ErrorObject[], prop: string | undefined, value: unknown, id: string | undefined, type?: string, raw?: Uint8Array): string {
  const p = err.params as Record<string, unknown>;
  const by = schemaName(id);
  switch (err.keyword) {
    case 'required':
      return `${String(p.missingProperty)} is missing (required by ${by})`;
    case 'dependentRequired':
      return `${String(p.missingProperty)} is missing (required with ${String(p.property)} by ${by})`;
    case 'minItems':
      return `${Array.isArray(value) ? items(value.length) : 'too few items'}, at least ${String(p.limit)} expected (${by})`;
    case 'maxItems':
      return `${Array.isArray(value) ? items(value.length) : 'too many items'}, at most ${String(p.limit)} allowed (${by})`;
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      return `${prop === '$nodename' ? 'node name ' : ''}${show(value)} is not allowed: expected ${allowed.length === 1 ? '' : 'one of '}${list(allowed)} (${by})`;
    }
    case 'const':
      return `${prop === '$nodename' ? 'node name ' : ''}${show(value)} is not allowed: expected ${show(p.allowedValue)} (${by})`;
    case 'type': {
      const want = type ?? (p.type === 'array' ? 'cells or strings' : String(p.type));
      // one 8/16/64-bit integer written in 32-bit cells: the bytes read as several values of the binding's size
      const sized = /^u?int(8|16|64)$/.exec(want);
      if (sized && Array.isArray(value) && value.length > 1 && value.every((x) => typeof x === 'number')) {
        const bits = Number(sized[1]);
        return `wrong type: one ${want} expected (write /bits/ ${bits} <…>), got ${(value.length * bits) / 8} bytes read as ${value.length} ${bits}-bit values ${show(value)} (${by})`;
      }
      return `wrong type: ${want} expected, got ${value === RAW_BYTES ? rawText(raw) : show(value)} (${by})`;
    }
    case 'typeSize':
      return `${String(p.size)}-bit values, ${String(p.expected)}-bit expected (write /bits/ ${String(p.expected)} <…>) (${by})`;
    case 'pattern':
      return prop === '$nodename'
        ? `node name ${show(value)} does not match ${String(p.pattern)} (${by})`
        : `${show(value)} does not match ${String(p.pattern)} (${by})`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${show(value)} is out of range: ${String(p.comparison)} ${hex(p.limit)} required (${by})`;
    case 'multipleOf':
      return `${show(value)} is not a multiple of ${hex(p.multipleOf)} (${by})`;
    case 'uniqueItems':
      return `items must be unique: ${show(value)} (${by})`;
    case 'oneOf':
    case 'anyOf': {
      if (ctx.length && ctx.every((c) => c.keyword === 'required')) {
        const names = [...new Set(ctx.map((c) => String((c.params as Record<string, unknown>).missingProperty)))];
        return `${names.join(' or ')} is missing (required by ${by})`;
      }
      const first = ctx[0];
      const inner = first ? messageOf(first, [], prop, value, id, type).replace(/ \([^()]*\)$/, '') : '';
      if (err.keyword === 'oneOf' && (p.passing as unknown) !== null && Array.isArray(p.passing)) {
        return `matches ${p.passing.length} of the binding's alternatives, exactly one expected (${by})`;
      }
      return `matches none of the binding's alternatives${inner ? `: ${inner}` : ''} (${by})`;
    }
    case 'false schema':
      return `${prop ?? 'this'} is not allowed by ${by}`;
    case 'internal':
      return `internal error validating against ${by}: ${String(p.message)}`;
    case 'contains':
      return `no item matches what ${by} requires`;
    case 'dependentSchemas':
    case 'not':
      return `not allowed in this combination (${by})`;
    default:
      return `${err.keyword} constraint failed (${by})`;
  }
}

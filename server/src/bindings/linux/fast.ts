// Plain-code evaluation of the small schema shapes that would otherwise cost the most in ajv: the `select`
// clauses (by node name or compatible, ~200 of them run on every node) and schemas that only restrict
// property names (vendor-prefixes.yaml: ~850 prefix patterns). The answers are those of JSON Schema; a
// shape outside the supported keywords is left to ajv (undefined).
import type { ErrorObject } from 'ajv';
import { isObject, type Json, type JsonObject } from './fixups';
import { pythonRegex } from './prop-types';

const regexCache = new Map<string, RegExp | null>();

function regex(p: string): RegExp | null {
  let r = regexCache.get(p);
  if (r === undefined) {
    try {
      r = new RegExp(pythonRegex(p));
    } catch {
      r = null;
    }
    regexCache.set(p, r);
  }
  return r;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a as Json) && isObject(b as Json)) {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => deepEqual((a as JsonObject)[k], (b as JsonObject)[k]));
  }
  return false;
}

function typeOk(t: Json, v: unknown): boolean | undefined {
  const one = (x: Json): boolean | undefined => {
    switch (x) {
      case 'array': return Array.isArray(v);
      case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
      case 'string': return typeof v === 'string';
      case 'integer': return typeof v === 'number' && Number.isInteger(v);
      case 'number': return typeof v === 'number';
      case 'boolean': return typeof v === 'boolean';
      case 'null': return v === null;
      default: return undefined;
    }
  };
  if (Array.isArray(t)) {
    let any = false;
    for (const x of t) {
      const r = one(x);
      if (r === undefined) return undefined;
      any ||= r;
    }
    return any;
  }
  return one(t);
}

const ANNOTATIONS = new Set(['description', 'title', '$comment', 'deprecated', 'default', 'examples', '$filename']);

/** Does `v` satisfy schema `s`? undefined when `s` uses a keyword this evaluator does not know. */
export function matches(s: Json, v: unknown): boolean | undefined {
  if (s === true) return true;
  if (s === false) return false;
  if (!isObject(s)) return undefined;
  for (const [k, x] of Object.entries(s)) {
    let r: boolean | undefined;
    switch (k) {
      case 'type': r = typeOk(x, v); break;
      case 'const': r = deepEqual(x, v); break;
      case 'enum': r = Array.isArray(x) ? x.some((e) => deepEqual(e, v)) : undefined; break;
      case 'pattern': {
        if (typeof v !== 'string') { r = true; break; }
        const re = typeof x === 'string' ? regex(x) : null;
        r = re ? re.test(v) : undefined;
        break;
      }
      case 'minItems': r = !Array.isArray(v) || v.length >= (x as number); break;
      case 'maxItems': r = !Array.isArray(v) || v.length <= (x as number); break;
      case 'items': {
        if (!Array.isArray(v)) { r = true; break; }
        r = true;
        if (Array.isArray(x)) {
          for (let i = 0; i < x.length && i < v.length && r; i++) r = matches(x[i], v[i]);
        } else {
          for (let i = 0; i < v.length && r; i++) r = matches(x, v[i]);
        }
        break;
      }
      case 'contains': {
        if (!Array.isArray(v)) { r = true; break; }
        r = false;
        for (const e of v) {
          const m = matches(x, e);
          if (m === undefined) { r = undefined; break; }
          if (m) { r = true; break; }
        }
        break;
      }
      case 'properties': {
        if (typeof v !== 'object' || v === null || Array.isArray(v) || !isObject(x)) { r = isObject(x) ? true : undefined; break; }
        r = true;
        for (const [p, ps] of Object.entries(x)) {
          if (!(p in (v as object))) continue;
          r = matches(ps, (v as Record<string, unknown>)[p]);
          if (r !== true) break;
        }
        break;
      }
      case 'required': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) { r = true; break; }
        r = Array.isArray(x) ? x.every((p) => String(p) in (v as object)) : undefined;
        break;
      }
      case 'allOf':
      case 'anyOf':
      case 'oneOf': {
        if (!Array.isArray(x)) return undefined;
        const rs = x.map((y) => matches(y, v));
        if (rs.includes(undefined)) return undefined;
        const n = rs.filter(Boolean).length;
        r = k === 'allOf' ? n === rs.length : k === 'anyOf' ? n > 0 : n === 1;
        break;
      }
      case 'not': {
        const m = matches(x, v);
        r = m === undefined ? undefined : !m;
        break;
      }
      default:
        if (ANNOTATIONS.has(k)) continue;
        return undefined;
    }
    if (r !== true) return r;
  }
  return true;
}

function annotationOnly(s: Json): boolean {
  return s === true || (isObject(s) && Object.keys(s).every((k) => ANNOTATIONS.has(k)));
}

/** A schema that only restricts the names of a node's properties and children. */
export interface NamesOnly {
  names: Set<string>;
  pattern: RegExp;
}

const NAMES_ONLY_KEYS = new Set(['$id', '$schema', 'title', 'select', 'properties', 'patternProperties', 'additionalProperties', 'type',
  '$filename', 'description']);

export function namesOnly(s: JsonObject): NamesOnly | undefined {
  if (s.additionalProperties !== false || (s.type !== undefined && s.type !== 'object')) return undefined;
  if (!Object.keys(s).every((k) => NAMES_ONLY_KEYS.has(k))) return undefined;
  const props = isObject(s.properties) ? s.properties : {};
  const pats = isObject(s.patternProperties) ? s.patternProperties : {};
  if (!Object.values(props).every(annotationOnly) || !Object.values(pats).every(annotationOnly)) return undefined;
  const sources: string[] = [];
  for (const p of Object.keys(pats)) {
    const src = pythonRegex(p);
    try {
      new RegExp(src);
    } catch {
      return undefined;
    }
    sources.push(`(?:${src})`);
  }
  return { names: new Set(Object.keys(props)), pattern: new RegExp(sources.join('|') || '(?!)') };
}

/** The errors ajv would give for a names-only schema (additionalProperties: false). */
export function checkNames(n: NamesOnly, inst: Record<string, unknown>): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const k of Object.keys(inst)) {
    if (n.names.has(k) || n.pattern.test(k)) continue;
    out.push({ keyword: 'additionalProperties', instancePath: '', schemaPath: '#/additionalProperties', params: { additionalProperty: k } });
  }
  return out;
}

/**
 * The shape of a `select`, for picking the schemas that apply to a node without evaluating each select:
 * every node, nodes with one of some compatibles, nodes whose name matches, or anything else.
 */
export type SelectShape =
  | { kind: 'always' }
  | { kind: 'compatible'; compatibles: string[] }
  | { kind: 'nodename'; test: (name: string) => boolean }
  | { kind: 'other' };

function onlyKeys(o: JsonObject, keys: string[]): boolean {
  return Object.keys(o).every((k) => keys.includes(k) || ANNOTATIONS.has(k));
}

export function selectShape(sel: Json): SelectShape {
  if (sel === true) return { kind: 'always' };
  if (!isObject(sel) || !onlyKeys(sel, ['properties', 'required']) || !isObject(sel.properties)) return { kind: 'other' };
  const req = Array.isArray(sel.required) ? sel.required : [];
  const props = sel.properties;
  const names = Object.keys(props);
  if (names.length !== 1) return { kind: 'other' };
  const p = props[names[0]];
  if (names[0] === 'compatible' && req.includes('compatible') && isObject(p) && onlyKeys(p, ['contains']) && isObject(p.contains)) {
    const c = p.contains;
    if (onlyKeys(c, ['const']) && typeof c.const === 'string') return { kind: 'compatible', compatibles: [c.const] };
    if (onlyKeys(c, ['enum']) && Array.isArray(c.enum) && c.enum.every((x) => typeof x === 'string')) return { kind: 'compatible', compatibles: c.enum as string[] };
  }
  if (names[0] === '$nodename' && req.includes('$nodename') && isObject(p) && Array.isArray(p.items) && p.items.length === 1 && isObject(p.items[0])) {
    const item = p.items[0];
    if (onlyKeys(p, ['items', 'type', 'minItems', 'maxItems']) && onlyKeys(item, ['pattern', 'const'])) {
      if (typeof item.const === 'string' && !('pattern' in item)) {
        const c = item.const;
        return { kind: 'nodename', test: (n) => n === c };
      }
      if (typeof item.pattern === 'string' && !('const' in item)) {
        const re = regex(item.pattern);
        if (re) return { kind: 'nodename', test: (n) => re.test(n) };
      }
    }
  }
  return { kind: 'other' };
}

/**
 * The properties a schema looks at when it only constrains the properties a node has (types of generic
 * properties, checked on every node): it cannot fail on a node that has none of them. Undefined for schemas
 * that say more (required properties, conditions, node names).
 */
export interface Triggers {
  names: Set<string>;
  patterns: RegExp[];
}

const TRIGGER_KEYS = ['$id', '$schema', 'select', 'type', 'properties', 'patternProperties', 'dependentRequired', 'dependentSchemas', 'additionalProperties'];

export function triggers(s: JsonObject): Triggers | undefined {
  if (!onlyKeys(s, TRIGGER_KEYS)) return undefined;
  if (s.type !== undefined && s.type !== 'object') return undefined;
  if ('additionalProperties' in s && s.additionalProperties !== true) return undefined;
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  for (const k of ['properties', 'dependentRequired', 'dependentSchemas']) {
    const m = s[k];
    if (m === undefined) continue;
    if (!isObject(m)) return undefined;
    for (const n of Object.keys(m)) names.add(n);
  }
  if (s.patternProperties !== undefined) {
    if (!isObject(s.patternProperties)) return undefined;
    for (const p of Object.keys(s.patternProperties)) {
      const re = regex(p);
      if (!re) return undefined;
      patterns.push(re);
    }
  }
  return { names, patterns };
}

export function triggered(t: Triggers, inst: Record<string, unknown>): boolean {
  for (const k of Object.keys(inst)) {
    if (t.names.has(k)) return true;
    for (const re of t.patterns) if (re.test(k)) return true;
  }
  return false;
}

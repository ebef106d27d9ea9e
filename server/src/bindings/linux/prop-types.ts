// The property type table dt-schema derives from all processed schemas: property name (or pattern) ->
// the possible types (uint32, string-array, phandle-array, ...) and, for matrices, the range of both
// dimensions. dt-validate decodes the untyped bytes of a DTB with it; we decode the merged tree the same way
// so that the same values reach the validator.
import { isObject, isStringSchema, type Json, type JsonObject } from './fixups';

/** (min, max) of the outer and of the inner dimension */
export type Dim = [[number, number], [number, number]];

export interface PropType {
  type: string | null;
  dim?: Dim;
}

interface Entry extends PropType {
  ids: string[];
  pattern?: string;
}

export interface TypeTable {
  /** property name -> candidate types */
  props: Record<string, PropType[]>;
  /** regex source -> candidate types (a name without an entry in props is looked up here) */
  patterns: Record<string, PropType[]>;
}

const TYPE_RE = /(address|flag|u?int(8|16|32|64)(-(array|matrix))?|string(-array)?|phandle(-array)?)/;

/** dt-schema's size range of an array schema. */
export function arrayRange(s: Json): [number, number] {
  if (Array.isArray(s)) {
    if (s.length !== 1) return [0, 0];
    s = s[0];
  }
  if (!isObject(s)) return [1, 0];
  if (Array.isArray(s.items)) {
    const max = s.items.length;
    const min = typeof s.minItems === 'number' ? s.minItems : max;
    return [min, max];
  }
  const min = typeof s.minItems === 'number' ? s.minItems : 1;
  const max = typeof s.maxItems === 'number' ? s.maxItems : typeof s.minItems === 'number' ? s.minItems : 0;
  return [min, max];
}

function mergeDim(a: Dim, b: Dim): Dim {
  const out: Dim = [[0, 0], [0, 0]];
  for (let i = 0; i < 2; i++) {
    const max = Math.max(a[i][1], b[i][1]);
    const min = max === 1 ? 1 : Math.min(a[i][0], b[i][0]);
    out[i] = [min, max];
  }
  return out;
}

// the keywords whose subschemas dt-schema visits, in a fixed order (Python visits them in set order)
const COMBINATORS = ['allOf', 'anyOf', 'oneOf'];

function resolveLocal(schema: JsonObject, ref: string): Json | undefined {
  let cur: Json | undefined = schema;
  for (const part of ref.split('/').slice(1)) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

class Extractor {
  readonly props = new Map<string, Entry[]>();

  private entries(name: string): Entry[] {
    let l = this.props.get(name);
    if (!l) {
      l = [];
      this.props.set(name, l);
    }
    return l;
  }

  property(schema: JsonObject, name: string, sub: Json, isPattern: boolean, depth = 0): void {
    if (name.startsWith('$') || depth > 50) return;
    const id = String(schema.$id);
    if (!isObject(sub)) {
      if (sub === true && !this.props.has(name)) {
        this.props.set(name, [{ type: null, ids: [id], ...(isPattern ? { pattern: name } : {}) }]);
      }
      return;
    }
    let type: string | null = null;
    const ref = typeof sub.$ref === 'string' ? sub.$ref : undefined;
    if (ref !== undefined) {
      if (ref.startsWith('#/')) {
        const known = this.props.get(name);
        if (known && known.some((p) => p.ids.includes(id))) return;
        const target = resolveLocal(schema, ref);
        if (target !== undefined) this.property(schema, name, target, isPattern, depth + 1);
      } else if (ref.includes('/properties/')) {
        const refProp = ref.split('/').pop() as string;
        const known = this.props.get(refProp);
        if (known && known.length) type = known[0].type;
      }
    }
    for (const k of COMBINATORS) {
      const l = sub[k];
      if (Array.isArray(l)) for (const v of l) this.property(schema, name, v, isPattern, depth + 1);
    }
    const list = this.entries(name);
    const isNode = sub.type === 'object' || 'properties' in sub || 'patternProperties' in sub || 'additionalProperties' in sub;
    if (isNode) {
      type = 'node';
    } else {
      const m = ref !== undefined ? TYPE_RE.exec(ref) : null;
      if (m) type = m[0];
      else if (sub.type === 'boolean') type = 'flag';
      else if ('items' in sub) {
        const items = sub.items;
        if ((Array.isArray(items) && isStringSchema(items[0])) || (isObject(items) && isStringSchema(items))) type = 'string-array';
        else if (/-microvolt$/.test(name)) type = 'int32-matrix';
        else if (/(^(?!opp)).*-hz$/.test(name)) type = 'uint32-matrix';
        else type = null;
      } else if (ref !== undefined && /\.yaml#?$/.test(ref)) type = 'node';
    }
    const entry: Entry = { type, ids: [id], ...(isPattern ? { pattern: name } : {}) };
    if (!type) {
      if (list.length === 0) list.push(entry);
      return;
    }
    let dim: Dim | undefined;
    if (type === 'phandle-array' || type.endsWith('-matrix')) {
      const outer = arrayRange(sub);
      let inner: [number, number] = [0, 0];
      if ('items' in sub) inner = arrayRange(Array.isArray(sub.items) ? sub.items[0] : (sub.items ?? {}));
      dim = [outer, inner];
      entry.dim = dim;
    }
    let add = true;
    let untyped: Entry | undefined;
    for (const p of list) {
      if (p.type === null) {
        untyped = p;
        break;
      }
      if (dim && (p.type === 'phandle-array' || p.type.endsWith('-matrix'))) {
        p.dim = p.dim ? mergeDim(p.dim, dim) : dim;
        if (!p.ids.includes(id)) p.ids.push(id);
        add = false;
        break;
      }
      if (p.type === type) {
        if (!p.ids.includes(id)) p.ids.push(id);
        add = false;
        break;
      }
      if (type.includes('string') && p.type.includes('string')) {
        if (type === 'string-array') p.type = type;
        if (!p.ids.includes(id)) p.ids.push(id);
        add = false;
        break;
      }
    }
    if (untyped) list.splice(list.indexOf(untyped), 1);
    if (add) list.push(entry);
    if ('properties' in sub || 'patternProperties' in sub || 'additionalProperties' in sub) this.node(schema, sub, depth + 1);
  }

  node(schema: JsonObject, sub: Json, depth = 0): void {
    if (!isObject(sub) || depth > 50) return;
    if ('additionalProperties' in sub) this.node(schema, sub.additionalProperties, depth + 1);
    for (const k of COMBINATORS) {
      const l = sub[k];
      if (Array.isArray(l)) for (const v of l) this.node(schema, v, depth + 1);
    }
    for (const k of ['properties', 'patternProperties']) {
      const m = sub[k];
      if (!isObject(m)) continue;
      for (const [p, v] of Object.entries(m)) this.property(schema, p, v, k === 'patternProperties', depth + 1);
    }
  }
}

/** The type table of a set of processed schemas (in processing order). */
export function extractTypes(schemas: Iterable<JsonObject>): TypeTable {
  const x = new Extractor();
  for (const s of schemas) x.node(s, s);
  const all = x.props;
  // generic name patterns (aliases) say nothing about a type
  all.delete('^[a-z][a-z0-9\\-]*$');
  for (const [k, l] of all) {
    const kept = l.filter((t) => t.type !== 'node');
    if (kept.length) all.set(k, kept);
    else all.delete(k);
  }
  const patterns = new Map<string, Entry[]>();
  for (const [k, l] of [...all]) {
    if (l[0].pattern === undefined) continue;
    if (l[0].type !== null) patterns.set(k, l);
    all.delete(k);
  }
  const compiled = [...patterns].map(([k, l]) => ({ re: safeRegExp(k), l }));
  for (const [k, l] of [...all]) {
    if (l[0].type !== null) continue;
    if (compiled.some((p) => p.l[0].type && p.re?.test(k))) all.delete(k);
  }
  const plain = (l: Entry[]): PropType[] => l.map((e) => (e.dim ? { type: e.type, dim: e.dim } : { type: e.type }));
  const props: Record<string, PropType[]> = {};
  for (const k of [...all.keys()].sort()) props[k] = plain(all.get(k)!);
  const pats: Record<string, PropType[]> = {};
  for (const k of [...patterns.keys()].sort()) pats[k] = plain(patterns.get(k)!);
  return { props, patterns: pats };
}

/** A regex written for Python's re, as a JS RegExp (undefined when JS cannot compile it). */
export function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(pythonRegex(source));
  } catch {
    return undefined;
  }
}

/** Python's `{,n}` quantifier is `{0,n}`; JS without the u flag would read it literally. */
export function pythonRegex(source: string): string {
  return source.replace(/\{,(\d+)\}/g, '{0,$1}');
}

/** Lookups in a type table, with the pattern regexes compiled once. */
export class TypeIndex {
  private readonly patterns: { re: RegExp; types: PropType[] }[] = [];
  private readonly memo = new Map<string, Set<string>>();
  private readonly dimMemo = new Map<string, Dim | undefined>();

  constructor(readonly table: TypeTable) {
    for (const [k, types] of Object.entries(table.patterns)) {
      const re = safeRegExp(k);
      if (re) this.patterns.push({ re, types });
    }
  }

  /** dt-schema's candidate types of a property name ('node' dropped when there are others). */
  types(name: string): Set<string> {
    let s = this.memo.get(name);
    if (s) return s;
    s = new Set<string>();
    for (const t of this.table.props[name] ?? []) if (t.type) s.add(t.type);
    if (s.size === 0) {
      for (const p of this.patterns) {
        const t = p.types[0].type;
        if (t && !s.has(t) && p.re.test(name)) s.add(t);
      }
    }
    if (s.size > 1) s.delete('node');
    this.memo.set(name, s);
    return s;
  }

  dim(name: string): Dim | undefined {
    if (this.dimMemo.has(name)) return this.dimMemo.get(name);
    let d: Dim | undefined;
    for (const t of this.table.props[name] ?? []) {
      if (t.dim) {
        d = t.dim;
        break;
      }
    }
    if (!d) {
      for (const p of this.patterns) {
        if (p.types[0].type && p.types[0].dim && p.re.test(name)) {
          d = p.types[0].dim;
          break;
        }
      }
    }
    this.dimMemo.set(name, d);
    return d;
  }

  hasFixedDim(name: string): boolean {
    const d = this.dim(name);
    return !!d && ((d[0][0] > 0 && d[0][0] === d[0][1]) || (d[1][0] > 0 && d[1][0] === d[1][1]));
  }
}

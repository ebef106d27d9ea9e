// From binding files to the processed schema set: parse, fix up, key by $id, derive the property type table
// and the list of documented compatibles (dt-schema's dt-mk-schema, re-implemented). The result is plain
// JSON: it is cached on disk (cache.ts) and validated by validate.ts.
import { parseYaml } from '../yaml';
import { fixupSchema, isObject, type Json, type JsonObject } from './fixups';
import { extractTypes, type TypeTable } from './prop-types';

/** Bumped whenever processing changes, so that cached results of an older version are not used. */
export const PROCESSOR_VERSION = 'dts-lsp-bindings-1';

export interface SchemaSource {
  path: string;
  /** the YAML text, or the schema itself (the built-in core) */
  text?: string;
  data?: JsonObject;
}

export interface ProcessProblem {
  file: string;
  offset: number;
  message: string;
}

export interface ProcessedSchemas {
  /** $id -> processed schema (with $filename); in processing order */
  schemas: Record<string, JsonObject>;
  types: TypeTable;
  /** every documented compatible string */
  compatibles: string[];
  /** regexes of documented compatibles (bindings that match a family by pattern) */
  compatiblePatterns: string[];
  /** files that were ignored (parse errors, no $id, duplicate $id) */
  problems: ProcessProblem[];
}

/** Every string a compatible schema names (enum values, consts, patterns), as dt-schema collects them. */
export function compatiblesOf(s: Json, out = new Set<string>()): Set<string> {
  const visit = (x: Json): void => {
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
    } else if (isObject(x)) {
      for (const [k, v] of Object.entries(x)) {
        if (k === 'enum' && Array.isArray(v)) {
          if (typeof v[0] === 'string') for (const e of v) out.add(String(e));
        } else if (k === 'const') out.add(pyStr(v));
        else if (k === 'pattern' && typeof v === 'string') out.add(v);
        else visit(v);
      }
    }
  };
  visit(s);
  return out;
}

function pyStr(v: Json): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The compatible strings of every `compatible` key anywhere in a schema. */
function allCompatibles(s: Json, out: Set<string>): void {
  if (Array.isArray(s)) {
    for (const x of s) allCompatibles(x, out);
  } else if (isObject(s)) {
    for (const [k, v] of Object.entries(s)) {
      if (k === 'compatible') compatiblesOf(v, out);
      else allCompatibles(v, out);
    }
  }
}

export function processSchemas(sources: SchemaSource[]): ProcessedSchemas {
  const schemas: Record<string, JsonObject> = {};
  const problems: ProcessProblem[] = [];
  for (const src of sources) {
    let raw: JsonObject;
    if (src.data) raw = JSON.parse(JSON.stringify(src.data)) as JsonObject;
    else {
      const y = parseYaml(src.text ?? '');
      if (y.error || !isObject(y.data)) {
        problems.push({ file: src.path, offset: y.error?.offset ?? 0, message: `ignored: ${y.error?.message ?? 'not a YAML mapping'}` });
        continue;
      }
      raw = y.data as JsonObject;
    }
    if (typeof raw.$id !== 'string') continue;
    const s = fixupSchema(raw);
    s.type = 'object';
    s.$filename = src.path;
    const id = s.$id as string;
    if (id in schemas) {
      problems.push({ file: src.path, offset: 0, message: `ignored: duplicate $id ${id}` });
      continue;
    }
    schemas[id] = s;
  }
  const types = extractTypes(Object.values(schemas));
  const all = new Set<string>();
  for (const s of Object.values(schemas)) allCompatibles(s, all);
  const compatibles: string[] = [];
  const compatiblePatterns: string[] = [];
  for (const c of all) {
    if (/[\^[{($]/.test(c)) {
      // a regex: the generic one and the catch-alls are no documentation of anything
      if (c !== '^[a-zA-Z0-9][a-zA-Z0-9,+\\-._/]+$' && !/\.[+*]/.test(c) && c.startsWith('^') && c.endsWith('$')) compatiblePatterns.push(c);
    } else compatibles.push(c);
  }
  compatibles.sort();
  compatiblePatterns.sort();
  return { schemas, types, compatibles, compatiblePatterns, problems };
}

/** The processed set from a dt-mk-schema output (processed-schema.json of a kernel build). */
export function fromProcessedJson(data: unknown): ProcessedSchemas | undefined {
  if (!isObject(data)) return undefined;
  const schemas: Record<string, JsonObject> = {};
  let types: TypeTable = { props: {}, patterns: {} };
  let compatibles: string[] = [];
  const compatiblePatterns: string[] = [];
  for (const [id, s] of Object.entries(data)) {
    if (!isObject(s)) continue;
    if (id === 'generated-types' || id === 'generated-pattern-types') {
      const props = isObject(s.properties) ? (s.properties as unknown as TypeTable['props']) : {};
      if (id === 'generated-types') types = { ...types, props };
      else types = { ...types, patterns: props };
      continue;
    }
    if (id === 'generated-compatibles') {
      const any = ((s.properties as JsonObject)?.compatible as JsonObject)?.items as JsonObject;
      for (const alt of (isObject(any) && Array.isArray(any.anyOf) ? any.anyOf : [])) {
        if (!isObject(alt)) continue;
        if (Array.isArray(alt.enum)) compatibles = alt.enum.map(String);
        else if (typeof alt.pattern === 'string' && alt.pattern !== '^foo' && alt.pattern !== '^test,') compatiblePatterns.push(alt.pattern);
      }
      continue;
    }
    schemas[id] = s;
  }
  return { schemas, types, compatibles, compatiblePatterns, problems: [] };
}

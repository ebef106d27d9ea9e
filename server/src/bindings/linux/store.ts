// The processed schema set as the validator uses it: schemas by $id (parsed only when first used), the map
// from compatible strings to the schema that documents them, the schemas applied by `select`, the type table
// and the documented compatibles. Serialised into one cache file whose schemas are parsed lazily.
import { isObject, type JsonObject } from './fixups';
import { compatiblesOf, type ProcessedSchemas } from './process';
import type { TypeTable } from './prop-types';

export interface StoreHeader {
  format: 'dts-lsp-linux-bindings';
  /** what the set was made from and by which processor version (the cache key) */
  key: string;
  /** compatible -> $id of the schema that documents it (dt-validate's compat_map) */
  compatMap: Record<string, string>;
  /** $id of every schema with a `select` that is not false, in order */
  selectIds: string[];
  /** $id -> the binding file */
  files: Record<string, string>;
  types: TypeTable;
  compatibles: string[];
  compatiblePatterns: string[];
  problems: { file: string; offset: number; message: string }[];
  /** $id -> [offset, length] of its JSON in the body */
  index: Record<string, [number, number]>;
}

export class SchemaStore {
  private readonly parsed = new Map<string, JsonObject>();
  readonly compatMap: Map<string, string>;
  readonly compatibles: Set<string>;
  readonly compatiblePatterns: RegExp[];

  constructor(readonly header: StoreHeader, private readonly body: string | Record<string, JsonObject>) {
    this.compatMap = new Map(Object.entries(header.compatMap));
    this.compatibles = new Set(header.compatibles);
    this.compatiblePatterns = [];
    for (const p of [...header.compatiblePatterns, '^foo', '^test,']) {
      try {
        this.compatiblePatterns.push(new RegExp(p));
      } catch {
        // a pattern JS cannot read documents nothing here
      }
    }
  }

  get key(): string {
    return this.header.key;
  }

  has(id: string): boolean {
    return typeof this.body === 'string' ? id in this.header.index : id in this.body;
  }

  get(id: string): JsonObject | undefined {
    if (typeof this.body !== 'string') return this.body[id];
    let s = this.parsed.get(id);
    if (s) return s;
    const at = this.header.index[id];
    if (!at) return undefined;
    s = JSON.parse(this.body.slice(at[0], at[0] + at[1])) as JsonObject;
    this.parsed.set(id, s);
    return s;
  }

  get ids(): string[] {
    return typeof this.body === 'string' ? Object.keys(this.header.index) : Object.keys(this.body);
  }

  /** Is the compatible string documented by some binding (dt-schema's generated-compatibles)? */
  documented(c: string): boolean {
    if (this.compatibles.has(c)) return true;
    return this.compatiblePatterns.some((re) => re.test(c));
  }

  /** The cache file: a header line, then the schemas' JSON one after another. */
  serialize(): string {
    const ids = this.ids;
    const parts: string[] = [];
    const index: Record<string, [number, number]> = {};
    let at = 0;
    for (const id of ids) {
      const j = JSON.stringify(this.get(id));
      index[id] = [at, j.length];
      parts.push(j);
      at += j.length;
    }
    return JSON.stringify({ ...this.header, index }) + '\n' + parts.join('');
  }

  static deserialize(text: string): SchemaStore | undefined {
    const nl = text.indexOf('\n');
    if (nl < 0) return undefined;
    try {
      const header = JSON.parse(text.slice(0, nl)) as StoreHeader;
      if (header.format !== 'dts-lsp-linux-bindings') return undefined;
      return new SchemaStore(header, text.slice(nl + 1));
    } catch {
      return undefined;
    }
  }

  static fromProcessed(p: ProcessedSchemas, key: string): SchemaStore {
    const compatMap: Record<string, string> = {};
    const selectIds: string[] = [];
    const files: Record<string, string> = {};
    for (const [id, s] of Object.entries(p.schemas)) {
      if (typeof s.$filename === 'string') files[id] = s.$filename;
      if ('select' in s) {
        if (s.select !== false) selectIds.push(id);
        continue;
      }
      const props = s.properties;
      if (!isObject(props) || !('compatible' in props)) continue;
      let cs = [...compatiblesOf(props.compatible)];
      if (cs.length > 1) cs = cs.filter((c) => c !== 'syscon' && c !== 'simple-mfd' && c !== 'simple-bus');
      for (const c of cs) compatMap[c] = id;
    }
    const header: StoreHeader = {
      format: 'dts-lsp-linux-bindings',
      key,
      compatMap,
      selectIds,
      files,
      types: p.types,
      compatibles: p.compatibles,
      compatiblePatterns: p.compatiblePatterns,
      problems: p.problems,
      index: {},
    };
    return new SchemaStore(header, p.schemas);
  }
}

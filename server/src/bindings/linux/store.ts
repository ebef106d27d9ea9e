// The processed schema set as the validator uses it: schemas by $id (parsed only when first used), the map
// from compatible strings to the schema that documents them, the schemas applied by `select`, the type table
// and the documented compatibles. Cached in two files: the core every run needs (the key, the type table that
// decodes the tree, the select order) and the rest (the catalog, and the schemas' JSON one after another),
// which is read only when a node has to be validated: a run whose nodes all have known findings
// (results-cache.ts) never reads the 10 MB of schemas.
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

/** What every validation needs: the first cache file. */
interface StoreCore {
  format: 'dts-lsp-linux-bindings-core';
  key: string;
  types: TypeTable;
  selectIds: string[];
}

/** The header and the schemas (JSON text indexed by the header, or the objects themselves). */
export interface StoreContents {
  header: StoreHeader;
  body: string | Record<string, JsonObject>;
}

/** The start of a serialized core: its format and key (see serialize). */
const CORE_HEAD = /^\{"format":"dts-lsp-linux-bindings-core","key":("(?:[^"\\]|\\.)*")/;

export class SchemaStore {
  private readonly parsed = new Map<string, JsonObject>();
  private contents: StoreContents | undefined;
  private compat: { map: Map<string, string>; set: Set<string>; patterns: RegExp[] } | undefined;
  readonly key: string;
  private coreData: { types: TypeTable; selectIds: string[] } | undefined;
  private readonly loadCore: (() => { types: TypeTable; selectIds: string[] }) | undefined;

  /** `core` may be a function: the type table and the select order are then read when first needed. */
  constructor(core: { key: string; types: TypeTable; selectIds: string[] } | { key: string; load: () => { types: TypeTable; selectIds: string[] } }, private readonly loadContents: () => StoreContents) {
    this.key = core.key;
    if ('load' in core) this.loadCore = core.load;
    else this.coreData = { types: core.types, selectIds: core.selectIds };
  }

  private core(): { types: TypeTable; selectIds: string[] } {
    return (this.coreData ??= this.loadCore!());
  }

  get types(): TypeTable {
    return this.core().types;
  }

  get selectIds(): string[] {
    return this.core().selectIds;
  }

  /** The whole header (reads the rest of the set when it was not read yet). */
  get header(): StoreHeader {
    return this.all().header;
  }

  private all(): StoreContents {
    return (this.contents ??= this.loadContents());
  }

  private compatData(): { map: Map<string, string>; set: Set<string>; patterns: RegExp[] } {
    if (this.compat) return this.compat;
    const h = this.header;
    const patterns: RegExp[] = [];
    for (const p of [...h.compatiblePatterns, '^foo', '^test,']) {
      try {
        patterns.push(new RegExp(p));
      } catch {
        // a pattern JS cannot read documents nothing here
      }
    }
    return (this.compat = { map: new Map(Object.entries(h.compatMap)), set: new Set(h.compatibles), patterns });
  }

  get compatMap(): Map<string, string> {
    return this.compatData().map;
  }

  get compatibles(): Set<string> {
    return this.compatData().set;
  }

  get compatiblePatterns(): RegExp[] {
    return this.compatData().patterns;
  }

  has(id: string): boolean {
    const { header, body } = this.all();
    return typeof body === 'string' ? id in header.index : id in body;
  }

  get(id: string): JsonObject | undefined {
    const { header, body } = this.all();
    if (typeof body !== 'string') return body[id];
    let s = this.parsed.get(id);
    if (s) return s;
    const at = header.index[id];
    if (!at) return undefined;
    s = JSON.parse(body.slice(at[0], at[0] + at[1])) as JsonObject;
    this.parsed.set(id, s);
    return s;
  }

  get ids(): string[] {
    const { header, body } = this.all();
    return typeof body === 'string' ? Object.keys(header.index) : Object.keys(body);
  }

  /** Is the compatible string documented by some binding (dt-schema's generated-compatibles)? */
  documented(c: string): boolean {
    if (this.compatibles.has(c)) return true;
    return this.compatiblePatterns.some((re) => re.test(c));
  }

  /** The two cache files: the core, and the rest (a header line, then the schemas' JSON one after another). */
  serialize(): { core: string; rest: string } {
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
    const core: StoreCore = { format: 'dts-lsp-linux-bindings-core', key: this.key, types: this.types, selectIds: this.selectIds };
    return { core: JSON.stringify(core), rest: JSON.stringify({ ...this.header, index }) + '\n' + parts.join('') };
  }

  /** The contents of a serialized rest, if it is one of this key. */
  static parseRest(text: string | undefined, key: string): StoreContents | undefined {
    if (!text) return undefined;
    const nl = text.indexOf('\n');
    if (nl < 0) return undefined;
    try {
      const header = JSON.parse(text.slice(0, nl)) as StoreHeader;
      if (header.format !== 'dts-lsp-linux-bindings' || header.key !== key) return undefined;
      return { header, body: text.slice(nl + 1) };
    } catch {
      return undefined;
    }
  }

  /**
   * A store from its cached core; the rest is read by `readRest` when first needed, and made again by
   * `remake` if it is gone by then (another process's cache pruning).
   */
  static deserialize(coreText: string, readRest: () => string | undefined, remake: () => StoreContents): SchemaStore | undefined {
    // the key is at the start (serialize writes format, then key): a run whose nodes all have known findings
    // needs nothing else, and the type table is most of the file
    const head = CORE_HEAD.exec(coreText.slice(0, 512));
    if (head) {
      const key = JSON.parse(head[1]) as string;
      const load = (): { types: TypeTable; selectIds: string[] } => {
        try {
          const core = JSON.parse(coreText) as StoreCore;
          if (core.format === 'dts-lsp-linux-bindings-core' && core.key === key && core.types && Array.isArray(core.selectIds)) return { types: core.types, selectIds: core.selectIds };
        } catch {
          // a damaged cache file: the set is made again
        }
        const h = remake().header;
        return { types: h.types, selectIds: h.selectIds };
      };
      return new SchemaStore({ key, load }, () => SchemaStore.parseRest(readRest(), key) ?? remake());
    }
    try {
      const core = JSON.parse(coreText) as StoreCore;
      if (core.format !== 'dts-lsp-linux-bindings-core' || typeof core.key !== 'string') return undefined;
      return new SchemaStore(core, () => SchemaStore.parseRest(readRest(), core.key) ?? remake());
    } catch {
      return undefined;
    }
  }

  /** The header and schemas of a store (read now if they were not). */
  allContents(): StoreContents {
    return this.all();
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
    const contents: StoreContents = { header, body: p.schemas };
    return new SchemaStore(header, () => contents);
  }
}

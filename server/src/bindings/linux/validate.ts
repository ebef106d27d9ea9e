// Validating the decoded tree against the processed schemas, node by node, as dt-validate does: the schema
// of the node's first documented compatible, plus every schema whose `select` matches the node; errors of
// `required` and `unevaluatedProperties` dropped on disabled nodes; undocumented compatibles reported.
// Validators are compiled lazily by compiler.ts (one per schema, kept for the session; simple value schemas
// are interpreted). The result of a node is cached by a hash of its decoded
// subtree, so an edit re-validates only the nodes whose subtree changed.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Hash64 } from '../../base/hash';
import { unpackTree, type FlatNode, type PackedTree } from '../flatten';
import { SchemaCompiler } from './compiler';

import { checkNames, matches, namesOnly, selectShape, triggered, triggers, type SelectShape, type Triggers } from './fast';
import { codeFor, messageFor, schemaName } from './messages';
import { RAW_BYTES, TreeDecoder, type DecodedNode } from './decode';
import type { Json } from './fixups';
import { TypeIndex } from './prop-types';
import type { SchemaStore } from './store';

/** One problem, in terms of the tree (the main thread maps it to source ranges). */
export interface Finding {
  /** full path of the node the problem is in */
  node: string;
  /** the property (or, with `child`, the child node) concerned */
  property?: string;
  child?: boolean;
  code: string;
  message: string;
  /** byte range in the property's value (absent: the whole property, or the node name) */
  start?: number;
  end?: number;
  /** $id of the schema that reported it */
  schema?: string;
  /** the JSON Schema keyword (for comparisons with dt-validate) */
  keyword: string;
}

interface SelectEntry {
  id: string;
  select: Json;
  shape: SelectShape;
  /** the schema only constrains properties a node has: skipped on nodes without any of them */
  triggers?: Triggers;
  fn?: ValidateFunction;
}

/** The select schemas by how they pick nodes. */
interface SelectIndex {
  always: SelectEntry[];
  byCompatible: Map<string, SelectEntry[]>;
  byName: SelectEntry[];
  other: SelectEntry[];
}

/** A compiled schema: the errors of an instance, or null when it is valid. */
type Check = (inst: Record<string, unknown>) => ErrorObject[] | null;

interface RawError {
  err: ErrorObject;
  schema: string;
}

function decodePointer(p: string): string[] {
  if (!p) return [];
  return p.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isNodeInstance(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hashString(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A hash of a tree in DTB form: every node's path, property names and value bytes. */
function treeHash(flat: FlatNode[]): string {
  const h = new Hash64();
  let bytes = 0;
  for (const n of flat) {
    h.text(n.path).int(n.names.length);
    n.names.forEach((k, i) => {
      const v = n.values[i];
      h.text(k).bytes(v);
      bytes += v.length;
    });
  }
  return `${flat.length}:${bytes}:${h.hex()}`;
}

function valueKey(v: unknown): string {
  if (v === RAW_BYTES) return '#b';
  return JSON.stringify(v);
}

function isDisabled(inst: Record<string, unknown>): boolean {
  const st = inst.status;
  return Array.isArray(st) && st.includes('disabled');
}

export interface ValidateStats {
  nodes: number;
  validated: number;
  reused: number;
  compiled: number;
}

/** How many node results a validator keeps (a big board has ~1,000 nodes; each entry ~150 bytes). */
export const MAX_RESULTS = 20_000;
const NO_FINDINGS: Finding[] = [];

export class LinuxValidator {
  private typeIndex: TypeIndex | undefined;
  readonly compiler: SchemaCompiler;
  private readonly compiled = new Map<string, Check | null>();
  private selects: SelectIndex | undefined;
  private selectOrder: Map<string, number> | undefined;
  /**
   * node path + the key of its subtree -> the findings, and the validation that last used them. Keyed by both,
   * so that two boards that share a node with different contents (sm8550-mtp and sm8550-hdk) do not evict
   * each other's results; entries unused for longest go first (MAX_RESULTS). Results can be exported and
   * imported (results-cache.ts: kept on disk across processes).
   */
  private readonly results = new Map<string, { findings: Finding[]; used: number }>();
  private generation = 0;
  /** results added since the last exportResults() */
  private added = 0;
  readonly stats: ValidateStats = { nodes: 0, validated: 0, reused: 0, compiled: 0 };

  constructor(readonly store: SchemaStore) {
    this.compiler = new SchemaCompiler(store);
  }

  /** The type table's index, made when a node is first decoded (a tree whose findings are known decodes none). */
  get types(): TypeIndex {
    return (this.typeIndex ??= new TypeIndex(this.store.types));
  }

  private validator(id: string): Check | undefined {
    let fn = this.compiled.get(id);
    if (fn === undefined) this.compiled.set(id, (fn = this.compile(id)));
    return fn ?? undefined;
  }

  private compile(id: string): Check | null {
    const s = this.store.get(id);
    const names = s ? namesOnly(s) : undefined;
    if (names) {
      return (inst) => {
        const e = checkNames(names, inst);
        return e.length ? e : null;
      };
    }
    try {
      const v = this.compiler.schema(id);
      this.stats.compiled++;
      if (!v) return null;
      return (inst) => {
        try {
          return v(inst) ? null : v.errors ?? [];
        } catch (e) {
          // a defect of the generated validator must not cost the other schemas' results
          return [{ keyword: 'internal', instancePath: '', schemaPath: '#', params: { message: e instanceof Error ? e.message : String(e) } }];
        }
      };
    } catch {
      return null;
    }
  }

  private selectIndex(): SelectIndex {
    if (this.selects) return this.selects;
    const idx: SelectIndex = { always: [], byCompatible: new Map(), byName: [], other: [] };
    for (const id of this.store.selectIds) {
      const s = this.store.get(id);
      if (!s) continue;
      const sel = s.select as Json;
      const e: SelectEntry = { id, select: sel, shape: selectShape(sel) };
      if (e.shape.kind === 'always') {
        e.triggers = triggers(s);
        idx.always.push(e);
      } else if (e.shape.kind === 'compatible') {
        for (const c of e.shape.compatibles) {
          let l = idx.byCompatible.get(c);
          if (!l) idx.byCompatible.set(c, (l = []));
          l.push(e);
        }
      } else if (e.shape.kind === 'nodename') idx.byName.push(e);
      else idx.other.push(e);
    }
    this.selects = idx;
    return idx;
  }

  /** Does a select of no simple shape pick the node? */
  private selectsNode(e: SelectEntry, inst: Record<string, unknown>): boolean {
    const quick = matches(e.select, inst);
    if (quick !== undefined) return quick;
    if (!e.fn) {
      try {
        e.fn = this.compiler.select(e.id);
        this.stats.compiled++;
      } catch {
        e.fn = (() => false) as unknown as ValidateFunction;
      }
    }
    return !!e.fn(inst);
  }

  /** The select schemas that apply to a node, in the store's order (as dt-validate applies them). */
  private selected(inst: Record<string, unknown>, name: string, compat: unknown): SelectEntry[] {
    const idx = this.selectIndex();
    const out = new Set<SelectEntry>();
    for (const e of idx.always) if (!e.triggers || triggered(e.triggers, inst)) out.add(e);
    if (Array.isArray(compat)) for (const c of compat) for (const e of idx.byCompatible.get(String(c)) ?? []) out.add(e);
    for (const e of idx.byName) if (e.shape.kind === 'nodename' && e.shape.test(name)) out.add(e);
    for (const e of idx.other) if (this.selectsNode(e, inst)) out.add(e);
    const order = this.selectOrder ??= new Map(this.store.selectIds.map((id, i) => [id, i]));
    return [...out].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }

  /** Validate a whole tree (in DTB form); findings of unchanged subtrees come from the cache. */
  validate(flat: FlatNode[]): Finding[] {
    return this.validateTree(`\0tree\0${treeHash(flat)}`, flat.length, () => flat);
  }

  /**
   * The same for a packed tree (what the language server's worker and the CLI have): the tree's key is a
   * 64-bit hash of its three parts (base/hash.ts), and a tree validated before is not unpacked at all.
   */
  validatePacked(t: PackedTree): Finding[] {
    // (a hash in JavaScript: see base/hash.ts)
    const h = new Hash64().text(t.names).ints(t.layout).bytes(t.data);
    let nodes = 0;
    for (let i = 0; i < t.layout.length; nodes++) i += 2 + 2 * t.layout[i + 1];
    return this.validateTree(`\0packed\0${nodes}:${t.data.length}:${h.hex()}`, nodes, () => unpackTree(t));
  }

  private validateTree(treeKey: string, nodes: number, flatOf: () => FlatNode[]): Finding[] {
    // a tree validated before as it is (a board checked again): its findings, without decoding it (what a
    // node decodes to depends on other nodes, e.g. a provider's #cells, but all of them are in the tree)
    const whole = this.results.get(treeKey);
    if (whole) {
      whole.used = ++this.generation;
      this.stats.nodes = nodes;
      this.stats.validated = 0;
      this.stats.reused = nodes;
      return whole.findings.slice();
    }
    const out = this.validateNodes(flatOf());
    this.results.set(treeKey, { findings: out.length ? out.slice() : NO_FINDINGS, used: this.generation });
    this.added++;
    return out;
  }

  private validateNodes(flat: FlatNode[]): Finding[] {
    const decoder = new TreeDecoder(this.types);
    const nodes = decoder.decode(flat);
    const out: Finding[] = [];
    if (!nodes.length) return out;
    const hashes = new Map<DecodedNode, number>();
    const subtreeHash = (n: DecodedNode): number => {
      let own = n.flat.name;
      n.flat.names.forEach((k, i) => {
        const v = n.instance[k];
        if (isNodeInstance(v)) return;
        // raw bytes: their content (messages show it)
        own += '\0' + k + '=' + (v === RAW_BYTES ? `#b${Array.from(n.flat.values[i] ?? []).join(',')}` : valueKey(v));
      });
      let h = hashString(own);
      for (const c of n.children) {
        if (c.flat.name.startsWith('__')) continue;
        h = hashString(String(h), subtreeHash(c));
      }
      hashes.set(n, h);
      return h;
    };
    subtreeHash(nodes[0]);
    const gen = ++this.generation;
    this.stats.nodes = 0;
    this.stats.validated = 0;
    this.stats.reused = 0;
    const walk = (n: DecodedNode, disabled: boolean): void => {
      if (n.flat.parent >= 0 && n.flat.name.startsWith('__')) return;
      if (Array.isArray(n.instance.status)) disabled = isDisabled(n.instance);
      const key = `${n.flat.path}\0${hashes.get(n)}:${disabled ? 1 : 0}`;
      this.stats.nodes++;
      const prev = this.results.get(key);
      if (prev) {
        prev.used = gen;
        this.stats.reused++;
        out.push(...prev.findings);
      } else {
        this.stats.validated++;
        const findings = this.validateNode(n, disabled);
        this.results.set(key, { findings: findings.length ? findings : NO_FINDINGS, used: gen });
        this.added++;
        out.push(...findings);
      }
      for (const c of n.children) walk(c, disabled);
    };
    walk(nodes[0], false);
    if (this.results.size > MAX_RESULTS) this.prune(MAX_RESULTS * 0.75);
    return out;
  }

  /** Keep the `keep` results used last. */
  private prune(keep: number): void {
    const byUse = [...this.results].sort((a, b) => b[1].used - a[1].used);
    for (const [k] of byUse.slice(Math.floor(keep))) this.results.delete(k);
  }

  /** The results to keep for another process (most recently used first), and whether any is new since the last export. */
  exportResults(): { entries: [string, Finding[]][]; added: number } {
    const added = this.added;
    this.added = 0;
    const entries = [...this.results].sort((a, b) => b[1].used - a[1].used).map(([k, v]): [string, Finding[]] => [k, v.findings]);
    return { entries, added };
  }

  /** Results of an earlier process of the same schema set and validator (results-cache.ts); those known stay. */
  importResults(entries: [string, Finding[]][]): void {
    for (const [k, findings] of entries) {
      if (this.results.size >= MAX_RESULTS) break;
      if (!this.results.has(k)) this.results.set(k, { findings: findings.length ? findings : NO_FINDINGS, used: 0 });
    }
  }

  private validateNode(n: DecodedNode, disabled: boolean): Finding[] {
    const inst = n.instance;
    const name = n.flat.name;
    // dt-validate skips the nodes of binding examples
    if ('example-0' in inst || name.includes('example-')) return [];
    inst.$nodename = [name];
    const errors: RawError[] = [];
    const findings: Finding[] = [];
    try {
      const compat = inst.compatible;
      if (Array.isArray(compat)) {
        for (const c of compat) {
          if (typeof c !== 'string') continue;
          const id = this.store.compatMap.get(c);
          if (!id) continue;
          const errs = this.validator(id)?.(inst);
          if (errs) for (const err of errs) errors.push({ err, schema: id });
          break;
        }
      }
      for (const sel of this.selected(inst, name, compat)) {
        const errs = this.validator(sel.id)?.(inst);
        if (errs) for (const err of errs) errors.push({ err, schema: sel.id });
      }
      // undocumented compatibles (dt-validate -m, as `make dtbs_check` runs it)
      if (Array.isArray(compat)) {
        compat.forEach((c, i) => {
          if (typeof c === 'string' && !this.store.documented(c)) {
            const layout = n.layouts.get('compatible');
            const start = layout?.strings?.[i];
            findings.push({
              node: n.flat.path,
              property: 'compatible',
              code: 'binding-unknown-compatible',
              message: `"${c}" is not documented by any binding`,
              start,
              end: start !== undefined ? start + c.length + 1 : undefined,
              keyword: 'compatible',
            });
          }
        });
      }
      for (const e of topLevel(errors)) {
        if (dropOnDisabled(e, n, disabled)) continue;
        const f = this.toFinding(e, n);
        if (f) findings.push(...f);
      }
    } finally {
      delete inst.$nodename;
    }
    return dedupe(findings);
  }

  private toFinding(e: RawError, n: DecodedNode): Finding[] | undefined {
    const { err } = e;
    const segs = decodePointer(err.instancePath);
    let node: DecodedNode = n;
    let i = 0;
    while (i < segs.length) {
      const v = node.instance[segs[i]];
      if (!isNodeInstance(v)) break;
      const child = node.children.find((c) => c.flat.name === segs[i]);
      if (!child) break;
      node = child;
      i++;
    }
    const prop = i < segs.length ? segs[i] : undefined;
    const indexes = segs.slice(i + 1).map(Number);
    const base = { node: node.flat.path, schema: e.schema, keyword: err.keyword };
    const params = err.params as Record<string, unknown>;
    const ctx = (params.context as ErrorObject[] | undefined) ?? [];
    const byteRange = (): { start?: number; end?: number } => {
      if (prop === undefined || indexes.length === 0) return {};
      const layout = node.layouts.get(prop);
      const v = node.instance[prop];
      if (!layout) return {};
      if (layout.strings && Array.isArray(v)) {
        const k = indexes[0];
        const s = layout.strings[k];
        if (s === undefined) return {};
        return { start: s, end: s + String(v[k]).length + 1 };
      }
      if (layout.size && Array.isArray(v)) {
        let offset = 0;
        let count = 1;
        if (Array.isArray(v[0])) {
          const rows = v as number[][];
          for (let r = 0; r < indexes[0] && r < rows.length; r++) offset += rows[r].length;
          if (indexes.length > 1) offset += indexes[1];
          else count = rows[indexes[0]]?.length ?? 1;
        } else offset = indexes[0];
        return { start: offset * layout.size, end: (offset + count) * layout.size };
      }
      return {};
    };
    const kw = err.keyword;
    let value: unknown = prop === undefined ? node.instance : node.instance[prop];
    for (const k of indexes) value = Array.isArray(value) ? value[k] : undefined;
    if (kw === 'required' || kw === 'dependentRequired') {
      const missing = String(params.missingProperty);
      return [{ ...base, property: missing, code: 'binding-missing-required', message: messageFor(err, ctx, prop, value, e.schema) }];
    }
    const by = schemaName(e.schema);
    if (kw === 'additionalProperties' || kw === 'unevaluatedProperties' || (kw === 'false schema' && prop !== undefined && indexes.length === 0)) {
      const extra = kw === 'false schema' ? (prop as string) : String(params.additionalProperty ?? params.unevaluatedProperty);
      const child = node.children.find((c) => c.flat.name === extra && isNodeInstance(node.instance[extra]));
      if (child) return [{ ...base, node: child.flat.path, code: 'binding-unexpected-child', message: `node ${extra} is not allowed by ${by}` }];
      return [{ ...base, property: extra, code: 'binding-unknown-property', message: `${extra} is not allowed by ${by}` }];
    }
    const types = prop !== undefined ? [...this.types.types(prop)] : [];
    const type = types.length === 1 && !indexes.length ? types[0] : undefined;
    const raw = prop !== undefined ? node.flat.values[node.flat.names.indexOf(prop)] : undefined;
    return [{ ...base, property: prop, code: codeFor(kw, ctx, prop), message: messageFor(err, ctx, prop, value, e.schema, type, raw), ...byteRange() }];
  }
}

/** Errors that are not inside another one's context (a failed oneOf's branches). */
function topLevel(errors: RawError[]): RawError[] {
  const inner = new Set<ErrorObject>();
  for (const { err } of errors) {
    const ctx = (err.params as { context?: ErrorObject[] }).context;
    if (ctx) for (const c of ctx) inner.add(c);
  }
  // `if` reports its failing `then`/`else` branch, whose errors are already reported
  return errors.filter((e) => !inner.has(e.err) && e.err.keyword !== 'if');
}

function pathHas(err: ErrorObject, words: string[]): boolean {
  if (words.includes(err.keyword)) return true;
  const parts = err.schemaPath.split('/');
  return words.some((w) => parts.includes(w));
}

function dropOnDisabled(e: RawError, n: DecodedNode, disabled: boolean): boolean {
  let off = disabled;
  if (!off) {
    let v: unknown = n.instance;
    for (const s of decodePointer(e.err.instancePath)) {
      if (!isNodeInstance(v)) break;
      v = v[s];
    }
    off = isNodeInstance(v) && isDisabled(v);
  }
  if (!off) return false;
  const words = ['required', 'unevaluatedProperties'];
  if (pathHas(e.err, words)) return true;
  const ctx = (e.err.params as { context?: ErrorObject[] }).context;
  return !!ctx && ctx.some((c) => pathHas(c, words));
}

function dedupe(f: Finding[]): Finding[] {
  const seen = new Set<string>();
  return f.filter((x) => {
    const k = `${x.node}\0${x.property}\0${x.code}\0${x.start}\0${x.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// What the editor features show of a binding: a node's binding (title, description, file), its properties
// (description, type, default, allowed values, where they are declared), the cells of a specifier, the
// documented compatibles. Read from the binding YAML (descriptions are not in the processed schemas), on
// demand and cached by file.
import type { Document } from 'yaml';
import type { FileRange } from '../base/diagnostics';
import type { FileSystem } from '../base/fs';
import type { TreeNode } from '../tree/types';
import { isObject, type Json, type JsonObject } from './linux/fixups';
import type { TypeTable } from './linux/prop-types';
import { TypeIndex } from './linux/prop-types';
import { keyRangeAt, parseYaml } from './yaml';
import type { ZBinding, ZephyrBindings } from './zephyr/binding';

export interface PropertyDoc {
  name: string;
  description?: string;
  /** dt-schema type (uint32, phandle-array, …) or Zephyr type (int, phandle-array, …) */
  type?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  required?: boolean;
  deprecated?: boolean;
  /** where the binding declares it */
  location?: FileRange;
  /** descriptions of the items (the groups of a phandle-array, the entries of reg, the strings) */
  itemDescriptions?: string[];
  /** descriptions of the cells of one group (dt-schema: items of the first item) */
  cellDescriptions?: string[];
}

export interface NodeBindingDoc {
  /** short name: the schema path (Linux) or the binding file (Zephyr) */
  name: string;
  title?: string;
  description?: string;
  file?: string;
  location?: FileRange;
  properties: Map<string, PropertyDoc>;
  required: string[];
  /** Zephyr: the cell names of each specifier space (gpio-cells: [pin, flags]) */
  specifierCells?: Map<string, string[]>;
}

export interface BindingDocs {
  readonly kind: 'linux' | 'zephyr';
  /** the binding of a node (by its compatible, or its parent's child-binding in Zephyr) */
  nodeBinding(node: TreeNode): NodeBindingDoc | undefined;
  /** a property of a node: from its binding, else what is known of the name generally */
  propertyDoc(node: TreeNode, name: string): PropertyDoc | undefined;
  /** every documented compatible string */
  compatibles(): string[];
}

function compatiblesOf(n: TreeNode): string[] {
  const p = n.properties.find((x) => x.name === 'compatible');
  if (!p) return [];
  const out: string[] = [];
  for (const c of p.chunks) if (c.kind === 'string') out.push(...c.value.split('\0').filter((s) => s));
  return out;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v.trim() : undefined;
}

// ---- Linux --------------------------------------------------------------------------------------

/** What the worker hands the main thread of a loaded Linux schema set. */
export interface LinuxIndex {
  compatMap: Record<string, string>;
  files: Record<string, string>;
  types: TypeTable;
  compatibles: string[];
}

interface ParsedFile {
  data?: JsonObject;
  doc?: Document;
}

const TYPE_REF = /types\.yaml#\/definitions\/([a-z0-9-]+)/;

export class LinuxDocs implements BindingDocs {
  readonly kind = 'linux' as const;
  private readonly parsed = new Map<string, ParsedFile>();
  private readonly types: TypeIndex;
  private readonly byFile = new Map<string, string>();

  constructor(private readonly fs: FileSystem, private readonly index: LinuxIndex) {
    this.types = new TypeIndex(index.types);
    for (const [id, f] of Object.entries(index.files)) this.byFile.set(id, f);
  }

  compatibles(): string[] {
    return this.index.compatibles;
  }

  private parse(file: string): ParsedFile {
    let p = this.parsed.get(file);
    if (!p) {
      const r = this.fs.readFile(file);
      const y = r.ok ? parseYaml(r.text) : undefined;
      p = { data: y && isObject(y.data) ? (y.data as JsonObject) : undefined, doc: y?.doc };
      this.parsed.set(file, p);
      if (this.parsed.size > 64) this.parsed.delete(this.parsed.keys().next().value as string);
    }
    return p;
  }

  private idOf(ref: string, base: string): string | undefined {
    try {
      const u = new URL(ref, base);
      u.hash = '';
      const id = `${u.toString()}#`;
      return this.byFile.has(id) ? id : undefined;
    } catch {
      return undefined;
    }
  }

  private schemaFor(node: TreeNode): string | undefined {
    for (const c of compatiblesOf(node)) {
      const id = this.index.compatMap[c];
      if (id) return id;
    }
    return undefined;
  }

  nodeBinding(node: TreeNode): NodeBindingDoc | undefined {
    const id = this.schemaFor(node);
    if (!id) return undefined;
    const file = this.byFile.get(id)!;
    const p = this.parse(file);
    if (!p.data) return { name: id, file, properties: new Map(), required: [] };
    const props = new Map<string, PropertyDoc>();
    const required: string[] = [];
    this.collect(id, props, required, 0);
    return {
      name: id.replace(/^https?:\/\/devicetree\.org\/schemas\//, '').replace(/#$/, ''),
      title: text(p.data.title),
      description: text(p.data.description),
      file,
      location: { file, start: 0, end: 0 },
      properties: props,
      required,
    };
  }

  /** The properties a schema declares, with those of the schemas it `$ref`s (its own first). */
  private collect(id: string, props: Map<string, PropertyDoc>, required: string[], depth: number): void {
    const file = this.byFile.get(id);
    if (!file || depth > 4) return;
    const p = this.parse(file);
    const data = p.data;
    if (!data) return;
    const visitNode = (s: Json, path: (string | number)[]): void => {
      if (!isObject(s)) return;
      if (isObject(s.properties)) {
        for (const [name, v] of Object.entries(s.properties)) {
          if (name === '$nodename' || props.has(name)) continue;
          props.set(name, this.propertyDoc0(name, v, file, p.doc, [...path, 'properties', name]));
        }
      }
      if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string' && !required.includes(r)) required.push(r);
      const refs: string[] = [];
      if (typeof s.$ref === 'string') refs.push(s.$ref);
      for (const k of ['allOf', 'anyOf', 'oneOf']) {
        const l = s[k];
        if (!Array.isArray(l)) continue;
        l.forEach((x, i) => {
          if (isObject(x) && typeof x.$ref === 'string') refs.push(x.$ref);
          else if (isObject(x) && !('if' in x)) visitNode(x, [...path, k, i]);
        });
      }
      for (const r of refs) {
        const target = this.idOf(r, id);
        if (target && target !== id) this.collect(target, props, [], depth + 1);
      }
    };
    visitNode(data, []);
  }

  private propertyDoc0(name: string, v: Json, file: string, doc: Document | undefined, path: (string | number)[]): PropertyDoc {
    const d: PropertyDoc = { name };
    const r = doc ? keyRangeAt(doc, path) : undefined;
    if (r) d.location = { file, start: r[0], end: r[1] };
    if (!isObject(v)) {
      d.type = this.typeOf(name);
      return d;
    }
    d.description = text(v.description);
    const ref = typeof v.$ref === 'string' ? TYPE_REF.exec(v.$ref)?.[1] : undefined;
    d.type = ref ?? this.typeOf(name);
    if ('default' in v) d.default = v.default;
    if ('const' in v) d.const = v.const;
    if (Array.isArray(v.enum)) d.enum = v.enum;
    const items = v.items;
    if (Array.isArray(items)) {
      const descs = items.map((x) => (isObject(x) ? text(x.description) : undefined));
      if (descs.some((x) => x)) d.itemDescriptions = descs.map((x) => x ?? '');
      const consts = items.map((x) => (isObject(x) ? x.const : undefined));
      if (!d.enum && consts.every((x) => typeof x === 'string')) d.enum = consts as string[];
      const first = items[0];
      if (isObject(first) && Array.isArray(first.items)) {
        const cells = first.items.map((x) => (isObject(x) ? text(x.description) ?? '' : ''));
        if (cells.some((x) => x)) d.cellDescriptions = cells;
      }
    } else if (isObject(items)) {
      if (Array.isArray(items.enum)) d.enum ??= items.enum;
      if (typeof items.const === 'string') d.enum ??= [items.const];
    }
    if (v.deprecated === true) d.deprecated = true;
    return d;
  }

  private typeOf(name: string): string | undefined {
    const t = [...this.types.types(name)].filter((x) => x !== 'node');
    return t.length ? t.join(' or ') : undefined;
  }

  propertyDoc(node: TreeNode, name: string): PropertyDoc | undefined {
    const b = this.nodeBinding(node);
    const d = b?.properties.get(name);
    if (d) return { ...d, required: b!.required.includes(name) };
    const type = this.typeOf(name);
    return type ? { name, type } : undefined;
  }
}

// ---- Zephyr -------------------------------------------------------------------------------------

export class ZephyrDocs implements BindingDocs {
  readonly kind = 'zephyr' as const;

  /** `bindingOf` resolves a node's binding as the checks do (bus, child-binding). */
  constructor(private readonly z: ZephyrBindings, private readonly bindingOf: (n: TreeNode) => ZBinding | undefined) {}

  compatibles(): string[] {
    const out = new Set<string>();
    for (const f of this.z.files) {
      const t = this.z.text(f);
      const m = t ? /^compatible:\s*["']?([^"'\s#]+)/m.exec(t) : null;
      if (m) out.add(m[1]);
    }
    return [...out].sort();
  }

  /** Where a property of a binding is declared: the binding's file or one it includes. */
  private declaration(b: ZBinding, name: string): FileRange | undefined {
    const seen = new Set<string>();
    const search = (file: string | undefined, path: (string | number)[], depth: number): FileRange | undefined => {
      if (!file || seen.has(file) || depth > 8) return undefined;
      seen.add(file);
      const doc = this.z.doc(file);
      if (!doc) return undefined;
      const r = keyRangeAt(doc, [...path, 'properties', name]);
      if (r) return { file, start: r[0], end: r[1] };
      let data: unknown;
      try {
        data = this.z.raw(file);
      } catch {
        return undefined;
      }
      let inc: unknown = data;
      for (const k of path) inc = inc && typeof inc === 'object' ? (inc as Record<string, unknown>)[k] : undefined;
      const include = inc && typeof inc === 'object' ? (inc as Record<string, unknown>).include : undefined;
      const names = typeof include === 'string' ? [include] : Array.isArray(include) ? include.map((x) => (typeof x === 'string' ? x : isObject(x as Json) ? (x as JsonObject).name : undefined)) : [];
      for (const n of names) {
        if (typeof n !== 'string') continue;
        const f = this.z.fname2path.get(n);
        const found = search(f, [], depth + 1);
        if (found) return found;
      }
      return undefined;
    };
    return search(b.path, [], 0);
  }

  nodeBinding(node: TreeNode): NodeBindingDoc | undefined {
    const b = this.bindingOf(node);
    if (!b) return undefined;
    const props = new Map<string, PropertyDoc>();
    for (const [name, s] of b.props) {
      props.set(name, {
        name, description: s.description, type: s.type, default: s.default, enum: s.enum, const: s.const,
        required: s.required, deprecated: s.deprecated, location: this.declaration(b, name),
      });
    }
    return {
      name: b.path ? b.path.replace(/^.*\/dts\/bindings\//, '') : 'inferred binding',
      title: b.title,
      description: b.description,
      file: b.path,
      location: b.path ? { file: b.path, start: 0, end: 0 } : undefined,
      properties: props,
      required: [...b.props.values()].filter((s) => s.required).map((s) => s.name),
      specifierCells: b.specifierCells,
    };
  }

  propertyDoc(node: TreeNode, name: string): PropertyDoc | undefined {
    return this.nodeBinding(node)?.properties.get(name);
  }
}

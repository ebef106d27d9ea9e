// Zephyr bindings with edtlib's semantics (Zephyr's scripts/dts/python-devicetree): every .yaml/.yml under
// the DTS roots' dts/bindings; `include:` by file name (a string, a list, or maps with property-allowlist /
// -blocklist and child-binding filters), merged so that the including file wins and a changed value is an
// error; `child-binding:`; `bus:` / `on-bus:`; the closed set of keys edtlib accepts. Only files that mention
// a compatible of the tree are read, as edtlib does. Load problems are collected (edtlib stops at the first).
import type { CollectionTag, Document, ScalarTag } from 'yaml';
import type { FileSystem } from '../../base/fs';
import { basename, join } from '../../base/paths';
import { keyRangeAt } from '../yaml';
import { yamlPackage } from '../../workspace/yaml-file';

export interface ZPropSpec {
  name: string;
  type?: string;
  required: boolean;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  deprecated: boolean;
  specifierSpace?: string;
  description?: string;
}

export interface ZLoadError {
  file: string;
  offset: number;
  /** the end of the key the error is about (offset when unknown) */
  end?: number;
  message: string;
}

type Raw = Record<string, unknown>;

const isDict = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);

function deepCopy<T>(x: T): T {
  return x === undefined ? x : (JSON.parse(JSON.stringify(x)) as T);
}

/** A problem that makes edtlib reject the binding. */
export class BindingError extends Error {
  constructor(message: string, readonly file?: string, readonly path?: (string | number)[]) {
    super(message);
  }
}

// PyYAML's legacy `!include` tag: a file name or a list of them
const includeTags: (ScalarTag | CollectionTag)[] = [
  { tag: '!include', resolve: (s: string) => [s] } as ScalarTag,
  { tag: '!include', collection: 'seq', resolve: (seq: unknown) => seq } as unknown as CollectionTag,
];

const OK_TOP = new Set(['description', 'compatible', 'bus', 'on-bus', 'properties', 'child-binding', 'title', 'examples']);
const LEGACY: Record<string, string> = {
  '#cells': 'expected *-cells syntax',
  child: "use 'bus: <bus>' instead",
  'child-bus': "use 'bus: <bus>' instead",
  parent: "use 'on-bus: <bus>' instead",
  'parent-bus': "use 'on-bus: <bus>' instead",
  'sub-node': "use 'child-binding' instead",
};
const OK_PROP_KEYS = new Set(['description', 'type', 'required', 'enum', 'const', 'default', 'deprecated', 'specifier-space', 'min', 'max', 'min-len', 'max-len']);
export const PROP_TYPES = new Set(['boolean', 'int', 'array', 'uint8-array', 'string', 'string-array', 'phandle', 'phandles', 'phandle-array', 'path', 'compound']);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export class ZBinding {
  readonly compatible?: string;
  readonly onBus?: string;
  readonly buses: string[] = [];
  readonly childBinding?: ZBinding;
  readonly props = new Map<string, ZPropSpec>();
  readonly specifierCells = new Map<string, string[]>();
  readonly description?: string;
  readonly title?: string;

  constructor(readonly path: string | undefined, readonly raw: Raw, loader: ZephyrBindings, requireCompatible = true, requireDescription = true) {
    loader.mergeIncludes(raw, path);
    if ('child-binding' in raw) {
      if (!isDict(raw['child-binding'])) throw new BindingError(`malformed 'child-binding:' in ${path}: expected a binding (a mapping)`, path, ['child-binding']);
      this.childBinding = new ZBinding(path, raw['child-binding'], loader, false, false);
    }
    if ('compatible' in raw) {
      if (typeof raw.compatible !== 'string') throw new BindingError(`malformed 'compatible: ${show(raw.compatible)}' in ${path}: must be a string`, path, ['compatible']);
      this.compatible = raw.compatible;
    } else if (requireCompatible) throw new BindingError(`missing 'compatible' in ${path}`, path);
    if ('description' in raw) {
      if (typeof raw.description !== 'string' || !raw.description) throw new BindingError(`malformed or empty 'description' in ${path}`, path, ['description']);
      this.description = raw.description;
    } else if (requireDescription) throw new BindingError(`missing 'description' in ${path}`, path);
    if (typeof raw.title === 'string') this.title = raw.title;
    for (const key of Object.keys(raw)) {
      if (key in LEGACY) throw new BindingError(`legacy '${key}:' in ${path}, ${LEGACY[key]}`, path, [key]);
      if (!OK_TOP.has(key) && !key.endsWith('-cells')) {
        throw new BindingError(`unknown key '${key}' in ${path}, expected one of ${[...OK_TOP].join(', ')}, or *-cells`, path, [key]);
      }
    }
    if ('bus' in raw) {
      const bus = raw.bus;
      if (typeof bus === 'string') this.buses = [bus];
      else if (Array.isArray(bus) && bus.every((b) => typeof b === 'string')) this.buses = bus as string[];
      else throw new BindingError(`malformed 'bus:' value in ${path}, expected string or list of strings`, path, ['bus']);
    }
    if ('on-bus' in raw) {
      if (typeof raw['on-bus'] !== 'string') throw new BindingError(`malformed 'on-bus:' value in ${path}, expected string`, path, ['on-bus']);
      this.onBus = raw['on-bus'];
    }
    const props = raw.properties;
    if (props !== undefined && props !== null) {
      if (!isDict(props)) throw new BindingError(`malformed 'properties:' in ${path}`, path, ['properties']);
      for (const [name, options] of Object.entries(props)) this.props.set(name, checkProperty(name, options, path));
    }
    for (const [key, val] of Object.entries(raw)) {
      if (!key.endsWith('-cells')) continue;
      if (!Array.isArray(val) || !val.every((x) => typeof x === 'string')) throw new BindingError(`malformed '${key}:' in ${path}, expected a list of strings`, path, [key]);
      this.specifierCells.set(key.slice(0, -'-cells'.length), val as string[]);
    }
  }
}

function checkProperty(name: string, options: unknown, path: string | undefined): ZPropSpec {
  const where = ['properties', name];
  if (!isDict(options)) throw new BindingError(`malformed 'properties: ${name}' in ${path}`, path, where);
  for (const key of Object.keys(options)) {
    if (!OK_PROP_KEYS.has(key)) throw new BindingError(`unknown setting '${key}' in 'properties: ${name}: ...' in ${path}`, path, [...where, key]);
  }
  const type = options.type;
  if (type === undefined || type === null) throw new BindingError(`missing 'type:' for '${name}' in 'properties' in ${path}`, path, where);
  if (typeof type !== 'string' || !PROP_TYPES.has(type)) throw new BindingError(`'${name}' in 'properties:' in ${path} has unknown type '${show(type)}'`, path, [...where, 'type']);
  if ('specifier-space' in options && type !== 'phandle-array') throw new BindingError(`'specifier-space' in 'properties: ${name}' has type '${type}', expected 'phandle-array'`, path, where);
  if (type === 'phandle-array' && !name.endsWith('s') && !('specifier-space' in options)) {
    throw new BindingError(`'${name}' in 'properties:' in ${path} has type 'phandle-array' and its name does not end in 's', but no 'specifier-space' was provided`, path, where);
  }
  const c = options.const;
  if (c !== undefined && c !== null && c !== false && c !== 0 && c !== '' && !['int', 'array', 'uint8-array', 'string', 'string-array'].includes(type)) {
    throw new BindingError(`const in ${path} for property '${name}' has type '${type}'`, path, [...where, 'const']);
  }
  const def = options.default;
  if (def !== undefined && def !== null) {
    if (['boolean', 'compound', 'phandle', 'phandles', 'phandle-array', 'path'].includes(type)) {
      throw new BindingError(`'default:' can't be combined with 'type: ${type}' for '${name}' in 'properties:' in ${path}`, path, [...where, 'default']);
    }
    const isInt = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x);
    const ok = (type === 'int' && isInt(def)) || (type === 'string' && typeof def === 'string') ||
      (Array.isArray(def) && ((type === 'array' && def.every(isInt)) || (type === 'uint8-array' && def.every((x) => isInt(x) && (x as number) >= 0 && (x as number) <= 255)) || def.every((x) => typeof x === 'string')));
    if (!ok) throw new BindingError(`'default: ${show(def)}' is invalid for '${name}' in 'properties:' in ${path}, which has type ${type}`, path, [...where, 'default']);
  }
  for (const k of ['required', 'deprecated']) {
    if (k in options && typeof options[k] !== 'boolean') throw new BindingError(`malformed '${k}:' setting '${show(options[k])}' for '${name}' in 'properties' in ${path}, expected true/false`, path, [...where, k]);
  }
  if (options.deprecated && options.required) throw new BindingError(`'${name}' in 'properties' in ${path} should not have both 'deprecated' and 'required' set`, path, where);
  if ('description' in options && typeof options.description !== 'string') throw new BindingError(`malformed 'description' for '${name}' in 'properties' in ${path}`, path, where);
  if ('enum' in options && !Array.isArray(options.enum)) throw new BindingError(`enum in ${path} for property '${name}' is not a list`, path, [...where, 'enum']);
  return {
    name,
    type,
    required: options.required === true,
    enum: options.enum as unknown[] | undefined,
    const: options.const ?? undefined,
    default: options.default ?? undefined,
    deprecated: options.deprecated === true,
    specifierSpace: typeof options['specifier-space'] === 'string' ? options['specifier-space'] : undefined,
    description: typeof options.description === 'string' ? options.description : undefined,
  };
}

/** edtlib's merge of an included binding into the including one (`to` wins; changing a value is an error). */
function mergeProps(to: Raw, from: Raw, parent: string | undefined, path: string | undefined, checkRequired: boolean): void {
  for (const key of Object.keys(from)) {
    const fv = from[key];
    const tv = to[key];
    if (isDict(tv) && isDict(fv)) {
      mergeProps(tv, fv, key, path, checkRequired);
    } else if (!(key in to)) {
      to[key] = fv;
    } else if (badOverwrite(tv, fv, key, checkRequired)) {
      throw new BindingError(`${path} (in '${parent}'): '${key}' from included file overwritten ('${show(fv)}' replaced with '${show(tv)}')`, path);
    } else if (key === 'required') {
      if (typeof fv !== 'boolean' || typeof tv !== 'boolean') throw new BindingError(`malformed 'required:' setting for '${parent}' in 'properties' in ${path}, expected true/false`, path);
      to.required = tv || fv;
    }
  }
}

function badOverwrite(tv: unknown, fv: unknown, key: string, checkRequired: boolean): boolean {
  if (same(tv, fv)) return false;
  if (key === 'title' || key === 'description' || key === 'compatible') return false;
  if (key === 'required') return checkRequired ? fv === true && tv !== true : false;
  return true;
}

function filterProps(props: unknown, allow: unknown, block: unknown, path: string | undefined): void {
  if (!isDict(props) || (allow == null && block == null)) return;
  for (const [n, v] of [['property-allowlist', allow], ['property-blocklist', block]] as const) {
    if (v != null && !Array.isArray(v)) throw new BindingError(`'${n}' value ${show(v)} in ${path} should be a list`, path);
  }
  const allowSet = Array.isArray(allow) ? new Set(allow) : undefined;
  const blockSet = new Set(Array.isArray(block) ? block : []);
  for (const p of Object.keys(props)) {
    if (allowSet ? !allowSet.has(p) : blockSet.has(p)) delete props[p];
  }
}

/** The binding files of some folders, parsed on demand. */
export class ZephyrBindings {
  /** every .yaml/.yml under the folders, in folder order */
  readonly files: string[] = [];
  /** file name -> path (the last one found wins, as in edtlib) */
  readonly fname2path = new Map<string, string>();
  private readonly texts = new Map<string, string>();
  private readonly docs = new Map<string, Document | null>();
  /** bindings by file (undefined: the file has no compatible; a BindingError: rejected) */
  private readonly byFile = new Map<string, ZBinding | BindingError | undefined>();
  /** vendor prefix -> vendor name (vendor-prefixes.txt of every folder) */
  readonly vendors = new Map<string, string>();

  constructor(private readonly fs: FileSystem, readonly dirs: string[]) {
    for (const d of dirs) this.walk(d, 0);
    for (const f of this.files) this.fname2path.set(basename(f), f);
    for (const d of dirs) {
      const r = fs.readFile(join(d, 'vendor-prefixes.txt'));
      if (!r.ok) continue;
      for (const line of r.text.split(/\r?\n/)) {
        const m = /^([a-zA-Z0-9][^\t #]*)\t+(.*)$/.exec(line);
        if (m) this.vendors.set(m[1], m[2].trim());
      }
    }
  }

  private walk(dir: string, depth: number): void {
    if (depth > 16) return;
    for (const name of this.fs.listDir(dir)) {
      const p = join(dir, name);
      const k = this.fs.stat(p);
      if (k === 'directory') this.walk(p, depth + 1);
      else if (k === 'file' && /\.ya?ml$/.test(name)) this.files.push(p);
    }
  }

  text(file: string): string | undefined {
    let t = this.texts.get(file);
    if (t === undefined) {
      const r = this.fs.readFile(file);
      if (!r.ok) return undefined;
      t = r.text;
      this.texts.set(file, t);
    }
    return t;
  }

  /** The YAML document of a binding file (PyYAML reads YAML 1.1). */
  doc(file: string): Document | undefined {
    if (this.docs.has(file)) return this.docs.get(file) ?? undefined;
    const t = this.text(file);
    const d = t === undefined ? null : yamlPackage().parseDocument(t, { version: '1.1', uniqueKeys: false, customTags: includeTags, prettyErrors: false });
    this.docs.set(file, d);
    return d ?? undefined;
  }

  /** The file's data, fresh (merging mutates it). */
  raw(file: string): unknown {
    const d = this.doc(file);
    if (!d) throw new BindingError(`${file}: cannot be read`, file);
    if (d.errors.length) throw new BindingError(`'${file}' appears in binding directories but isn't valid YAML: ${d.errors[0].message.split('\n')[0]}`, file);
    return d.toJS({ maxAliasCount: 100 });
  }

  private loadRaw(fname: string): Raw {
    const path = this.fname2path.get(fname);
    if (!path) throw new BindingError(`'${fname}' not found`);
    const contents = this.raw(path);
    if (!isDict(contents)) throw new BindingError(`${path}: invalid contents, expected a mapping`, path);
    this.mergeIncludes(contents, path);
    return contents;
  }

  /** edtlib's include merge, in place (removes `include`). */
  mergeIncludes(raw: Raw, path: string | undefined): void {
    if (!('include' in raw)) return;
    const include = raw.include;
    delete raw.include;
    const merged: Raw = {};
    const elems = typeof include === 'string' ? [include] : Array.isArray(include) ? include : undefined;
    if (!elems) throw new BindingError(`'include:' in ${path} should be a string or list`, path, ['include']);
    for (const elem of elems) {
      if (typeof elem === 'string') {
        mergeProps(merged, this.loadRaw(elem), undefined, path, false);
      } else if (isDict(elem)) {
        const e = { ...elem };
        const name = e.name;
        const allow = e['property-allowlist'];
        const block = e['property-blocklist'];
        let child = e['child-binding'];
        delete e.name;
        delete e['property-allowlist'];
        delete e['property-blocklist'];
        delete e['child-binding'];
        if (Object.keys(e).length) throw new BindingError(`'include:' in ${path} should not have these unexpected contents: ${show(e)}`, path, ['include']);
        if (typeof name !== 'string') throw new BindingError(`'include:' element in ${path} should have a 'name' key`, path, ['include']);
        if (allow != null && block != null) throw new BindingError(`'include:' of file '${name}' in ${path} should not specify both 'property-allowlist:' and 'property-blocklist:'`, path, ['include']);
        for (let f = child; f != null; f = isDict(f) ? f['child-binding'] : undefined) {
          if (!isDict(f)) break;
          const extra = Object.keys(f).filter((k) => !['property-allowlist', 'property-blocklist', 'child-binding'].includes(k));
          if (extra.length) throw new BindingError(`'include:' of file '${name}' in ${path} should not have these unexpected contents in a 'child-binding': ${extra.join(', ')}`, path, ['include']);
          if (f['property-allowlist'] != null && f['property-blocklist'] != null) {
            throw new BindingError(`'include:' of file '${name}' in ${path} should not specify both 'property-allowlist:' and 'property-blocklist:' in a 'child-binding:'`, path, ['include']);
          }
        }
        const contents = this.loadRaw(name);
        filterProps(contents.properties, allow, block, path);
        let cb = contents['child-binding'];
        while (isDict(child) && isDict(cb)) {
          filterProps(cb.properties, child['property-allowlist'], child['property-blocklist'], path);
          child = child['child-binding'];
          cb = cb['child-binding'];
        }
        mergeProps(merged, contents, undefined, path, false);
      } else {
        throw new BindingError(`all elements in 'include:' in ${path} should be either strings or maps with a 'name' key`, path, ['include']);
      }
    }
    mergeProps(raw, merged, undefined, path, true);
  }

  /** The binding of a file (cached; a rejected binding is a BindingError). */
  bindingOf(file: string): ZBinding | BindingError | undefined {
    if (this.byFile.has(file)) return this.byFile.get(file);
    let b: ZBinding | BindingError | undefined;
    try {
      const raw = this.raw(file);
      b = isDict(raw) && 'compatible' in raw ? new ZBinding(file, raw, this) : undefined;
    } catch (e) {
      b = e instanceof BindingError ? e : new BindingError(`${file}: ${e instanceof Error ? e.message : String(e)}`, file);
    }
    this.byFile.set(file, b);
    return b;
  }

  /** The range in a binding file of an error's key (0, 0 when unknown). */
  rangeOf(e: BindingError): [number, number] {
    if (!e.file || !e.path) return [0, 0];
    const d = this.doc(e.file);
    return (d && keyRangeAt(d, e.path)) ?? [0, 0];
  }

  /**
   * The bindings of a tree's compatibles, keyed by `compatible\0on-bus`, as edtlib registers them (files that
   * do not mention any of the compatibles are not read; a binding registered twice is an error).
   */
  register(compats: Set<string>): { bindings: Map<string, ZBinding>; errors: ZLoadError[] } {
    const bindings = new Map<string, ZBinding>();
    const errors: ZLoadError[] = [];
    if (compats.size === 0) return { bindings, errors };
    const list = [...compats];
    for (const file of this.files) {
      const t = this.text(file);
      if (t === undefined || !list.some((c) => t.includes(c))) continue;
      // the compatible the file claims must be one of the tree's (a cheap look before parsing)
      const b = this.bindingOf(file);
      if (b instanceof BindingError) {
        const raw = safeRaw(this, file);
        if (raw && typeof raw.compatible === 'string' && !compats.has(raw.compatible)) continue;
        if (raw && !('compatible' in raw)) continue;
        const [offset, end] = this.rangeOf(b);
        errors.push({ file: b.file ?? file, offset, end, message: b.message });
        continue;
      }
      if (!b || !b.compatible || !compats.has(b.compatible)) continue;
      for (let cur: ZBinding | undefined = b; cur; cur = cur.childBinding) {
        if (!cur.compatible) continue;
        const key = `${cur.compatible}\0${cur.onBus ?? ''}`;
        const old = bindings.get(key);
        if (old) {
          errors.push({ file, offset: 0, message: `both ${old.path} and ${cur.path} have 'compatible: ${cur.compatible}'${cur.onBus ? ` and 'on-bus: ${cur.onBus}'` : ''}` });
          continue;
        }
        bindings.set(key, cur);
      }
    }
    return { bindings, errors };
  }
}

function safeRaw(z: ZephyrBindings, file: string): Raw | undefined {
  try {
    const r = z.raw(file);
    return isDict(r) ? r : undefined;
  } catch {
    return undefined;
  }
}


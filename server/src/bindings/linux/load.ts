// Where the Linux schemas come from, and loading them: the bindings of the user's own tree
// (Documentation/devicetree/bindings; the kernel's bindings are never shipped) plus dt-schema's core schemas
// from the user's installed dtschema package, or the project's own core description when none is installed;
// or a processed-schema.json of the user's build when it is newer than every binding. The processed set is
// cached keyed by the content of every input file.
import type { FileSystem } from '../../base/fs';
import { join } from '../../base/paths';
import type { BindingsCache } from '../cache';
import { builtinCoreSchemas } from './core';
import { fromProcessedJson, processSchemas, PROCESSOR_VERSION, type SchemaSource } from './process';
import { SchemaStore } from './store';

export interface LinuxSources {
  /** Documentation/devicetree/bindings of the tree (or a configured folder of schemas) */
  bindingDirs: string[];
  /** dt-schema's `schemas` folder (of an installed dtschema package); absent: the built-in core */
  coreDir?: string;
  /** a processed-schema.json to use as is */
  processedJson?: string;
}

/** Where an installed dtschema package may be, given the home directory and a virtualenv. */
export function dtschemaCandidates(fs: FileSystem, env: { home?: string; virtualEnv?: string }): string[] {
  const out: string[] = [];
  const sitePackages = (lib: string): void => {
    for (const d of fs.listDir(lib)) {
      if (!/^python3/.test(d)) continue;
      out.push(join(lib, d, 'site-packages/dtschema'), join(lib, d, 'dist-packages/dtschema'));
    }
  };
  if (env.virtualEnv) sitePackages(join(env.virtualEnv, 'lib'));
  if (env.home) {
    sitePackages(join(env.home, '.local/lib'));
    for (const v of fs.listDir(join(env.home, '.local/share/pipx/venvs'))) sitePackages(join(env.home, '.local/share/pipx/venvs', v, 'lib'));
  }
  sitePackages('/usr/local/lib');
  out.push('/usr/lib/python3/dist-packages/dtschema');
  sitePackages('/usr/lib');
  return out;
}

/** A dtschema package folder (with schemas/types.yaml) -> its schemas folder. */
export function dtschemaSchemasDir(fs: FileSystem, dir: string): string | undefined {
  if (fs.stat(join(dir, 'schemas/types.yaml')) === 'file') return join(dir, 'schemas');
  if (fs.stat(join(dir, 'dtschema/schemas/types.yaml')) === 'file') return join(dir, 'dtschema/schemas');
  if (fs.stat(join(dir, 'types.yaml')) === 'file' && fs.stat(join(dir, 'dt-core.yaml')) === 'file') return dir;
  return undefined;
}

/** Every .yaml file under a folder, sorted (and the folders it looked in, in `dirs`). */
export function listYaml(fs: FileSystem, dir: string, out: string[] = [], dirs?: string[]): string[] {
  const walk = (d: string, depth: number): void => {
    if (depth > 12) return;
    dirs?.push(d);
    for (const name of fs.listDir(d)) {
      const p = join(d, name);
      // a name ending in .yaml is taken for a file (one that is not fails to read and is skipped)
      if (name.endsWith('.yaml')) out.push(p);
      else if (fs.stat(p) === 'directory') walk(p, depth + 1);
    }
  };
  walk(dir, 0);
  return out.sort();
}

/**
 * listYaml through the cache: the listing of last time while none of its folders has another modification
 * time (a file added, removed or renamed changes its folder's), which costs a stat per folder instead of
 * reading ~300 folders of the kernel's bindings. With the listing, a hash of its paths (`hash`): the stamp
 * below then hashes only the files' times, not ~4,000 paths again.
 */
function cachedListing(fs: FileSystem, dir: string, cache: BindingsCache | undefined): Listing {
  const mtime = fs.mtime?.bind(fs);
  if (!cache || !mtime) return listing(listYaml(fs, dir));
  const name = `listing-${hashText(dir).toString(16)}`;
  const hit = cache.read(name);
  if (hit) {
    try {
      const l = JSON.parse(hit) as { dir: string; dirs: [string, number][]; files: string[]; hash?: string };
      if (l.dir === dir && l.dirs.length && l.dirs.every(([d, t]) => mtime(d) === t)) {
        if (typeof l.hash === 'string') return { files: l.files, hash: l.hash };
        // a listing of an earlier version: its hash, once
        const again = listing(l.files);
        cache.write(name, JSON.stringify({ ...l, hash: again.hash }));
        return again;
      }
    } catch {
      // listed again
    }
  }
  const dirs: string[] = [];
  // the times before the listing: a folder changed meanwhile is listed again next time
  const before = new Map<string, number | undefined>();
  const l = listing(listYaml({ ...fs, listDir: (d: string) => (before.set(d, mtime(d)), fs.listDir(d)), stat: (p: string) => fs.stat(p) } as FileSystem, dir, [], dirs));
  if (dirs.every((d) => before.get(d) !== undefined)) cache.write(name, JSON.stringify({ dir, dirs: dirs.map((d) => [d, before.get(d)]), files: l.files, hash: l.hash }));
  return l;
}

interface Listing { files: string[]; hash: string }

function listing(files: string[]): Listing {
  const text = files.join('\n');
  return { files, hash: `${hashText(text).toString(16)}.${hashText(text, 0x1234567).toString(16)}.${files.length}` };
}

/**
 * The stamp of a set of files: the content key they had when every one had the modification time it has now is
 * cached under this name. Two 32-bit hashes of the listings' hashes and of every time's 64 bits, in the order
 * of `files` (which the listings determine).
 */
export function stampName(seed: string, files: readonly string[], mtime: (f: string) => number | undefined): string {
  const t = new Float64Array(1);
  const w = new Uint32Array(t.buffer);
  let a = hashText(seed);
  let b = hashText(seed, 0x1234567);
  for (const f of files) {
    t[0] = mtime(f) ?? -1;
    a = Math.imul(Math.imul(a ^ w[0], 16777619) ^ w[1], 16777619);
    b = Math.imul(b ^ w[1], 0x5bd1e995);
    b = Math.imul((b << 13) | (b >>> 19), 5) ^ w[0];
  }
  return `stamp-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}-${files.length}`;
}

function hashText(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export interface LoadResult {
  store?: SchemaStore;
  /** where the schemas came from, for the user (hover, logs) */
  origin: string;
  /** ms spent, and whether the cache answered */
  ms: number;
  cached: boolean;
  error?: string;
}

/** Load (or process and cache) the schemas of the sources. */
export function loadLinuxStore(fs: FileSystem, src: LinuxSources, cache?: BindingsCache): LoadResult {
  const t0 = Date.now();
  if (src.processedJson) {
    const r = fs.readFile(src.processedJson);
    if (r.ok) {
      try {
        const p = fromProcessedJson(JSON.parse(r.text));
        if (p) {
          const store = SchemaStore.fromProcessed(p, `processed:${hashText(r.text)}`);
          return { store, origin: src.processedJson, ms: Date.now() - t0, cached: false };
        }
      } catch (e) {
        return { origin: src.processedJson, ms: Date.now() - t0, cached: false, error: `${src.processedJson}: ${String(e)}` };
      }
    }
  }
  const files: string[] = [];
  const listings: string[] = [];
  for (const d of src.bindingDirs) {
    const l = cachedListing(fs, d, cache);
    files.push(...l.files);
    listings.push(l.hash);
  }
  files.sort();
  const coreListing = src.coreDir ? cachedListing(fs, src.coreDir, cache) : undefined;
  const coreFiles = coreListing?.files ?? [];
  if (coreListing) listings.push(`core:${coreListing.hash}`);
  const core = src.coreDir ? `dtschema:${src.coreDir}` : 'builtin-core';
  const origin = `${src.bindingDirs.join(', ')} + ${core}`;
  const all = [...files, ...coreFiles];
  const coreHash = src.coreDir ? 0 : hashText(JSON.stringify(builtinCoreSchemas()));
  // the processed set of the files as they are now (the cache's rest gone when it is needed: made again)
  const build = (read: { sources: SchemaSource[]; key: string }): SchemaStore => {
    const store = SchemaStore.fromProcessed(processSchemas(read.sources), read.key);
    if (cache) {
      const { core, rest } = store.serialize();
      // the rest first: a core is never there without its rest
      cache.write(`linux-${read.key}.rest.json`, rest);
      cache.write(`linux-${read.key}.core.json`, core);
    }
    return store;
  };
  const remake = (): SchemaStore => build(readSources());
  const tryCache = (key: string): LoadResult | undefined => {
    const hit = cache?.read(`linux-${key}.core.json`);
    const store = hit ? SchemaStore.deserialize(hit, () => cache?.read(`linux-${key}.rest.json`), () => remake().allContents()) : undefined;
    return store && store.key === key ? { store, origin, ms: Date.now() - t0, cached: true } : undefined;
  };
  // the files' modification times name the content key they had last time (no need to read 4,000 files again)
  let stamp: string | undefined;
  if (cache && fs.mtime) {
    stamp = stampName(`${PROCESSOR_VERSION}:${coreHash}:${listings.join(',')}`, all, fs.mtime.bind(fs));
    const known = cache.read(stamp);
    const hit = known ? tryCache(known.trim()) : undefined;
    if (hit) return hit;
  }
  // every file read, and the content key they make
  function readSources(): { sources: SchemaSource[]; key: string } {
    const sources: SchemaSource[] = [];
    let h1 = hashText(PROCESSOR_VERSION);
    let h2 = 0x12345;
    for (const f of all) {
      const r = fs.readFile(f);
      if (!r.ok) continue;
      sources.push({ path: f, text: r.text });
      h1 = hashText(f, hashText(r.text, h1));
      h2 = hashText(r.text, hashText(f, h2 ^ r.text.length));
    }
    if (!src.coreDir) h1 = hashText(String(coreHash), h1);
    const key = `${PROCESSOR_VERSION}-${h1.toString(16)}${h2.toString(16)}-${sources.length}`;
    if (!src.coreDir) {
      for (const s of builtinCoreSchemas()) sources.push({ path: `builtin:${String(s.$id).replace('http://devicetree.org/', '')}`, data: s });
    }
    return { sources, key };
  }
  const read = readSources();
  if (stamp) cache?.write(stamp, read.key);
  const hit = tryCache(read.key);
  if (hit) return hit;
  return { store: build(read), origin, ms: Date.now() - t0, cached: false };
}

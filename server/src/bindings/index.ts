// The bindings stage: finds the bindings of a board's tree (zero configuration in Linux trees; folders from
// the settings or --bindings), loads them once (cached on disk), and validates a merged tree against them.
// The CLI and the tests call validate() in process; the language server runs the same code in a worker
// (worker.ts) so that the cheap diagnostics publish first.
import type { Diagnostic } from '../base/diagnostics';
import type { FileSystem } from '../base/fs';
import { basename, dirname, join } from '../base/paths';
import type { SourceMap } from '../preprocess/types';
import type { LiveTree } from '../tree/types';
import type { Flavour } from '../workspace/flavour';
import type { BindingsCache } from './cache';
import { packTree } from './flatten';
import { dtschemaCandidates, dtschemaSchemasDir, listYaml, loadLinuxStore, type LinuxSources, type LoadResult } from './linux/load';
import { LinuxValidator } from './linux/validate';
import { reportFindings } from './report';
import { loadResults, resultsName, saveResults } from './results-cache';
import { LinuxDocs, ZephyrDocs, type BindingDocs } from './docs';
import { ZephyrBindings } from './zephyr/binding';
import { ZephyrValidator } from './zephyr/validate';

export interface BindingsOptions {
  /** false: no binding validation at all (--no-bindings, `devicetree.bindings: false`) */
  enabled?: boolean;
  /** folders (or a processed-schema.json) given by the user; they replace what is found automatically */
  dirs?: string[];
  cache?: BindingsCache;
  /** where to look for an installed dtschema package */
  env?: { home?: string; virtualEnv?: string };
  /** false: never use an installed dtschema package, always the built-in core (tests) */
  installedCore?: boolean;
  /** false: leave Linux trees alone (the language server validates them in its worker) */
  linux?: boolean;
  /** false: leave Zephyr trees alone */
  zephyr?: boolean;
  /**
   * A stamp of the running code: node findings are kept in the cache across processes (results-cache.ts),
   * read when a schema set is loaded and written by saveResults().
   */
  resultsStamp?: string;
}

/** What the analysis knows of the board's tree. */
export interface TreeInfo {
  flavour: Flavour;
  /** the Linux / U-Boot source tree, or ZEPHYR_BASE */
  root?: string;
  /** Zephyr: the -isystem folders of the DTS roots (their `dts/bindings` hold the bindings) */
  systemIncludePaths?: string[];
  /** Zephyr: the binding folders of the build the board comes from (they replace the DTS roots' ones) */
  bindingsDirs?: string[];
}

export interface LinuxBindings {
  sources: LinuxSources;
  load: LoadResult;
  validator?: LinuxValidator;
}

/** dt-schema releases are named by date (2024.11); the kernel names the oldest it accepts. */
function versionOk(pkgVersion: string | undefined, min: string | undefined): boolean {
  if (!pkgVersion || !min) return true;
  const a = pkgVersion.split('.').map((x) => parseInt(x, 10));
  const b = min.split('.').map((x) => parseInt(x, 10));
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] || 0;
    const y = b[i] || 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** How long a Zephyr binding set is used before its folders are read again. */
export const ZEPHYR_REFRESH_MS = 5000;

export class BindingsHost {
  private readonly linux = new Map<string, LinuxBindings>();
  /** Zephyr binding sets by folders; read again after ZEPHYR_REFRESH_MS (binding files edited meanwhile) */
  private readonly zephyrSets = new Map<string, { z: ZephyrBindings; at: number }>();

  constructor(readonly fs: FileSystem, readonly options: BindingsOptions = {}) {}

  get enabled(): boolean {
    return this.options.enabled !== false;
  }

  /** The Linux bindings folder of a tree root, if it has one (Linux, or U-Boot's copy of the upstream tree). */
  private treeBindings(root: string): string | undefined {
    for (const rel of ['Documentation/devicetree/bindings', 'dts/upstream/Bindings']) {
      const d = join(root, rel);
      if (this.fs.stat(d) === 'directory') return d;
    }
    return undefined;
  }

  private findCore(bindingDirs: string[]): string | undefined {
    if (this.options.installedCore === false) return undefined;
    // the oldest dt-schema the kernel accepts (Documentation/devicetree/bindings/Makefile)
    let min: string | undefined;
    for (const d of bindingDirs) {
      const mk = this.fs.readFile(join(d, 'Makefile'));
      const m = mk.ok ? /DT_SCHEMA_MIN_VERSION\s*=\s*([0-9.]+)/.exec(mk.text) : null;
      if (m) min = m[1];
    }
    for (const c of dtschemaCandidates(this.fs, this.options.env ?? {})) {
      const schemas = dtschemaSchemasDir(this.fs, c);
      if (!schemas) continue;
      const v = this.fs.readFile(join(dirname(schemas), 'version.py'));
      const version = v.ok ? /['"]([0-9]+\.[0-9]+(?:\.[0-9]+)?)/.exec(v.text)?.[1] : undefined;
      if (versionOk(version, min)) return schemas;
    }
    return undefined;
  }

  /** Where the Linux schemas of a board come from (undefined: none). */
  linuxSources(info: TreeInfo): LinuxSources | undefined {
    if (!this.enabled) return undefined;
    const dirs = this.options.dirs;
    if (dirs && dirs.length) {
      const src: LinuxSources = { bindingDirs: [] };
      for (const d of dirs) {
        if (d.endsWith('.json') && this.fs.stat(d) === 'file') src.processedJson = d;
        else if (dtschemaSchemasDir(this.fs, d)) src.coreDir = dtschemaSchemasDir(this.fs, d);
        else if (this.fs.stat(d) === 'directory' && this.isLinuxBindings(d)) src.bindingDirs.push(d);
      }
      if (!src.processedJson && src.bindingDirs.length === 0) return undefined;
      if (!src.coreDir && !src.processedJson) src.coreDir = this.findCore(src.bindingDirs);
      return src;
    }
    if ((info.flavour !== 'linux' && info.flavour !== 'uboot') || !info.root) return undefined;
    const b = this.treeBindings(info.root);
    if (!b) return undefined;
    const processed = join(b, 'processed-schema.json');
    if (this.fs.stat(processed) === 'file' && this.fs.mtime) {
      const t = this.fs.mtime(processed) ?? 0;
      const newest = Math.max(0, ...listYaml(this.fs, b).map((f) => this.fs.mtime?.(f) ?? Infinity));
      if (t >= newest) return { bindingDirs: [b], processedJson: processed };
    }
    return { bindingDirs: [b], coreDir: this.findCore([b]) };
  }

  /** A folder of dt-schema bindings (YAML with `$id` and a devicetree.org `$schema`)? */
  private isLinuxBindings(dir: string): boolean {
    if (/Documentation\/devicetree\/bindings\/?$/.test(dir) || /dts\/upstream\/Bindings\/?$/.test(dir)) return true;
    const files = listYaml(this.fs, dir).slice(0, 20);
    for (const f of files) {
      const r = this.fs.readFile(f);
      if (r.ok && /\$schema:\s*["']?http:\/\/devicetree\.org\/meta-schemas/.test(r.text)) return true;
    }
    return false;
  }

  /** The loaded Linux bindings of a board (loaded on first use, then shared). */
  linuxFor(info: TreeInfo): LinuxBindings | undefined {
    const src = this.linuxSources(info);
    if (!src) return undefined;
    const key = JSON.stringify(src);
    let lb = this.linux.get(key);
    if (!lb) {
      const load = loadLinuxStore(this.fs, src, this.options.cache);
      lb = { sources: src, load, validator: load.store ? new LinuxValidator(load.store) : undefined };
      const { cache, resultsStamp } = this.options;
      if (lb.validator && cache && resultsStamp) loadResults(cache, resultsName(lb.validator.store.key, resultsStamp), lb.validator);
      this.linux.set(key, lb);
    }
    return lb;
  }

  /** Write the node findings of this process back to the cache (with `resultsStamp`); true when any was new. */
  saveResults(): boolean {
    const { cache, resultsStamp } = this.options;
    if (!cache || !resultsStamp) return false;
    let wrote = false;
    for (const lb of this.linux.values()) {
      if (lb.validator && saveResults(cache, resultsName(lb.validator.store.key, resultsStamp), lb.validator)) wrote = true;
    }
    return wrote;
  }

  /**
   * The Zephyr binding folders of a board: the configured folders, else the `bindings-dirs` of the build the
   * board's stack comes from, else the `dts/bindings` of every DTS root.
   */
  zephyrDirs(info: TreeInfo): string[] | undefined {
    if (!this.enabled || info.flavour !== 'zephyr') return undefined;
    const configured = this.options.dirs?.filter((d) => this.fs.stat(d) === 'directory' && !this.isLinuxBindings(d) && !dtschemaSchemasDir(this.fs, d));
    if (configured && configured.length) return configured;
    const built = info.bindingsDirs?.filter((d) => this.fs.stat(d) === 'directory');
    if (built && built.length) return built;
    const out: string[] = [];
    for (const p of info.systemIncludePaths ?? []) {
      if (basename(p) !== 'dts') continue;
      const b = join(p, 'bindings');
      if (!out.includes(b) && this.fs.stat(b) === 'directory') out.push(b);
    }
    if (out.length === 0 && info.root && this.fs.stat(join(info.root, 'dts/bindings')) === 'directory') out.push(join(info.root, 'dts/bindings'));
    return out.length ? out : undefined;
  }

  zephyrFor(info: TreeInfo): ZephyrBindings | undefined {
    const dirs = this.zephyrDirs(info);
    if (!dirs) return undefined;
    const key = dirs.join('\0');
    let e = this.zephyrSets.get(key);
    if (!e || Date.now() - e.at > ZEPHYR_REFRESH_MS) {
      e = { z: new ZephyrBindings(this.fs, dirs), at: Date.now() };
      this.zephyrSets.set(key, e);
    }
    return e.z;
  }

  private readonly zephyrRuns = new WeakMap<LiveTree, ZephyrValidator>();
  private readonly linuxDocs = new Map<string, LinuxDocs>();

  /** Binding documentation for the editor features of an analysed tree (in process). */
  docsFor(tree: LiveTree, map: SourceMap, info: TreeInfo): BindingDocs | undefined {
    if (!this.enabled) return undefined;
    if (info.flavour === 'zephyr') {
      const z = this.zephyrFor(info);
      if (!z) return undefined;
      let v = this.zephyrRuns.get(tree);
      if (!v) {
        v = new ZephyrValidator(z, tree, map);
        v.validate();
        this.zephyrRuns.set(tree, v);
      }
      const run = v;
      return new ZephyrDocs(z, (n) => run.bindingOf(n));
    }
    if (this.options.linux === false) return undefined;
    const store = this.linuxFor(info)?.validator?.store;
    if (!store) return undefined;
    let d = this.linuxDocs.get(store.key);
    if (!d) this.linuxDocs.set(store.key, (d = new LinuxDocs(this.fs, store.header)));
    return d;
  }

  /** Does validate() look at trees of this flavour at all (the language server's host: Zephyr ones only)? */
  validatesInProcess(flavour: string): boolean {
    if (!this.enabled) return false;
    return flavour === 'zephyr' ? this.options.zephyr !== false : this.options.linux !== false;
  }

  /** Binding diagnostics of a merged tree (in process). */
  validate(rootFile: string, tree: LiveTree, map: SourceMap, info: TreeInfo): Diagnostic[] {
    if (!this.enabled || tree.isPlugin) return [];
    if (info.flavour === 'zephyr') {
      if (this.options.zephyr === false) return [];
      const z = this.zephyrFor(info);
      if (!z) return [];
      const v = new ZephyrValidator(z, tree, map);
      this.zephyrRuns.set(tree, v);
      return v.validate();
    }
    if (this.options.linux === false) return [];
    const lb = this.linuxFor(info);
    if (!lb?.validator) return [];
    const findings = lb.validator.validatePacked(packTree(tree));
    return reportFindings(findings, tree, map);
  }
}

// Zephyr west workspaces without running west: the workspace is found from a file's location (a `.west/config`
// above it, a `zephyr/` with `west.yml` above it, the Zephyr tree itself, or ZEPHYR_BASE), the modules from the
// manifest's projects and the modules folder (each with `zephyr/module.yml`), boards from their folder
// (`boards/<arch>/<board>/`) or their yaml (`arch:`), and the include roots exactly as Zephyr's build orders
// them (cmake/modules/pre_dt.cmake): for every dts root (the app, the board's folder, shields, each module's
// dts_root, Zephyr) `include`, `include/zephyr`, `dts/common`, `dts/<arch>`, `dts` — all given to cpp as
// -isystem. Results are memoised per FileSystem object (clearWestMemo forgets them).
import type { FileSystem } from '../base/fs';
import { basename, dirname, join, normalize } from '../base/paths';
import { walkUp } from './walk-up';
import { at, isMap, readYaml, str } from './yaml-file';

export interface ZephyrModule {
  name: string;
  /** the module's folder */
  dir: string;
  /** build.settings.dts_root, absolute */
  dtsRoot?: string;
  /** build.settings.board_root, absolute */
  boardRoot?: string;
}

export interface WestWorkspace {
  /** the workspace's top folder (the one holding .west/), or the folder above zephyr/ */
  top: string;
  /** ZEPHYR_BASE */
  zephyrBase: string;
  /** how it was found */
  foundBy: 'west-config' | 'west-yml' | 'zephyr-tree' | 'zephyr-base';
  /** modules in manifest order, then the ones found in the modules folder (by path) */
  modules: ZephyrModule[];
}

export interface WestOptions {
  /** ZEPHYR_BASE from the environment or a setting: used when no workspace is found above the file */
  zephyrBase?: string;
  /** extra module folders (ZEPHYR_EXTRA_MODULES) */
  extraModules?: string[];
}

const memo = new WeakMap<FileSystem, Map<string, WestWorkspace | null>>();

export function clearWestMemo(fs?: FileSystem): void {
  if (fs) memo.delete(fs);
}

/** Is dir a Zephyr source tree (west.yml or zephyr-env.sh beside dts/, or dts/common with include/zephyr)? */
export function isZephyrTree(dir: string, fs: FileSystem): boolean {
  if (fs.stat(join(dir, 'dts')) !== 'directory') return false;
  return fs.stat(join(dir, 'west.yml')) === 'file' || fs.stat(join(dir, 'zephyr-env.sh')) === 'file' ||
    (fs.stat(join(dir, 'dts/common')) === 'directory' && fs.stat(join(dir, 'include/zephyr')) === 'directory');
}

/** `[section] key = value` of .west/config. */
function readIni(fs: FileSystem, path: string): Map<string, string> | undefined {
  const r = fs.readFile(path);
  if (!r.ok) return undefined;
  const out = new Map<string, string>();
  let section = '';
  for (const raw of r.text.split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) { section = sec[1].trim(); continue; }
    const kv = /^([^=:]+)[=:](.*)$/.exec(line);
    if (kv) out.set(`${section}.${kv[1].trim()}`, kv[2].trim());
  }
  return out;
}

/** The west workspace a file belongs to, or undefined. */
export function findWestWorkspace(file: string, fs: FileSystem, opts: WestOptions = {}): WestWorkspace | undefined {
  let m = memo.get(fs);
  if (!m) { m = new Map(); memo.set(fs, m); }
  const found = walkUp(m, file, (dir) => workspaceAt(dir, fs));
  if (found) return withExtra(found, opts, fs);
  if (opts.zephyrBase) {
    const base = normalize(opts.zephyrBase);
    const key = `\u0000base:${base}`;
    let ws = m.get(key);
    if (ws === undefined) {
      ws = isZephyrTree(base, fs) ? fromBase(base, fs, 'zephyr-base') : null;
      m.set(key, ws);
    }
    if (ws) return withExtra(ws, opts, fs);
  }
  return undefined;
}

function withExtra(ws: WestWorkspace, opts: WestOptions, fs: FileSystem): WestWorkspace {
  if (!opts.extraModules?.length) return ws;
  const extra = opts.extraModules.map((d) => readModule(normalize(d), fs)).filter((x): x is ZephyrModule => x !== undefined);
  return { ...ws, modules: [...ws.modules, ...extra.filter((e) => !ws.modules.some((w) => w.dir === e.dir))] };
}

function workspaceAt(dir: string, fs: FileSystem): WestWorkspace | undefined {
  if (fs.stat(join(dir, '.west/config')) === 'file') {
    const ini = readIni(fs, join(dir, '.west/config')) ?? new Map<string, string>();
    const manifestPath = ini.get('manifest.path') ?? 'zephyr';
    const baseRel = ini.get('zephyr.base') ?? manifestPath;
    const base = baseRel.startsWith('/') ? normalize(baseRel) : join(dir, baseRel);
    const manifest = join(dir, manifestPath, ini.get('manifest.file') ?? 'west.yml');
    const zephyrBase = isZephyrTree(base, fs) ? base : isZephyrTree(join(dir, 'zephyr'), fs) ? join(dir, 'zephyr') : undefined;
    if (zephyrBase) return { top: dir, zephyrBase, foundBy: 'west-config', modules: listModules(dir, zephyrBase, manifest, fs) };
  }
  if (fs.stat(join(dir, 'zephyr/west.yml')) === 'file' && isZephyrTree(join(dir, 'zephyr'), fs)) {
    const base = join(dir, 'zephyr');
    return { top: dir, zephyrBase: base, foundBy: 'west-yml', modules: listModules(dir, base, join(base, 'west.yml'), fs) };
  }
  if (isZephyrTree(dir, fs) && fs.stat(join(dir, 'include/zephyr')) === 'directory') {
    // the Zephyr tree of a west workspace: the workspace (its manifest may be another repository's)
    const parent = dirname(dir);
    if (parent !== dir && fs.stat(join(parent, '.west/config')) === 'file') {
      const ws = workspaceAt(parent, fs);
      if (ws && ws.zephyrBase === dir) return ws;
    }
    return fromBase(dir, fs, 'zephyr-tree');
  }
  return undefined;
}

function fromBase(base: string, fs: FileSystem, foundBy: WestWorkspace['foundBy']): WestWorkspace {
  const top = dirname(base);
  const manifest = join(base, 'west.yml');
  return { top, zephyrBase: base, foundBy, modules: listModules(top, base, manifest, fs) };
}

function readModule(dir: string, fs: FileSystem): ZephyrModule | undefined {
  let y: unknown;
  for (const name of ['zephyr/module.yml', 'zephyr/module.yaml']) {
    if (fs.stat(join(dir, name)) === 'file') { y = readYaml(fs, join(dir, name)); break; }
  }
  if (!isMap(y)) return undefined;
  const rel = (x: unknown): string | undefined => {
    const s = str(x);
    return s === undefined ? undefined : s.startsWith('/') ? normalize(s) : join(dir, s);
  };
  return {
    name: str(y.name) ?? basename(dir),
    dir,
    dtsRoot: rel(at(y, 'build', 'settings', 'dts_root')),
    boardRoot: rel(at(y, 'build', 'settings', 'board_root')),
  };
}

/** Modules: the manifest's projects in order, then every `<dir>/zephyr/module.yml` in the modules folder. */
function listModules(top: string, base: string, manifest: string, fs: FileSystem): ZephyrModule[] {
  const dirs: string[] = [];
  const y = readYaml(fs, manifest);
  const projects = at(y, 'manifest', 'projects');
  if (Array.isArray(projects)) {
    for (const p of projects) {
      if (!isMap(p)) continue;
      const rel = str(p.path) ?? str(p.name);
      if (rel) dirs.push(rel.startsWith('/') ? normalize(rel) : join(top, rel));
    }
  }
  // projects of imported manifests (and modules placed by hand) live in the modules folder
  const scanned: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 3) return;
    for (const name of fs.listDir(dir).sort()) {
      if (name.startsWith('.')) continue;
      const sub = join(dir, name);
      if (fs.stat(sub) !== 'directory') continue;
      if (fs.stat(join(sub, 'zephyr/module.yml')) === 'file' || fs.stat(join(sub, 'zephyr/module.yaml')) === 'file') scanned.push(sub);
      else walk(sub, depth + 1);
    }
  };
  if (fs.stat(join(top, 'modules')) === 'directory') walk(join(top, 'modules'), 0);
  const out: ZephyrModule[] = [];
  const seen = new Set<string>([base]);
  for (const d of [...dirs, ...scanned]) {
    if (seen.has(d)) continue;
    seen.add(d);
    const mod = readModule(d, fs);
    if (mod) out.push(mod);
  }
  return out;
}

// ---- boards ---------------------------------------------------------------------------------------

export interface ZephyrBoard {
  /** the board name (the .dts file's name) */
  name: string;
  /** BOARD_DIR */
  dir: string;
  /** the board's architecture (dts/<arch>), when known */
  arch?: string;
}

/** The board a board .dts describes: its folder, name and architecture. */
export function zephyrBoard(dts: string, fs: FileSystem, ws: WestWorkspace | undefined): ZephyrBoard {
  const dir = dirname(dts);
  const name = basename(dts).replace(/\.dts$/i, '');
  return { name, dir, arch: boardArch(dir, name, fs, ws) };
}

function hasArchDir(arch: string, fs: FileSystem, ws: WestWorkspace | undefined): boolean {
  if (!ws || !/^[A-Za-z0-9_-]+$/.test(arch)) return false;
  if (fs.stat(join(ws.zephyrBase, 'dts', arch)) === 'directory') return true;
  return ws.modules.some((m) => m.dtsRoot !== undefined && fs.stat(join(m.dtsRoot, 'dts', arch)) === 'directory');
}

function boardArch(dir: string, name: string, fs: FileSystem, ws: WestWorkspace | undefined): string | undefined {
  // the old layout: boards/<arch>/<board>/ (Zephyr's ARCH is the folder's name)
  const parent = dirname(dir);
  if (basename(dirname(parent)) === 'boards' && hasArchDir(basename(parent), fs, ws)) return basename(parent);
  // the board's yaml (twister's `arch:`; riscv32 / riscv64 are ARCH riscv), the one named after the board first
  const yamls = [join(dir, `${name}.yaml`), ...fs.listDir(dir).filter((n) => /\.ya?ml$/i.test(n)).sort().map((n) => join(dir, n))];
  for (const y of yamls) {
    if (fs.stat(y) !== 'file') continue;
    const a = str(at(readYaml(fs, y), 'arch'));
    if (!a || !/^[A-Za-z0-9_-]+$/.test(a)) continue;
    const family = a.replace(/(32|64)$/, '');
    if (ws && !hasArchDir(a, fs, ws) && hasArchDir(family, fs, ws)) return family;
    return a;
  }
  return undefined;
}

// ---- include roots ---------------------------------------------------------------------------------

export interface DtsRootsInput {
  /** APPLICATION_SOURCE_DIR */
  appDir?: string;
  /** BOARD_DIR */
  boardDir?: string;
  /** SHIELD_DIRS */
  shieldDirs?: string[];
  /** extra DTS_ROOT entries (a build's or a user's) */
  extraRoots?: string[];
}

/**
 * DTS_ROOT in Zephyr's order: the app, the board folder, shields, the modules' dts_root, Zephyr (no folder twice, by its
 * real path). Each keeps the path it was given: in a workspace opened through a symbolic link, an include found under
 * one is named as the editor names the file, so that the open document's text is the one read.
 */
export function zephyrDtsRoots(ws: WestWorkspace, input: DtsRootsInput, fs: FileSystem): string[] {
  const list = [
    ...(input.extraRoots ?? []),
    ...(input.appDir ? [input.appDir] : []),
    ...(input.boardDir ? [input.boardDir] : []),
    ...(input.shieldDirs ?? []),
    ...ws.modules.map((m) => m.dtsRoot).filter((d): d is string => d !== undefined),
    ws.zephyrBase,
  ];
  return distinctFolders(list, fs);
}

/** The folders, each once: a later one that is an earlier one through a symbolic link is left out. */
function distinctFolders(list: string[], fs: FileSystem): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const d of list) {
    const r = fs.realpath(d) ?? d;
    if (seen.has(r)) continue;
    seen.add(r);
    out.push(d);
  }
  return out;
}

/** The -isystem directories of DTS_ROOT for one architecture (only those that exist). */
export function zephyrSystemIncludes(roots: string[], arch: string | undefined, fs: FileSystem): string[] {
  const dirs: string[] = [];
  for (const root of roots) {
    const subs = ['include', 'include/zephyr', 'dts/common', ...(arch ? [`dts/${arch}`] : []), 'dts'];
    for (const s of subs) {
      const p = join(root, s);
      if (fs.stat(p) === 'directory') dirs.push(p);
    }
  }
  return distinctFolders(dirs, fs);
}

/** Every dts/<arch> folder of the roots (for include indexing when no board is known). */
export function allArchDirs(roots: string[], fs: FileSystem): string[] {
  const out: string[] = [];
  for (const root of roots) {
    for (const name of fs.listDir(join(root, 'dts')).sort()) {
      if (name === 'common' || name === 'bindings') continue;
      const p = join(root, 'dts', name);
      if (fs.stat(p) === 'directory') out.push(p);
    }
  }
  return out;
}

/** Board roots (BOARD_ROOT): Zephyr and every module's board_root (where boards/ and boards/shields/ are). */
export function zephyrBoardRoots(ws: WestWorkspace): string[] {
  return [ws.zephyrBase, ...ws.modules.map((m) => m.boardRoot).filter((d): d is string => d !== undefined)];
}

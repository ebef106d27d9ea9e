// A Zephyr build directory: the devicetree stack a build used. `build_info.yml` (Zephyr 3.6 and later) lists it
// outright (`cmake.devicetree.files`: the board's .dts then every overlay, `include-dirs`: the -isystem
// directories, `bindings-dirs`, `user-files`, `extra-user-files`); older builds only have `CMakeCache.txt`
// (BOARD, DTC_OVERLAY_FILE, EXTRA_DTC_OVERLAY_FILE, SHIELD, SNIPPET, APPLICATION_SOURCE_DIR), from which the
// stack is rebuilt the way Zephyr's CMake does (zephyr-stack.ts).
import type { FileSystem } from '../base/fs';
import { dirname, join, normalize, resolve } from '../base/paths';
import { at, readYaml, str, strList } from './yaml-file';

export interface BuildInfo {
  dir: string;
  /** from build_info.yml: the board .dts first, then the overlays, in build order */
  files?: string[];
  /** from build_info.yml: DTS_ROOT_SYSTEM_INCLUDE_DIRS */
  includeDirs?: string[];
  bindingsDirs?: string[];
  userFiles?: string[];
  extraUserFiles?: string[];
  board?: string;
  /** board qualifiers (hardware model v2: `nrf5340dk/nrf5340/cpuapp` → `nrf5340/cpuapp`) */
  boardQualifiers?: string;
  boardRevision?: string;
  appDir?: string;
  zephyrBase?: string;
  /** from CMakeCache.txt (lists split on ';' and white space as CMake does for these variables) */
  dtcOverlayFiles?: string[];
  extraDtcOverlayFiles?: string[];
  shields?: string[];
  snippets?: string[];
  /** which files said so */
  sources: string[];
}

/** `KEY:TYPE=VALUE` lines of a CMakeCache.txt. */
export function readCMakeCache(fs: FileSystem, path: string): Map<string, string> | undefined {
  const r = fs.readFile(path);
  if (!r.ok) return undefined;
  const out = new Map<string, string>();
  for (const line of r.text.split(/\r?\n|\r/)) {
    if (line === '' || line.startsWith('#') || line.startsWith('//')) continue;
    const m = /^("?)([^":=]+)\1(?::[A-Za-z_]+)?=(.*)$/.exec(line);
    if (m) out.set(m[2], m[3]);
  }
  return out;
}

/** A CMake list as the Zephyr build reads these variables (';' or white space separated). */
function cmakeList(v: string | undefined): string[] {
  if (!v) return [];
  return v.split(/[;\s]+/).filter((s) => s !== '');
}

function absList(list: string[], base: string | undefined): string[] {
  return list.map((p) => (p.startsWith('/') || !base ? normalize(p) : resolve(base, p)));
}

/** Is dir a Zephyr build directory (build_info.yml, or a CMakeCache.txt of a Zephyr build)? */
export function isBuildDir(dir: string, fs: FileSystem): boolean {
  if (fs.stat(join(dir, 'build_info.yml')) === 'file') return true;
  const c = join(dir, 'CMakeCache.txt');
  if (fs.stat(c) !== 'file') return false;
  const cache = readCMakeCache(fs, c);
  return !!cache && (cache.has('BOARD') || cache.has('CACHED_BOARD')) && (cache.has('ZEPHYR_BASE') || cache.has('APPLICATION_SOURCE_DIR') || cache.has('Zephyr_DIR'));
}

/** What a build directory says about its devicetree; undefined when it is not one. */
export function readBuildDir(dir: string, fs: FileSystem): BuildInfo | undefined {
  dir = normalize(dir);
  const info: BuildInfo = { dir, sources: [] };
  const biPath = join(dir, 'build_info.yml');
  const bi = fs.stat(biPath) === 'file' ? readYaml(fs, biPath) : undefined;
  if (bi !== undefined) {
    info.sources.push(biPath);
    // build_info(<tags...> <value>) writes cmake.<tags>; accept the tags at the top as well
    const get = (...keys: string[]): unknown => at(bi, 'cmake', ...keys) ?? at(bi, ...keys);
    const files = strList(get('devicetree', 'files'));
    if (files.length) info.files = absList(files, dir);
    const inc = strList(get('devicetree', 'include-dirs'));
    if (inc.length) info.includeDirs = absList(inc, dir);
    const bind = strList(get('devicetree', 'bindings-dirs'));
    if (bind.length) info.bindingsDirs = absList(bind, dir);
    const uf = strList(get('devicetree', 'user-files'));
    if (uf.length) info.userFiles = absList(uf, dir);
    const ef = strList(get('devicetree', 'extra-user-files'));
    if (ef.length) info.extraUserFiles = absList(ef, dir);
    info.board = str(get('board', 'name')) || undefined;
    info.boardQualifiers = str(get('board', 'qualifiers')) || undefined;
    info.boardRevision = str(get('board', 'revision')) || undefined;
    const app = str(get('application', 'source-dir'));
    if (app) info.appDir = normalize(app);
    const zb = str(get('zephyr', 'zephyr-base'));
    if (zb) info.zephyrBase = normalize(zb);
  }
  const cPath = join(dir, 'CMakeCache.txt');
  const cache = fs.stat(cPath) === 'file' ? readCMakeCache(fs, cPath) : undefined;
  if (cache) {
    info.sources.push(cPath);
    const v = (...keys: string[]): string | undefined => {
      for (const k of keys) { const x = cache.get(k); if (x !== undefined && x !== '') return x; }
      return undefined;
    };
    info.appDir ??= v('APPLICATION_SOURCE_DIR') && normalize(v('APPLICATION_SOURCE_DIR')!);
    info.zephyrBase ??= v('ZEPHYR_BASE') && normalize(v('ZEPHYR_BASE')!);
    const board = v('BOARD', 'CACHED_BOARD');
    if (board && !info.board) {
      // BOARD may carry qualifiers and a revision: name[@revision][/qualifiers]
      const m = /^([^@/]+)(?:@([^/]+))?(?:\/(.*))?$/.exec(board);
      info.board = m ? m[1] : board;
      if (m?.[2]) info.boardRevision ??= m[2];
      if (m?.[3]) info.boardQualifiers ??= m[3];
    }
    // relative overlay paths are relative to the application's source folder
    const base = info.appDir ?? dirname(dir);
    const dtc = v('DTC_OVERLAY_FILE', 'CACHED_DTC_OVERLAY_FILE');
    if (dtc !== undefined) info.dtcOverlayFiles = absList(cmakeList(dtc), base);
    const extra = v('EXTRA_DTC_OVERLAY_FILE');
    if (extra !== undefined) info.extraDtcOverlayFiles = absList(cmakeList(extra), base);
    const shield = v('SHIELD', 'CACHED_SHIELD');
    if (shield) info.shields = cmakeList(shield);
    const snippet = v('SNIPPET', 'CACHED_SNIPPET');
    if (snippet) info.snippets = cmakeList(snippet);
  }
  return info.sources.length ? info : undefined;
}

// Include-path auto-detection for a .dts/.dtsi file: a Linux kernel tree
// (a directory with scripts/dtc/include-prefixes) or a Zephyr tree (dts/common
// plus include/zephyr, or zephyr-env.sh / west.yml beside dts/). Results are
// memoised per directory and per FileSystem object.
import type { FileSystem } from '../base/fs';
import { dirname, join, normalize } from '../base/paths';
import { allArchDirs, findWestWorkspace, zephyrDtsRoots, zephyrSystemIncludes } from './west';

export interface DetectedIncludePaths {
  kind: 'linux' | 'zephyr' | 'none';
  root?: string;
  includePaths: string[];
}

const memo = new WeakMap<FileSystem, Map<string, DetectedIncludePaths>>();

/** Forget memoised results (e.g. after the workspace layout changed). */
export function clearIncludePathMemo(fs?: FileSystem): void {
  if (fs) memo.delete(fs);
}

function detectAt(dir: string, fs: FileSystem): DetectedIncludePaths | undefined {
  if (fs.stat(join(dir, 'scripts/dtc/include-prefixes')) === 'directory') {
    return { kind: 'linux', root: dir, includePaths: [join(dir, 'scripts/dtc/include-prefixes'), join(dir, 'include')] };
  }
  if (fs.stat(join(dir, 'dts')) === 'directory') {
    const zephyrLike =
      (fs.stat(join(dir, 'dts/common')) === 'directory' && fs.stat(join(dir, 'include/zephyr')) === 'directory') ||
      fs.stat(join(dir, 'zephyr-env.sh')) === 'file' ||
      fs.stat(join(dir, 'west.yml')) === 'file';
    if (zephyrLike) {
      const paths = [join(dir, 'include'), join(dir, 'include/zephyr'), join(dir, 'dts/common'), join(dir, 'dts')];
      for (const name of fs.listDir(join(dir, 'dts'))) {
        if (name === 'common' || name === 'bindings') continue;
        const p = join(dir, 'dts', name);
        if (fs.stat(p) === 'directory') paths.push(p);
      }
      return { kind: 'zephyr', root: dir, includePaths: paths.filter((p) => fs.stat(p) === 'directory') };
    }
  }
  return undefined;
}

export function detectIncludePaths(file: string, fs: FileSystem): DetectedIncludePaths {
  let m = memo.get(fs);
  if (!m) { m = new Map(); memo.set(fs, m); }
  const start = dirname(normalize(file));
  const visited: string[] = [];
  let dir = start;
  let result: DetectedIncludePaths | undefined;
  for (let guard = 0; guard < 256; guard++) {
    const known = m.get(dir);
    if (known) { result = known; break; }
    visited.push(dir);
    const r = detectAt(dir, fs);
    if (r) { result = r; break; }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  let res: DetectedIncludePaths = result ?? { kind: 'none' as const, includePaths: [] };
  if (!result || (result.kind === 'zephyr' && visited.length > 0)) {
    // a west workspace: its top (modules live beside zephyr/) and every dts root's include directories, all
    // architectures (for the include index and the folders the server may read; an analysis uses its board's)
    const ws = findWestWorkspace(file, fs);
    if (ws) {
      const roots = zephyrDtsRoots(ws, {}, fs);
      const paths = zephyrSystemIncludes(roots, undefined, fs);
      for (const d of allArchDirs(roots, fs)) if (!paths.includes(d)) paths.push(d);
      res = { kind: 'zephyr', root: ws.foundBy === 'zephyr-tree' ? ws.zephyrBase : ws.top, includePaths: paths };
    }
  }
  for (const v of visited) m.set(v, res);
  return { kind: res.kind, root: res.root, includePaths: res.includePaths.slice() };
}

// The flavour of a Devicetree: which project's build reads it (Linux, Zephyr, U-Boot) or plain dtc. It decides
// the include roots, how overlays stack, the dialect (Zephyr's dtlib accepts properties after subnodes) and the
// wording of the supplier checks. Detected from the file's location (the source tree or west workspace around
// it), then its extension, then, for a file outside any tree, the tree's content.
import type { FileSystem } from '../base/fs';
import { dirname, join, normalize } from '../base/paths';
import type { LiveTree } from '../tree/types';
import { walkUp } from './walk-up';
import { findWestWorkspace } from './west';

export type Flavour = 'linux' | 'zephyr' | 'uboot' | 'dtc';

export const FLAVOURS: readonly Flavour[] = ['linux', 'zephyr', 'uboot', 'dtc'];

export interface FlavourInfo {
  flavour: Flavour;
  /** why, for the user ("in the Linux source tree /usr/src/linux", "in the west workspace ...") */
  why: string;
  /** the source tree or west workspace (ZEPHYR_BASE for Zephyr) the file is in */
  root?: string;
}

export interface FlavourOptions {
  /** ZEPHYR_BASE (environment or setting), for files outside any workspace */
  zephyrBase?: string;
  /** a setting or CLI option that forces the flavour */
  forced?: Flavour;
}

/** The name shown to users. */
export function flavourName(f: Flavour): string {
  return f === 'linux' ? 'Linux' : f === 'zephyr' ? 'Zephyr' : f === 'uboot' ? 'U-Boot' : 'dtc';
}

export function isFlavour(s: string): s is Flavour {
  return (FLAVOURS as readonly string[]).includes(s);
}

const treeMemo = new WeakMap<FileSystem, Map<string, { kind: 'linux' | 'uboot'; root: string } | null>>();

/** The nearest Linux or U-Boot source tree above a file. */
function sourceTree(file: string, fs: FileSystem): { kind: 'linux' | 'uboot'; root: string } | undefined {
  let m = treeMemo.get(fs);
  if (!m) { m = new Map(); treeMemo.set(fs, m); }
  return walkUp(m, file, (dir) => {
    // U-Boot: board configuration headers and board folders beside arch/ (Linux has neither)
    if (fs.stat(join(dir, 'include/configs')) === 'directory' && fs.stat(join(dir, 'board')) === 'directory' && fs.stat(join(dir, 'arch')) === 'directory') {
      return { kind: 'uboot' as const, root: dir };
    }
    if (fs.stat(join(dir, 'scripts/dtc/include-prefixes')) === 'directory') return { kind: 'linux' as const, root: dir };
    return undefined;
  });
}

export function clearFlavourMemo(fs?: FileSystem): void {
  if (fs) treeMemo.delete(fs);
}

/** Zephyr-only file kinds: an app's or shield's overlay, a ZMK keymap. */
function zephyrExtension(file: string): string | undefined {
  const m = /\.(overlay|keymap)$/i.exec(file);
  return m ? `.${m[1].toLowerCase()}` : undefined;
}

/** The flavour of a file from its location and extension (nothing is read but folder structure). */
export function detectFlavour(file: string, fs: FileSystem, opts: FlavourOptions = {}): FlavourInfo {
  if (opts.forced) return { flavour: opts.forced, why: 'set by the user' };
  const tree = sourceTree(file, fs);
  const ws = findWestWorkspace(file, fs);
  // both: the nearer one (a kernel tree inside a west workspace, or the reverse)
  if (ws && (!tree || ws.top.length >= tree.root.length)) {
    return { flavour: 'zephyr', why: `in the west workspace ${ws.top}`, root: ws.zephyrBase };
  }
  if (tree) {
    return tree.kind === 'linux'
      ? { flavour: 'linux', why: `in the Linux source tree ${tree.root}`, root: tree.root }
      : { flavour: 'uboot', why: `in the U-Boot source tree ${tree.root}`, root: tree.root };
  }
  const ext = zephyrExtension(file);
  if (opts.zephyrBase) {
    const base = findWestWorkspace(file, fs, { zephyrBase: opts.zephyrBase });
    if (base && (ext || isZephyrApp(dirname(normalize(file)), fs))) {
      return { flavour: 'zephyr', why: `ZEPHYR_BASE is ${base.zephyrBase}`, root: base.zephyrBase };
    }
  }
  if (ext) return { flavour: 'zephyr', why: `a ${ext} file` };
  return { flavour: 'dtc', why: 'not in a Linux, Zephyr or U-Boot tree' };
}

/** An application folder (or its boards/ folder) of a Zephyr app: CMakeLists.txt with find_package(Zephyr). */
export function isZephyrApp(dir: string, fs: FileSystem): boolean {
  for (const d of [dir, dirname(dir)]) {
    const r = fs.readFile(join(d, 'CMakeLists.txt'));
    if (r.ok && /find_package\s*\(\s*Zephyr\b/i.test(r.text)) return true;
  }
  return false;
}

/**
 * For a file outside any tree: what the merged tree says. Zephyr's `zephyr,*` chosen nodes, U-Boot's
 * `u-boot,*` properties or binman node. Undefined when the tree says nothing.
 */
export function flavourFromTree(tree: LiveTree): Flavour | undefined {
  const chosen = tree.root.children.find((c) => c.name === 'chosen');
  if (chosen && chosen.properties.some((p) => p.name.startsWith('zephyr,'))) return 'zephyr';
  if (tree.root.children.some((c) => c.name === 'binman')) return 'uboot';
  const stack = [tree.root];
  let seen = 0;
  while (stack.length && seen < 5000) {
    const n = stack.pop()!;
    seen++;
    if (n.properties.some((p) => p.name.startsWith('u-boot,'))) return 'uboot';
    for (const c of n.children) stack.push(c);
  }
  return undefined;
}

// The context plan of one analysis: which files make the tree and how they stack, with which include
// directories. A board alone; a Zephyr stack (board + overlays, one cpp run); a Linux stack (a base .dts with
// .dtso overlays applied like fdtoverlay). An overlay given alone gets its base with zero configuration
// (zephyr-stack.ts, kbuild.ts); the plan says which base was used and why.
import type { FileSystem } from '../base/fs';
import { join, normalize } from '../base/paths';
import { readBuildDir } from './build-dir';
import { detectFlavour, type Flavour, type FlavourInfo } from './flavour';
import { detectIncludePaths } from './include-paths';
import { composites } from './kbuild';
import { findWestWorkspace } from './west';
import { boardNames, boardStack, explicitStack, findBoard, overlayStack, stackFromBuild, type ZephyrStack } from './zephyr-stack';

export type StackMode = 'single' | 'cpp-include' | 'fdtoverlay';

export interface StackPlan {
  flavour: FlavourInfo;
  mode: StackMode;
  /** the file preprocessed first: a board .dts (or the root itself) */
  base: string;
  /** cpp-include: files preprocessed after base in the same run; fdtoverlay: overlays applied in order */
  overlays: string[];
  /** -I directories (configured, then detected for Linux) */
  includePaths: string[];
  /** -isystem directories (Zephyr's include roots) */
  systemIncludePaths: string[];
  /** Zephyr: the binding folders of the build the stack comes from */
  bindingsDirs?: string[];
  /** how the base was found ("board frdm_k64f (the overlay's name)"), when the root is an overlay */
  baseNote?: string;
  /** the root is an overlay and no base could be found: it is analysed alone */
  noBase?: boolean;
}

export interface StackOptions {
  /** configured -I directories, searched first */
  includePaths?: string[];
  /** detect Linux / Zephyr include directories (default true) */
  autoDetect?: boolean;
  /** force the flavour */
  flavour?: Flavour;
  zephyrBase?: string;
  /** overlays given explicitly (CLI --overlay): the root is their base */
  overlays?: string[];
  /** an explicit base for an overlay root (the user's pick) */
  base?: string;
  /** a board name or .dts (setting or CLI) for an overlay that does not name its board */
  board?: string;
  /** a Zephyr build directory */
  buildDir?: string;
}

/** Files that are overlays of a base: Zephyr's .overlay, ZMK's .keymap, Linux's .dtso. */
export function isOverlayFile(file: string): boolean {
  return /\.(overlay|keymap|dtso)$/i.test(file);
}

export function planStack(root: string, fs: FileSystem, opts: StackOptions = {}): StackPlan {
  root = normalize(root);
  const auto = opts.autoDetect !== false;
  const configured = [...(opts.includePaths ?? [])];
  const flavour = detectFlavour(root, fs, { forced: opts.flavour, zephyrBase: opts.zephyrBase });
  const explicit = (opts.overlays ?? []).map((o) => normalize(o));
  const withDetected = (file: string): string[] => {
    const paths = [...configured];
    if (auto && flavour.flavour !== 'zephyr') for (const p of detectIncludePaths(file, fs).includePaths) if (!paths.includes(p)) paths.push(p);
    return paths;
  };
  const single: StackPlan = { flavour, mode: 'single', base: root, overlays: [], includePaths: withDetected(root), systemIncludePaths: [] };

  if (flavour.flavour === 'zephyr' || (explicit.length && explicit.every((o) => /\.(overlay|keymap)$/i.test(o)))) {
    const ws = auto ? findWestWorkspace(root, fs, { zephyrBase: opts.zephyrBase }) : undefined;
    if (!ws) {
      // Zephyr without a workspace (a lone .overlay, or --no-auto-include): the stack, plain include paths
      if (explicit.length) return { ...single, mode: 'cpp-include', overlays: explicit, includePaths: configured };
      return { ...single, includePaths: configured, noBase: isOverlayFile(root) || undefined };
    }
    let z: ZephyrStack | undefined;
    if (explicit.length) z = explicitStack(root, explicit, ws, fs);
    else if (opts.buildDir && !isOverlayFile(root)) {
      const info = readBuildDir(opts.buildDir, fs);
      const s = info && stackFromBuild(info, ws, fs);
      if (s && (s.base === root || s.overlays.includes(root))) z = s;
    }
    if (!z && isOverlayFile(root)) z = overlayStack(root, ws, fs, { base: opts.base, board: opts.board, buildDir: opts.buildDir });
    if (!z && !isOverlayFile(root)) z = boardStack(root, ws, fs);
    if (!z) return { ...single, includePaths: configured, systemIncludePaths: boardStack(root, ws, fs).systemIncludePaths, noBase: true };
    return {
      flavour,
      mode: z.overlays.length ? 'cpp-include' : 'single',
      base: z.base,
      overlays: z.overlays,
      includePaths: configured,
      systemIncludePaths: z.systemIncludePaths,
      bindingsDirs: z.bindingsDirs,
      baseNote: z.base !== root ? z.note : undefined,
    };
  }

  // Linux, U-Boot, plain dtc: overlays are compiled on their own and applied to the base
  if (explicit.length) return { ...single, mode: 'fdtoverlay', overlays: explicit };
  if (/\.dtso$/i.test(root)) {
    if (opts.base) return { ...single, mode: 'fdtoverlay', base: normalize(opts.base), overlays: [root], includePaths: withDetected(opts.base), baseNote: 'your choice' };
    const c = composites(root, fs).find((x) => x.overlays.includes(root));
    if (c) {
      return {
        ...single, mode: 'fdtoverlay', base: c.base, overlays: c.overlays, includePaths: withDetected(c.base),
        baseNote: `${c.name}.dtb (${c.makefile})`,
      };
    }
    return { ...single, noBase: true };
  }
  return single;
}

/** The board .dts a Zephyr build directory was built for (FILE left out with --build-dir). */
export function buildDirBase(dir: string, fs: FileSystem, zephyrBase?: string): string | undefined {
  const info = readBuildDir(dir, fs);
  if (!info) return undefined;
  if (info.files?.length) return info.files[0];
  const from = info.appDir ?? info.zephyrBase ?? dir;
  const ws = findWestWorkspace(join(from, 'x'), fs, { zephyrBase: info.zephyrBase ?? zephyrBase });
  return ws ? stackFromBuild(info, ws, fs)?.base : undefined;
}

/** The bases an overlay can be stacked on, for the user's pick: the workspace's Zephyr boards, the kernel composites' bases. */
export function overlayBaseCandidates(file: string, fs: FileSystem, zephyrBase?: string): string[] {
  if (/\.dtso$/i.test(file)) return [...new Set(composites(file, fs).filter((c) => c.overlays.includes(normalize(file))).map((c) => c.base))].sort();
  const ws = findWestWorkspace(file, fs, { zephyrBase });
  if (!ws) return [];
  return boardNames(ws, fs).map((n) => findBoard(n, ws, fs)).filter((p): p is string => p !== undefined);
}

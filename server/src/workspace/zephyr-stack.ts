// Zephyr stacks: a board's .dts plus the overlays a build appends to it in one cpp run (-include board.dts
// -include overlay ...), in Zephyr's order (cmake/modules/dts.cmake): the board, shields (each shield's overlay,
// then its boards/<board>.overlay), the app's overlay (DTC_OVERLAY_FILE, or boards/<board>.overlay, <board>.overlay,
// app.overlay), EXTRA_DTC_OVERLAY_FILE and the snippets'. An overlay opened alone finds its board: the build
// directory that used it, the board it is named after, the boards a shield, snippet or sample names, the user's
// board setting, else the first board (by name) whose own files define the labels the overlay references.
import type { FileSystem } from '../base/fs';
import { basename, dirname, join, normalize, resolve } from '../base/paths';
import { isBuildDir, readBuildDir, type BuildInfo } from './build-dir';
import { allArchDirs, zephyrBoard, zephyrBoardRoots, zephyrDtsRoots, zephyrSystemIncludes, type WestWorkspace, type ZephyrBoard } from './west';
import { at, isMap, readYaml, str, strList } from './yaml-file';

export interface ZephyrStack {
  /** the board's .dts */
  base: string;
  /** the overlays after it, in build order */
  overlays: string[];
  /** -isystem directories */
  systemIncludePaths: string[];
  /** the binding folders the build used (build_info.yml `bindings-dirs`) */
  bindingsDirs?: string[];
  board: ZephyrBoard;
  /** how the base was found, for the user */
  note: string;
}

interface WorkspaceIndex {
  boards: Map<string, string>;
  shields: Map<string, string>;
  /** labels defined by each board's own files (its folder), read on demand */
  boardLabels: Map<string, Set<string>>;
}

const indexMemo = new WeakMap<FileSystem, Map<string, WorkspaceIndex>>();

export function clearZephyrIndex(fs?: FileSystem): void {
  if (fs) indexMemo.delete(fs);
}

/** Boards (name → .dts) and shields (name → .overlay) of the workspace's board roots. */
function workspaceIndex(ws: WestWorkspace, fs: FileSystem): WorkspaceIndex {
  let m = indexMemo.get(fs);
  if (!m) { m = new Map(); indexMemo.set(fs, m); }
  const key = ws.top + '\0' + ws.zephyrBase + '\0' + ws.modules.map((x) => x.dir).join('\0');
  let idx = m.get(key);
  if (idx) return idx;
  idx = { boards: new Map(), shields: new Map(), boardLabels: new Map() };
  for (const root of zephyrBoardRoots(ws)) {
    const boards = join(root, 'boards');
    const walk = (dir: string, depth: number): void => {
      if (depth > 3) return;
      for (const name of fs.listDir(dir).sort()) {
        const p = join(dir, name);
        if (/\.dts$/i.test(name)) {
          const b = name.slice(0, -4);
          if (!idx!.boards.has(b) && fs.stat(p) === 'file') idx!.boards.set(b, p);
          continue;
        }
        if (name.includes('.') || (depth === 0 && name === 'shields')) continue;
        if (fs.stat(p) === 'directory') walk(p, depth + 1);
      }
    };
    walk(boards, 0);
    const shields = join(boards, 'shields');
    for (const s of fs.listDir(shields).sort()) {
      const dir = join(shields, s);
      for (const f of fs.listDir(dir).sort()) {
        if (!/\.overlay$/i.test(f)) continue;
        const name = f.slice(0, -8);
        if (!idx.shields.has(name)) idx.shields.set(name, join(dir, f));
      }
    }
  }
  m.set(key, idx);
  return idx;
}

/** The board .dts for a board name (with or without a revision or qualifiers), or undefined. */
export function findBoard(name: string, ws: WestWorkspace, fs: FileSystem): string | undefined {
  const idx = workspaceIndex(ws, fs);
  const exact = idx.boards.get(name);
  if (exact) return exact;
  // hardware model v2 names (board/soc/cluster) become board_soc_cluster files; a revision suffix is dropped
  const flat = name.replace(/@[^/]*/, '').replace(/\//g, '_');
  return idx.boards.get(flat);
}

/** Board names of the workspace, sorted. */
export function boardNames(ws: WestWorkspace, fs: FileSystem): string[] {
  return [...workspaceIndex(ws, fs).boards.keys()].sort();
}

/** `name: ` label definitions in text (comments removed). */
function labelsIn(text: string, out: Set<string>): void {
  const t = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  for (const m of t.matchAll(/(?:^|[\s;{}])([A-Za-z_][A-Za-z0-9_]*)\s*:(?![:=])/g)) out.add(m[1]);
}

/** `&label` references of an overlay (comments and strings removed). */
export function referencedLabels(text: string): string[] {
  const t = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ').replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  const out = new Set<string>();
  for (const m of t.matchAll(/&([A-Za-z_][A-Za-z0-9_]*)/g)) out.add(m[1]);
  return [...out];
}

function boardLabels(board: string, path: string, idx: WorkspaceIndex, fs: FileSystem): Set<string> {
  let s = idx.boardLabels.get(board);
  if (s) return s;
  s = new Set();
  const dir = dirname(path);
  for (const f of fs.listDir(dir)) {
    if (!/\.(dts|dtsi)$/i.test(f)) continue;
    const r = fs.readFile(join(dir, f));
    if (r.ok) labelsIn(r.text, s);
  }
  idx.boardLabels.set(board, s);
  return s;
}

/** The first board (by name, among `among` when given) whose own files define every label the overlay references. */
function boardByLabels(overlay: string, ws: WestWorkspace, fs: FileSystem, among?: string[]): string | undefined {
  const r = fs.readFile(overlay);
  if (!r.ok) return undefined;
  const wanted = referencedLabels(r.text);
  const idx = workspaceIndex(ws, fs);
  const names = among ?? [...idx.boards.keys()].sort();
  if (wanted.length === 0) return names.find((n) => idx.boards.has(n));
  let best: string | undefined;
  let bestScore = 0;
  for (const n of names) {
    const p = idx.boards.get(n);
    if (!p) continue;
    const labels = boardLabels(n, p, idx, fs);
    let score = 0;
    for (const w of wanted) if (labels.has(w)) score++;
    if (score === wanted.length) return n;
    if (score > bestScore) { best = n; bestScore = score; }
  }
  return best;
}

/** The app folder an overlay belongs to: `<app>/boards/<board>.overlay`, `<app>/<x>.overlay`. */
function appDirOf(overlay: string, fs: FileSystem): string | undefined {
  const dir = dirname(overlay);
  const candidates = basename(dir) === 'boards' ? [dirname(dir), dir] : [dir];
  for (const c of candidates) if (fs.stat(join(c, 'CMakeLists.txt')) === 'file') return c;
  return undefined;
}

/** Boards a sample's twister yaml names (integration_platforms, platform_allow), in order. */
function sampleBoards(app: string, fs: FileSystem): string[] {
  const out: string[] = [];
  for (const f of ['sample.yaml', 'testcase.yaml']) {
    const y = readYaml(fs, join(app, f));
    if (!isMap(y)) continue;
    const sections: unknown[] = [y.common];
    if (isMap(y.tests)) for (const t of Object.values(y.tests)) sections.push(t);
    for (const s of sections) {
      for (const key of ['integration_platforms', 'platform_allow']) {
        for (const b of strList(at(s, key)).flatMap((x) => x.split(/\s+/))) if (b && !out.includes(b)) out.push(b);
      }
    }
  }
  return out;
}

interface SnippetInfo {
  dir: string;
  /** EXTRA_DTC_OVERLAY_FILE appended for every board */
  overlays: string[];
  /** per board name (or /regex/): the overlays appended for it */
  boards: { pattern: string; overlays: string[] }[];
}

function readSnippet(dir: string, fs: FileSystem): SnippetInfo | undefined {
  const y = readYaml(fs, join(dir, 'snippet.yml'));
  if (!isMap(y)) return undefined;
  const files = (x: unknown): string[] => strList(at(x, 'append', 'EXTRA_DTC_OVERLAY_FILE')).flatMap((s) => s.split(/\s+/)).filter((s) => s).map((f) => resolve(dir, f));
  const info: SnippetInfo = { dir, overlays: files(y), boards: [] };
  if (isMap(y.boards)) for (const [pattern, v] of Object.entries(y.boards)) info.boards.push({ pattern, overlays: files(v) });
  return info;
}

function snippetMatches(pattern: string, board: string): boolean {
  if (pattern.startsWith('/') && pattern.endsWith('/') && pattern.length > 2) {
    try { return new RegExp(`^(?:${pattern.slice(1, -1)})$`).test(board); } catch { return false; }
  }
  return pattern === board;
}

/** The snippet folder (with snippet.yml) an overlay is in. */
function snippetOf(overlay: string, fs: FileSystem): SnippetInfo | undefined {
  let dir = dirname(overlay);
  for (let k = 0; k < 3; k++) {
    if (fs.stat(join(dir, 'snippet.yml')) === 'file') return readSnippet(dir, fs);
    dir = dirname(dir);
  }
  return undefined;
}

/** Snippet folders by name (the workspace's snippets/ roots). */
function findSnippet(name: string, ws: WestWorkspace, app: string | undefined, fs: FileSystem): SnippetInfo | undefined {
  const roots = [...(app ? [app] : []), ws.zephyrBase, ...ws.modules.map((m) => m.dir)];
  for (const r of roots) {
    const base = join(r, 'snippets');
    const direct = join(base, name);
    if (fs.stat(join(direct, 'snippet.yml')) === 'file') {
      const s = readSnippet(direct, fs);
      if (s) return s;
    }
    for (const d of fs.listDir(base)) {
      const y = readYaml(fs, join(base, d, 'snippet.yml'));
      if (str(at(y, 'name')) === name) return readSnippet(join(base, d), fs);
    }
  }
  return undefined;
}

/** The shield an overlay belongs to: `.../boards/shields/<dir>/<shield>.overlay` or its `boards/<board>.overlay`. */
function shieldOf(overlay: string): { dir: string; name?: string; forBoard?: string } | undefined {
  const parts = normalize(overlay).split('/');
  const i = parts.lastIndexOf('shields');
  if (i < 1 || parts[i - 1] !== 'boards' || i + 2 >= parts.length) return undefined;
  const dir = parts.slice(0, i + 2).join('/');
  const rest = parts.slice(i + 2);
  if (rest.length === 1) return { dir, name: rest[0].replace(/\.(overlay|keymap)$/i, '') };
  if (rest.length === 2 && rest[0] === 'boards') return { dir, forBoard: rest[1].replace(/\.overlay$/i, '') };
  return { dir };
}

function shieldBoards(shieldDir: string, fs: FileSystem): string[] {
  return fs.listDir(join(shieldDir, 'boards')).filter((f) => /\.overlay$/i.test(f)).map((f) => f.slice(0, -8)).sort();
}

export interface ZephyrStackInput {
  /** the board setting or CLI option: a board name or a board .dts */
  board?: string;
  /** an explicit base (the user's pick) */
  base?: string;
  /** a build directory given by the user */
  buildDir?: string;
}

/** The -isystem list for a board and the stack's other dts roots. */
function includesFor(ws: WestWorkspace, board: ZephyrBoard, fs: FileSystem, appDir?: string, shieldDirs?: string[]): string[] {
  const roots = zephyrDtsRoots(ws, { appDir, boardDir: board.dir, shieldDirs }, fs);
  const inc = zephyrSystemIncludes(roots, board.arch, fs);
  // an unknown architecture: every dts/<arch> (after the others, so that a known one is never shadowed)
  if (!board.arch) for (const d of allArchDirs(roots, fs)) if (!inc.includes(d)) inc.push(d);
  return inc;
}

/** The stack a build used (build_info.yml as is; CMakeCache.txt rebuilt as Zephyr's CMake does). */
export function stackFromBuild(info: BuildInfo, ws: WestWorkspace, fs: FileSystem): ZephyrStack | undefined {
  if (info.files && info.files.length) {
    const board = zephyrBoard(info.files[0], fs, ws);
    return {
      base: info.files[0],
      overlays: info.files.slice(1),
      systemIncludePaths: info.includeDirs ?? includesFor(ws, board, fs, info.appDir),
      bindingsDirs: info.bindingsDirs,
      board,
      note: `the build in ${info.dir}`,
    };
  }
  if (!info.board) return undefined;
  const base = findBoard(info.board + (info.boardQualifiers ? '/' + info.boardQualifiers : ''), ws, fs) ?? findBoard(info.board, ws, fs);
  if (!base) return undefined;
  const board = zephyrBoard(base, fs, ws);
  const name = board.name;
  const overlays: string[] = [];
  const shieldDirs: string[] = [];
  if (info.boardRevision) {
    const rev = join(board.dir, `${name}_${info.boardRevision.replace(/\./g, '_')}.overlay`);
    if (fs.stat(rev) === 'file') overlays.push(rev);
  }
  const idx = workspaceIndex(ws, fs);
  for (const s of info.shields ?? []) {
    const p = idx.shields.get(s);
    if (!p) continue;
    shieldDirs.push(dirname(p));
    overlays.push(p);
    const forBoard = join(dirname(p), 'boards', `${name}.overlay`);
    if (fs.stat(forBoard) === 'file') overlays.push(forBoard);
  }
  const app = info.appDir;
  if (info.dtcOverlayFiles) overlays.push(...info.dtcOverlayFiles);
  else if (app) overlays.push(...appOverlays(app, name, fs));
  overlays.push(...(info.extraDtcOverlayFiles ?? []));
  for (const sn of info.snippets ?? []) {
    const s = findSnippet(sn, ws, app, fs);
    if (!s) continue;
    overlays.push(...s.overlays);
    for (const b of s.boards) if (snippetMatches(b.pattern, name)) overlays.push(...b.overlays);
  }
  return { base, overlays, systemIncludePaths: includesFor(ws, board, fs, app, shieldDirs), board, note: `the build in ${info.dir}` };
}

/** Zephyr's default app overlay: boards/<board>.overlay, else <board>.overlay, else app.overlay. */
function appOverlays(app: string, board: string, fs: FileSystem): string[] {
  for (const p of [join(app, 'boards', `${board}.overlay`), join(app, `${board}.overlay`), join(app, 'app.overlay')]) {
    if (fs.stat(p) === 'file') return [p];
  }
  return [];
}

/** A board's stack: the board alone, with Zephyr's include roots for its architecture. */
export function boardStack(dts: string, ws: WestWorkspace, fs: FileSystem): ZephyrStack {
  const board = zephyrBoard(dts, fs, ws);
  return { base: dts, overlays: [], systemIncludePaths: includesFor(ws, board, fs), board, note: 'the board itself' };
}

/** A base given with explicit overlays (CLI --overlay): all of them in one run. */
export function explicitStack(base: string, overlays: string[], ws: WestWorkspace, fs: FileSystem): ZephyrStack {
  const board = zephyrBoard(base, fs, ws);
  const app = overlays.map((o) => appDirOf(o, fs)).find((a) => a !== undefined);
  const shieldDirs = overlays.map((o) => shieldOf(o)?.dir).filter((d): d is string => d !== undefined);
  return { base, overlays, systemIncludePaths: includesFor(ws, board, fs, app, [...new Set(shieldDirs)]), board, note: 'given' };
}

/** Build directories near an app: <app>/build*, <workspace>/build*. */
function buildDirsNear(app: string | undefined, ws: WestWorkspace, fs: FileSystem): string[] {
  const out: string[] = [];
  for (const parent of [app, ws.top].filter((x): x is string => x !== undefined)) {
    for (const name of fs.listDir(parent).sort()) {
      if (!/^build/i.test(name)) continue;
      const d = join(parent, name);
      if (fs.stat(d) === 'directory' && isBuildDir(d, fs)) out.push(d);
    }
  }
  return out;
}

/** The stack of an overlay opened alone (zero configuration), or undefined when no board can be found. */
export function overlayStack(overlay: string, ws: WestWorkspace, fs: FileSystem, input: ZephyrStackInput = {}): ZephyrStack | undefined {
  overlay = normalize(overlay);
  const app = appDirOf(overlay, fs);
  const shield = shieldOf(overlay);
  const snippet = shield ? undefined : snippetOf(overlay, fs);

  // the stack for a chosen board
  const withBoard = (boardName: string | undefined, basePath: string | undefined, note: string): ZephyrStack | undefined => {
    const base = basePath ?? (boardName ? findBoard(boardName, ws, fs) : undefined);
    if (!base) return undefined;
    const board = zephyrBoard(base, fs, ws);
    const overlays: string[] = [];
    const shieldDirs: string[] = [];
    if (shield) {
      shieldDirs.push(shield.dir);
      // the shield's overlay (a ZMK keymap comes after it and the board's adaptation)
      const main = shield.name && !/\.keymap$/i.test(overlay) ? overlay : shieldMain(shield.dir, fs, shield.name);
      if (main) overlays.push(main);
      const forBoard = join(shield.dir, 'boards', `${board.name}.overlay`);
      if (fs.stat(forBoard) === 'file' && !overlays.includes(forBoard)) overlays.push(forBoard);
      if (!overlays.includes(overlay)) overlays.push(overlay);
    } else if (snippet) {
      overlays.push(...snippet.overlays);
      for (const b of snippet.boards) if (snippetMatches(b.pattern, board.name)) overlays.push(...b.overlays);
      if (!overlays.includes(overlay)) overlays.push(overlay);
    } else overlays.push(overlay);
    return { base, overlays, systemIncludePaths: includesFor(ws, board, fs, app, shieldDirs), board, note };
  };

  // 1. the user's pick
  if (input.base) return withBoard(undefined, normalize(input.base), 'your choice');
  // 2. a build directory that used this overlay
  const builds = input.buildDir ? [normalize(input.buildDir)] : buildDirsNear(app, ws, fs);
  for (const d of builds) {
    const info = readBuildDir(d, fs);
    if (!info) continue;
    const s = stackFromBuild(info, ws, fs);
    if (s && (s.overlays.includes(overlay) || s.base === overlay)) return s;
  }
  const name = basename(overlay).replace(/\.(overlay|keymap)$/i, '');
  // 3. the board it is named after (an app's boards/<board>.overlay or <board>.overlay, a shield's boards/<board>.overlay)
  if (shield?.forBoard) {
    const s = withBoard(shield.forBoard, undefined, `board ${shield.forBoard} (the shield's overlay for it)`);
    if (s) return s;
  }
  if (!shield && !snippet && name !== 'app') {
    const s = withBoard(name, undefined, `board ${name} (the overlay's name)`) ??
      withBoard(name.replace(/_\d+_\d+_\d+$/, ''), undefined, `board ${name.replace(/_\d+_\d+_\d+$/, '')} (the overlay's name)`);
    if (s) return s;
  }
  // 4. the board setting
  if (input.board) {
    const s = input.board.endsWith('.dts') ? withBoard(undefined, normalize(input.board), 'the board setting') : withBoard(input.board, undefined, `board ${input.board} (the board setting)`);
    if (s) return s;
  }
  // 5. boards the shield, snippet or sample names
  const named = shield ? shieldBoards(shield.dir, fs) : snippet ? snippet.boards.map((b) => b.pattern).filter((p) => !p.startsWith('/')) : app ? sampleBoards(app, fs) : [];
  for (const b of named) {
    const s = withBoard(b, undefined, `board ${b} (named by the ${shield ? 'shield' : snippet ? 'snippet' : 'sample'})`);
    if (s) return s;
  }
  // 6. a ZMK config's build.yaml (board + shield pairs) for a keymap
  const zmk = zmkBuild(overlay, name, fs);
  if (zmk) {
    const base = findBoard(zmk.board, ws, fs);
    if (base) {
      const board = zephyrBoard(base, fs, ws);
      const idx = workspaceIndex(ws, fs);
      const overlays: string[] = [];
      const shieldDirs: string[] = [];
      for (const sh of zmk.shields) {
        const p = idx.shields.get(sh);
        if (!p) continue;
        shieldDirs.push(dirname(p));
        overlays.push(p);
        const forBoard = join(dirname(p), 'boards', `${board.name}.overlay`);
        if (fs.stat(forBoard) === 'file') overlays.push(forBoard);
      }
      overlays.push(overlay);
      const what = [`board ${zmk.board}`, ...zmk.shields.map((x) => `shield ${x}`)].join(', ');
      return { base, overlays, systemIncludePaths: includesFor(ws, board, fs, app, shieldDirs), board, note: `${what} (${zmk.file})` };
    }
  }
  // 7. a board that defines the labels the overlay references
  const byLabels = boardByLabels(shield && !shield.name ? (shieldMain(shield.dir, fs) ?? overlay) : overlay, ws, fs);
  if (byLabels) return withBoard(byLabels, undefined, `board ${byLabels} (the first that defines the labels the overlay uses)`);
  return undefined;
}

function shieldMain(dir: string, fs: FileSystem, name?: string): string | undefined {
  if (name && fs.stat(join(dir, `${name}.overlay`)) === 'file') return join(dir, `${name}.overlay`);
  const f = fs.listDir(dir).filter((n) => /\.overlay$/i.test(n)).sort();
  return f.length ? join(dir, f[0]) : undefined;
}

/** A ZMK config's build.yaml above a keymap: the board and shields of the entry whose shield the keymap is named after. */
function zmkBuild(file: string, name: string, fs: FileSystem): { board: string; shields: string[]; file: string } | undefined {
  if (!/\.keymap$/i.test(file)) return undefined;
  let dir = dirname(file);
  for (let k = 0; k < 3; k++) {
    const y = join(dir, 'build.yaml');
    if (fs.stat(y) === 'file') {
      const include = at(readYaml(fs, y), 'include');
      const entries = (Array.isArray(include) ? include : []).filter(isMap).map((e) => ({
        board: str(e.board) ?? '',
        shields: strList(e.shield).flatMap((x) => x.split(/\s+/)).filter((x) => x),
      })).filter((e) => e.board);
      const pick = entries.find((e) => e.shields.some((sh) => sh === name || sh.startsWith(`${name}_`))) ?? entries[0];
      return pick ? { ...pick, file: y } : undefined;
    }
    dir = dirname(dir);
  }
  return undefined;
}

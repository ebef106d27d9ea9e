// Board contexts of a workspace. A .dtsi has no meaning alone: it is analysed
// inside a board (.dts) that includes it. This module indexes the Devicetree
// files of the workspace and their include graph (a fast line scan, no
// preprocessing), keeps the reverse index (which boards include a file) and
// chooses the context of a file. All I/O goes through the FileSystem interface.
import type { FileSystem } from '../base/fs';
import { basename, dirname, resolve } from '../base/paths';
import { detectIncludePaths } from './include-paths';
import { scanIncludes } from './include-scan';
import { overlayBaseCandidates } from './stack';

const utf8 = new TextDecoder('utf-8');

export const DTS_EXTENSIONS = ['.dts', '.dtsi', '.dtso', '.overlay', '.keymap'];

export type FileRole = 'board' | 'include' | 'overlay' | 'other';

export function fileRole(file: string): FileRole {
  const dot = file.lastIndexOf('.');
  const ext = dot >= 0 ? file.slice(dot).toLowerCase() : '';
  if (ext === '.dts') return 'board';
  // a ZMK .keymap is appended to its board and shield like a Zephyr overlay
  if (ext === '.dtso' || ext === '.overlay' || ext === '.keymap') return 'overlay';
  if (ext === '.dtsi' || ext === '.h') return 'include';
  return 'other';
}

function isDtsFile(name: string): boolean {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return false;
  return DTS_EXTENSIONS.includes(name.slice(dot).toLowerCase());
}

/** Names of entries that are plainly files (extensions of sources, objects, docs): no stat needed. */
const PLAIN_FILE_EXT = new Set([
  '.c', '.h', '.s', '.S', '.o', '.a', '.ko', '.cmd', '.rst', '.txt', '.yaml', '.yml', '.json', '.py', '.sh', '.pl',
  '.rs', '.md', '.dtb', '.dtbo', '.mk', '.cfg', '.conf', '.kconfig', '.lds', '.ld', '.patch', '.svg', '.png', '.jpg',
  '.tmp', '.d', '.gz', '.xz', '.bin', '.elf', '.map', '.html', '.js', '.ts', '.cpp', '.hpp', '.cc', '.go', '.awk',
]);

/** Directories never walked. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.svn', '.hg', 'out', 'dist', '__pycache__']);

export interface IndexOptions {
  /** configured include directories, searched after the detected ones */
  includePaths?: () => string[];
  /** bound on the number of directory entries visited by one walk */
  maxEntries?: number;
  /** ZEPHYR_BASE, for overlays outside a west workspace */
  zephyrBase?: string;
}

export interface ContextChoice {
  /** root file of the context */
  root: string;
  /** why this root was chosen */
  // open-board: an open board that includes the file (the nearest of them), or, for a file the index does
  // not connect to a board (a header), an open board that reads it (lsp/contexts.ts); nearest-board: no
  // board that includes it is open: the nearest (fewest include steps, then the closest name, then by name).
  // Either way the choice depends on which files are open, never on the order they were opened in.
  reason: 'self' | 'explicit' | 'configured' | 'nearest-board' | 'open-board' | 'lone';
  /** the boards that include the file (sorted by name); for an overlay, the boards it can be stacked on */
  candidates: string[];
  /** an overlay's base chosen by the user (explicit) or the settings (configured); the root stays the overlay */
  base?: string;
}

export interface IndexProgress {
  phase: 'walk' | 'scan';
  done: number;
  total: number;
}

interface FileEntry {
  /** resolved include targets (absolute paths), in order */
  includes: string[];
}

export class WorkspaceIndex {
  private readonly files = new Map<string, FileEntry>();
  private readonly includedBy = new Map<string, Set<string>>();
  private readonly includePathCache = new Map<string, string[]>();
  private roots: string[] = [];
  private _ready = false;
  /** while the folders are indexed elsewhere: the files updated or removed here since (see beginElsewhere) */
  private elsewhere: Set<string> | undefined;

  constructor(private readonly fs: FileSystem, private readonly options: IndexOptions = {}) {}

  get ready(): boolean { return this._ready; }
  get fileCount(): number { return this.files.size; }
  get workspaceRoots(): readonly string[] { return this.roots; }

  /** Walk the folders, returning every Devicetree file found (sorted). Bounded by maxEntries. */
  walk(roots: string[]): string[] {
    const found: string[] = [];
    const max = this.options.maxEntries ?? 400_000;
    let visited = 0;
    const stack = [...roots].reverse();
    const seen = new Set<string>();
    while (stack.length > 0 && visited < max) {
      const dir = stack.pop()!;
      const real = this.fs.realpath(dir) ?? dir;
      if (seen.has(real)) continue;
      seen.add(real);
      const names = this.fs.listDir(dir);
      const subdirs: string[] = [];
      for (const name of names) {
        if (++visited > max) break;
        const p = dir.endsWith('/') ? dir + name : dir + '/' + name;
        if (isDtsFile(name)) { found.push(p); continue; }
        if (name.startsWith('.') || SKIP_DIRS.has(name)) continue;
        const dot = name.lastIndexOf('.');
        if (dot > 0 && PLAIN_FILE_EXT.has(name.slice(dot))) continue;
        if (this.fs.stat(p) === 'directory') subdirs.push(p);
      }
      for (let k = subdirs.length - 1; k >= 0; k--) stack.push(subdirs[k]);
    }
    return found.sort();
  }

  /**
   * Index the workspace folders: walk, then scan every Devicetree file's include lines.
   * `pause` is awaited every few files so that a server stays responsive; `progress` reports.
   */
  async index(roots: string[], progress?: (p: IndexProgress) => void, pause?: () => Promise<void>): Promise<void> {
    this.roots = roots.slice();
    this._ready = false;
    this.elsewhere = undefined;
    progress?.({ phase: 'walk', done: 0, total: 0 });
    const found = this.walk(roots);
    const total = found.length;
    let sliceStart = Date.now();
    for (let i = 0; i < total; i++) {
      this.updateFile(found[i]);
      // yield every ~10 ms so that a server keeps answering (and analysing) while indexing
      if (pause && Date.now() - sliceStart >= 10) {
        progress?.({ phase: 'scan', done: i + 1, total });
        await pause();
        sliceStart = Date.now();
      }
    }
    progress?.({ phase: 'scan', done: total, total });
    this._ready = true;
  }

  /**
   * The folders are being indexed elsewhere (a worker thread, lsp/index-worker.ts): the index is not ready
   * until `adopt` takes that result. Files updated or removed here meanwhile (editor texts, changes on disk)
   * keep what was done here.
   */
  beginElsewhere(roots: string[]): void {
    this.roots = roots.slice();
    this._ready = false;
    this.elsewhere = new Set();
  }

  /** Take the entries (file, include targets) of an index built elsewhere over the folders of beginElsewhere. */
  adopt(entries: readonly (readonly [string, readonly string[]])[]): void {
    const touched = this.elsewhere ?? new Set<string>();
    this.elsewhere = undefined;
    for (const [file, includes] of entries) {
      if (touched.has(file)) continue;
      this.setIncludes(file, includes.slice());
    }
    this._ready = true;
  }

  /** Every indexed file with its include targets (what a worker sends back to adopt). */
  entries(): [string, string[]][] {
    return [...this.files].map(([f, e]) => [f, e.includes]);
  }

  /** Include directories used to resolve the includes of a file (detected per directory, cached). */
  includePathsFor(file: string): string[] {
    const dir = dirname(file);
    let paths = this.includePathCache.get(dir);
    if (!paths) {
      paths = [];
      try {
        paths.push(...detectIncludePaths(file, this.fs).includePaths);
      } catch {
        // detection is best effort for the index
      }
      this.includePathCache.set(dir, paths);
    }
    const extra = this.options.includePaths?.() ?? [];
    return extra.length ? [...paths, ...extra.filter((p) => !paths!.includes(p))] : paths;
  }

  /** Forget cached include-path detection (settings changed). */
  clearIncludePathCache(): void { this.includePathCache.clear(); }

  private resolveInclude(from: string, spelled: string, kind: 'quote' | 'angle' | 'dtc'): string | undefined {
    if (spelled.startsWith('/')) return this.fs.stat(spelled) === 'file' ? spelled : undefined;
    if (kind !== 'angle') {
      const p = resolve(dirname(from), spelled);
      if (this.fs.stat(p) === 'file') return p;
    }
    for (const dir of this.includePathsFor(from)) {
      const p = resolve(dir, spelled);
      if (this.fs.stat(p) === 'file') return p;
    }
    return undefined;
  }

  /** (Re)scan one file's includes (created or changed on disk, or edited in the editor). */
  updateFile(file: string, text?: string): void {
    if (text === undefined) {
      // bytes, decoded here: the index reads every Devicetree file of the workspace once, and a text read with
      // readFile would take the place of the files analyses read again and again in the file system's cache
      const r = this.fs.readBytes(file);
      if (!r.ok) { this.removeFile(file); return; }
      text = utf8.decode(r.bytes);
    }
    const includes: string[] = [];
    for (const inc of scanIncludes(text)) {
      // headers do not include Devicetree sources in practice; skip them to keep the scan fast
      if (inc.spelled.endsWith('.h')) continue;
      const target = this.resolveInclude(file, inc.spelled, inc.kind);
      if (target && !includes.includes(target)) includes.push(target);
    }
    this.setIncludes(file, includes);
  }

  private setIncludes(file: string, includes: string[]): void {
    this.elsewhere?.add(file);
    const old = this.files.get(file);
    if (old) for (const t of old.includes) this.includedBy.get(t)?.delete(file);
    this.files.set(file, { includes });
    for (const t of includes) {
      let s = this.includedBy.get(t);
      if (!s) { s = new Set(); this.includedBy.set(t, s); }
      s.add(file);
    }
  }

  removeFile(file: string): void {
    this.elsewhere?.add(file);
    const old = this.files.get(file);
    if (!old) return;
    for (const t of old.includes) this.includedBy.get(t)?.delete(file);
    this.files.delete(file);
  }

  has(file: string): boolean { return this.files.has(file); }

  includesOf(file: string): string[] { return this.files.get(file)?.includes.slice() ?? []; }

  /** Files that include `file` directly. */
  includersOf(file: string): string[] { return [...(this.includedBy.get(file) ?? [])].sort(); }

  /** Boards (.dts) that include `file`, directly or through other files; sorted by base name, then path. */
  boardsIncluding(file: string): string[] {
    return [...this.includeDistances(file).keys()].sort(compareBoards);
  }

  /** Each board including `file` with the number of include steps from the board to it. */
  private includeDistances(file: string): Map<string, number> {
    const boards = new Map<string, number>();
    const dist = new Map<string, number>([[file, 0]]);
    const queue = [file];
    for (let q = 0; q < queue.length && q < 100_000; q++) {
      const d = dist.get(queue[q])! + 1;
      for (const up of this.includedBy.get(queue[q]) ?? []) {
        if (dist.has(up)) continue;
        dist.set(up, d);
        if (fileRole(up) === 'board') boards.set(up, d);
        queue.push(up);
      }
    }
    return boards;
  }

  /**
   * The boards including `file`, best context first: fewest include steps (sm8550-mtp.dts includes
   * sm8550.dtsi itself; qcs8550-aim300-aiot.dts only through two other files), then the longest common
   * name prefix with the file, then by name. Independent of which files are open.
   */
  rankedBoards(file: string): string[] {
    const d = this.includeDistances(file);
    const stem = basename(file).replace(/\.[^.]*$/, '');
    const affinity = (b: string) => commonPrefix(stem, basename(b));
    return [...d.keys()].sort((x, y) => d.get(x)! - d.get(y)! || affinity(y) - affinity(x) || compareBoards(x, y));
  }

  /**
   * The context of a file. `explicit` is the user's choice (command), `configured` the settings mapping;
   * both are honoured only for a board that exists. Otherwise the nearest open board that includes the
   * file (the user is working on that board: the .dtsi shows that board's diagnostics, and an edit of it
   * analyses one context, not two), else the nearest including board (rankedBoards); a file no board
   * includes is its own (lone) context. The choice is a function of the open files, not of their order.
   */
  chooseContext(file: string, opts: { openFiles?: Iterable<string>; explicit?: string; configured?: string } = {}): ContextChoice {
    const role = fileRole(file);
    if (role === 'overlay') {
      // an overlay is analysed on a base (workspace/stack.ts finds one); a pick names the base
      const candidates = overlayBaseCandidates(file, this.fs, this.options.zephyrBase);
      for (const [pick, reason] of [[opts.explicit, 'explicit'], [opts.configured, 'configured']] as const) {
        if (pick && pick !== file && this.fs.stat(pick) === 'file') return { root: file, reason, candidates, base: pick };
      }
      return { root: file, reason: 'self', candidates };
    }
    if (role === 'board') {
      if (opts.explicit === undefined && opts.configured === undefined) return { root: file, reason: 'self', candidates: [] };
    }
    const candidates = role === 'board' ? [] : this.boardsIncluding(file);
    if (opts.explicit && (opts.explicit === file || this.fs.stat(opts.explicit) === 'file')) {
      return { root: opts.explicit, reason: opts.explicit === file ? 'self' : 'explicit', candidates };
    }
    if (opts.configured && this.fs.stat(opts.configured) === 'file') {
      return { root: opts.configured, reason: 'configured', candidates };
    }
    if (role === 'board') return { root: file, reason: 'self', candidates };
    if (candidates.length > 0) {
      const ranked = this.rankedBoards(file);
      if (opts.openFiles) {
        const open = opts.openFiles instanceof Set ? opts.openFiles as Set<string> : new Set(opts.openFiles);
        const best = ranked.find((b) => open.has(b));
        if (best !== undefined) return { root: best, reason: 'open-board', candidates };
      }
      return { root: ranked[0], reason: 'nearest-board', candidates };
    }
    return { root: file, reason: 'lone', candidates };
  }
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function compareBoards(a: string, b: string): number {
  const na = basename(a);
  const nb = basename(b);
  if (na !== nb) return na < nb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

// The only place in server/src that reads the disk. Used by the CLI and the LSP edge.
import * as fs from 'node:fs';
import type { FileSystem, ReadBytesResult, ReadResult, StatKind } from './fs';

/** Files larger than this are refused with a diagnostic instead of being read. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Bound of the text cache: the includes of the open boards (a big board reads ~0.35 M characters), not every
 * file the workspace index scans once.
 */
export const MAX_CACHED_CHARS = 4_000_000;

/** What identifies one version of a file on disk (a write changes mtime/ctime, a replacement the inode). */
interface FileStamp { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number }

function sameStamp(a: FileStamp, b: fs.Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** `checkedAt`: when the stat last confirmed the stamp (Date.now(); see setTrustWindow); `usedAt`: when last served */
interface CachedFile { stamp: FileStamp; text?: string; real?: string; checkedAt: number; usedAt: number }

export class NodeFileSystem implements FileSystem {
  /**
   * Texts and canonical paths of files read before, checked against a fresh stat on every use: a board
   * of 50 includes is re-analysed on every keystroke, and a stat is much cheaper than reading, decoding
   * and resolving each include again. The same text also comes back as the same string, which makes the
   * preprocessor's cache-validity comparisons instant.
   */
  private readonly cache = new Map<string, CachedFile>();
  /** characters of text held by the cache; the least recently used go first past MAX_CACHED_CHARS */
  private cachedChars = 0;

  /**
   * How long (ms) a stat's answer is trusted without another (0: never, every use stats). The language server
   * sets it while the client reports changed files (didChangeWatchedFiles, which invalidates): a keystroke's
   * analysis of a board with 50 includes then makes no stats of them instead of ~150 (each read, each include's
   * resolution and canonical path), and a file changed where no watcher sees it (outside the workspace) is
   * read again at most this long after the change.
   */
  private trustMs = 0;
  /** stat() answers within the trust window (a created or deleted file changes them: any invalidate clears them) */
  private readonly kinds = new Map<string, { kind: StatKind; at: number; usedAt: number }>();

  /** When set, only paths under one of these roots may be read. `now`: the clock of the trust window (tests). */
  constructor(private roots?: string[], private readonly now: () => number = Date.now) {
    this.setRoots(roots);
  }

  /**
   * Roots reached through a symbolic link, as [real folder, the root as given], the longest real folder first: a file
   * under one is named through the root as given (see realpath).
   */
  private links: [string, string][] = [];

  /** Trust a stat for `ms` (see trustMs); 0 turns it off. */
  setTrustWindow(ms: number): void {
    this.trustMs = ms > 0 ? ms : 0;
    this.kinds.clear();
  }

  /** Forget what is cached (the language server calls it when the client reports changed files). */
  invalidate(path?: string): void {
    this.kinds.clear();
    if (path === undefined) {
      this.cache.clear();
      this.cachedChars = 0;
    } else this.drop(path);
  }

  /** Is the cached entry's last stat recent enough to be trusted without another? (It is then used: see refreshTrusted.) */
  private trusted(c: CachedFile | undefined): c is CachedFile {
    if (c === undefined || this.trustMs <= 0) return false;
    const now = this.now();
    if (now - c.checkedAt >= this.trustMs) return false;
    c.usedAt = now;
    return true;
  }

  /**
   * Stat again, now, what the trust window would soon stop trusting among what was used within it: a file whose stamp
   * is unchanged is trusted for another window from now, one whose stamp changed (or a stat answer that changed) is
   * left to be stat-ed at its next use, as if this had not run. The language server calls it once an analysis is
   * published: the ~150 stats of a board's includes and their resolutions, which every keystroke's analysis would
   * otherwise make together once a window (~1.5-2 ms on the VMs measured, the one keystroke in ~10 that met them),
   * fall between keystrokes. Returns how many paths were stat-ed.
   */
  refreshTrusted(): number {
    if (this.trustMs <= 0) return 0;
    const now = this.now();
    const due = (checkedAt: number, usedAt: number): boolean => now - checkedAt >= this.trustMs / 2 && now - usedAt < this.trustMs;
    let n = 0;
    for (const [path, c] of this.cache) {
      if (!due(c.checkedAt, c.usedAt)) continue;
      n++;
      let st: fs.Stats | undefined;
      try { st = fs.statSync(path); } catch { st = undefined; }
      if (st && sameStamp(c.stamp, st)) c.checkedAt = now;
    }
    for (const [path, k] of this.kinds) {
      if (!due(k.at, k.usedAt)) continue;
      n++;
      if (this.statNow(path) === k.kind) k.at = now;
    }
    return n;
  }

  private drop(path: string): void {
    const c = this.cache.get(path);
    if (!c) return;
    this.cachedChars -= c.text?.length ?? 0;
    this.cache.delete(path);
  }

  /** Change the roots (the language server learns them from the workspace, the settings and the open files). */
  setRoots(roots: string[] | undefined): void {
    this.given = roots?.slice();
    const { allowed, links } = rootsAndLinks(roots);
    this.roots = allowed;
    if (links.join('\n') !== this.links.join('\n')) {
      this.links = links;
      for (const c of this.cache.values()) c.real = undefined;
    }
  }

  /** the roots as given (the real folders of those reached through links are added to `roots`) */
  private given: string[] | undefined;

  /** The roots reads are restricted to, as given (undefined: none): a NodeFileSystem made with them reads and names as this one. */
  get allowedRoots(): string[] | undefined {
    return this.given?.slice();
  }

  private allowed(path: string): boolean {
    if (!this.roots || this.roots.length === 0) return true;
    return this.roots.some((r) => path === r || path.startsWith(r.endsWith('/') ? r : r + '/'));
  }

  /** stat a readable regular file, or say why it cannot be read */
  private statForRead(path: string): fs.Stats | ReadBytesResult & { ok: false } {
    if (!this.allowed(path)) return { ok: false, reason: 'outside-roots', message: `${path} is outside the workspace and include paths` };
    try {
      const st = fs.statSync(path);
      if (st.isDirectory()) return { ok: false, reason: 'is-directory', message: `${path} is a directory` };
      // a FIFO would block the reader forever, a device (/dev/zero) never ends
      if (!st.isFile()) return { ok: false, reason: 'unreadable', message: `${path} is not a regular file` };
      if (st.size > MAX_FILE_BYTES) return { ok: false, reason: 'too-large', message: `${path} is larger than ${MAX_FILE_BYTES} bytes` };
      return st;
    } catch (e) {
      return failure(path, e);
    }
  }

  readBytes(path: string): ReadBytesResult {
    const st = this.statForRead(path);
    if (!(st instanceof fs.Stats)) return st;
    try {
      return { ok: true, bytes: fs.readFileSync(path) };
    } catch (e) {
      return failure(path, e);
    }
  }

  readFile(path: string): ReadResult {
    let c = this.cache.get(path);
    if (c?.text !== undefined && this.trusted(c) && this.allowed(path)) return this.cachedText(path, c, c.text);
    const st = this.statForRead(path);
    if (!(st instanceof fs.Stats)) {
      this.drop(path);
      return st;
    }
    if (c && !sameStamp(c.stamp, st)) {
      this.drop(path);
      c = undefined;
    }
    if (c) c.checkedAt = c.usedAt = this.now();
    if (c && c.text !== undefined) return this.cachedText(path, c, c.text);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path);
    } catch (e) {
      return failure(path, e);
    }
    const text = new TextDecoder('utf-8').decode(bytes);
    // stamped with the stat taken before the read: a write in between makes the next stat differ
    if (!c) { const now = this.now(); c = { stamp: stampOf(st), checkedAt: now, usedAt: now }; this.cache.set(path, c); }
    c.text = text;
    this.cachedChars += text.length;
    if (this.cachedChars > MAX_CACHED_CHARS) {
      for (const [k, v] of this.cache) {
        if (this.cachedChars <= MAX_CACHED_CHARS * 0.75 || v === c) break;
        this.drop(k);
      }
    }
    return { ok: true, text };
  }

  /** A cached text served: its entry becomes the most recently used (the last). */
  private cachedText(path: string, c: CachedFile, text: string): ReadResult {
    this.cache.delete(path);
    this.cache.set(path, c);
    return { ok: true, text };
  }

  stat(path: string): StatKind {
    if (this.trustMs > 0) {
      const k = this.kinds.get(path);
      const now = this.now();
      if (k && now - k.at < this.trustMs) { k.usedAt = now; return k.kind; }
      const kind = this.statNow(path);
      if (this.kinds.size > 20_000) this.kinds.clear();
      this.kinds.set(path, { kind, at: now, usedAt: now });
      return kind;
    }
    return this.statNow(path);
  }

  private statNow(path: string): StatKind {
    try {
      const st = fs.statSync(path);
      return st.isDirectory() ? 'directory' : 'file';
    } catch (e) {
      // a symlink loop exists: call it a file so that reading it reports the loop (not "cannot find")
      return (e as NodeJS.ErrnoException).code === 'ELOOP' ? 'file' : 'missing';
    }
  }

  mtime(path: string): number | undefined {
    try {
      return fs.statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
  }

  listDir(path: string): string[] {
    try {
      return fs.readdirSync(path).sort();
    } catch {
      return [];
    }
  }

  /**
   * A real path under a root reached through a symbolic link, named through that root: a workspace opened as ~/work
   * (a link to /mnt/data/work) names its files as the editor does, ~/work/..., and each file still has one name.
   */
  private throughRoot(real: string): string {
    for (let k = 0; k < this.links.length; k++) {
      const [from, to] = this.links[k];
      if (real === from) return to;
      if (real.startsWith(from) && real.charCodeAt(from.length) === 47) return to + real.slice(from.length);
    }
    return real;
  }

  realpath(path: string): string | undefined {
    // the canonical path stays valid while a stat (which follows links) finds the same file: one stat
    // instead of an lstat per path component
    let c = this.cache.get(path);
    if (c?.real !== undefined && this.trusted(c)) return c.real;
    let st: fs.Stats | undefined;
    try { st = fs.statSync(path); } catch { st = undefined; }
    if (c && st && sameStamp(c.stamp, st)) {
      c.checkedAt = c.usedAt = this.now();
      if (c.real !== undefined) return c.real;
    } else if (c) {
      this.drop(path);
      c = undefined;
    }
    let real: string;
    try {
      // (libc's realpath: one call, not an lstat from JS per path component)
      real = fs.realpathSync.native(path);
    } catch {
      return undefined;
    }
    real = this.throughRoot(real);
    if (st && st.isFile()) {
      if (!c) { const now = this.now(); c = { stamp: stampOf(st), checkedAt: now, usedAt: now }; this.cache.set(path, c); }
      c.real = real;
    }
    return real;
  }
}

function stampOf(st: fs.Stats): FileStamp {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

function failure(path: string, e: unknown): ReadBytesResult & { ok: false } {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'not-found', message: `${path}: no such file` };
  if (code === 'ELOOP') return { ok: false, reason: 'unreadable', message: `${path}: too many levels of symbolic links` };
  return { ok: false, reason: 'unreadable', message: `${path}: ${(e as Error).message}` };
}

/**
 * A folder of cache files (the processed bindings): written atomically (a temporary file renamed), read
 * whole; entries of the same kind beyond the newest few are removed.
 */
export class FolderCache {
  constructor(readonly dir: string, private readonly keep = 8) {}

  read(name: string): string | undefined {
    try {
      return fs.readFileSync(`${this.dir}/${name}`, 'utf8');
    } catch {
      return undefined;
    }
  }

  write(name: string, text: string): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const tmp = `${this.dir}/.${name}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, `${this.dir}/${name}`);
      const kind = name.split('-')[0];
      const same = fs.readdirSync(this.dir).filter((f) => f.startsWith(`${kind}-`) && f !== name)
        .map((f) => ({ f, t: fs.statSync(`${this.dir}/${f}`).mtimeMs })).sort((a, b) => b.t - a.t);
      for (const old of same.slice(this.keep - 1)) fs.rmSync(`${this.dir}/${old.f}`, { force: true });
    } catch {
      // a cache that cannot be written only costs time
    }
  }
}

/**
 * A stamp of the running code, for caches of results that code computed: the bundle itself (dist/), or
 * every compiled module of the tree it belongs to (out/server/src), by size and modification time.
 */
export function codeStamp(file: string): string {
  const m = /^(.*[\\/]out[\\/]server[\\/]src)[\\/]/.exec(file);
  const files: string[] = [];
  const walk = (d: string): void => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of names) {
      if (e.isDirectory()) walk(`${d}/${e.name}`);
      else if (e.name.endsWith('.js')) files.push(`${d}/${e.name}`);
    }
  };
  if (m) walk(m[1]);
  else files.push(file);
  let h = 0x811c9dc5;
  for (const f of files.sort()) {
    let s = f;
    try {
      const st = fs.statSync(f);
      s += `:${st.size}:${st.mtimeMs}`;
    } catch {
      s += ':-';
    }
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  }
  return `${files.length}-${(h >>> 0).toString(16)}`;
}

/**
 * The roots, each with the folder it really is when a symbolic link leads to it (a workspace opened as ~/work/zephyr
 * where ~/work links to another disk): the preprocessor reads an included file by its real path (the file's
 * identity), which must not be refused as outside the workspace. A link inside a root to a folder outside every
 * root is still refused: its target is not a root. And those roots, as [real folder, root], whose real folder is
 * not a root as well, the longest real folder first: a file under one is named through the root (`realpath`).
 */
function rootsAndLinks(roots: string[] | undefined): { allowed: string[] | undefined; links: [string, string][] } {
  const links: [string, string][] = [];
  if (!roots) return { allowed: undefined, links };
  const allowed = new Set<string>();
  for (const r of roots) {
    allowed.add(r);
    let real: string;
    try {
      real = fs.realpathSync.native(r);
    } catch {
      continue; // a root that does not exist (yet): the path alone
    }
    allowed.add(real);
    const root = r.length > 1 && r.endsWith('/') ? r.slice(0, -1) : r;
    if (real !== root && !roots.includes(real) && !links.some(([x]) => x === real)) links.push([real, root]);
  }
  return { allowed: [...allowed], links: links.sort((x, y) => y[0].length - x[0].length) };
}

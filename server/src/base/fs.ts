// The one file-system interface of the analysis core. The core never touches
// node:fs itself: the CLI passes NodeFileSystem, the language server passes an
// overlay of unsaved editor buffers over it, and tests pass MemoryFileSystem.

export type StatKind = 'file' | 'directory' | 'missing';

export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'not-found' | 'is-directory' | 'unreadable' | 'too-large' | 'outside-roots'; message: string };

export type ReadBytesResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'not-found' | 'is-directory' | 'unreadable' | 'too-large' | 'outside-roots'; message: string };

export interface FileSystem {
  /** Text of a file (UTF-8, invalid sequences replaced). Paths are absolute and normalised. */
  readFile(path: string): ReadResult;
  /** Raw bytes, for /incbin/. */
  readBytes(path: string): ReadBytesResult;
  stat(path: string): StatKind;
  /** Entries of a directory (names only); [] when missing. */
  listDir(path: string): string[];
  /** Canonical path (symlinks resolved) or undefined when it cannot be resolved (e.g. a symlink loop). */
  realpath(path: string): string | undefined;
  /** Modification time in ms, when the file system knows it (optional; bindings compare a build's output with its inputs). */
  mtime?(path: string): number | undefined;
}

/** In-memory file system for tests and for unsaved buffers. */
export class MemoryFileSystem implements FileSystem {
  readonly files = new Map<string, string | Uint8Array>();
  constructor(files?: Record<string, string>) {
    if (files) for (const [k, v] of Object.entries(files)) this.files.set(k, v);
  }
  set(path: string, content: string | Uint8Array): void { this.files.set(path, content); }
  delete(path: string): void { this.files.delete(path); }
  readFile(path: string): ReadResult {
    const v = this.files.get(path);
    if (v === undefined) {
      if (this.stat(path) === 'directory') return { ok: false, reason: 'is-directory', message: `${path} is a directory` };
      return { ok: false, reason: 'not-found', message: `${path}: no such file` };
    }
    return { ok: true, text: typeof v === 'string' ? v : new TextDecoder('utf-8').decode(v) };
  }
  readBytes(path: string): ReadBytesResult {
    const v = this.files.get(path);
    if (v === undefined) return { ok: false, reason: 'not-found', message: `${path}: no such file` };
    return { ok: true, bytes: typeof v === 'string' ? new TextEncoder().encode(v) : v };
  }
  stat(path: string): StatKind {
    if (this.files.has(path)) return 'file';
    const prefix = path.endsWith('/') ? path : path + '/';
    for (const k of this.files.keys()) if (k.startsWith(prefix)) return 'directory';
    return 'missing';
  }
  listDir(path: string): string[] {
    const prefix = path.endsWith('/') ? path : path + '/';
    const out = new Set<string>();
    for (const k of this.files.keys()) {
      if (k.startsWith(prefix)) out.add(k.slice(prefix.length).split('/')[0]);
    }
    return [...out].sort();
  }
  realpath(path: string): string | undefined { return path; }
}

/** A file system whose open documents (unsaved buffers) shadow a base file system. */
export class OverlayFileSystem implements FileSystem {
  private readonly overlay = new Map<string, string>();
  private readonly versions = new Map<string, number>();
  /** each buffer's path on the base file system with the symbolic links resolved (the path itself when it is one) */
  private readonly realOf = new Map<string, string>();
  /** the buffers opened by a path through a symbolic link, by their real paths */
  private readonly byReal = new Map<string, string>();
  /** a version is per file a number that grows with each change (the editor's document version); 0 when not given */
  constructor(private readonly base: FileSystem) {}
  setOverlay(path: string, text: string, version = 0): void {
    this.overlay.set(path, text);
    this.versions.set(path, version);
    if (!this.realOf.has(path)) {
      const r = this.base.realpath(path) ?? path;
      this.realOf.set(path, r);
      if (r !== path) this.byReal.set(r, path);
    }
  }
  clearOverlay(path: string): void {
    this.overlay.delete(path);
    this.versions.delete(path);
    const r = this.realOf.get(path);
    this.realOf.delete(path);
    if (r !== undefined && this.byReal.get(r) === path) this.byReal.delete(r);
  }
  /** The real path of a buffer opened through a symbolic link (the file it shadows is read by that path too), else undefined. */
  linkedReal(path: string): string | undefined {
    const r = this.realOf.get(path);
    return r !== undefined && r !== path ? r : undefined;
  }
  hasOverlay(path: string): boolean { return this.overlay.has(path); }
  /** the version of the buffer shadowing `path` (see SnapshotFileSystem), undefined when it is read from the base */
  versionOf(path: string): number | undefined { return this.versions.get(path); }
  readFile(path: string): ReadResult {
    const t = this.overlay.get(path);
    return t !== undefined ? { ok: true, text: t } : this.base.readFile(path);
  }
  readBytes(path: string): ReadBytesResult {
    const t = this.overlay.get(path);
    return t !== undefined ? { ok: true, bytes: new TextEncoder().encode(t) } : this.base.readBytes(path);
  }
  stat(path: string): StatKind { return this.overlay.has(path) ? 'file' : this.base.stat(path); }
  listDir(path: string): string[] { return this.base.listDir(path); }
  /**
   * A buffer is its own identity. A file found by another path (its real one, or another link to it) whose real path is
   * that of a buffer opened through a symbolic link is that buffer: an include found under the real folders reads the
   * text being edited, and names the file as the editor does.
   */
  realpath(path: string): string | undefined {
    if (this.overlay.has(path)) return path;
    const r = this.base.realpath(path);
    if (r !== undefined && this.byReal.size > 0) {
      const open = this.byReal.get(r);
      if (open !== undefined) return open;
    }
    return r;
  }
}

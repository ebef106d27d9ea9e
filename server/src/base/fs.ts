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
  /** a version is per file a number that grows with each change (the editor's document version); 0 when not given */
  constructor(private readonly base: FileSystem) {}
  setOverlay(path: string, text: string, version = 0): void { this.overlay.set(path, text); this.versions.set(path, version); }
  clearOverlay(path: string): void { this.overlay.delete(path); this.versions.delete(path); }
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
  realpath(path: string): string | undefined { return this.overlay.has(path) ? path : this.base.realpath(path); }
}

// The only place in server/src that reads the disk. Used by the CLI and the LSP edge.
import * as fs from 'node:fs';
import type { FileSystem, ReadBytesResult, ReadResult, StatKind } from './fs';

/** Files larger than this are refused with a diagnostic instead of being read. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export class NodeFileSystem implements FileSystem {
  /** When set, only paths under one of these roots may be read. */
  constructor(private roots?: string[]) {}

  /** Change the roots (the language server learns them from the workspace, the settings and the open files). */
  setRoots(roots: string[] | undefined): void {
    this.roots = roots ? [...new Set(roots)] : undefined;
  }

  private allowed(path: string): boolean {
    if (!this.roots || this.roots.length === 0) return true;
    return this.roots.some((r) => path === r || path.startsWith(r.endsWith('/') ? r : r + '/'));
  }

  readBytes(path: string): ReadBytesResult {
    if (!this.allowed(path)) return { ok: false, reason: 'outside-roots', message: `${path} is outside the workspace and include paths` };
    try {
      const st = fs.statSync(path);
      if (st.isDirectory()) return { ok: false, reason: 'is-directory', message: `${path} is a directory` };
      // a FIFO would block the reader forever, a device (/dev/zero) never ends
      if (!st.isFile()) return { ok: false, reason: 'unreadable', message: `${path} is not a regular file` };
      if (st.size > MAX_FILE_BYTES) return { ok: false, reason: 'too-large', message: `${path} is larger than ${MAX_FILE_BYTES} bytes` };
      return { ok: true, bytes: fs.readFileSync(path) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'not-found', message: `${path}: no such file` };
      if (code === 'ELOOP') return { ok: false, reason: 'unreadable', message: `${path}: too many levels of symbolic links` };
      return { ok: false, reason: 'unreadable', message: `${path}: ${(e as Error).message}` };
    }
  }

  readFile(path: string): ReadResult {
    const r = this.readBytes(path);
    if (!r.ok) return r;
    return { ok: true, text: new TextDecoder('utf-8').decode(r.bytes) };
  }

  stat(path: string): StatKind {
    try {
      const st = fs.statSync(path);
      return st.isDirectory() ? 'directory' : 'file';
    } catch (e) {
      // a symlink loop exists: call it a file so that reading it reports the loop (not "cannot find")
      return (e as NodeJS.ErrnoException).code === 'ELOOP' ? 'file' : 'missing';
    }
  }

  listDir(path: string): string[] {
    try {
      return fs.readdirSync(path).sort();
    } catch {
      return [];
    }
  }

  realpath(path: string): string | undefined {
    try {
      return fs.realpathSync(path);
    } catch {
      return undefined;
    }
  }
}

// The file system one analysis reads through: the first read of each file is kept, so every later read
// in the same analysis (and the editor features answering from it) sees the same text, and the versions
// of open documents are recorded at the moment they were read (not when the analysis ends).
import type { FileSystem, ReadBytesResult, ReadResult, StatKind } from './fs';

/** A file system that can say which version of a file it would give now (open editor documents). */
export interface VersionedFileSystem extends FileSystem {
  /** the version of the document shadowing `path`, undefined when it is read from disk */
  versionOf(path: string): number | undefined;
}

function isVersioned(fs: FileSystem): fs is VersionedFileSystem {
  return typeof (fs as Partial<VersionedFileSystem>).versionOf === 'function';
}

export class SnapshotFileSystem implements FileSystem {
  private readonly texts = new Map<string, ReadResult>();
  /** per file read: the version of the open document read, or null when it came from disk */
  readonly versions = new Map<string, number | null>();

  constructor(readonly base: FileSystem) {}

  private note(path: string): void {
    if (this.versions.has(path)) return;
    const v = isVersioned(this.base) ? this.base.versionOf(path) : undefined;
    this.versions.set(path, v ?? null);
  }

  readFile(path: string): ReadResult {
    let r = this.texts.get(path);
    if (r === undefined) {
      this.note(path);
      r = this.base.readFile(path);
      this.texts.set(path, r);
    }
    return r;
  }

  readBytes(path: string): ReadBytesResult {
    this.note(path);
    return this.base.readBytes(path);
  }

  stat(path: string): StatKind { return this.base.stat(path); }
  listDir(path: string): string[] { return this.base.listDir(path); }
  realpath(path: string): string | undefined { return this.base.realpath(path); }
}

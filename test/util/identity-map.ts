// A trivial SourceMap for tests of stages after the preprocessor: every output
// offset maps to the same offset in one file.
import type { FileRange } from '../../server/src/base/diagnostics';
import type { MacroUse, SourceLocation, SourceMap } from '../../server/src/preprocess/types';

export class IdentityMap implements SourceMap {
  constructor(readonly file: string, readonly length: number = Number.MAX_SAFE_INTEGER) {}
  locate(o: number): SourceLocation {
    return { file: this.file, offset: Math.max(0, Math.min(o, this.length)) };
  }
  toFileRange(start: number, end: number): FileRange {
    const s = Math.max(0, Math.min(start, this.length));
    return { file: this.file, start: s, end: Math.max(s, Math.min(end, this.length)) };
  }
  fromFile(file: string, offset: number): number[] {
    return file === this.file && offset >= 0 && offset <= this.length ? [offset] : [];
  }
  macroAt(): MacroUse | undefined {
    return undefined;
  }
}

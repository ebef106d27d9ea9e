// Positions of a document edited since the analysis a request is answered from. The analysis read an
// older text of the file; the editor speaks in positions of the current one. The two texts differ in one
// region (common prefix and suffix): offsets before it are the same, offsets after it move by the length
// difference, offsets inside it map to the region's edge. A MappedLineIndex is a LineIndex of the current
// text whose offsets are the analysis' offsets, so the feature handlers need no change.
import { LineIndex, type Position } from '../base/text';

export class MappedLineIndex extends LineIndex {
  /** length of the common prefix of the two texts */
  private readonly prefix: number;
  /** the changed region: [prefix, oldEnd) of the analysis' text became [prefix, newEnd) of the current one */
  private readonly oldEnd: number;
  private readonly newEnd: number;

  constructor(readonly oldText: string, current: string) {
    super(current);
    const max = Math.min(oldText.length, current.length);
    let p = 0;
    while (p < max && oldText.charCodeAt(p) === current.charCodeAt(p)) p++;
    let s = 0;
    while (s < max - p && oldText.charCodeAt(oldText.length - 1 - s) === current.charCodeAt(current.length - 1 - s)) s++;
    this.prefix = p;
    this.oldEnd = oldText.length - s;
    this.newEnd = current.length - s;
  }

  /** An offset of the analysis' text in the current text. */
  toCurrent(offset: number): number {
    if (offset <= this.prefix) return offset;
    if (offset >= this.oldEnd) return offset - this.oldEnd + this.newEnd;
    return this.prefix;
  }

  /** An offset of the current text in the analysis' text. */
  toAnalysis(offset: number): number {
    if (offset <= this.prefix) return offset;
    if (offset >= this.newEnd) return offset - this.newEnd + this.oldEnd;
    return this.prefix;
  }

  /** The character at this offset of the analysis' text was replaced or deleted since (a token there is gone). */
  changedAt(offset: number): boolean {
    return offset >= this.prefix && offset < this.oldEnd;
  }

  override positionAt(offset: number): Position {
    return super.positionAt(this.toCurrent(offset));
  }

  override offsetAt(pos: Position): number {
    return this.toAnalysis(super.offsetAt(pos));
  }
}

// An editor document: its text and where its lines start, for the LSP's positions (line and UTF-16 character).
//
// vscode-languageserver-textdocument's documents do the same, but an incremental change reads a character of the new
// text (to find a CR LF pair the change's ends split or make). The new text is a concatenation, and V8 flattens one
// at its first read: a SoC .dtsi of 170 KB is then copied into memory mapped afresh for it, ~0.7 ms a keystroke on
// the VMs measured (base/text.ts EditedText). Here a change finds the line breaks at its ends from the old text and the
// inserted one, so the new text is first read by the analysis, through its view, and flattened once the diagnostics
// are out. Positions behave as the library's: a character past a line's end is the end of its text, before its line
// break; a line past the last is the end of the document.
import type { Position, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

const LF = 10;
const CR = 13;

export class EditorDocument implements TextDocument {
  /** where each line starts (made on first use, then kept through incremental changes) */
  private starts: number[] | undefined;

  constructor(readonly uri: string, readonly languageId: string, private ver: number, private text: string) {}

  get version(): number {
    return this.ver;
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  getText(range?: Range): string {
    if (!range) return this.text;
    return this.text.substring(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  offsetAt(position: Position): number {
    const starts = this.lineStarts();
    if (position.line >= starts.length) return this.text.length;
    if (position.line < 0) return 0;
    const start = starts[position.line];
    if (position.character <= 0) return start;
    const next = position.line + 1 < starts.length ? starts[position.line + 1] : this.text.length;
    return this.beforeLineBreak(Math.min(start + position.character, next), start);
  }

  positionAt(offset: number): Position {
    offset = Math.max(Math.min(offset, this.text.length), 0);
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] > offset) hi = mid;
      else lo = mid + 1;
    }
    const line = lo - 1;
    return { line, character: this.beforeLineBreak(offset, starts[line]) - starts[line] };
  }

  /** The range of a line's text, without its line break (a line past the last: the last line's). */
  getLineRange(line: number): Range {
    const starts = this.lineStarts();
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    if (line >= starts.length) {
      const lastLine = starts.length - 1;
      return { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: this.text.length - starts[lastLine] } };
    }
    const next = line + 1 < starts.length ? starts[line + 1] : this.text.length;
    return { start: { line, character: 0 }, end: { line, character: this.beforeLineBreak(next, starts[line]) - starts[line] } };
  }

  /** A line's line break ('' past the last line). */
  getEOLCharacters(line: number): string {
    const starts = this.lineStarts();
    if (line < 0 || line >= starts.length) return '';
    const next = line + 1 < starts.length ? starts[line + 1] : this.text.length;
    return this.text.substring(this.beforeLineBreak(next, starts[line]), next);
  }

  /** The changes applied in order (a full one replaces the text), then the new version. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change) || !change.range) {
        this.text = change.text;
        this.starts = undefined;
        continue;
      }
      let { start, end } = change.range;
      if (start.line > end.line || (start.line === end.line && start.character > end.character)) [start, end] = [end, start];
      const from = this.offsetAt(start);
      const to = this.offsetAt(end);
      const old = this.text;
      const ins = change.text;
      this.text = old.substring(0, from) + ins + old.substring(to);
      const starts = this.starts;
      if (!starts) continue;
      // the new text's characters around the change, read from the old text and the inserted one
      const before = from > 0 ? old.charCodeAt(from - 1) : NaN;
      const after = old.charCodeAt(to);
      const first = ins.length > 0 ? ins.charCodeAt(0) : after;
      const last = ins.length > 0 ? ins.charCodeAt(ins.length - 1) : before;
      // a CR LF pair that the change splits or makes at either end, or lines out of range: the starts are made again
      const startLine = start.line;
      const endLine = end.line;
      if ((before === CR && first === LF) || (last === CR && after === LF) || startLine < 0 || endLine >= starts.length) {
        this.starts = undefined;
        continue;
      }
      const added = lineBreaks(ins, from);
      if (added.length > 10_000) {
        // (a paste of many lines: made again on first use rather than spliced in by one call with that many arguments)
        this.starts = undefined;
        continue;
      }
      starts.splice(startLine + 1, endLine - startLine, ...added);
      const d = ins.length - (to - from);
      if (d !== 0) for (let i = startLine + 1 + added.length; i < starts.length; i++) starts[i] += d;
    }
    this.ver = version;
  }

  private lineStarts(): number[] {
    if (!this.starts) this.starts = [0, ...lineBreaks(this.text, 0)];
    return this.starts;
  }

  /** offset moved back over the line break it is in or after, not past the line's start */
  private beforeLineBreak(offset: number, lineStart: number): number {
    while (offset > lineStart) {
      const c = this.text.charCodeAt(offset - 1);
      if (c !== CR && c !== LF) break;
      offset--;
    }
    return offset;
  }
}

/** The offsets (plus `base`) where a line starts after each line break of t (CR LF, CR or LF). */
function lineBreaks(t: string, base: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === CR || c === LF) {
      if (c === CR && i + 1 < t.length && t.charCodeAt(i + 1) === LF) i++;
      out.push(base + i + 1);
    }
  }
  return out;
}

// The Devicetree formatter: white space only (see printer.ts for the rules), so the merged tree
// never changes. After every run the output is lexed again and its tokens compared with the
// input's; if they differ (a defect), the text is left unchanged and `refused` says why.
// Orderings that change the tree (child nodes by unit address, properties in the coding style's
// order) are code actions (sort.ts), never part of formatting.
import { lex, sameTokens } from './lexer';
import { print, type FormatFlavour } from './printer';

export type { FormatFlavour } from './printer';

export interface FormatOptions {
  flavour?: FormatFlavour;
}

/** A replacement of [start, end) of the input (UTF-16 offsets). */
export interface FormatEdit {
  start: number;
  end: number;
  newText: string;
}

export interface FormatResult {
  text: string;
  /** minimal edits turning the input into `text`, in order, not overlapping */
  edits: FormatEdit[];
  /** set when the text was left unchanged on purpose */
  refused?: string;
}

function detectEol(text: string): string {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

interface Piece extends FormatEdit {
  /** the offset whose line decides whether a range formatting includes the edit */
  anchor: number;
}

function run(text: string, options: FormatOptions): { text: string; pieces: Piece[]; refused?: string } {
  const { toks } = lex(text);
  const r = print(text, toks, options.flavour ?? 'linux', detectEol(text));
  if (r.refused) return { text, pieces: [], refused: r.refused };
  const parts: string[] = [];
  const pieces: Piece[] = [];
  const gap = (start: number, end: number, newText: string, anchor: number) => {
    parts.push(newText);
    const old = text.slice(start, end);
    if (old === newText) return;
    // trailing blanks of one line and the line break + indentation of the next are separate edits
    const nl = old.search(/[\r\n]/);
    if (nl > 0 && /^[\r\n]/.test(newText)) {
      pieces.push({ start, end: start + nl, newText: '', anchor: start });
      if (old.slice(nl) !== newText) pieces.push({ start: start + nl, end, newText, anchor });
    } else pieces.push({ start, end, newText, anchor });
  };
  let pos = 0;
  for (let i = 0; i < toks.length; i++) {
    gap(pos, toks[i].start, r.gaps[i], toks[i].start);
    parts.push(r.texts[i]);
    if (r.texts[i] !== toks[i].text) pieces.push({ start: toks[i].start, end: toks[i].end, newText: r.texts[i], anchor: toks[i].start });
    pos = toks[i].end;
  }
  gap(pos, text.length, r.gaps[toks.length], pos);
  const out = parts.join('');
  if (!sameTokens(toks, lex(out).toks)) {
    return { text, pieces: [], refused: 'internal check failed: formatting would change a token (please report this file)' };
  }
  return { text: out, pieces };
}

function merge(pieces: Piece[]): FormatEdit[] {
  const edits: FormatEdit[] = [];
  for (const p of pieces) {
    const last = edits[edits.length - 1];
    if (last && last.end === p.start) {
      last.end = p.end;
      last.newText += p.newText;
    } else edits.push({ start: p.start, end: p.end, newText: p.newText });
  }
  return edits;
}

export function formatText(text: string, options: FormatOptions = {}): FormatResult {
  const r = run(text, options);
  if (r.refused) return { text, edits: [], refused: r.refused };
  return { text: r.text, edits: merge(r.pieces) };
}

/** Range formatting: the edits of whole-text formatting that belong to the lines of [start, end). */
export function formatRange(text: string, start: number, end: number, options: FormatOptions = {}): FormatResult {
  const r = run(text, options);
  if (r.refused) return { text, edits: [], refused: r.refused };
  const lineStart = text.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
  const last = end > start && text[end - 1] === '\n' ? end - 1 : end;
  let lineEnd = text.indexOf('\n', last);
  if (lineEnd < 0) lineEnd = text.length;
  const edits = merge(r.pieces.filter((p) => p.anchor >= lineStart && p.anchor <= lineEnd));
  return { text: applyEdits(text, edits), edits };
}

export function applyEdits(text: string, edits: FormatEdit[]): string {
  let out = '';
  let pos = 0;
  for (const e of edits) {
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}

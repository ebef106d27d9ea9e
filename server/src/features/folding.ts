// Folding ranges from the raw file text (no analysis): braces, block comments,
// runs of line comments, and #if/#ifdef/#ifndef ... #elif/#else ... #endif.
export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

const MAX_DEPTH = 1024;

export function getFoldingRanges(text: string): FoldingRange[] {
  const out: FoldingRange[] = [];
  const braces: number[] = []; // start lines
  const conds: number[] = []; // start lines of #if sections
  let line = 0;
  let atLineStart = true; // only whitespace since the line start
  let lineCommentStart = -1; // first line of a run of // comment lines
  let lineCommentLast = -1;
  const n = text.length;

  const flushLineComments = (): void => {
    if (lineCommentStart >= 0 && lineCommentLast > lineCommentStart) {
      out.push({ startLine: lineCommentStart, endLine: lineCommentLast, kind: 'comment' });
    }
    lineCommentStart = -1;
    lineCommentLast = -1;
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      line++;
      atLineStart = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 12 || c === 11) { i++; continue; }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      if (atLineStart) {
        if (lineCommentStart >= 0 && lineCommentLast === line - 1) lineCommentLast = line;
        else { flushLineComments(); lineCommentStart = line; lineCommentLast = line; }
      }
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (atLineStart && lineCommentStart >= 0 && lineCommentLast !== line) flushLineComments();
    if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const startLine = line;
      i += 2;
      while (i < n && !(text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47)) {
        const d = text.charCodeAt(i);
        if (d === 10 || (d === 13 && text.charCodeAt(i + 1) !== 10)) line++;
        i++;
      }
      i += 2;
      if (line > startLine) out.push({ startLine, endLine: line, kind: 'comment' });
      atLineStart = false;
      continue;
    }
    if (c === 35 /* # */ && atLineStart) {
      // preprocessor directive: read the word after '#'
      let j = i + 1;
      while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      let k = j;
      while (k < n && isWordChar(text.charCodeAt(k))) k++;
      const word = text.slice(j, k);
      if (word === 'if' || word === 'ifdef' || word === 'ifndef') {
        if (conds.length < MAX_DEPTH) conds.push(line);
      } else if (word === 'elif' || word === 'else' || word === 'elifdef' || word === 'elifndef') {
        const s = conds.pop();
        if (s !== undefined && line - 1 > s) out.push({ startLine: s, endLine: line - 1, kind: 'region' });
        conds.push(line);
      } else if (word === 'endif') {
        const s = conds.pop();
        if (s !== undefined && line - 1 > s) out.push({ startLine: s, endLine: line - 1, kind: 'region' });
      }
      if (word) {
        // skip the rest of the directive, including backslash continuations
        i = k;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 92 && (text.charCodeAt(i + 1) === 10 || text.charCodeAt(i + 1) === 13)) {
            i += text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2;
            line++;
            continue;
          }
          if (d === 10 || d === 13) break;
          if (d === 47 && text.charCodeAt(i + 1) === 42) break; // a block comment: handled by the main loop
          i++;
        }
        atLineStart = false;
        continue;
      }
    }
    atLineStart = false;
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) { i += 2; continue; }
        if (d === 34 || d === 10 || d === 13) break;
        i++;
      }
      if (text.charCodeAt(i) === 34) i++;
      continue;
    }
    if (c === 39 /* ' */) {
      // char literal: at most a few characters
      let j = i + 1;
      while (j < n && j < i + 8) {
        const d = text.charCodeAt(j);
        if (d === 92) { j += 2; continue; }
        if (d === 39 || d === 10 || d === 13) break;
        j++;
      }
      i = text.charCodeAt(j) === 39 ? j + 1 : i + 1;
      continue;
    }
    if (c === 123 /* { */) {
      if (braces.length < MAX_DEPTH) braces.push(line);
    } else if (c === 125 /* } */) {
      const s = braces.pop();
      if (s !== undefined && line - 1 > s) out.push({ startLine: s, endLine: line - 1 });
    }
    i++;
  }
  flushLineComments();
  out.sort((x, y) => x.startLine - y.startLine || y.endLine - x.endLine);
  return out;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

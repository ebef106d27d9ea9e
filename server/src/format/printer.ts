// The formatter's one pass: decides the white space before every token (and re-indents the
// continuation lines of block comments). Rules (Linux Documentation/devicetree/bindings/
// dts-coding-style.rst of 6.12, and Zephyr's devicetree style, which defers to it):
//
// * one statement per line, indented with one tab per node level;
// * one space around `=`, after `,` and `label:`, before `{`; none inside `< >` and `[ ]`, before
//   `;` and `,`; a line break the user put inside a value is kept and the continuation aligned
//   with the first value (after `= `) or, inside `< >` / `[ ]`, with the first cell (tabs, then
//   spaces: the kernel's alignment); the first value sits on the line of its `<` and the `>;`
//   on the line of the last value;
// * a blank line before a child node that follows a property or a node (Linux), or before a node
//   that follows a sibling node (Zephyr, which allows either after properties); no blank line
//   after `{` or before `};`; elsewhere at most one blank line, as the user wrote it;
// * comments and preprocessor lines are kept: a trailing comment keeps its spacing, a comment on a
//   line of its own is indented like the code around it; directive lines keep their own indentation.
import type { Tok } from './lexer';

export type FormatFlavour = 'linux' | 'zephyr' | 'uboot' | 'dtc';

export interface PrintResult {
  /** gaps[i] is the white space before toks[i]; gaps[toks.length] the end of the file */
  gaps: string[];
  /** the token texts of the output (block comments re-indented) */
  texts: string[];
  /** why the text was left as it is (unbalanced braces, e.g. across #if branches) */
  refused?: string;
}

const TAB = 8;

function width(s: string, col: number): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) col = 0;
    else if (c === 9) col = (Math.floor(col / TAB) + 1) * TAB;
    else col++;
  }
  return col;
}

/** Leading white space reaching `col`: tabs, then spaces (the kernel's alignment of continued values). */
export function indentTo(col: number): string {
  return '\t'.repeat(Math.floor(col / TAB)) + ' '.repeat(col % TAB);
}

/** the column of an offset of a text */
function origColOf(text: string, at: number): number {
  let k = at;
  while (k > 0 && text[k - 1] !== '\n' && text[k - 1] !== '\r') k--;
  return width(text.slice(k, at), 0);
}

function newlines(gap: string): number {
  let n = 0;
  for (let i = 0; i < gap.length; i++) {
    const c = gap.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && gap.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

const isP = (t: Tok | undefined, s: string) => !!t && t.kind === 'punct' && t.text === s;
const isComment = (t: Tok | undefined) => !!t && (t.kind === 'line-comment' || t.kind === 'block-comment');

export function print(text: string, toks: Tok[], flavour: FormatFlavour, eol: string): PrintResult {
  const gaps: string[] = new Array(toks.length + 1);
  const texts: string[] = toks.map((t) => t.text);
  const origGap = (i: number) => text.slice(i === 0 ? 0 : toks[i - 1].end, i < toks.length ? toks[i].start : text.length);
  const refuse = (why: string): PrintResult => ({ gaps: toks.map((_, i) => origGap(i)).concat(origGap(toks.length)), texts: toks.map((t) => t.text), refused: why });

  let depth = 0;
  let inStmt = false;
  let stmtStart = -1; // token index where the current statement began
  let stmtOrigCol = 0; // its column in the input
  let afterEq = false; // inside the value of a property
  let valueCol = -1; // column of the first value after `=`
  // column of the first cell after each open `<` / `[`, in the output and in the input
  // (block: the user broke the line right after the bracket, a table of rows; kept for Linux)
  const brackets: { col: number; orig: number; block: boolean }[] = [];
  let pendingBracket = false; // the next token is the first inside a bracket
  let col = 0;
  let lastStmtNode = false; // the last statement closed was a node (`};`)
  const zephyr = flavour === 'zephyr';

  /** Does the statement starting at token k open a node (reaches `{` before `;`)? */
  const opensNode = (k: number): boolean => {
    if (toks[k].kind === 'keyword' && toks[k].text === '/include/') return false;
    let b = 0;
    for (let j = k; j < toks.length; j++) {
      const t = toks[j];
      if (t.kind !== 'punct') continue;
      if (t.text === '<' || t.text === '[') b++;
      else if (t.text === '>' || t.text === ']') b = Math.max(0, b - 1);
      else if (b === 0 && t.text === '{') return true;
      else if (b === 0 && (t.text === ';' || t.text === '}')) return false;
    }
    return false;
  };
  /** The first token after own-line comments that follow each other without a blank line. */
  const itemAfterComments = (k: number): number => {
    let j = k;
    while (j < toks.length && isComment(toks[j]) && j + 1 < toks.length && newlines(origGap(j + 1)) === 1) j++;
    return j;
  };

  const lineBreak = (blank: number) => eol.repeat(1 + blank);
  // a file included inside a node (its statements indented as written): that indentation is its base
  const first = toks.find((t) => t.kind !== 'directive' && !isComment(t));
  const baseDepth = first ? Math.floor(origColOf(text, first.start) / TAB) : 0;
  const indent = () => (baseDepth + depth) * TAB;
  const origCol = (at: number): number => origColOf(text, at);

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const p = i > 0 ? toks[i - 1] : undefined;
    const g = origGap(i);
    const nl = newlines(g);
    const blankOrig = Math.max(0, nl - 1);
    let gap: string;

    const mustBreak = p !== undefined && (p.kind === 'line-comment' || p.kind === 'directive');
    if (isP(t, '}') && !brackets.length) {
      depth--;
      if (depth < 0) return refuse('a closing brace without its opening one (braces balanced only across #if branches?)');
    }

    if (!p) {
      gap = '';
    } else if (t.kind === 'directive') {
      // own line, its indentation as written
      const lineIndent = g.slice(Math.max(g.lastIndexOf('\n'), g.lastIndexOf('\r')) + 1);
      gap = lineBreak(Math.min(blankOrig, 1)) + (nl > 0 ? lineIndent : '');
      if (nl === 0) gap = eol;
    } else if (isComment(t) && nl === 0 && !mustBreak) {
      gap = g; // a trailing comment keeps its spacing
    } else if (!inStmt || (isP(t, '}') && !(brackets.length > 0))) {
      // a new statement (or an own-line comment between statements), or a closing brace
      let blank = Math.min(blankOrig, 1);
      if (isP(p, '{') || isP(t, '}')) blank = 0;
      else {
        const item = itemAfterComments(i);
        const itemIsNode = item < toks.length && !isComment(toks[item]) && !isP(toks[item], '}') && opensNode(item);
        const prevEndsStmt = isP(p, ';');
        if (itemIsNode && prevEndsStmt && (!zephyr || lastStmtNode)) blank = 1;
      }
      // an empty node written `name { };` stays on its line; a comment at the top of a file included
      // inside a node (base indentation) stays where it is
      const at = depth === 0 && isComment(t) && origCol(t.start) < baseDepth * TAB ? origCol(t.start) : indent();
      gap = isP(p, '{') && isP(t, '}') && nl === 0 ? ' ' : lineBreak(blank) + indentTo(at);
    } else {
      // inside a statement
      const breakHere = nl > 0 || mustBreak;
      const joinable = !mustBreak && !isComment(t);
      const block = brackets.length > 0 && brackets[brackets.length - 1].block;
      if (breakHere && block) {
        // a table of rows inside < >: rows and the closing bracket keep their indentation relative to the statement
        const rel = origCol(t.start) - stmtOrigCol;
        const closing = isP(t, '>') || isP(t, ']');
        gap = lineBreak(closing ? 0 : Math.min(blankOrig, 1)) + indentTo(indent() + (closing ? Math.max(0, rel) : rel > 0 ? rel : TAB));
      } else if (breakHere && joinable && (isP(t, '>') || isP(t, ']') || isP(t, ';') || isP(t, ',') || isP(p, '<') || isP(p, '['))) {
        gap = '';
      } else if (breakHere && joinable && (isP(t, '{') || isP(p, ':') || isP(t, '='))) {
        gap = ' ';
      } else if (breakHere) {
        let c: number;
        if (brackets.length) {
          // inside < > the user's alignment relative to the first cell is kept (the kernel aligns
          // a specifier's continuation with its `<`, its first cell or its first argument)
          const b = brackets[brackets.length - 1];
          c = b.col + Math.max(-1, origCol(t.start) - b.orig);
        }
        else if (afterEq && valueCol >= 0) c = valueCol;
        else {
          // a value (or a name part) on a line of its own: its indentation relative to the statement as written, at least one tab
          const rel = origCol(t.start) - stmtOrigCol;
          c = indent() + (rel > 0 || (rel === 0 && !isP(p, '=')) ? rel : TAB);
        }
        gap = eol + indentTo(c);
      } else if (isP(t, ';') || isP(t, ',') || isP(t, '>') || isP(t, ']') || isP(p, '<') || isP(p, '[')) {
        gap = '';
      } else if (isP(t, '=') || isP(p, '=') || isP(t, '{') || isP(p, ',') || isP(p, ':')) {
        gap = ' ';
      } else if (isP(t, ':')) {
        gap = '';
      } else if (t.kind === 'parens' && p.kind === 'word' && g.length === 0) {
        gap = '';
      } else if (brackets.length && g.length > 0) {
        gap = g; // between cells: kept as written (rows of a table aligned in columns)
      } else {
        gap = g.length > 0 ? ' ' : '';
      }
    }
    gaps[i] = gap;
    col = width(gap, col);
    // a block comment on a line of its own: its continuation lines follow its new indentation
    if (t.kind === 'block-comment' && texts[i].includes('\n') && gap.includes('\n')) {
      const ind = gap.slice(gap.lastIndexOf('\n') + 1);
      texts[i] = texts[i]
        .split(/\r?\n/)
        .map((line, k) => (k === 0 ? line : /^[ \t]*\*/.test(line) ? ind + ' ' + line.replace(/^[ \t]*/, '') : line.replace(/[ \t]+$/, '')))
        .join(eol);
    }
    const tokCol = col;
    col = width(texts[i], col);

    // state after the token
    if (t.kind === 'directive' || isComment(t)) {
      if (pendingBracket && !isComment(t)) pendingBracket = false;
      continue;
    }
    if (!inStmt) {
      inStmt = true;
      stmtStart = i;
      stmtOrigCol = origCol(t.start);
      afterEq = false;
      valueCol = -1;
      brackets.length = 0;
    }
    if (pendingBracket) {
      brackets[brackets.length - 1] = { col: tokCol, orig: origCol(t.start), block: false };
      pendingBracket = false;
    }
    if (afterEq && valueCol < 0) valueCol = tokCol;
    if (t.kind === 'punct') {
      switch (t.text) {
        case '=':
          if (!brackets.length) afterEq = true;
          break;
        case '<':
        case '[':
          brackets.push({ col, orig: origCol(t.end), block: !zephyr && i + 1 < toks.length && newlines(origGap(i + 1)) > 0 });
          pendingBracket = !brackets[brackets.length - 1].block;
          break;
        case '>':
        case ']':
          brackets.pop();
          pendingBracket = false;
          break;
        case ';':
          if (!brackets.length) {
            lastStmtNode = isP(toks[stmtStart], '}');
            inStmt = false;
          }
          break;
        case '{':
          if (!brackets.length) {
            depth++;
            inStmt = false;
          }
          break;
        case '}':
          brackets.length = 0;
          break;
      }
    }
    // after `}` only `;` continues the statement
    if (isP(t, '}') && !isP(toks[i + 1], ';')) {
      lastStmtNode = true;
      inStmt = false;
    }
    // `/include/ "file"` has no `;`
    if (t.kind === 'string' && p && p.kind === 'keyword' && p.text === '/include/') inStmt = false;
    // a macro that stands for whole statements: `NAME(args)` (or `NAME`) alone on its line
    if (inStmt && i + 1 < toks.length && (t.kind === 'parens' || t.kind === 'word') && toks[stmtStart].kind === 'word') {
      const onlyMacro = i === stmtStart || (i === stmtStart + 1 && t.kind === 'parens');
      const next = toks[i + 1];
      const nextStarts = next.kind === 'word' || next.kind === 'ref' || next.kind === 'keyword' || next.kind === 'directive' || isP(next, '}');
      if (onlyMacro && nextStarts && newlines(origGap(i + 1)) > 0) inStmt = false;
    }
  }
  if (depth !== 0) return refuse(`${depth} unclosed brace${depth === 1 ? '' : 's'} (braces balanced only across #if branches?)`);
  gaps[toks.length] = toks.length ? eol : '';
  return { gaps, texts };
}

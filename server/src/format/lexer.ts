// Tokens of Devicetree source as the user wrote it (before preprocessing), for the formatter and
// the ordering code actions. The text is a sequence of tokens separated by white space ("gaps");
// the formatter only ever rewrites gaps, never a token, so the tokens of its output are the tokens
// of its input (checked after every run by re-lexing).
//
// Preprocessor directive lines (with their backslash continuations) and comments are single
// tokens; a parenthesised group (a macro's arguments, a cell expression) is one token too, kept
// as written. A line that starts with `#` is a directive only when the word after it is a cpp
// directive name: `#address-cells = <1>;` is a property (cpp in assembler-with-cpp mode passes
// unknown directives through, which is why such properties work).

export type TokKind =
  | 'directive' // #include, #define, #if, … (the whole logical line)
  | 'line-comment' // // … (to the end of the line)
  | 'block-comment' // /* … */
  | 'string' // "…"
  | 'char' // 'a'
  | 'word' // names, numbers, property names (#address-cells, linux,code), node names (cpu@0), macro names
  | 'ref' // &label, &{/path}
  | 'keyword' // /dts-v1/, /delete-node/, /bits/, …
  | 'parens' // ( … ) as written
  | 'punct'; // { } ; = < > [ ] , : / and anything else, one character

export interface Tok {
  kind: TokKind;
  start: number;
  end: number;
  text: string;
}

export interface Lexed {
  text: string;
  toks: Tok[];
}

const DIRECTIVES = new Set([
  'include', 'include_next', 'define', 'undef', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif',
  'error', 'warning', 'pragma', 'line', 'ident', 'sccs', 'assert', 'unassert', 'import',
]);

const WORD = /[A-Za-z0-9_,.+*#?@$-]/;

function isLineStart(text: string, i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** Never throws; unterminated comments, strings and groups run to the end of the text (or line). */
export function lex(text: string): Lexed {
  const toks: Tok[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokKind, start: number, end: number) => {
    toks.push({ kind, start, end, text: text.slice(start, end) });
    i = end;
  };
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    const start = i;
    if (c === '/' && text[i + 1] === '/') {
      let j = i + 2;
      while (j < n && text[j] !== '\n' && text[j] !== '\r') j++;
      push('line-comment', start, j);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const j = text.indexOf('*/', i + 2);
      push('block-comment', start, j < 0 ? n : j + 2);
      continue;
    }
    if (c === '#' && isLineStart(text, i)) {
      const m = /^#[ \t]*([A-Za-z_]+)/.exec(text.slice(i, i + 40));
      if ((m && DIRECTIVES.has(m[1])) || /^#[ \t]*(\r?\n|$)/.test(text.slice(i, i + 3))) {
        push('directive', start, directiveEnd(text, i));
        continue;
      }
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      push(c === '"' ? 'string' : 'char', start, Math.min(n, j + 1));
      continue;
    }
    if (c === '&') {
      if (text[i + 1] === '{') {
        const j = text.indexOf('}', i + 2);
        push('ref', start, j < 0 ? n : j + 1);
        continue;
      }
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(text[j])) j++;
      push(j > i + 1 ? 'ref' : 'punct', start, j > i + 1 ? j : i + 1);
      continue;
    }
    if (c === '/') {
      const m = /^\/[a-z][a-z0-9-]*\//.exec(text.slice(i, i + 40));
      if (m) {
        push('keyword', start, i + m[0].length);
        continue;
      }
    }
    if (c === '(') {
      push('parens', start, groupEnd(text, i));
      continue;
    }
    if (WORD.test(c) && c !== ',') {
      let j = i + 1;
      while (j < n && WORD.test(text[j])) j++;
      push('word', start, j);
      continue;
    }
    push('punct', start, i + 1);
  }
  return { text, toks };
}

/** End of a directive's logical line: backslash-newline continues it; a block comment that starts on it runs to its end. */
function directiveEnd(text: string, i: number): number {
  const n = text.length;
  let j = i;
  while (j < n) {
    const c = text[j];
    if (c === '\\' && (text[j + 1] === '\n' || (text[j + 1] === '\r' && text[j + 2] === '\n'))) {
      j += text[j + 1] === '\r' ? 3 : 2;
      continue;
    }
    if (c === '/' && text[j + 1] === '*') {
      const e = text.indexOf('*/', j + 2);
      j = e < 0 ? n : e + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let k = j + 1;
      while (k < n && text[k] !== c && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      j = Math.min(n, k + 1);
      continue;
    }
    if (c === '\n' || c === '\r') break;
    j++;
  }
  // trailing blanks are gap, not token
  while (j > i && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
  return j;
}

/** End of a balanced ( … ) group, skipping strings and comments; an unbalanced group ends at the end of its line. */
function groupEnd(text: string, i: number): number {
  const n = text.length;
  let depth = 0;
  let j = i;
  while (j < n) {
    const c = text[j];
    if (c === '"' || c === "'") {
      let k = j + 1;
      while (k < n && text[k] !== c && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      j = k + 1;
      continue;
    }
    if (c === '/' && text[j + 1] === '*') {
      const e = text.indexOf('*/', j + 2);
      j = e < 0 ? n : e + 2;
      continue;
    }
    if (c === '/' && text[j + 1] === '/') {
      while (j < n && text[j] !== '\n') j++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return j + 1;
    } else if ((c === ';' || c === '{' || c === '}') && depth > 0) {
      // not a cell expression or macro argument list any more: give up on the group at the opening parenthesis
      return i + 1;
    }
    j++;
  }
  return i + 1;
}

/** Tokens equal as the formatter must keep them: same kinds and texts (block comments compared without their line indentation). */
export function sameTokens(a: Tok[], b: Tok[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].kind !== b[i].kind) return false;
    if (a[i].text === b[i].text) continue;
    if (a[i].kind === 'block-comment' && commentKey(a[i].text) === commentKey(b[i].text)) continue;
    return false;
  }
  return true;
}

function commentKey(s: string): string {
  return s.split(/\r?\n/).map((l) => l.trim()).join('\n');
}

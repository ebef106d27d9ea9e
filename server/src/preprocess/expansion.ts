// #define and the expansion of macro invocations met in the text (macros.ts expands; this emits the result
// with its source-map segments and records the use).
import type { Diagnostic, FileRange } from '../base/diagnostics';
import { MAX_OUTPUT } from './incremental';
import { K, tokenAt, tokenBefore, tokenize, wouldPaste, type Tok } from './lexer';
import { FileReader, LimitError, parseDefine, sameDefinition, type Macro } from './macros';
import { lazyDefine } from './lazy-define';
import { SEG_ARG, SEG_MACRO } from './sourcemap';
import { Conditionals } from './conditionals';
import type { FileState } from './state';

export abstract class Expansion extends Conditionals {
  protected doDefine(F: FileState, ne: number, end: number, dirRange: FileRange): void {
    const lazy = lazyDefine(F.text, ne, end, F.id);
    if (lazy) {
      this.defineMacro(F, lazy, lazy.at);
      return;
    }
    const toks = tokenize(F.text, ne, end, 0);
    if (!toks.length) {
      this.diag('macro-error', 'error', 'no macro name given in #define directive', dirRange);
      return;
    }
    const nameTok = toks[0];
    const loc: FileRange = { file: F.id, start: nameTok.pos, end: nameTok.pos + nameTok.t.length };
    const m = parseDefine(toks, loc);
    if ('message' in m) {
      this.diag('macro-error', 'error', m.message, m.pos >= 0 ? { file: F.id, start: m.pos, end: m.end } : dirRange);
      return;
    }
    if (m.warning && !F.system) {
      this.diag('preprocessor-warning', 'warning', m.warning.message, { file: F.id, start: m.warning.pos, end: m.warning.end });
      m.warning = undefined;
    }
    this.defineMacro(F, m, loc);
  }

  private defineMacro(F: FileState, m: Macro, loc: FileRange): void {
    const old = this.lookup(m.name);
    // cpp says nothing about a redefinition in a system header (one found through an -isystem directory)
    if (old && !sameDefinition(old, m) && !F.system) {
      const d: Diagnostic = {
        ...loc, severity: 'warning', code: 'macro-redefined',
        message: old.builtin ? `redefining builtin macro "${m.name}"` : `"${m.name}" redefined`,
      };
      if (old.def.location) d.related = [{ ...old.def.location, message: 'previous definition' }];
      this.diagnostics.push(d);
    }
    this.setMacro(m.name, m);
  }

  // ------------------------------------------------------------------ macro expansion in text

  /** Expand the macro named at text[s, e). Returns the end of the invocation, or -1 when nothing was expanded. */
  protected expandAt(F: FileState, s: number, e: number, m: Macro): number {
    const text = F.text;
    const reader = new FileReader(text, e, text.length);
    if (m.params && !m.builtin && !reader.peekParen()) return -1;
    const nameTok: Tok = { t: m.name, k: K.Ident, ws: false, pos: s, hs: null };
    this.expander.begin();
    this.curInvocation = s;
    let toks: Tok[] | undefined;
    try {
      toks = this.expander.expandFromFile(nameTok, reader);
    } catch (err) {
      if (err instanceof LimitError) {
        this.diag('resource-limit', 'error', `${err.message} (expanding "${m.name}")`, { file: F.id, start: s, end: e });
        // keep the whole invocation as written and do not rescan inside it: nested invocations
        // would each hit the limit again (quadratic time on F(F(F(...))) thousands deep)
        return m.params ? invocationEnd(text, e) : -1;
      }
      throw err;
    }
    if (!toks) return -1;
    const useEnd = Math.max(e, reader.lastEnd);
    this.reportIssues(F, this.expander.issues, { file: F.id, start: s, end: useEnd });
    // an invocation that failed (argument errors) leaves the name as written
    if (toks.length === 1 && toks[0].t === m.name && toks[0].pos === s) return -1;
    this.flush(F, s);
    this.emitExpansion(F, s, useEnd, toks, m);
    F.runStart = useEnd;
    if ((++this.tick & 1023) === 0) this.checkCancel({ file: F.id, start: s, end: useEnd });
    return useEnd;
  }

  protected emitExpansion(F: FileState, s: number, useEnd: number, toks: Tok[], m: Macro): void {
    if (this.stopped) return;
    const useIdx = this.uses.length;
    const fi = F.fi;
    const parts: string[] = [];
    let outPos = this.outLen;
    let segOpen = false; // a MACRO segment is open
    const openMacroSeg = (): void => {
      if (!segOpen) { this.segs.push(outPos, fi, s, useEnd, SEG_MACRO, useIdx); segOpen = true; }
    };
    const prevText = this.lastOutputText();
    const before = tokenBefore(prevText, prevText.length);
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k];
      let sep = false;
      if (k === 0) {
        if (before && wouldPaste(before.t, before.k, t.t, t.k)) sep = true;
      } else {
        const p = toks[k - 1];
        sep = t.ws || ((t.ap === true || p.apAfter === true) && wouldPaste(p.t, p.k, t.t, t.k));
      }
      if (sep) { openMacroSeg(); parts.push(' '); outPos += 1; }
      if (t.pos >= 0 && t.pos + t.t.length <= F.text.length && t.pos >= s && t.pos < useEnd) {
        this.segs.push(outPos, fi, t.pos, t.pos + t.t.length, SEG_ARG, useIdx);
        segOpen = false;
      } else openMacroSeg();
      parts.push(t.t);
      outPos += t.t.length;
    }
    if (toks.length) {
      const after = tokenAt(F.text, useEnd, F.text.length);
      const last = toks[toks.length - 1];
      if (after && wouldPaste(last.t, last.k, after.t, after.k)) { openMacroSeg(); parts.push(' '); outPos += 1; }
    } else openMacroSeg();
    const expansion = parts.join('');
    this.outParts.push(expansion);
    this.outLen = outPos;
    this.uses.push({ name: m.name, range: { file: F.id, start: s, end: useEnd }, expansion, definition: m.def });
    if (this.outLen > MAX_OUTPUT) this.stop(`preprocessed output exceeds ${MAX_OUTPUT} bytes`, { file: F.id, start: s, end: useEnd });
  }
}

/** End of the parenthesised argument list that starts after text[e) (past the matching ')'), or -1. */
function invocationEnd(text: string, e: number): number {
  const r = new FileReader(text, e, text.length);
  let depth = 0;
  for (let t = r.next(); t; t = r.next()) {
    if (t.t === '(') depth++;
    else if (t.t === ')' && --depth === 0) return r.lastEnd;
  }
  return -1;
}

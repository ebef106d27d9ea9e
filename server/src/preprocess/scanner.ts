// The scan of one file: comments, line splices, directives (dispatched to the layers below), macro names
// (expansion.ts), dtc /include/ (includes.ts), and everything else copied verbatim.
import type { FileRange } from '../base/diagnostics';
import { dirname } from '../base/paths';
import {
  blockCommentEnd, DIRECTIVES, identEnd, isDigit, isHSpace, isIdStart, K, lineCommentEnd, numberEnd, quoteEnd, tokenize,
} from './lexer';
import { Includes } from './includes';
import { SEG_GAP } from './sourcemap';
import { FileState } from './state';

const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif']);

export abstract class Scanner extends Includes {
  protected processFile(id: string, foundPath: string, text: string, foundIdx: number, depth: number, system = false): void {
    const F = new FileState(this.fileId(id), id, dirname(foundPath), text, foundIdx, depth, system);
    const saved = this.cur;
    this.cur = F;
    try {
      this.scan(F);
    } finally {
      this.cur = saved;
    }
  }

  protected scan(F: FileState): void {
    const text = F.text;
    const n = text.length;
    let i = 0;
    let bol = true;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        bol = true;
        if ((++this.tick & 1023) === 0 && this.checkCancel({ file: F.id, start: i, end: i })) break;
        if (this.stopped) break;
        continue;
      }
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; continue; }
      if (c === 47) {
        const d = text.charCodeAt(i + 1);
        if (d === 42) {
          let e = blockCommentEnd(text, i);
          if (e < 0) {
            this.diag('preprocessor-error', 'error', 'unterminated comment', { file: F.id, start: i, end: i + 2 });
            e = n;
          }
          if (F.active) {
            this.flush(F, i);
            const nl = text.indexOf('\n', i);
            this.emitText(nl >= 0 && nl < e ? '\n' : ' ', F.fi, i, e, SEG_GAP, -1);
            F.runStart = e;
          }
          i = e;
          continue;
        }
        if (d === 47) {
          const e = lineCommentEnd(text, i, n);
          if (F.active) { this.flush(F, i); F.runStart = e; }
          i = e;
          continue;
        }
      }
      if (c === 92) {
        const d = text.charCodeAt(i + 1);
        if (d === 10 || (d === 13 && text.charCodeAt(i + 2) === 10)) {
          const e = i + (d === 10 ? 2 : 3);
          if (F.active) { this.flush(F, i); F.runStart = e; }
          i = e;
          continue;
        }
      }
      if (bol && c === 35) {
        bol = false;
        const e = this.directive(F, i);
        if (e >= 0) {
          i = e;
          F.runStart = e;
          if (this.stopped) break;
          continue;
        }
      }
      bol = false;
      if (F.guardClosed) F.guardBroken = true;
      F.sawAnything = true;
      if (!F.active) {
        if (isIdStart(c)) i = identEnd(text, i + 1, n);
        else if (c === 34 || c === 39) i = quoteEnd(text, i, n);
        else if (isDigit(c)) i = numberEnd(text, i, n);
        else i++;
        continue;
      }
      if (isIdStart(c)) {
        const e = identEnd(text, i + 1, n);
        const m = this.mayBeMacro(c) ? this.lookup(text.slice(i, e)) : undefined;
        if (m) {
          const r = this.expandAt(F, i, e, m);
          if (r >= 0) { i = r; continue; }
        }
        i = e;
        continue;
      }
      if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) { i = numberEnd(text, i, n); continue; }
      if (c === 34 || c === 39) { i = quoteEnd(text, i, n); continue; }
      if (c === 47 && text.charCodeAt(i + 1) === 105 && text.startsWith('/include/', i)) {
        const r = this.dtcIncludeAt(F, text, i, F.dir, F.fi, F.id, F.depth);
        if (r >= 0) { i = r; F.runStart = r; continue; }
      }
      i++;
    }
    if (!this.stopped) this.flush(F, n);
    // unterminated conditionals
    if (F.conds.length) {
      if (!F.active && F.inactiveStart >= 0 && F.inactiveStart < n) this.inactive.push({ file: F.id, start: F.inactiveStart, end: n });
      for (const cd of F.conds) {
        this.diag('preprocessor-error', 'error', `unterminated #${cd.name}`, { file: F.id, start: cd.start, end: cd.nameEnd });
      }
    }
    if (F.guardCandidate && F.guardClosed && !F.guardBroken) this.learnGuard(F.id, F.guardCandidate);
  }

  protected logicalLineEnd(F: FileState, i: number): number {
    const text = F.text;
    const n = text.length;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        let k = i - 1;
        if (k >= 0 && text.charCodeAt(k) === 13) k--;
        if (k >= 0 && text.charCodeAt(k) === 92) { i++; continue; }
        return i;
      }
      if (c === 47) {
        const d = text.charCodeAt(i + 1);
        if (d === 42) {
          const e = blockCommentEnd(text, i);
          if (e < 0) { this.diag('preprocessor-error', 'error', 'unterminated comment', { file: F.id, start: i, end: i + 2 }); return n; }
          i = e;
          continue;
        }
        if (d === 47) { i = lineCommentEnd(text, i, n); continue; }
      }
      if (c === 34 || c === 39) { i = quoteEnd(text, i, n); continue; }
      i++;
    }
    return n;
  }

  /** Handle a directive whose '#' is at i. Returns the end of the directive line, or -1 when the line is not a directive. */
  protected directive(F: FileState, i: number): number {
    const text = F.text;
    const n = text.length;
    let j = i + 1;
    while (j < n && isHSpace(text.charCodeAt(j))) j++;
    const c = text.charCodeAt(j);
    if (j >= n || c === 10) {
      // null directive
      if (F.active) this.flush(F, i);
      this.noteDirective(F);
      return j;
    }
    if (isDigit(c)) {
      // line marker (# 12 "file"): accepted and ignored
      const end = this.logicalLineEnd(F, j);
      if (F.active) this.flush(F, i);
      this.noteDirective(F);
      return end;
    }
    if (!isIdStart(c)) return -1;
    const ne = identEnd(text, j + 1, n);
    const name = text.slice(j, ne);
    if (!DIRECTIVES.has(name)) return -1;
    const end = this.logicalLineEnd(F, ne);
    if (!F.active && !CONDITIONALS.has(name)) return end;
    if (F.active) this.flush(F, i);
    const wasFirst = !F.sawAnything;
    this.noteDirective(F);
    let dend = end;
    while (dend > ne && isHSpace(text.charCodeAt(dend - 1))) dend--;
    const dirRange: FileRange = { file: F.id, start: i, end: dend };
    const kwRange: FileRange = { file: F.id, start: i, end: ne };
    switch (name) {
      case 'define': this.doDefine(F, ne, end, dirRange); break;
      case 'undef': {
        const toks = tokenize(text, ne, end, 0);
        if (!toks.length || toks[0].k !== K.Ident) {
          this.diag('macro-error', 'error', toks.length ? 'macro names must be identifiers' : 'no macro name given in #undef directive', toks.length ? this.tokRange(F, toks[0]) : kwRange);
          break;
        }
        this.lookup(toks[0].t);
        this.setMacro(toks[0].t, null);
        break;
      }
      case 'include': case 'include_next': case 'import':
        this.doInclude(F, name, ne, end, dirRange);
        break;
      case 'if': case 'ifdef': case 'ifndef':
        this.doIf(F, name, i, ne, end, dirRange, wasFirst);
        break;
      case 'elif': case 'elifdef': case 'elifndef': case 'else':
        this.doElse(F, name, i, ne, end, dirRange);
        break;
      case 'endif': {
        const cd = F.conds.pop();
        if (!cd) {
          this.diag('preprocessor-error', 'error', '#endif without #if', kwRange);
          break;
        }
        if (cd.guard !== undefined) F.guardClosed = true;
        this.setActive(F, i, end);
        break;
      }
      case 'error':
      case 'warning': {
        const msg = text.slice(ne, dend).replace(/\\\r?\n/g, ' ').trim();
        this.diag(name === 'error' ? 'preprocessor-error' : 'preprocessor-warning', name === 'error' ? 'error' : 'warning', `#${name}${msg ? ' ' + msg : ''}`, dirRange);
        break;
      }
      case 'pragma': {
        const toks = tokenize(text, ne, end, 0);
        if (toks.length === 1 && toks[0].t === 'once') this.once.add(F.id);
        else if (toks.length === 2 && toks[0].t === 'GCC' && toks[1].t === 'system_header') F.system = true;
        else if (!F.system) {
          // cpp copies other pragmas into its output, where dtc rejects them; nothing is dropped silently
          this.diag('preprocessor-warning', 'warning', `#pragma ${toks.map((t) => t.t).join(' ')} is ignored (cpp passes it through to dtc, which rejects it)`, dirRange);
        }
        break;
      }
      case 'ident': case 'sccs': case 'assert': case 'unassert':
        if (!F.system) this.diag('preprocessor-warning', 'warning', `#${name} is not supported and is ignored`, dirRange);
        break;
      default:
        // #line: accepted (it only renumbers cpp's line markers)
        break;
    }
    return end;
  }

  protected noteDirective(F: FileState): void {
    if (F.guardClosed) F.guardBroken = true;
    F.sawAnything = true;
  }
}

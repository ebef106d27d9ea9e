// Conditional groups: #if, #ifdef, #ifndef, #elif, #elifdef, #elifndef, #else (and the include guard an
// #ifndef at the top of a file may be), the inactive ranges they leave.
import type { FileRange } from '../base/diagnostics';
import { evaluate } from './expr';
import { K, tokenize, type Tok } from './lexer';
import { LimitError } from './macros';
import { CacheSplice } from './cache-splice';
import type { Cond, FileState } from './state';

export abstract class Conditionals extends CacheSplice {
  protected lineStart(text: string, i: number): number {
    const nl = text.lastIndexOf('\n', i - 1);
    return nl + 1;
  }


  protected setActive(F: FileState, dirStart: number, dirEnd: number): void {
    const top = F.conds[F.conds.length - 1];
    const now = top ? top.parentActive && top.cur : true;
    if (now === F.active) return;
    if (!now) {
      F.inactiveStart = dirEnd < F.text.length ? dirEnd + 1 : dirEnd;
    } else {
      const ls = this.lineStart(F.text, dirStart);
      if (F.inactiveStart >= 0 && ls > F.inactiveStart) this.inactive.push({ file: F.id, start: F.inactiveStart, end: ls });
      F.inactiveStart = -1;
    }
    F.active = now;
  }

  protected definedOp(F: FileState, toks: Tok[]): Tok[] | { error: string; tok: Tok } {
    let out: Tok[] | null = null;
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k];
      if (t.k === K.Ident && t.t === 'defined') {
        if (!out) out = toks.slice(0, k);
        let nameTok = toks[k + 1];
        let last = k + 1;
        if (nameTok && nameTok.t === '(') {
          nameTok = toks[k + 2];
          if (toks[k + 3]?.t !== ')') return { error: `missing ')' after "defined"`, tok: toks[k + 3] ?? t };
          last = k + 3;
        }
        if (!nameTok || nameTok.k !== K.Ident) return { error: `operator "defined" requires an identifier`, tok: nameTok ?? t };
        const d = this.lookup(nameTok.t) !== undefined;
        out.push({ t: d ? '1' : '0', k: K.Number, ws: t.ws, pos: -1, hs: null });
        k = last;
        continue;
      }
      if (out) out.push(t);
    }
    return out ?? toks;
  }

  protected evalIf(F: FileState, ne: number, end: number, dirRange: FileRange): boolean {
    const toks = tokenize(F.text, ne, end, 0);
    const d1 = this.definedOp(F, toks);
    if ('error' in d1) {
      this.diag('preprocessor-error', 'error', d1.error, d1.tok.pos >= 0 ? this.tokRange(F, d1.tok) : dirRange);
      return false;
    }
    this.expander.begin();
    let expanded: Tok[];
    try {
      expanded = this.expander.expandList(d1);
    } catch (e) {
      if (e instanceof LimitError) { this.diag('resource-limit', 'error', e.message, dirRange); return false; }
      throw e;
    }
    this.reportIssues(F, this.expander.issues, dirRange);
    const d2 = this.definedOp(F, expanded);
    if ('error' in d2) {
      this.diag('preprocessor-error', 'error', d2.error, d2.tok.pos >= 0 ? this.tokRange(F, d2.tok) : dirRange);
      return false;
    }
    if (d2.length === 0) {
      this.diag('preprocessor-error', 'error', '#if with no expression', dirRange);
      return false;
    }
    const r = evaluate(d2);
    if (r.error) {
      const t = r.error.tok;
      this.diag('preprocessor-error', 'error', r.error.message, t && t.pos >= 0 ? this.tokRange(F, t) : dirRange);
      return false;
    }
    return r.value;
  }

  protected ifdefName(F: FileState, ne: number, end: number, name: string, kwRange: FileRange): string | undefined {
    const toks = tokenize(F.text, ne, end, 0);
    if (!toks.length) {
      this.diag('preprocessor-error', 'error', `no macro name given in #${name} directive`, kwRange);
      return undefined;
    }
    if (toks[0].k !== K.Ident) {
      this.diag('preprocessor-error', 'error', `macro names must be identifiers`, this.tokRange(F, toks[0]));
      return undefined;
    }
    return toks[0].t;
  }

  protected doIf(F: FileState, name: string, i: number, ne: number, end: number, dirRange: FileRange, wasFirst: boolean): void {
    const cd: Cond = { start: i, nameEnd: ne, name, parentActive: F.active, taken: true, cur: false, sawElse: false };
    if (F.active) {
      let v = false;
      if (name === 'if') v = this.evalIf(F, ne, end, dirRange);
      else {
        const m = this.ifdefName(F, ne, end, name, { file: F.id, start: i, end: ne });
        if (m !== undefined) {
          const def = this.lookup(m) !== undefined;
          v = name === 'ifdef' ? def : !def;
          if (name === 'ifndef' && wasFirst && F.conds.length === 0) {
            cd.guard = m;
            F.guardCandidate = m;
            this.guardCandidates.set(F.id, m);
          }
        }
      }
      cd.taken = v;
      cd.cur = v;
    }
    F.conds.push(cd);
    this.setActive(F, i, end);
  }

  protected doElse(F: FileState, name: string, i: number, ne: number, end: number, dirRange: FileRange): void {
    const kwRange = { file: F.id, start: i, end: ne };
    const cd = F.conds[F.conds.length - 1];
    if (!cd) {
      this.diag('preprocessor-error', 'error', `#${name} without #if`, kwRange);
      return;
    }
    if (cd.sawElse) {
      this.diag('preprocessor-error', 'error', `#${name} after #else`, kwRange);
      // keep the group skipped
      cd.cur = false;
      this.setActive(F, i, end);
      return;
    }
    if (name === 'else') {
      cd.sawElse = true;
      cd.cur = cd.parentActive && !cd.taken;
      cd.taken = true;
    } else if (!cd.parentActive || cd.taken) {
      cd.cur = false;
    } else {
      let v = false;
      if (name === 'elif') v = this.evalIf(F, ne, end, dirRange);
      else {
        const m = this.ifdefName(F, ne, end, name, kwRange);
        if (m !== undefined) {
          const def = this.lookup(m) !== undefined;
          v = name === 'elifdef' ? def : !def;
        }
      }
      cd.cur = v;
      cd.taken = v;
    }
    if (cd.guard !== undefined) { cd.guard = undefined; F.guardCandidate = undefined; this.guardCandidates.delete(F.id); }
    this.setActive(F, i, end);
  }

  // ------------------------------------------------------------------ #define
}

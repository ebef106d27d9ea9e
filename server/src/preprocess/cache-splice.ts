// Include-cache use inside a run: the frames that record what an included file did (macros consulted and
// set, output, diagnostics) are stored as cache entries, and a matching entry is spliced into the output
// instead of preprocessing the file again (cache.ts holds the entries).
import type { CacheEntry, Resolution } from './cache';
import { MAX_OUTPUT } from './incremental';
import { RunState, WRITTEN, type Frame } from './state';

export abstract class CacheSplice extends RunState {
  /** Where an include request resolves now (includes.ts). */
  abstract resolve(r: Omit<Resolution, 'found'>): string | undefined;

  protected learnGuard(id: string, guard: string): void {
    this.guards.set(id, guard);
    for (let fIndex = 0, fList = this.frames; fIndex < fList.length; fIndex++) { const f = fList[fIndex]; f.guards.push([id, guard]); }
  }


  /** An include resolved (here, or in a file replayed from the cache): for the frames and for the next run's replay. */
  protected recordResolution(r: Resolution): void {
    for (let fIndex = 0, fList = this.frames; fIndex < fList.length; fIndex++) { const f = fList[fIndex]; f.resolutions.push(r); }
    this.allResolutions.push({ req: r, found: r.found, id: r.found === undefined ? undefined : this.real(r.found) });
  }

  /** An included file's text goes into the output (here, or inside a file replayed from the cache). */
  protected recordRead(id: string, text: string): void {
    this.copied(id);
    for (let fIndex = 0, fList = this.frames; fIndex < fList.length; fIndex++) {
      const f = fList[fIndex];
      f.deps.push({ path: id, text });
      f.filesRead.push(id);
    }
  }

  protected findCached(id: string, text: string): CacheEntry | undefined {
    const cands = this.cache!.candidates(id);
    outer: for (let eIndex = 0, eList = cands; eIndex < eList.length; eIndex++) {
      const e = eList[eIndex];
      if (e.text !== text || e.includePathsKey !== this.ipKey) continue;
      // cheapest first: an edited nested file (text compare) fails most entries before their macro check
      for (let dIndex = 0, dList = e.deps; dIndex < dList.length; dIndex++) {
        const d = dList[dIndex];
        if (this.stack.includes(d.path)) continue outer;
        const rd = this.read(d.path);
        if (!rd.ok || rd.text !== d.text) continue outer;
      }
      for (let rIndex = 0, rList = e.resolutions; rIndex < rList.length; rIndex++) { const r = rList[rIndex]; if (this.resolve(r) !== r.found) continue outer; }
      if (!this.consultedMatch(e.consulted)) continue;
      return e;
    }
    return undefined;
  }

  /** Is the file of this frame, or a file it included, being edited (its cache entry would not live long)? */
  protected isVolatileFrame(f: Frame): boolean {
    const c = this.cache!;
    const causes: string[] = [];
    if (c.isVolatile(f.path)) causes.push(f.path);
    for (let k = 0; k < f.deps.length; k++) if (c.isVolatile(f.deps[k].path)) causes.push(f.deps[k].path);
    if (causes.length === 0) return false;
    c.markVolatile(f.path, causes);
    return true;
  }

  /** Does every macro a cached file consulted before defining it have the same definition now? */
  protected consultedMatch(consulted: Map<string, string | null>): boolean {
    const macros = this.macros;
    let ok = true;
    // forEach: no entry arrays (thousands of names per big include, checked on every analysis)
    consulted.forEach((sig, name) => {
      if (!ok || sig === WRITTEN) return;
      const m = macros.get(name);
      if ((m ? m.sig : null) !== sig) ok = false;
    });
    return ok;
  }

  protected store(f: Frame): void {
    const sg = this.segs;
    const fileTable: string[] = [];
    const local = new Int32Array(this.files.length).fill(-1);
    const segOut = sg.out.slice(f.seg);
    const segFile = sg.file.slice(f.seg);
    const segUse = sg.use.slice(f.seg);
    for (let k = 0; k < segOut.length; k++) {
      segOut[k] -= f.outLen;
      const g = segFile[k];
      let lf = local[g];
      if (lf < 0) { lf = fileTable.length; fileTable.push(this.files[g]); local[g] = lf; }
      segFile[k] = lf;
      if (segUse[k] >= 0) segUse[k] -= f.use;
    }
    this.cache!.store({
      path: f.path,
      text: f.text,
      consulted: f.consulted,
      effects: f.effects,
      // the pieces, not their concatenation: a nested file's pieces are the same strings in its own entry and in
      // every includer's, so a chain of includes holds its text once, not once per level
      outParts: this.outParts.slice(f.outPart),
      outLen: this.outLen - f.outLen,
      fileTable, segOut, segFile, segFs: sg.fs.slice(f.seg), segFe: sg.fe.slice(f.seg), segKind: sg.kind.slice(f.seg), segUse,
      diagnostics: this.diagnostics.slice(f.diag),
      includes: this.includes.slice(f.inc),
      uses: this.uses.slice(f.use),
      inactive: this.inactive.slice(f.inact),
      filesRead: f.filesRead,
      deps: f.deps,
      resolutions: f.resolutions,
      guards: f.guards,
      once: this.once.has(f.path) || undefined,
      includePathsKey: this.ipKey,
    });
  }

  protected splice(e: CacheEntry, id: string): void {
    const base = this.outLen;
    const ub = this.uses.length;
    const fmap = e.fileTable.map((p) => this.fileId(p));
    for (let pIndex = 0, pList = e.filesRead; pIndex < pList.length; pIndex++) { const p = pList[pIndex]; this.fileId(p); }
    const sg = this.segs;
    for (let k = 0; k < e.segOut.length; k++) {
      sg.out.push(base + e.segOut[k]);
      sg.file.push(fmap[e.segFile[k]]);
      sg.fs.push(e.segFs[k]);
      sg.fe.push(e.segFe[k]);
      sg.kind.push(e.segKind[k]);
      sg.use.push(e.segUse[k] >= 0 ? ub + e.segUse[k] : -1);
    }
    this.mergeBarrier = sg.length;
    for (let k = 0; k < e.outParts.length; k++) this.outParts.push(e.outParts[k]);
    this.outLen += e.outLen;
    for (let uIndex = 0, uList = e.uses; uIndex < uList.length; uIndex++) { const u = uList[uIndex]; this.uses.push(u); }
    for (let dIndex = 0, dList = e.diagnostics; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; this.diagnostics.push(d); }
    for (let dIndex = 0, dList = e.includes; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; this.includes.push(d); }
    for (let rIndex = 0, rList = e.inactive; rIndex < rList.length; rIndex++) { const r = rList[rIndex]; this.inactive.push(r); }
    if (this.frames.length) e.consulted.forEach((sig, name) => { if (sig !== WRITTEN) this.recordConsulted(name, sig); });
    for (let rIndex = 0, rList = e.resolutions; rIndex < rList.length; rIndex++) { const r = rList[rIndex]; this.recordResolution(r); }
    for (let dIndex = 0, dList = e.deps; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; this.recordRead(d.path, d.text); }
    e.effects.forEach((m, name) => this.setMacro(name, m));
    for (let entryIndex = 0, entryList = e.guards; entryIndex < entryList.length; entryIndex++) { const [p, g] = entryList[entryIndex]; this.learnGuard(p, g); }
    if (e.once) this.once.add(id);
    if (this.outLen > MAX_OUTPUT) this.stop(`preprocessed output exceeds ${MAX_OUTPUT} bytes`, { file: id, start: 0, end: 0 });
  }
}

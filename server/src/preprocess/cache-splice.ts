// Include-cache use inside a run: the frames that record what an included file did (macros consulted and
// set, output, diagnostics) are stored as cache entries, and a matching entry is spliced into the output
// instead of preprocessing the file again (cache.ts holds the entries).
import { SEG_FIELDS, type CacheEntry, type Resolution } from './cache';
import { MAX_OUTPUT } from './incremental';
import { RunState, WRITTEN, type Frame } from './state';
import type { Macro } from './macros';

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
        // (a file is named by its identity, its real path, unless an open document shadows it: opened through a
        // symbolic link, it is that document now, read by another name)
        if (this.real(d.path) !== d.path) continue outer;
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
  protected consultedMatch(consulted: (string | null)[]): boolean {
    const macros = this.macros;
    for (let k = 0; k < consulted.length; k += 2) {
      const sig = consulted[k + 1];
      if (sig === WRITTEN) continue;
      const m = macros.get(consulted[k] as string);
      if ((m ? m.sig : null) !== sig) return false;
    }
    return true;
  }

  protected store(f: Frame): void {
    const sg = this.segs;
    const fileTable: string[] = [];
    const local = new Int32Array(this.files.length).fill(-1);
    const n = sg.length - f.seg;
    const segs = new Int32Array(n * SEG_FIELDS);
    for (let k = 0, i = f.seg, o = 0; k < n; k++, i++, o += SEG_FIELDS) {
      const g = sg.file[i];
      let lf = local[g];
      if (lf < 0) { lf = fileTable.length; fileTable.push(this.files[g]); local[g] = lf; }
      const use = sg.use[i];
      segs[o] = sg.out[i] - f.outLen;
      segs[o + 1] = lf;
      segs[o + 2] = sg.fs[i];
      segs[o + 3] = sg.fe[i];
      segs[o + 4] = sg.kind[i];
      segs[o + 5] = use >= 0 ? use - f.use : -1;
    }
    this.cache!.store({
      path: f.path,
      text: f.text,
      consulted: pairs(f.consulted),
      effects: pairs(f.effects),
      // the pieces, not their concatenation: a nested file's pieces are the same strings in its own entry and in
      // every includer's, so a chain of includes holds its text once, not once per level
      outParts: this.outParts.slice(f.outPart),
      outLen: this.outLen - f.outLen,
      fileTable, segs,
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
    const segs = e.segs;
    for (let o = 0; o < segs.length; o += SEG_FIELDS) {
      sg.out.push(base + segs[o]);
      sg.file.push(fmap[segs[o + 1]]);
      sg.fs.push(segs[o + 2]);
      sg.fe.push(segs[o + 3]);
      sg.kind.push(segs[o + 4]);
      sg.use.push(segs[o + 5] >= 0 ? ub + segs[o + 5] : -1);
    }
    this.mergeBarrier = sg.length;
    for (let k = 0; k < e.outParts.length; k++) this.outParts.push(e.outParts[k]);
    this.outLen += e.outLen;
    for (let uIndex = 0, uList = e.uses; uIndex < uList.length; uIndex++) { const u = uList[uIndex]; this.uses.push(u); }
    for (let dIndex = 0, dList = e.diagnostics; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; this.diagnostics.push(d); }
    for (let dIndex = 0, dList = e.includes; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; this.includes.push(d); }
    for (let rIndex = 0, rList = e.inactive; rIndex < rList.length; rIndex++) { const r = rList[rIndex]; this.inactive.push(r); }
    if (this.frames.length) {
      const c = e.consulted;
      for (let k = 0; k < c.length; k += 2) if (c[k + 1] !== WRITTEN) this.recordConsulted(c[k] as string, c[k + 1]);
    }
    for (let rIndex = 0, rList = e.resolutions; rIndex < rList.length; rIndex++) { const r = rList[rIndex]; this.recordResolution(r); }
    for (let dIndex = 0, dList = e.deps; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; this.recordRead(d.path, d.text); }
    const fx = e.effects;
    for (let k = 0; k < fx.length; k += 2) this.setMacro(fx[k] as string, fx[k + 1] as Macro | null);
    for (let entryIndex = 0, entryList = e.guards; entryIndex < entryList.length; entryIndex++) { const [p, g] = entryList[entryIndex]; this.learnGuard(p, g); }
    if (e.once) this.once.add(id);
    if (this.outLen > MAX_OUTPUT) this.stop(`preprocessed output exceeds ${MAX_OUTPUT} bytes`, { file: id, start: 0, end: 0 });
  }
}

/** A map's entries as one list (key, value, key, value, ...), in its order. */
function pairs<V>(m: Map<string, V>): (string | V)[] {
  const out = new Array<string | V>(2 * m.size);
  let k = 0;
  m.forEach((v, key) => { out[k++] = key; out[k++] = v; });
  return out;
}

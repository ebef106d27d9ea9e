// A seeded editing session through the real server (bin/dts-lsp --stdio): documents opened, edited
// (typing, deleting, pasting, garbage, undo, label renames, bursts), closed and reopened, contexts
// switched, requests sent in between; at quiet points every open document's published diagnostics must
// equal those of a fresh analysis (a new AnalysisHost, no cache shared) of the same texts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-protocol';
import { AnalysisHost } from '../../server/src/analysis';
import type { Diagnostic } from '../../server/src/base/diagnostics';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { FolderCache, NodeFileSystem } from '../../server/src/base/node-fs';
import { BindingsHost } from '../../server/src/bindings';
import { LineIndex } from '../../server/src/base/text';
import { toLspDiagnostic } from '../../server/src/lsp/convert';
import { LspClient, uriOf } from '../../test/lsp/lsp-client';
import { applyEdit, BURST_CHARS, EDIT_MIX, int, makeEdit, pick, type Rand, type TextEdit } from './edits';
import { prng, rssOf, sleep } from '../bench/stats';
import { IDLE_GC_DELAY_MS, IDLE_SHRINK_DELAY_MS } from '../../server/src/lsp/idle-gc';

export interface SoakOptions {
  /** workspace folder the server is initialized with */
  workspace: string;
  /** the documents the session works on (boards and include files), absolute paths */
  files: string[];
  seed: number;
  steps: number;
  /** a quiet point (wait, then compare) every this many steps, and at the end */
  checkEvery: number;
  /** from this step on, a quiet point after every step (to find the first step of a mismatch) */
  checkFrom?: number;
  /** stop early after this many seconds (0: no limit) */
  seconds?: number;
  /** at the end, the server's RSS at rest (after its idle collections) with the documents still open */
  memory?: boolean;
  /** binding validation off (the server's setting and the fresh analysis): tells its findings from the rest */
  noBindings?: boolean;
  log?: (line: string) => void;
}

export interface Mismatch {
  step: number;
  file: string;
  root: string;
  expected: LspDiagnostic[];
  published: LspDiagnostic[];
}

export interface SoakResult {
  seed: number;
  steps: number;
  checks: number;
  /** documents compared over all quiet points */
  compared: number;
  mismatches: Mismatch[];
  /** requests that failed (an error answer) */
  requestErrors: string[];
  ops: Record<string, number>;
  /** the operations made, in order (to replay a failure by hand) */
  trace: string[];
  /** every edit in full (the trace shortens inserted texts), for a replay; an opening as start -1 (the disk's text) */
  edits: { step: number; file: string; start: number; end: number; text: string }[];
  serverAlive: boolean;
  /** RSS (bytes) at rest at the end, and with the documents just opened (options.memory) */
  rssAtRest?: number;
  openDocuments?: number;
}

interface Doc { file: string; text: string; undo: TextEdit[] }

export const BINDINGS_CACHE = path.join(process.env.DTS_LSP_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dts-lsp'), 'bindings');

/** LSP range of [start, end) in `text`. */
function rangeIn(text: string, start: number, end: number) {
  const li = new LineIndex(text);
  return { start: li.positionAt(start), end: li.positionAt(end) };
}

/** A fresh analysis host; with binding validation in process, as dts-check runs it. */
export function freshHost(ofs: OverlayFileSystem, bindings: boolean, incremental = false): AnalysisHost {
  if (!bindings) return new AnalysisHost(ofs, { incremental });
  const b = new BindingsHost(new NodeFileSystem(), { enabled: true, dirs: [], cache: new FolderCache(BINDINGS_CACHE), env: { home: os.homedir(), virtualEnv: process.env.VIRTUAL_ENV } });
  return new AnalysisHost(ofs, { incremental, bindings: b });
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const rnd: Rand = prng(o.seed);
  const log = o.log ?? (() => undefined);
  const c = new LspClient();
  const open = new Map<string, Doc>();
  const result: SoakResult = {
    seed: o.seed, steps: 0, checks: 0, compared: 0, mismatches: [], requestErrors: [], ops: {}, trace: [], edits: [], serverAlive: true,
  };
  const note = (op: string, detail: string): void => {
    result.ops[op] = (result.ops[op] ?? 0) + 1;
    result.trace.push(`${result.steps} ${op} ${detail}`);
  };
  const disk = (f: string): string => fs.readFileSync(f, 'utf8');

  const openDoc = async (file: string): Promise<void> => {
    const d: Doc = { file, text: disk(file), undo: [] };
    open.set(file, d);
    await c.open(file, d.text);
    note('open', file);
    result.edits.push({ step: result.steps, file, start: -1, end: -1, text: '' });
  };
  const closeDoc = async (file: string): Promise<void> => {
    open.delete(file);
    await c.close(file);
    note('close', file);
  };
  const edit = async (d: Doc, e: TextEdit, op: string): Promise<void> => {
    // an LSP position cannot fall between the CR and the LF of a line end (a character past the line's end is its
    // end, before the CR): an editor never sends one, and the server's documents would put the edit before the CR
    const inCRLF = (o: number): boolean => d.text.charCodeAt(o - 1) === 13 && d.text.charCodeAt(o) === 10;
    if (inCRLF(e.start) || inCRLF(e.end)) e = { start: inCRLF(e.start) ? e.start - 1 : e.start, end: inCRLF(e.end) ? e.end - 1 : e.end, text: e.text };
    const range = rangeIn(d.text, e.start, e.end);
    const r = applyEdit(d.text, e);
    d.text = r.text;
    if (op !== 'undo') d.undo.push(r.undo);
    if (d.undo.length > 200) d.undo.shift();
    await c.change(d.file, [{ range, text: e.text }]);
    note(op, `${d.file}@${e.start}-${e.end}:${JSON.stringify(e.text.slice(0, 40))}`);
    result.edits.push({ step: result.steps, file: d.file, start: e.start, end: e.end, text: e.text });
  };
  const request = async (d: Doc): Promise<void> => {
    const at = int(rnd, d.text.length + 1);
    const position = new LineIndex(d.text).positionAt(at);
    const textDocument = { uri: uriOf(d.file) };
    const method = pick(rnd, ['textDocument/hover', 'textDocument/definition', 'textDocument/completion', 'textDocument/semanticTokens/full', 'textDocument/documentSymbol']);
    const params = method.endsWith('/full') || method.endsWith('Symbol') ? { textDocument } : { textDocument, position };
    note('request', `${method} ${d.file}@${at}`);
    // not awaited in order: requests overlap the edits that follow, as an editor's do
    void c.request(method, params).catch((e: unknown) => { result.requestErrors.push(`${method}: ${e instanceof Error ? e.message : String(e)}`); });
  };

  // A workspace opened through a symbolic link is analysed fresh by its real path (the open documents' texts put at
  // their real paths): an oracle that does not share the server's handling of the link. Its findings are then named
  // as the server names them: through the workspace folder as the editor opened it.
  const realWorkspace = fs.realpathSync(o.workspace);
  const toReal = (p: string): string => (realWorkspace !== o.workspace && p.startsWith(o.workspace + '/') ? realWorkspace + p.slice(o.workspace.length) : p);
  const throughLink = (p: string): string => (realWorkspace !== o.workspace && p.startsWith(realWorkspace + '/') ? o.workspace + p.slice(realWorkspace.length) : p);

  /** Wait for quiet, then compare every open document with a fresh analysis of the same texts. */
  const check = async (): Promise<void> => {
    await c.waitQuiet(150, 120_000);
    result.checks++;
    const ofs = new OverlayFileSystem(new NodeFileSystem([]));
    const openByReal = new Map<string, string>();
    for (const d of open.values()) { ofs.setOverlay(toReal(d.file), d.text); openByReal.set(toReal(d.file), d.file); }
    const named = (f: string): string => openByReal.get(f) ?? throughLink(f);
    // the binding validation the server runs in its worker, here in process (as dts-check runs it)
    const host = freshHost(ofs, !o.noBindings);
    const analyses = new Map<string, ReturnType<AnalysisHost['analyze']>>();
    for (const d of open.values()) {
      const info = await c.request<{ root: string } | null>('dts/contexts', { textDocument: { uri: uriOf(d.file) } });
      const root = info?.root ?? d.file;
      let a = analyses.get(root);
      if (!a) { a = host.analyze(toReal(root)); analyses.set(root, a); }
      const lineIndexOf = (f: string): LineIndex | undefined => a!.lineIndex(toReal(f));
      // (a message that names the document's folder names it as the server does too: `cannot find include file ... in <folder>`)
      const folder = (x: Diagnostic): Diagnostic => (x.file === d.file ? x : { ...x, message: x.message.split(path.dirname(x.file) + ' ').join(path.dirname(d.file) + ' ') });
      const expected = a.diagnostics.filter((x) => named(x.file) === d.file)
        .map((x) => toLspDiagnostic(folder(x.related ? { ...x, related: x.related.map((r) => ({ ...r, file: named(r.file) })) } : x), lineIndexOf, true));
      const published = c.diagnostics.get(uriOf(d.file))?.diagnostics ?? [];
      result.compared++;
      if (JSON.stringify(expected) !== JSON.stringify(published)) {
        result.mismatches.push({ step: result.steps, file: d.file, root, expected, published });
        log(`MISMATCH at step ${result.steps}: ${d.file} (context ${root}): expected ${expected.length} diagnostics, published ${published.length}`);
      }
    }
  };

  const t0 = Date.now();
  try {
    if (o.noBindings) c.settings = { bindings: false };
    await c.initialize(o.workspace);
    await openDoc(pick(rnd, o.files));
    for (let step = 1; step <= o.steps; step++) {
      result.steps = step;
      if (o.seconds && Date.now() - t0 > o.seconds * 1000) break;
      const docs = [...open.values()];
      const r = rnd();
      if (docs.length === 0 || (r < 0.05 && open.size < o.files.length)) {
        const closed = o.files.filter((f) => !open.has(f));
        if (closed.length) await openDoc(pick(rnd, closed));
      } else if (r < 0.08) {
        const d = pick(rnd, docs);
        await closeDoc(d.file);
        // close and reopen at once (an editor restoring its tabs): the disk's text comes back
        if (rnd() < 0.6) await openDoc(d.file);
      } else if (r < 0.10) {
        // context switch of an open include file: another board that includes it, or back to automatic
        const d = pick(rnd, docs);
        const info = await c.request<{ candidates: { path: string }[] } | null>('dts/contexts', { textDocument: { uri: uriOf(d.file) } });
        const cands = info?.candidates.map((x) => x.path) ?? [];
        const choice = cands.length && rnd() < 0.7 ? pick(rnd, cands) : null;
        await c.request('dts/selectContext', { textDocument: { uri: uriOf(d.file) }, context: choice });
        note('context', `${d.file} -> ${choice}`);
      } else if (r < 0.16) {
        await request(pick(rnd, docs));
      } else if (r < 0.22) {
        const d = pick(rnd, docs);
        const u = d.undo.pop();
        if (u) await edit(d, u, 'undo');
      } else if (r < 0.30) {
        // a burst of typing in one place, no pause between keystrokes
        const d = pick(rnd, docs);
        let p = int(rnd, d.text.length + 1);
        for (let k = 2 + int(rnd, 8); k > 0; k--) {
          const ch = pick(rnd, BURST_CHARS);
          await edit(d, { start: p, end: p, text: ch }, 'burst');
          p++;
        }
      } else {
        const d = pick(rnd, docs);
        const kind = pick(rnd, EDIT_MIX);
        await edit(d, makeEdit(d.text, kind, rnd), kind);
      }
      // typing pace varies: none, a keystroke's, a pause
      const pause = pick(rnd, [0, 0, 5, 30, 80, 200]);
      if (pause) await sleep(pause);
      if (step % o.checkEvery === 0 || (o.checkFrom !== undefined && step >= o.checkFrom)) await check();
    }
    await check();
    if (o.memory) {
      // the idle collection after 10 s, the young generation shrunk 5.5 s (or 11 s) later, then the pages released
      await sleep(IDLE_GC_DELAY_MS + 2 * IDLE_SHRINK_DELAY_MS + 4000);
      result.rssAtRest = rssOf(c.proc.pid);
      result.openDocuments = open.size;
    }
    // the server still answers
    const stats = await Promise.race([c.request('dts/stats', {}), sleep(5000).then(() => null)]);
    result.serverAlive = stats !== null && c.proc.exitCode === null;
  } finally {
    await c.shutdown();
  }
  return result;
}

// A soak failure replayed in process (`npm run soak -- --replay soak-failure-N.json`): the failing session's edits
// (in full: the failure file's `edits`) applied to the texts in order, the mismatching context analysed
// incrementally after every edit (or every `every` edits: the server analyses after bursts, not after each
// keystroke) and compared with a fresh analysis of the same texts. Prints the first edit after which the two differ,
// with the diagnostics only one of them has: the case to turn into a test. Both hosts validate bindings in process
// (as dts-check does; the server does the Linux ones in a worker), unless `bindings` is false.
import * as fs from 'node:fs';
import type { Analysis } from '../../server/src/analysis';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { noteEdit } from '../../server/src/base/text';
import { freshHost } from './session';

interface FailureFile {
  mismatches: { root: string; file: string }[];
  edits?: { step: number; file: string; start: number; end: number; text: string }[];
}

export interface ReplayResult {
  /** the step and edit after which the incremental analysis differs from a fresh one, if it does */
  step?: number;
  edit?: string;
  onlyIncremental: string[];
  onlyFresh: string[];
  edits: number;
}

/** An analysis's diagnostics as sorted lines (file, code, range, message): what two analyses are compared by. */
export function listed(a: Analysis): string[] {
  return a.diagnostics.map((d) => `${d.file} ${d.code} ${d.start}-${d.end}: ${d.message}`).sort();
}

/** The diagnostics (`listed`) only `incremental` has, and only a fresh analysis of `root` over `texts` has. */
export function freshDiff(texts: Iterable<[string, string]>, root: string, incremental: string[], bindings: boolean): { onlyIncremental: string[]; onlyFresh: string[] } {
  const freshFs = new OverlayFileSystem(new NodeFileSystem());
  for (const [f, t] of texts) freshFs.setOverlay(f, t, 1);
  const fresh = listed(freshHost(freshFs, bindings).analyze(root));
  const a = new Set(incremental);
  const b = new Set(fresh);
  return { onlyIncremental: incremental.filter((x) => !b.has(x)), onlyFresh: fresh.filter((x) => !a.has(x)) };
}

export function replayFailure(file: string, every = 1, root?: string, bindings = true): ReplayResult {
  const failure = JSON.parse(fs.readFileSync(file, 'utf8')) as FailureFile;
  if (!failure.edits) throw new Error(`${file} has no edits (written by an older soak)`);
  const ctx = root ?? failure.mismatches[0]?.root;
  if (!ctx) throw new Error(`${file} names no mismatching context`);
  const texts = new Map<string, string>();
  const ofs = new OverlayFileSystem(new NodeFileSystem());
  const host = freshHost(ofs, bindings, true);
  host.analyze(ctx);
  let version = 0;
  const out: ReplayResult = { onlyIncremental: [], onlyFresh: [], edits: failure.edits.length };
  failure.edits.forEach((e, k) => {
    if (out.step !== undefined) return;
    const before = texts.get(e.file) ?? fs.readFileSync(e.file, 'utf8');
    // (an opening: the document has the disk's text again)
    const after = e.start < 0 ? fs.readFileSync(e.file, 'utf8') : before.slice(0, e.start) + e.text + before.slice(e.end);
    if (after === before) return;
    if (e.start >= 0) noteEdit(before, after, e.start, e.end - e.start, e.text);
    texts.set(e.file, after);
    ofs.setOverlay(e.file, after, ++version);
    if ((k + 1) % every !== 0 && k !== failure.edits!.length - 1) return;
    const { onlyIncremental, onlyFresh } = freshDiff(texts, ctx, listed(host.analyze(ctx)), bindings);
    if (onlyIncremental.length || onlyFresh.length) {
      Object.assign(out, { step: e.step, edit: `${e.file}@${e.start}-${e.end}:${JSON.stringify(e.text)}`, onlyIncremental, onlyFresh });
    }
  });
  return out;
}

// The language server's analysis schedule, simulated in process (`npm run soak -- --schedule`): seeded random edits
// of the session's documents (the soak's edit kinds, bursts, undo, close and reopen), and between them what the
// server's scheduler does with one AnalysisHost: edits batched into one analysis, analyses started and then
// abandoned at a random step (a newer keystroke superseded them), other contexts analysed in between, a finished
// analysis settled at once, at a random step of the next one or never, a board's memo forgotten when it is closed,
// an include file switched between its board's context and its own (two owners parsing the same text), what the
// server drops when the editor is idle dropped.
// After every finished analysis the host's incremental state must keep its invariants (AnalysisHost.
// invariantFailures: the memo's tree reads its names at its spans, the parse cache's entries start where they
// are stored), and at a sampled rate its diagnostics must equal a fresh analysis of the same texts.
//
// No server, no timing: the same seed makes the same schedule, so a failure replays exactly, and the schedules the
// real server reaches only under load (an analysis abandoned between two stages, a settle after another board's
// parse) come at every seed. Issue 17's seed-5 bug (a parse-cache entry kept for another owner) took hours of real
// soaks to show once; a simulation like this one found it in a few hundred steps.
import * as fs from 'node:fs';
import type { Analysis, AnalysisHost } from '../../server/src/analysis';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { noteEdit } from '../../server/src/base/text';
import { prng } from '../bench/stats';
import { applyEdit, BURST_CHARS, EDIT_MIX, int, makeEdit, pick, type Rand, type TextEdit } from './edits';
import { freshDiff, listed } from './replay';
import { freshHost } from './session';

export interface ScheduleOptions {
  /** the documents edited (absolute paths); the .dts among them are the boards analysed */
  files: string[];
  seed: number;
  steps: number;
  /** the fraction of finished analyses compared with a fresh one (the invariants are checked after each) */
  compareRate?: number;
  /** check the host's invariants after every analysis (default true; false: only the comparisons) */
  invariants?: boolean;
  /** binding validation in both hosts (off by default: the simulation is about the incremental state) */
  bindings?: boolean;
  log?: (line: string) => void;
}

export interface ScheduleResult {
  seed: number;
  steps: number;
  analyses: number;
  abandoned: number;
  compared: number;
  /** the first failure: where, and what */
  failure?: { step: number; root: string; kind: 'invariant' | 'diagnostics'; detail: string[] };
  /** the last operations before the end (or the failure) */
  trace: string[];
}

interface Doc { file: string; text: string; undo: TextEdit[] }

export function runSchedule(o: ScheduleOptions): ScheduleResult {
  const rnd: Rand = prng(o.seed);
  const bindings = o.bindings ?? false;
  const compareRate = o.compareRate ?? 0.3;
  const boards = o.files.filter((f) => f.endsWith('.dts'));
  const disk = (f: string): string => fs.readFileSync(f, 'utf8');
  const docs = new Map<string, Doc>(o.files.map((f) => [f, { file: f, text: disk(f), undo: [] }]));
  const ofs = new OverlayFileSystem(new NodeFileSystem());
  let version = 0;
  for (const d of docs.values()) ofs.setOverlay(d.file, d.text, ++version);
  const host: AnalysisHost = freshHost(ofs, bindings, true);
  const result: ScheduleResult = { seed: o.seed, steps: 0, analyses: 0, abandoned: 0, compared: 0, trace: [] };
  const note = (line: string): void => {
    result.trace.push(`${result.steps} ${line}`);
    if (result.trace.length > 60) result.trace.shift();
  };
  const short = (f: string): string => f.replace(/.*\//, '');
  /** which files each board's last finished analysis read (an include's context is a board that reads it) */
  const reads = new Map<string, Set<string>>();
  /** finished analyses not settled yet (the server settles once their diagnostics are out, or never) */
  let unsettled: Analysis[] = [];
  const settleAll = (): void => {
    for (const a of unsettled) a.settle();
    unsettled = [];
  };

  /** One analysis of `root` in steps: to the end, or abandoned after `abandonAt` steps. */
  const analyse = (root: string, abandonAt?: number): Analysis | undefined => {
    const steps = host.analyzeSteps(root);
    const settleAt = unsettled.length ? int(rnd, 6) : -1;
    for (let k = 0; ; k++) {
      if (k === settleAt) settleAll();
      if (abandonAt !== undefined && k === abandonAt) {
        // dropped, or closed (its finally blocks run)
        if (rnd() < 0.5) steps.return(undefined as never);
        result.abandoned++;
        note(`abandoned ${short(root)} after ${k} steps`);
        return undefined;
      }
      const r = steps.next();
      if (!r.done) continue;
      result.analyses++;
      note(`analysed ${short(root)}`);
      reads.set(root, new Set(r.value.pp.files));
      if (rnd() < 0.7) settleAll();
      unsettled.push(r.value);
      return r.value;
    }
  };

  const fail = (root: string, kind: 'invariant' | 'diagnostics', detail: string[]): ScheduleResult => {
    result.failure = { step: result.steps, root, kind, detail };
    o.log?.(`FAILURE at step ${result.steps} (${kind}, ${root}):\n  ${detail.slice(0, 8).join('\n  ')}`);
    return result;
  };

  const edit = (d: Doc, e: TextEdit, op: string): void => {
    const r = applyEdit(d.text, e);
    if (r.text === d.text) return;
    noteEdit(d.text, r.text, e.start, e.end - e.start, e.text);
    d.text = r.text;
    if (op !== 'undo') d.undo.push(r.undo);
    if (d.undo.length > 200) d.undo.shift();
    ofs.setOverlay(d.file, d.text, ++version);
    note(`${op} ${short(d.file)}@${e.start}-${e.end}:${JSON.stringify(e.text.slice(0, 30))}`);
  };

  /** include files the user chose to analyse on their own (dts/selectContext), beside the boards that read them */
  const alone = new Set<string>();
  /** The context whose analysis the server would run for an edit of `file`: the file's own, or a board that reads it. */
  const contextOf = (file: string): string => {
    if (file.endsWith('.dts') || alone.has(file)) return file;
    return boards.find((b) => reads.get(b)?.has(file)) ?? file;
  };

  for (const b of boards) analyse(b);
  for (let step = 1; step <= o.steps; step++) {
    result.steps = step;
    const d = pick(rnd, [...docs.values()]);
    const r = rnd();
    if (r < 0.05) {
      // closed and reopened: the disk's text comes back; a board's context is forgotten (after an analysis the
      // close abandoned, sometimes)
      if (d.file.endsWith('.dts')) {
        if (rnd() < 0.5) analyse(d.file, int(rnd, 8));
        host.forget(d.file);
      }
      d.text = disk(d.file);
      d.undo = [];
      ofs.setOverlay(d.file, d.text, ++version);
      note(`reopened ${short(d.file)}`);
    } else if (r < 0.07 && !d.file.endsWith('.dts')) {
      // a context switch: the include analysed on its own, or back in its board (the server forgets a context it leaves)
      if (alone.delete(d.file)) host.forget(d.file);
      else alone.add(d.file);
      note(`context ${short(d.file)}: ${alone.has(d.file) ? 'alone' : 'its board'}`);
    } else if (r < 0.08) {
      // the editor idle: the server drops what only a later analysis might reuse (undo memos, unused parse entries)
      host.releaseAtRest();
      note('idle');
    } else if (r < 0.14) {
      const u = d.undo.pop();
      if (u) edit(d, u, 'undo');
    } else if (r < 0.22) {
      let p = int(rnd, d.text.length + 1);
      for (let k = 2 + int(rnd, 8); k > 0; k--, p++) edit(d, { start: p, end: p, text: pick(rnd, BURST_CHARS) }, 'burst');
    } else {
      const kind = pick(rnd, EDIT_MIX);
      edit(d, makeEdit(d.text, kind, rnd), kind);
    }
    // the scheduler: batched with the next edit, started then superseded, or analysed (other boards perhaps first)
    const root = contextOf(d.file);
    const x = rnd();
    if (x < 0.35) continue;
    if (x < 0.55) {
      analyse(root, int(rnd, 8));
      continue;
    }
    for (const b of [...boards, ...alone]) if (b !== root && rnd() < 0.3) analyse(b, rnd() < 0.3 ? int(rnd, 8) : undefined);
    const a = analyse(root);
    if (!a) continue;
    const broken = o.invariants === false ? [] : host.invariantFailures();
    if (broken.length) return fail(root, 'invariant', broken);
    if (rnd() >= compareRate) continue;
    result.compared++;
    const diff = freshDiff([...docs.values()].map((doc): [string, string] => [doc.file, doc.text]), root, listed(a), bindings);
    if (diff.onlyIncremental.length || diff.onlyFresh.length) {
      return fail(root, 'diagnostics', [...diff.onlyIncremental.map((y) => `incremental only: ${y}`), ...diff.onlyFresh.map((y) => `fresh only: ${y}`)]);
    }
  }
  return result;
}

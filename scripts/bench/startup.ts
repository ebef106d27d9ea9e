// Process cold start (issue 17): the whole `bin/dts-check <board>` process, from spawn to exit, against
// `cpp <kernel flags> board | dtc -O dtb` for the same board, in the same run, interleaved (one of each per
// round), plus `node -e 0` (what starting node alone costs). Wall-clock time of each process. The analysed runs
// pass `--no-cache` (bin/dts-check's run cache would replay them); the run cache's replay is a row of its own.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cppArgs } from '../kernel-tree';
import { median, now } from './stats';

export interface StartupResult {
  board: string;
  rounds: number;
  checkArgs: string[];
  /** analysed (`--no-cache`) */
  checkMs: number[];
  /** the same command line with the run cache: the output of the recorded run replayed (inputs unchanged) */
  replayMs: number[];
  dtcMs: number[];
  nodeMs: number[];
  /** with binding validation (checkArgs without --no-bindings): the same run's dts-check --no-bindings */
  noBindingsMs?: number[];
  /** ... and dts-check with no node findings of an earlier run in the cache (bindings/results-cache.ts) */
  noResultsMs?: number[];
}

/** The binding findings earlier runs left (results-*.json of the bindings cache), removed. */
function dropBindingResults(): void {
  const root = process.env.DTS_LSP_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dts-lsp');
  const dir = path.join(root, 'bindings');
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) if (f.startsWith('results-')) fs.rmSync(path.join(dir, f), { force: true });
}

function timed(cmd: string, args: string[], opts: { cwd?: string; shell?: boolean } = {}): number {
  const t0 = now();
  const r = spawnSync(cmd, args, { cwd: opts.cwd, stdio: 'ignore', shell: opts.shell });
  if (r.error) throw r.error;
  return now() - t0;
}

export function runStartup(repo: string, kernel: string, board: string, rounds: number, checkArgs: string[] = []): StartupResult {
  const check = path.join(repo, 'bin/dts-check');
  const prefixes = path.join(kernel, 'scripts/dtc/include-prefixes');
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const pipeline = `${['cpp', ...cppArgs(kernel, board)].map(q).join(' ')} 2>/dev/null | dtc -q -I dts -O dtb -i ${q(path.dirname(board))} -i ${q(prefixes)} -o /dev/null - 2>/dev/null`;
  const res: StartupResult = { board, rounds, checkArgs, checkMs: [], replayMs: [], dtcMs: [], nodeMs: [] };
  const analysed = ['--no-cache', ...checkArgs];
  const bindings = !checkArgs.includes('--no-bindings');
  if (bindings) {
    res.noBindingsMs = [];
    res.noResultsMs = [];
  }
  // one warm-up of each (file-system caches, the code cache, the findings of the board's nodes), not counted
  timed(process.execPath, [check, ...analysed, board]);
  if (bindings) timed(process.execPath, [check, '--no-bindings', ...analysed, board]);
  // (records the run the replays print)
  timed(process.execPath, [check, ...checkArgs, board]);
  timed('bash', ['-c', pipeline]);
  for (let r = 0; r < rounds; r++) {
    res.checkMs.push(timed(process.execPath, [check, ...analysed, board]));
    res.replayMs.push(timed(process.execPath, [check, ...checkArgs, board]));
    res.dtcMs.push(timed('bash', ['-c', pipeline]));
    res.nodeMs.push(timed(process.execPath, ['-e', '0']));
    if (res.noBindingsMs) res.noBindingsMs.push(timed(process.execPath, [check, '--no-bindings', ...analysed, board]));
    if (res.noResultsMs) {
      dropBindingResults();
      res.noResultsMs.push(timed(process.execPath, [check, ...analysed, board]));
    }
  }
  return res;
}

export function startupRatio(r: StartupResult): number {
  return median(r.checkMs) / median(r.dtcMs);
}

/** The report section (markdown lines). */
export function startupReport(r: StartupResult, rel: (f: string) => string): string[] {
  const perRound = r.checkMs.map((c, i) => c / r.dtcMs[i]).sort((a, b) => a - b);
  const fmt = (v: number): string => v.toFixed(1);
  const ratio = (ms: number[]): string => (median(ms) / median(r.dtcMs)).toFixed(2);
  return [
    `### 7. Process cold start: \`bin/dts-check ${[...r.checkArgs, rel(r.board)].join(' ')}\` vs cpp + dtc`,
    '',
    `Wall time of the whole process, spawn to exit, ${r.rounds} rounds (one of each per round, interleaved, after one warm-up of each); cpp + dtc: \`cpp <kernel flags> board | dtc -I dts -O dtb -o /dev/null -\` in one \`bash -c\`. The analysed runs pass \`--no-cache\`; "replayed": the same command line without it, whose inputs are all unchanged since the recorded run, so the run cache prints that run's output again without analysing.${r.noResultsMs ? ' "No findings cached": the node findings earlier runs left in the bindings cache are removed before each run (the processed schemas and the code cache stay).' : ''}`,
    '',
    '| process | median | min | max | median / cpp + dtc |',
    '|---|---:|---:|---:|---:|',
    `| bin/dts-check, output replayed (run cache, inputs unchanged) | ${fmt(median(r.replayMs))} ms | ${fmt(Math.min(...r.replayMs))} ms | ${fmt(Math.max(...r.replayMs))} ms | ${ratio(r.replayMs)} |`,
    `| bin/dts-check --no-cache, analysed${r.noResultsMs ? ' (node findings of an earlier run cached)' : ''} | ${fmt(median(r.checkMs))} ms | ${fmt(Math.min(...r.checkMs))} ms | ${fmt(Math.max(...r.checkMs))} ms | ${ratio(r.checkMs)} |`,
    ...(r.noResultsMs ? [`| bin/dts-check --no-cache, no findings cached (every node validated) | ${fmt(median(r.noResultsMs))} ms | ${fmt(Math.min(...r.noResultsMs))} ms | ${fmt(Math.max(...r.noResultsMs))} ms | ${ratio(r.noResultsMs)} |`] : []),
    ...(r.noBindingsMs ? [`| bin/dts-check --no-cache --no-bindings | ${fmt(median(r.noBindingsMs))} ms | ${fmt(Math.min(...r.noBindingsMs))} ms | ${fmt(Math.max(...r.noBindingsMs))} ms | ${ratio(r.noBindingsMs)} |`] : []),
    `| cpp + dtc | ${fmt(median(r.dtcMs))} ms | ${fmt(Math.min(...r.dtcMs))} ms | ${fmt(Math.max(...r.dtcMs))} ms | 1 |`,
    `| node -e 0 | ${fmt(median(r.nodeMs))} ms | ${fmt(Math.min(...r.nodeMs))} ms | ${fmt(Math.max(...r.nodeMs))} ms | ${ratio(r.nodeMs)} |`,
    '',
    `**Ratio dts-check / (cpp + dtc): analysed ${startupRatio(r).toFixed(2)}, replayed ${ratio(r.replayMs)}** (medians; analysed per round: median ${median(perRound).toFixed(2)}, range ${perRound[0].toFixed(2)}–${perRound[perRound.length - 1].toFixed(2)}; target ≤ 4)`,
    '',
  ];
}

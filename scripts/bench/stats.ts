// Small helpers of the benchmark: statistics, a seeded PRNG, timing and process CPU.
import { spawn } from 'node:child_process';

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}

export const median = (v: number[]): number => quantile(v, 0.5);
export const p95 = (v: number[]): number => quantile(v, 0.95);

export function fmtMs(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

export function fmtMB(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(0);
}

/** Deterministic PRNG (mulberry32), so every run makes the same edits. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function now(): number {
  return performance.now();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Times { user: number; sys: number; real: number }

/**
 * Run a shell command and return the CPU time (user, sys) of its whole process tree and the wall time, in
 * seconds, as bash's `time` keyword reports them (children included).
 */
export function timeShell(script: string, opts: { cwd?: string } = {}): Promise<Times & { code: number; stderrTail: string }> {
  return new Promise((resolve, reject) => {
    const wrapped = `TIMEFORMAT='@@TIMES %3U %3S %3R'; time ( ${script} )`;
    const p = spawn('bash', ['-c', wrapped], { cwd: opts.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 1_000_000) err = err.slice(-100_000);
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const m = /@@TIMES ([\d.]+) ([\d.]+) ([\d.]+)/.exec(err);
      if (!m) {
        reject(new Error(`no timing output from: ${script.slice(0, 200)}\n${err.slice(-2000)}`));
        return;
      }
      resolve({ user: Number(m[1]), sys: Number(m[2]), real: Number(m[3]), code: code ?? -1, stderrTail: err.replace(m[0], '').slice(-500) });
    });
  });
}

/** Resident set size of a process from /proc (Linux), in bytes; NaN elsewhere. */
export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const text = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8') as string;
    const m = /VmRSS:\s+(\d+) kB/.exec(text);
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

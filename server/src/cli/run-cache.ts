// The run cache of bin/dts-check (issue 17, cold start): a one-board run whose inputs are all as an earlier run
// saw them prints that run's output again without loading the analysis.
//
// Why it is exact: the analysis reads the disk only through the FileSystem interface (base/fs.ts), and the CLI
// besides that only its command line, its working directory and a few environment variables. A run records what
// every call of the interface returned (`RecordingFileSystem`); its output is a function of those answers, of the
// command line, the working directory, those variables and the code (the key). A later run with the same key
// asks the same questions again (`replayRun`: a stat, a listing, a realpath, a modification time, each through
// the same NodeFileSystem code) and, when every answer is the same, the analysis would take the same path and
// print the same bytes. The one answer not asked again is a file's text: a file read is identified by its stat
// before the read (device, inode, mode, size, modification and change time; a write changes the change time,
// which no program can set). A file whose change time is within RACY_MS of the record could have been written
// again within the file system's clock tick: such a run is not recorded (git's "racily clean" rule).
// Not recorded either: runs that ended in a usage or I/O failure (exit 2), runs that hit a time budget or an
// internal error (their output depends on the clock); a run that saw a file change while it ran is never
// replayed (two answers to one question).
// Derived caches (the processed bindings, the binding findings, the code cache) are not inputs: they give the
// same output whether they hit or not.
import * as fs from 'node:fs';
import { NodeFileSystem } from '../base/node-fs';
import type { ReadBytesResult, ReadResult, StatKind } from '../base/fs';

/** the record format; a record of another version is not read */
export const RUN_CACHE_VERSION = 2;
/** records kept (the most recently written): ~0.7 MB each for a Linux board with its bindings */
const KEEP = 24;
/** a file changed this recently (ms) may still be changing within one tick of the file system's clock */
export const RACY_MS = 2000;
/** the environment the CLI reads (include paths, bindings, the cache folders, the home folder) */
const ENV_KEYS = ['KBUILD_OUTPUT', 'ZEPHYR_BASE', 'VIRTUAL_ENV', 'HOME', 'USERPROFILE', 'XDG_CACHE_HOME', 'DTS_LSP_CACHE'];

/** r: a file read (its stamp), s: stat, l: listDir, p: realpath, m: mtime (null when unknown) */
type Kind = 'r' | 's' | 'l' | 'p' | 'm';
type Answer = string | number | null;
type Observation = [Kind, string, Answer];
/** 1: stdout, 2: stderr, in the order written */
type Chunk = [1 | 2, string];

/**
 * On disk the observations are one flat list of quadruples: kind, how many leading characters the path shares
 * with the path before it, the rest of the path, the answer (a Linux board's ~4,600 binding files share long
 * prefixes: a third of the size, and one array to parse instead of thousands).
 */
interface RunRecord { v: number; key: string; obs: Answer[]; out: Chunk[]; code: number }

function encode(obs: Observation[]): Answer[] {
  const flat: Answer[] = [];
  let last = '';
  // the folder of the last path (with its '/'): most paths are in it
  let folder = '';
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i];
    const path = o[1];
    let n: number;
    if (folder && path.startsWith(folder)) n = folder.length;
    else {
      // the longest folder of the last path that this one is in (a few native calls, not a loop over
      // characters: this runs once per run, in the interpreter)
      n = last.lastIndexOf('/') + 1;
      while (n > 0 && !path.startsWith(last.slice(0, n))) n = last.lastIndexOf('/', n - 2) + 1;
    }
    flat.push(o[0], n, path.slice(n), o[2]);
    last = path;
    const f = path.lastIndexOf('/') + 1;
    if (f !== folder.length || !path.startsWith(folder)) folder = path.slice(0, f);
  }
  return flat;
}

/** What a run's output depends on besides the file system: the code, the command line, cwd, the environment. */
export function runKey(argv: string[], code: string): string {
  const env: Record<string, string | null> = {};
  for (const k of ENV_KEYS) env[k] = process.env[k] ?? null;
  return JSON.stringify({ v: RUN_CACHE_VERSION, node: process.version, arch: process.arch, platform: process.platform, code, cwd: process.cwd(), argv, env });
}

/** The file of a key's record in the cache folder. */
export function runFile(dir: string, key: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822519) ^ (h2 >>> 15);
  }
  return `${dir}/run-${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}.json`;
}

/** A file's identity before it is read: what a write, a replacement or a change of type or permissions changes. */
export function fileStamp(path: string): string {
  try {
    const st = fs.statSync(path);
    return `${st.dev}:${st.ino}:${st.mode}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch (e) {
    return `!${(e as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

/**
 * The answers of one run's file-system calls, in order. A path asked twice is kept twice (few are: ~20 of a
 * Linux board's ~4,800): a run that saw a file change between two calls has two different answers to the same
 * question, and no later run can match both.
 */
export class RunRecorder {
  readonly obs: Observation[] = [];
  /** set when the run must not be replayed (its output depends on the clock, or on threads not recorded) */
  unstable = false;

  note(kind: Kind, path: string, value: Answer): void {
    this.obs.push([kind, path, value]);
  }
}

/** NodeFileSystem that records every answer it gives. */
export class RecordingFileSystem extends NodeFileSystem {
  constructor(private readonly rec: RunRecorder) {
    super();
  }
  override readFile(path: string): ReadResult {
    this.rec.note('r', path, fileStamp(path));
    return super.readFile(path);
  }
  override readBytes(path: string): ReadBytesResult {
    this.rec.note('r', path, fileStamp(path));
    return super.readBytes(path);
  }
  override stat(path: string): StatKind {
    const v = super.stat(path);
    this.rec.note('s', path, v);
    return v;
  }
  override listDir(path: string): string[] {
    const v = super.listDir(path);
    this.rec.note('l', path, v.join('/'));
    return v;
  }
  override realpath(path: string): string | undefined {
    const v = super.realpath(path);
    this.rec.note('p', path, v ?? '\0');
    return v;
  }
  override mtime(path: string): number | undefined {
    const v = super.mtime(path);
    this.rec.note('m', path, v ?? null);
    return v;
  }
}

/** The answer to one recorded question now. */
function answer(nfs: NodeFileSystem, kind: Kind, path: string): Answer {
  switch (kind) {
    case 'r': return fileStamp(path);
    case 's': return nfs.stat(path);
    case 'l': return nfs.listDir(path).join('/');
    case 'p': return nfs.realpath(path) ?? '\0';
    case 'm': return nfs.mtime(path) ?? null;
    default: return '\0unknown';
  }
}

/**
 * The output of the earlier run with this key when every input is as it saw it: written through `write`, and
 * its exit code returned; undefined (nothing written) when there is no such run or any input differs.
 */
export function replayRun(dir: string, key: string, write: (stream: 1 | 2, text: string) => void): number | undefined {
  let rec: RunRecord;
  try {
    rec = JSON.parse(fs.readFileSync(runFile(dir, key), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
  if (!rec || rec.v !== RUN_CACHE_VERSION || rec.key !== key || !Array.isArray(rec.obs) || !Array.isArray(rec.out) || typeof rec.code !== 'number') return undefined;
  const nfs = new NodeFileSystem();
  const obs = rec.obs;
  let path = '';
  for (let i = 0; i + 3 < obs.length; i += 4) {
    path = path.slice(0, obs[i + 1] as number) + (obs[i + 2] as string);
    if (answer(nfs, obs[i] as Kind, path) !== obs[i + 3]) return undefined;
  }
  for (const [stream, text] of rec.out) write(stream, text);
  return rec.code;
}

/** A stamp's modification and change times (ms), for the racy check. */
function stampTimes(stamp: string): number[] {
  if (stamp.startsWith('!')) return [];
  const parts = stamp.split(':');
  return [Number(parts[4]), Number(parts[5])];
}

/**
 * Record a finished run for later replays (best effort: a cache that cannot be written only costs time).
 * Returns why it was not recorded, or undefined when it was.
 */
export function saveRun(dir: string, key: string, rec: RunRecorder, out: Chunk[], code: number, now = Date.now()): string | undefined {
  if (rec.unstable) return 'unstable';
  if (code !== 0 && code !== 1) return `exit ${code}`;
  const since = now - RACY_MS;
  for (let i = 0; i < rec.obs.length; i++) {
    const o = rec.obs[i];
    const kind = o[0];
    const value = o[2];
    if (kind === 'm' ? value !== null && !((value as number) <= since) : kind === 'r' && stampTimes(value as string).some((t) => !(t <= since))) return 'racy';
  }
  const record: RunRecord = { v: RUN_CACHE_VERSION, key, obs: encode(rec.obs), out, code };
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = runFile(dir, key);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(record));
    fs.renameSync(tmp, file);
    const runs = fs.readdirSync(dir).filter((f) => f.startsWith('run-') && f.endsWith('.json'));
    if (runs.length > KEEP) {
      const byAge = runs.map((f) => ({ f, t: fs.statSync(`${dir}/${f}`).mtimeMs })).sort((a, b) => b.t - a.t);
      for (const old of byAge.slice(KEEP)) fs.rmSync(`${dir}/${old.f}`, { force: true });
    }
  } catch {
    return 'unwritable';
  }
  return undefined;
}

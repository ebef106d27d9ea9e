// Differential test of the merge stage + emitter over kernel boards:
//   cpp the board as the kernel does -> parse -> buildTree -> emitDts,
//   then dtc -I dts -O dtb on both the cpp output and the emitted DTS,
//   decompile both blobs (dtc -I dtb -O dts) and compare.
//
// usage: node out/scripts/tree-diff.js [--linux DIR] [--arch arm64] [--limit N] [--sample N]
//        [--jobs N] [--keep DIR] [--verbose] [board.dts ...]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../server/src/base/node-fs';
import type { FileRange } from '../server/src/base/diagnostics';
import type { MacroUse, SourceLocation, SourceMap } from '../server/src/preprocess/types';
import { parseDts } from '../server/src/syntax/parse';
import { emitDts } from '../server/src/tree/emit';
import { buildTree } from '../server/src/tree/merge';

class FlatMap implements SourceMap {
  constructor(readonly file: string) {}
  locate(o: number): SourceLocation { return { file: this.file, offset: o }; }
  toFileRange(start: number, end: number): FileRange { return { file: this.file, start, end }; }
  fromFile(): number[] { return []; }
  macroAt(): MacroUse | undefined { return undefined; }
}

interface Args {
  linux: string;
  arch: string;
  limit?: number;
  sample?: number;
  jobs: number;
  keep?: string;
  verbose: boolean;
  boards: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    linux: path.join(os.homedir(), '.cache/dts-lsp/linux-source-6.12'),
    arch: 'arm64',
    jobs: Math.max(1, Math.min(8, os.cpus().length)),
    verbose: false,
    boards: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--linux') a.linux = argv[++i];
    else if (x === '--arch') a.arch = argv[++i];
    else if (x === '--limit') a.limit = Number(argv[++i]);
    else if (x === '--sample') a.sample = Number(argv[++i]);
    else if (x === '--jobs') a.jobs = Number(argv[++i]);
    else if (x === '--keep') a.keep = argv[++i];
    else if (x === '--verbose' || x === '-v') a.verbose = true;
    else a.boards.push(path.resolve(x));
  }
  return a;
}

function findBoards(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.dts')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function run(cmd: string, args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, timeout: 60000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', (e) => resolve({ code: -1, stdout: '', stderr: String(e) }));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

async function dtcRoundTrip(file: string, tmp: string, tag: string): Promise<{ ok: boolean; dts: string; err: string }> {
  const dtb = path.join(tmp, tag + '.dtb');
  const a = await run('/usr/bin/dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', dtb, file], path.dirname(file));
  if (a.code !== 0) return { ok: false, dts: '', err: a.stderr.trim().split('\n').slice(0, 3).join(' | ') };
  const b = await run('/usr/bin/dtc', ['-q', '-I', 'dtb', '-O', 'dts', dtb]);
  fs.rmSync(dtb, { force: true });
  if (b.code !== 0) return { ok: false, dts: '', err: b.stderr.trim() };
  return { ok: true, dts: b.stdout, err: '' };
}

type Outcome = 'equal' | 'different' | 'dtc-rejects-original' | 'dtc-rejects-emitted' | 'cpp-failed' | 'merge-errors';

interface BoardResult { board: string; outcome: Outcome; detail: string; ms: number }

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: dtc: ${JSON.stringify(la[i] ?? '<eof>')} emitted: ${JSON.stringify(lb[i] ?? '<eof>')}`;
  }
  return '';
}

function inlineDtcIncludes(text: string, dirs: string[], depth: number): string {
  if (depth > 20) return text;
  return text.replace(/\/include\/\s*"([^"]+)"/g, (m: string, name: string) => {
    for (const d of dirs) {
      const f = path.resolve(d, name);
      if (fs.existsSync(f)) return inlineDtcIncludes(fs.readFileSync(f, 'utf8'), [path.dirname(f), ...dirs], depth + 1);
    }
    return m;
  });
}

async function checkBoard(board: string, args: Args, tmp: string, idx: number): Promise<BoardResult> {
  const t0 = Date.now();
  const dir = path.dirname(board);
  const cppOut = path.join(tmp, `b${idx}.pp.dts`);
  const cpp = await run('/usr/bin/cpp', [
    '-nostdinc', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', '-P',
    '-I', dir, '-I', path.join(args.linux, 'scripts/dtc/include-prefixes'), '-I', path.join(args.linux, 'include'),
    board, '-o', cppOut,
  ]);
  if (cpp.code !== 0) return { board, outcome: 'cpp-failed', detail: cpp.stderr.split('\n')[0], ms: Date.now() - t0 };
  let text = fs.readFileSync(cppOut, 'utf8');
  if (text.includes('/include/')) {
    // dtc's own /include/ (no cpp): inline it so that both sides see the same text
    text = inlineDtcIncludes(text, [dir], 0);
    fs.writeFileSync(cppOut, text);
  }
  const tm = Date.now();
  const ast = parseDts(text);
  const tree = buildTree(ast, { map: new FlatMap(cppOut), fs: new NodeFileSystem(), root: board });
  const emitted = emitDts(tree);
  const mergeMs = Date.now() - tm;
  const emitFile = path.join(tmp, `b${idx}.emit.dts`);
  fs.writeFileSync(emitFile, emitted);
  const [orig, mine] = await Promise.all([dtcRoundTrip(cppOut, tmp, `b${idx}o`), dtcRoundTrip(emitFile, tmp, `b${idx}e`)]);
  const errs = [...ast.errors.map((e) => `syntax: ${e.message}`), ...tree.diagnostics.map((d) => `${d.code}: ${d.message}`)];
  let res: BoardResult;
  if (!orig.ok) res = { board, outcome: 'dtc-rejects-original', detail: orig.err + (errs.length ? ` (ours: ${errs[0]})` : ''), ms: mergeMs };
  else if (errs.length) res = { board, outcome: 'merge-errors', detail: errs.slice(0, 3).join(' | '), ms: mergeMs };
  else if (!mine.ok) res = { board, outcome: 'dtc-rejects-emitted', detail: mine.err, ms: mergeMs };
  else if (orig.dts !== mine.dts) res = { board, outcome: 'different', detail: firstDifference(orig.dts, mine.dts), ms: mergeMs };
  else res = { board, outcome: 'equal', detail: '', ms: mergeMs };
  if (args.keep && res.outcome !== 'equal') {
    fs.mkdirSync(args.keep, { recursive: true });
    const base = path.basename(board, '.dts');
    fs.copyFileSync(cppOut, path.join(args.keep, base + '.pp.dts'));
    fs.copyFileSync(emitFile, path.join(args.keep, base + '.emit.dts'));
  }
  fs.rmSync(cppOut, { force: true });
  fs.rmSync(emitFile, { force: true });
  return res;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let boards = args.boards.length ? args.boards : findBoards(path.join(args.linux, 'arch', args.arch, 'boot/dts'));
  if (args.sample && args.sample < boards.length) {
    const step = boards.length / args.sample;
    boards = Array.from({ length: args.sample }, (_, i) => boards[Math.floor(i * step)]);
  }
  if (args.limit) boards = boards.slice(0, args.limit);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tree-diff-'));
  const results: BoardResult[] = new Array(boards.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < boards.length) {
      const i = next++;
      results[i] = await checkBoard(boards[i], args, tmp, i);
      const r = results[i];
      if (args.verbose || (r.outcome !== 'equal')) {
        console.log(`${r.outcome.padEnd(22)} ${path.relative(args.linux, r.board)}${r.detail ? '  ' + r.detail : ''}`);
      }
    }
  };
  await Promise.all(Array.from({ length: args.jobs }, worker));
  fs.rmSync(tmp, { recursive: true, force: true });
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  console.log(`\nboards: ${results.length}`);
  for (const [k, v] of [...counts].sort()) console.log(`  ${k}: ${v}`);
  if (ms.length) console.log(`parse+merge+emit ms: median ${ms[Math.floor(ms.length / 2)]}, max ${ms[ms.length - 1]}`);
  const bad = results.filter((r) => r.outcome === 'different' || r.outcome === 'dtc-rejects-emitted' || r.outcome === 'merge-errors').length;
  process.exitCode = bad ? 1 : 0;
}

void main();

// Differential check of the preprocessor against the real cpp:
//   node out/scripts/pp-diff.js [--linux DIR] [--limit N] [--verbose] [board.dts ...]
// For every board (default: all of arch/arm64/boot/dts), run
//   cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -P -I <dir> -I <prefixes> -I <include>
// and our preprocess() with the same include paths, split both outputs into
// tokens (whitespace ignored, but adjacent word characters stay one token) and compare.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../server/src/base/node-fs';
import { createPreprocessCache, preprocess } from '../server/src/preprocess';

/** Replace C comments by a space (strings are respected). */
export function stripComments(text: string): string {
  return text.replace(/"(?:\\.|[^"\\\n])*"|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => (m[0] === '"' ? m : ' '));
}

/** Do what dtc does after cpp: insert /include/ "file" raw (relative to dir, then the include paths). */
export function applyDtcIncludes(text: string, dir: string, includePaths: string[], depth = 0): string {
  if (depth > 50) return text;
  return text.replace(/\/include\/\s*"([^"\n]*)"/g, (m, name: string) => {
    for (const d of [dir, ...includePaths]) {
      const p = path.resolve(d, name);
      if (fs.existsSync(p) && fs.statSync(p).isFile()) return applyDtcIncludes(fs.readFileSync(p, 'utf8'), path.dirname(p), includePaths, depth + 1);
    }
    return m;
  });
}

export function ppTokens(text: string): string[] {
  text = stripComments(text);
  const re = /"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[A-Za-z0-9_]+|\S/g;
  return text.match(re) ?? [];
}

export function cppOutput(file: string, includePaths: string[]): { ok: boolean; text: string; stderr: string } {
  const args = ['-nostdinc', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', '-P'];
  for (const p of includePaths) args.push('-I', p);
  args.push(file);
  try {
    const text = execFileSync('cpp', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, text, stderr: '' };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, text: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

export function firstDifference(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function listBoards(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listBoards(p));
    else if (e.name.endsWith('.dts')) out.push(p);
  }
  return out.sort();
}

function main(): void {
  const argv = process.argv.slice(2);
  let linux = path.join(os.homedir(), '.cache/dts-lsp/linux-source-6.12');
  let limit = Infinity;
  let verbose = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--linux') linux = argv[++i];
    else if (argv[i] === '--limit') limit = Number(argv[++i]);
    else if (argv[i] === '--verbose') verbose = true;
    else files.push(path.resolve(argv[i]));
  }
  const boards = files.length ? files : listBoards(path.join(linux, 'arch/arm64/boot/dts')).slice(0, limit);
  const nfs = new NodeFileSystem();
  const cache = createPreprocessCache();
  let agree = 0;
  let differ = 0;
  let cppFailed = 0;
  let ourTime = 0;
  const failures: string[] = [];
  for (const b of boards) {
    const inc = [path.dirname(b), path.join(linux, 'scripts/dtc/include-prefixes'), path.join(linux, 'include')];
    const ref = cppOutput(b, inc);
    const t0 = process.hrtime.bigint();
    const ours = preprocess(b, { fs: nfs, includePaths: inc, defines: { __DTS__: '1' }, cache });
    ourTime += Number(process.hrtime.bigint() - t0) / 1e6;
    const ourErrors = ours.diagnostics.filter((d) => d.severity === 'error');
    if (!ref.ok) {
      cppFailed++;
      if (verbose) console.log(`cpp failed: ${b}: ${ref.stderr.split('\n')[0]} | ours: ${ourErrors.length} errors ${ourErrors[0]?.message ?? ''}`);
      continue;
    }
    const a = ppTokens(applyDtcIncludes(ref.text, path.dirname(b), inc));
    const o = ppTokens(ours.text);
    const d = firstDifference(a, o);
    if (d < 0) {
      agree++;
      if (ourErrors.length && verbose) console.log(`agree but we reported: ${b}: ${ourErrors[0].message}`);
    } else {
      differ++;
      failures.push(b);
      if (verbose || failures.length <= 10) {
        console.log(`DIFFER ${path.relative(linux, b)} at token ${d}: cpp ${JSON.stringify(a.slice(Math.max(0, d - 8), d + 8).join(' '))}`);
        console.log(`       ours ${JSON.stringify(o.slice(Math.max(0, d - 8), d + 8).join(' '))}`);
      }
    }
  }
  console.log(`boards: ${boards.length}, agree: ${agree}, differ: ${differ}, cpp failed: ${cppFailed}`);
  console.log(`our preprocess total ${ourTime.toFixed(0)} ms (shared cache: ${JSON.stringify(cache.stats)})`);
}

if (require.main === module) main();

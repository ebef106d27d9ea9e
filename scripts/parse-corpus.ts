// Syntax-level corpus run: preprocesses every arm64 board of the Linux tree with
// the system cpp and parses the output with parseDts. Reports how many boards
// parse with zero syntax errors, the failures, and parse timings.
//
//   node out/scripts/parse-corpus.js [linux-dir] [--jobs N] [--filter substr]
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ParseCache, parseDts } from '../server/src/syntax/parse';

function findBoards(dir: string, out: string[]): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findBoards(p, out);
    else if (e.name.endsWith('.dts')) out.push(p);
  }
  return out;
}

/** Inlines dtc's `/include/ "file"` (cpp does not know it), relative to the including file. */
function inlineDtcIncludes(file: string, depth = 0): string {
  const text = fs.readFileSync(file, 'utf8');
  if (depth > 16 || !text.includes('/include/')) return text;
  return text.replace(/\/include\/\s*"([^"]+)"/g, (_m, name: string) => {
    const p = path.resolve(path.dirname(file), name);
    return fs.existsSync(p) ? inlineDtcIncludes(p, depth + 1) : _m;
  });
}

function preprocess(linux: string, board: string): Promise<string> {
  const args = ['-nostdinc', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', '-P',
    '-I', path.dirname(board), '-I', path.join(linux, 'scripts/dtc/include-prefixes'), '-I', path.join(linux, 'include'), '-'];
  const input = inlineDtcIncludes(board);
  return new Promise((resolve, reject) => {
    const child = execFile('cpp', args, { maxBuffer: 64 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin?.end(input);
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let linux = path.join(os.homedir(), '.cache/dts-lsp/linux-source-6.12');
  let jobs = Math.max(1, os.cpus().length);
  let filter = '';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--jobs') jobs = Number(argv[++i]);
    else if (argv[i] === '--filter') filter = argv[++i];
    else linux = argv[i];
  }
  const boards = findBoards(path.join(linux, 'arch/arm64/boot/dts'), []).filter((b) => b.includes(filter)).sort();
  const cache = new ParseCache();
  let ok = 0;
  let cppFailed = 0;
  let bytes = 0;
  let coldMs = 0;
  let cachedMs = 0;
  const failures: string[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < boards.length) {
      const board = boards[next++];
      let text: string;
      try {
        text = await preprocess(linux, board);
      } catch {
        cppFailed++;
        continue;
      }
      bytes += text.length;
      let t0 = performance.now();
      const r = parseDts(text);
      coldMs += performance.now() - t0;
      t0 = performance.now();
      parseDts(text, cache);
      cachedMs += performance.now() - t0;
      if (r.errors.length === 0) ok++;
      else {
        const e = r.errors[0];
        const line = text.slice(0, e.start).split('\n').length;
        failures.push(`${path.relative(linux, board)}: ${r.errors.length} error(s); first at preprocessed line ${line}: ${e.message} ` +
          JSON.stringify(text.slice(Math.max(0, e.start - 40), e.end + 20)));
      }
    }
  }
  await Promise.all(Array.from({ length: jobs }, worker));
  for (const f of failures) console.log(f);
  console.log(`boards: ${boards.length}, cpp failed: ${cppFailed}, parsed with zero syntax errors: ${ok}/${boards.length - cppFailed}`);
  console.log(`text: ${(bytes / 1e6).toFixed(1)} MB; parse without cache ${coldMs.toFixed(0)} ms total, ` +
    `${(coldMs / Math.max(1, boards.length - cppFailed)).toFixed(1)} ms/board; with a shared ParseCache ${cachedMs.toFixed(0)} ms total ` +
    `(statements parsed ${cache.stats.parsed}, reused ${cache.stats.reused})`);
  process.exitCode = failures.length ? 1 : 0;
}

void main();

// Timing of the preprocessor on a real kernel board (not a test):
//   node out/scripts/pp-bench.js [board.dts] [--runs N]
// Reports a cold run (fresh process state, empty cache), then warm runs with a
// shared cache (every include a cache hit), and runs without a cache.
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../server/src/base/node-fs';
import { createPreprocessCache, preprocess } from '../server/src/preprocess';

function main(): void {
  const argv = process.argv.slice(2);
  const linux = path.join(os.homedir(), '.cache/dts-lsp/linux-source-6.12');
  let runs = 20;
  let board = path.join(linux, 'arch/arm64/boot/dts/qcom/sc7280-herobrine-villager-r1-lte.dts');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else board = path.resolve(argv[i]);
  }
  const inc = [path.join(linux, 'scripts/dtc/include-prefixes'), path.join(linux, 'include')];
  const fs = new NodeFileSystem();
  const opts = { fs, includePaths: inc, defines: { __DTS__: '1' } };
  const time = (f: () => void): number => { const t = process.hrtime.bigint(); f(); return Number(process.hrtime.bigint() - t) / 1e6; };
  const cache = createPreprocessCache();
  let res = preprocess(board, { ...opts, cache });
  const cold = time(() => { res = preprocess(board, { ...opts, cache: createPreprocessCache() }); });
  void cold;
  // first-ever run in this process (includes JIT warm-up) was above; measure again cold-cache and warm
  const coldTimes: number[] = [];
  const nocacheTimes: number[] = [];
  const warmTimes: number[] = [];
  for (let i = 0; i < runs; i++) coldTimes.push(time(() => { preprocess(board, { ...opts, cache: createPreprocessCache() }); }));
  for (let i = 0; i < runs; i++) nocacheTimes.push(time(() => { preprocess(board, opts); }));
  for (let i = 0; i < runs; i++) warmTimes.push(time(() => { res = preprocess(board, { ...opts, cache }); }));
  const med = (a: number[]): number => a.slice().sort((x, y) => x - y)[a.length >> 1];
  console.log(`${path.relative(linux, board)}: ${res.files.length} files, ${res.includes.length} include directives, output ${res.text.length} chars, ${res.macroUses.length} macro uses, ${res.diagnostics.length} diagnostics`);
  console.log(`cold cache (median of ${runs}): ${med(coldTimes).toFixed(1)} ms; no cache: ${med(nocacheTimes).toFixed(1)} ms; warm cache: ${med(warmTimes).toFixed(1)} ms`);
  console.log(`cache: ${JSON.stringify(cache.stats)}`);
}

main();

// What binding validation costs the language server, measured with it on and off in the same run
// (alternating servers): edit -> analysis published latency (the bindings worker runs beside the main
// thread), the first binding diagnostics after opening a board, the worker's time per edit, and the
// server's memory with the bindings loaded.
//
//   node out/scripts/bench-bindings.js [--board qcom/sm8550-mtp] [--edits 200] [--rounds 2]
import * as os from 'node:os';
import * as path from 'node:path';
import { benchEdit } from './bench/inproc';
import { BenchClient } from './bench/server-client';
import { fmtMB, median, now, p95, prng, rssOf, sleep } from './bench/stats';
import { ensureKernelBindings, ensureKernelTree } from './kernel-tree';

function arg(name: string, d: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : d;
}

interface Run { bindings: boolean; edits: number[]; firstBindingsMs?: number; worker: number[]; answer: number[]; main?: number[]; pack?: number[]; rss: number; heap: number; workerHeap?: number; restRss?: number }

async function run(board: string, workspace: string, bindings: boolean, edits: number): Promise<Run> {
  const c = new BenchClient();
  const r: Run = { bindings, edits: [], worker: [], answer: [], rss: 0, heap: 0 };
  try {
    await c.initialize(workspace, { bindings });
    const t0 = now();
    await c.open(board);
    await c.waitAnalysed(board, t0 - 1, 120_000);
    if (bindings) {
      // the first answer of the worker: the board's first validation (bindings loaded from the disk cache)
      for (;;) {
        const s = (await c.stats()) as { bindings?: { answers: number } };
        if ((s.bindings?.answers ?? 0) > 0) break;
        if (now() - t0 > 180_000) throw new Error('no binding answer');
        await sleep(20);
      }
      r.firstBindingsMs = now() - t0;
    }
    await sleep(500);
    const rnd = prng(7);
    // typing: one keystroke every 100 ms (the worker waits for a pause)
    for (let i = 0; i < edits; i++) {
      await sleep(100);
      const text = c.texts.get(board)!;
      const e = benchEdit(text, rnd, i);
      const t = now();
      await c.replace(board, e.p, e.remove, e.insert);
      const a = await c.waitAnalysed(board, t);
      r.edits.push(a.at - t);
    }
    // edits with pauses: the worker re-validates each edited tree
    if (bindings) {
      const answers = async (): Promise<{ answers: number; lastMs: number }> => ((await c.stats()) as { bindings: { answers: number; lastMs: number } }).bindings;
      await sleep(1000);
      for (let i = 0; i < Math.min(40, edits); i++) {
        const before = (await answers()).answers;
        const text = c.texts.get(board)!;
        const e = benchEdit(text, rnd, edits + i);
        const t = now();
        await c.replace(board, e.p, e.remove, e.insert);
        for (;;) {
          const s = await answers();
          if (s.answers > before) {
            r.answer.push(now() - t);
            r.worker.push(s.lastMs);
            break;
          }
          if (now() - t > 10_000) break;
          await sleep(5);
        }
        await sleep(200);
      }
    }
    await sleep(1500);
    const s = await c.stats();
    const b = (s as { bindings?: { mainMs: number[]; packMs?: number[] } }).bindings;
    r.main = b?.mainMs ?? [];
    r.pack = b?.packMs ?? [];
    r.workerHeap = (s as { bindings?: { workerHeapUsed: number } }).bindings?.workerHeapUsed;
    // at rest: the server's and the worker's idle collections have run
    await sleep(17_000);
    r.restRss = rssOf(c.pid);
    r.rss = rssOf(c.pid);
    r.heap = s.memory?.heapUsed ?? 0;
  } finally {
    await c.shutdown();
  }
  return r;
}

async function main(): Promise<void> {
  const kernel = ensureKernelTree();
  ensureKernelBindings();
  const board = path.join(kernel, 'arch/arm64/boot/dts', `${arg('--board', 'qcom/sm8550-mtp')}.dts`);
  const workspace = path.dirname(board);
  const edits = Number(arg('--edits', '200'));
  const rounds = Number(arg('--rounds', '2'));
  // a first run fills the bindings cache (the processed schemas), as any earlier use of the tree would
  await run(board, workspace, true, 0);
  const on: Run[] = [];
  const off: Run[] = [];
  for (let k = 0; k < rounds; k++) {
    off.push(await run(board, workspace, false, edits));
    on.push(await run(board, workspace, true, edits));
  }
  const all = (rs: Run[], f: (r: Run) => number[]): number[] => rs.flatMap(f);
  const eOn = all(on, (r) => r.edits);
  const eOff = all(off, (r) => r.edits);
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  console.log(`board ${path.relative(path.join(kernel, 'arch/arm64/boot/dts'), board)}, ${edits} edits x ${rounds} rounds per setting, load ${os.loadavg()[0].toFixed(1)}`);
  console.log(`edit -> analysis published: bindings off median ${ms(median(eOff))} p95 ${ms(p95(eOff))}; on median ${ms(median(eOn))} p95 ${ms(p95(eOn))}; p95 difference ${ms(p95(eOn) - p95(eOff))}`);
  const mainMs = all(on, (r) => r.main ?? []);
  const packMs = all(on, (r) => r.pack ?? []);
  console.log(`main thread: per analysis (last findings mapped onto the new tree) median ${ms(median(mainMs))} p95 ${ms(p95(mainMs))}; per validation sent (tree packed, once typing pauses) median ${ms(median(packMs))} p95 ${ms(p95(packMs))}`);
  console.log(`first binding diagnostics after didOpen (processed bindings cached on disk): ${on.map((r) => ms(r.firstBindingsMs ?? NaN)).join(', ')}`);
  const w = all(on, (r) => r.worker);
  const ans = all(on, (r) => r.answer);
  console.log(`edits with pauses: worker per edit (decode + re-validation of the changed subtrees) median ${ms(median(w))} p95 ${ms(p95(w))}; edit -> binding findings back (the scheduler's pause before validating included) median ${ms(median(ans))} p95 ${ms(p95(ans))}`);
  console.log(`memory after the edits: bindings off RSS ${off.map((r) => fmtMB(r.rss)).join(', ')}, heap ${off.map((r) => fmtMB(r.heap)).join(', ')}; on RSS ${on.map((r) => fmtMB(r.rss)).join(', ')}, heap ${on.map((r) => fmtMB(r.heap)).join(', ')} (the worker's heap is in the RSS, not in the main heap); worker heap ${on.map((r) => fmtMB(r.workerHeap ?? 0)).join(', ')}; at rest (idle collections done) RSS off ${off.map((r) => fmtMB(r.restRss ?? 0)).join(', ')}, on ${on.map((r) => fmtMB(r.restRss ?? 0)).join(', ')}`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});

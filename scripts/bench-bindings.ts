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

interface Run { bindings: boolean; edits: number[]; firstBindingsMs?: number; worker: number[]; rss: number; heap: number }

async function run(board: string, workspace: string, bindings: boolean, edits: number): Promise<Run> {
  const c = new BenchClient();
  const r: Run = { bindings, edits: [], worker: [], rss: 0, heap: 0 };
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
    let prevAnswers = 0;
    for (let i = 0; i < edits; i++) {
      await sleep(100); // typing pace
      const text = c.texts.get(board)!;
      const e = benchEdit(text, rnd, i);
      const t = now();
      await c.replace(board, e.p, e.remove, e.insert);
      const a = await c.waitAnalysed(board, t);
      r.edits.push(a.at - t);
      if (bindings) {
        const s = (await c.stats()) as { bindings?: { answers: number; lastMs: number } };
        if (s.bindings && s.bindings.answers > prevAnswers) r.worker.push(s.bindings.lastMs);
        prevAnswers = s.bindings?.answers ?? prevAnswers;
      }
    }
    await sleep(1500);
    const s = await c.stats();
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
  console.log(`first binding diagnostics after didOpen (processed bindings cached on disk): ${on.map((r) => ms(r.firstBindingsMs ?? NaN)).join(', ')}`);
  const w = all(on, (r) => r.worker);
  console.log(`worker per edit (re-validation of the changed subtrees): median ${ms(median(w))} p95 ${ms(p95(w))}`);
  console.log(`memory after the edits: bindings off RSS ${off.map((r) => fmtMB(r.rss)).join(', ')}, heap ${off.map((r) => fmtMB(r.heap)).join(', ')}; on RSS ${on.map((r) => fmtMB(r.rss)).join(', ')}, heap ${on.map((r) => fmtMB(r.heap)).join(', ')} (the worker's heap is in the RSS, not in the main heap)`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});

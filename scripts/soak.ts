// `npm run soak`: seeded random editing sessions through the real server (see scripts/soak/session.ts):
// at quiet points every open document's diagnostics must equal a fresh analysis of the same texts.
//
//   npm run soak                                  4 kernel boards + their largest .dtsi, 2,000 steps, seed 1
//   npm run soak -- --seed 7 --steps 300          another session, shorter
//   npm run soak -- --boards small                the two smaller boards (the CI run)
//   npm run soak -- --boards overlays             two Linux .dtso: one on its base board (fdtoverlay), one alone
//   npm run soak -- --fixtures                    the test fixtures' boards (no kernel tree needed)
//   npm run soak -- --zephyr                      two Zephyr boards and their SoC .dtsi in the west workspace of
//                                                 ../shared/corpus/zephyr or $DTS_SHARED (CRLF line ends, Zephyr
//                                                 include paths and bindings, a HAL module's pinctrl)
//   npm run soak -- --seeds 1-5                   several sessions, one after the other
//   --check-every N (default 40)   --check-from S (a quiet point after every step from S on)
//     --seconds S (stop a session early)   --trace (print every operation)
//   --memory (the server's RSS at rest at the end of each session, documents still open)
//   npm run soak -- --replay soak-failure-N.json [--every K] [--root FILE] [--no-bindings]
//                                                 the failing session's edits in process, the context analysed
//                                                 after every (K-th) edit against a fresh analysis: the first edit
//                                                 after which they differ (scripts/soak/replay.ts)
//   npm run soak -- --schedule [--seeds 1-20] [--steps N] [--compare-rate R] [--bindings]
//                                                 the server's analysis schedule simulated in process (no server:
//                                                 batching, abandoned analyses, late settles, other boards between),
//                                                 the host's invariants checked after every analysis and a sampled
//                                                 share compared with a fresh one (scripts/soak/schedule.ts); exact
//                                                 replay by seed; 600 steps by default
//   --no-bindings (binding validation off in the server and in the fresh analysis)
//
// Exit code 1 on a mismatch, a failed request or a dead server; the failing session's operations are
// written to soak-failure-<seed>.json to replay it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureKernelTree } from './kernel-tree';
import { replayFailure } from './soak/replay';
import { runSchedule } from './soak/schedule';
import { runSoak, type SoakResult } from './soak/session';

const REPO = path.resolve(__dirname, '..', '..');

/** The benchmark's four boards and, for each, its largest .dtsi (in arch/arm64/boot/dts). */
const KERNEL_SETS: Record<string, string[]> = {
  all: [
    'qcom/sm8550-mtp.dts', 'qcom/sm8550.dtsi',
    'qcom/sc7280-herobrine-villager-r1-lte.dts', 'qcom/sc7280.dtsi',
    'freescale/imx8qm-apalis-eval-v1.2.dts', 'freescale/imx8-apalis-v1.1.dtsi',
    'renesas/r8a779f0-spider.dts', 'renesas/r8a779f0.dtsi',
  ],
  // Linux overlays: one applied to its base board as fdtoverlay does (the base found from the Makefile), one alone
  overlays: [
    'xilinx/zynqmp-sm-k26-revA.dts', 'xilinx/zynqmp.dtsi', 'xilinx/zynqmp-sck-kv-g-revA.dtso',
    'ti/k3-am654-base-board.dts', 'ti/k3-am654-idk.dtso',
  ],
  small: [
    'renesas/r8a779f0-spider.dts', 'renesas/r8a779f0.dtsi', 'renesas/r8a779f0-spider-cpu.dtsi',
    'freescale/imx8qm-apalis-eval-v1.2.dts', 'freescale/imx8-apalis-v1.1.dtsi',
  ],
};

/** Zephyr boards, their pin control .dtsi and SoC .dtsi (in the workspace of ../shared/corpus/zephyr). */
const ZEPHYR_SET = [
  'zephyr/boards/arm/nrf52840dk_nrf52840/nrf52840dk_nrf52840.dts', 'zephyr/boards/arm/nrf52840dk_nrf52840/nrf52840dk_nrf52840-pinctrl.dtsi',
  'zephyr/dts/arm/nordic/nrf52840.dtsi',
  'zephyr/boards/arm/nucleo_f429zi/nucleo_f429zi.dts', 'zephyr/dts/arm/st/f4/stm32f4.dtsi',
];

/** The west workspace of the Zephyr corpus (../shared beside the repo, or $DTS_SHARED), or undefined. */
function zephyrWorkspace(): string | undefined {
  for (const shared of [process.env.DTS_SHARED, path.resolve(REPO, '../shared')]) {
    if (!shared) continue;
    const ws = path.join(shared, 'corpus/zephyr');
    if (fs.existsSync(path.join(ws, '.west/config'))) return ws;
  }
  return undefined;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function seedsOf(spec: string): number[] {
  const m = /^(\d+)-(\d+)$/.exec(spec);
  if (m) { const out: number[] = []; for (let s = Number(m[1]); s <= Number(m[2]); s++) out.push(s); return out; }
  return spec.split(',').map(Number);
}

async function main(): Promise<void> {
  const replay = arg('--replay');
  if (replay) {
    const r = replayFailure(replay, Number(arg('--every') ?? 1), arg('--root'), !process.argv.includes('--no-bindings'));
    if (r.step === undefined) console.log(`replay: ${r.edits} edits, the incremental analysis equals a fresh one after each`);
    else {
      console.log(`replay: differs after step ${r.step}, ${r.edit}`);
      for (const x of r.onlyIncremental) console.log(`  incremental only: ${x}`);
      for (const x of r.onlyFresh) console.log(`  fresh only:       ${x}`);
    }
    process.exit(r.step === undefined ? 0 : 1);
  }
  let workspace: string;
  let files: string[];
  if (process.argv.includes('--fixtures')) {
    workspace = path.join(REPO, 'test/fixtures/lsp');
    files = ['board-a.dts', 'board-b.dts', 'soc.dtsi', 'lone.dtsi'].map((f) => path.join(workspace, f));
  } else if (process.argv.includes('--zephyr')) {
    const ws = zephyrWorkspace();
    if (!ws) {
      console.log('soak --zephyr: skipped (needs ../shared/corpus/zephyr or $DTS_SHARED)');
      return;
    }
    workspace = ws;
    files = ZEPHYR_SET.map((f) => path.join(ws, f));
  } else {
    const kernel = ensureKernelTree();
    workspace = path.join(kernel, 'arch/arm64/boot/dts');
    const set = KERNEL_SETS[arg('--boards') ?? 'all'];
    if (!set) throw new Error(`--boards: one of ${Object.keys(KERNEL_SETS).join(', ')}`);
    files = set.map((f) => path.join(workspace, f));
  }
  const seeds = seedsOf(arg('--seeds') ?? arg('--seed') ?? '1');
  if (process.argv.includes('--schedule')) {
    let failed = false;
    for (const seed of seeds) {
      const t0 = Date.now();
      const r = runSchedule({
        files, seed, steps: Number(arg('--steps') ?? 600), compareRate: Number(arg('--compare-rate') ?? 0.3),
        bindings: process.argv.includes('--bindings'), log: (l) => console.log(l),
      });
      console.log(`schedule seed ${seed}: ${r.steps} steps, ${r.analyses} analyses (${r.abandoned} abandoned), ${r.compared} compared with a fresh one, ${r.failure ? 'FAILED' : 'equal'}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      if (r.failure) {
        failed = true;
        console.log(`  the last operations:\n    ${r.trace.join('\n    ')}`);
      }
    }
    process.exit(failed ? 1 : 0);
  }
  const steps = Number(arg('--steps') ?? 2000);
  const checkEvery = Number(arg('--check-every') ?? 40);
  const checkFrom = arg('--check-from') !== undefined ? Number(arg('--check-from')) : undefined;
  const seconds = Number(arg('--seconds') ?? 0);
  const trace = process.argv.includes('--trace');
  const memory = process.argv.includes('--memory');
  const noBindings = process.argv.includes('--no-bindings');
  let failed = false;
  for (const seed of seeds) {
    const t0 = Date.now();
    const r: SoakResult = await runSoak({ workspace, files, seed, steps, checkEvery, checkFrom, seconds, memory, noBindings, log: (l) => console.log(l) });
    if (trace) for (const l of r.trace) console.log(l);
    const ops = Object.entries(r.ops).map(([k, v]) => `${k} ${v}`).join(', ');
    if (r.rssAtRest !== undefined) console.log(`seed ${seed}: RSS at rest ${(r.rssAtRest / 2 ** 20).toFixed(0)} MB with ${r.openDocuments} documents open`);
    console.log(`seed ${seed}: ${r.steps} steps, ${r.checks} quiet points, ${r.compared} documents compared, ${r.mismatches.length} mismatches, ${r.requestErrors.length} failed requests, ${((Date.now() - t0) / 1000).toFixed(1)} s (${ops})`);
    if (r.mismatches.length || r.requestErrors.length || !r.serverAlive) {
      failed = true;
      const out = path.resolve(`soak-failure-${seed}.json`);
      fs.writeFileSync(out, JSON.stringify({ seed, files, workspace, mismatches: r.mismatches, requestErrors: r.requestErrors, serverAlive: r.serverAlive, trace: r.trace, edits: r.edits }, null, 1));
      console.log(`  details and the operations in ${out}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});

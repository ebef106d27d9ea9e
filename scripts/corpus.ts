// Kernel corpus report: runs the front end (and checks) over Linux 6.12's arm64
// boards with zero configuration and compares the merged tree with dtc's.
//
//   npm run corpus                 all 1118 arm64 boards
//   npm run corpus -- --sample     the fixed CI sample (first board of every vendor, ...)
//   options: --no-dtc (skip the blob comparison)  --strict (exit 1 on any front-end error or difference)
//            --boards a.dts,b.dts (paths relative to arch/arm64/boot/dts)  --json FILE (write the full report)
//   npm run corpus -- --zephyr DIR [--sample]   a Zephyr west workspace instead (zephyr-corpus.ts)
//   npm run corpus -- --linux-stacks            the arm64 composite DTBs against fdtoverlay (linux-stacks.ts)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost } from '../server/src/analysis';
import { DIAGNOSTIC_CODES } from '../server/src/base/diagnostics';
import { FRONT_END_CODES } from '../server/src/base/diagnostics';
import { NodeFileSystem } from '../server/src/base/node-fs';
import { emitDts } from '../server/src/tree/emit';
import { dtcToDts, firstDifference, run } from './dtc-compare';
import { linuxStacks } from './linux-stacks';
import { zephyrCorpus } from './zephyr-corpus';
import { arm64Boards, cppArgs, ensureDebianPackages, ensureKernelTree, sampleBoards } from './kernel-tree';

interface BoardResult {
  board: string;
  analysisMs: number;
  frontEndErrors: string[];
  diagnostics: Record<string, number>;
  details: string[];
  dtc?: 'equal' | 'different' | 'dtc-failed';
  dtcNote?: string;
}

async function compareWithDtc(kernel: string, board: string, emitted: string, work: string): Promise<{ verdict: BoardResult['dtc']; note?: string }> {
  const ours = path.join(work, 'ours.dts');
  const ref = path.join(work, 'ref.dts');
  fs.writeFileSync(ours, emitted);
  let refText: string;
  try {
    fs.writeFileSync(ref, await run('cpp', cppArgs(kernel, board)));
    refText = await dtcToDts(ref, work, 'ref', [path.dirname(board), path.join(kernel, 'scripts/dtc/include-prefixes')]);
  } catch (e) {
    return { verdict: 'dtc-failed', note: `reference cpp/dtc failed: ${String((e as Error).message).split('\n')[0]}` };
  }
  let ourText: string;
  try {
    ourText = await dtcToDts(ours, work, 'ours');
  } catch (e) {
    return { verdict: 'different', note: `dtc rejected --emit-dts output: ${String((e as Error).message).split('\n').slice(0, 3).join(' | ')}` };
  }
  if (ourText === refText) return { verdict: 'equal' };
  return { verdict: 'different', note: firstDifference(ourText, refText) };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--zephyr')) return zephyrCorpus(argv);
  if (argv.includes('--linux-stacks')) return linuxStacks(argv);
  const sample = argv.includes('--sample');
  const noDtc = argv.includes('--no-dtc');
  const strict = argv.includes('--strict');
  const jsonIdx = argv.indexOf('--json');
  const jsonOut = jsonIdx >= 0 ? argv[jsonIdx + 1] : undefined;
  const boardsIdx = argv.indexOf('--boards');

  ensureDebianPackages(noDtc ? {} : { dtc: 'device-tree-compiler', cpp: 'cpp' });
  const kernel = ensureKernelTree();
  let boards = sample ? sampleBoards(kernel) : arm64Boards(kernel);
  if (boardsIdx >= 0) boards = argv[boardsIdx + 1].split(',').map((b) => path.join(kernel, 'arch/arm64/boot/dts', b));

  const host = new AnalysisHost(new NodeFileSystem(), {});
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-corpus-'));
  const results: BoardResult[] = [];
  const totals: Record<string, number> = {};
  const t0 = process.hrtime.bigint();
  let cpu0 = process.cpuUsage();
  let analysisCpuMs = 0;
  for (const board of boards) {
    const rel = path.relative(path.join(kernel, 'arch/arm64/boot/dts'), board);
    const start = process.hrtime.bigint();
    cpu0 = process.cpuUsage();
    let res: BoardResult;
    try {
      const a = host.analyze(board);
      const cpu = process.cpuUsage(cpu0);
      analysisCpuMs += (cpu.user + cpu.system) / 1000;
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const diagnostics: Record<string, number> = {};
      const frontEndErrors: string[] = [];
      const details: string[] = [];
      for (const d of a.diagnostics) {
        diagnostics[d.code] = (diagnostics[d.code] ?? 0) + 1;
        totals[d.code] = (totals[d.code] ?? 0) + 1;
        const pos = a.lineIndex(d.file)?.positionAt(d.start) ?? { line: 0, character: 0 };
        const where = `${path.relative(kernel, d.file)}:${pos.line + 1}:${pos.character + 1}`;
        const line = `${where}: ${d.severity}: ${d.message} [${d.code}]`;
        if (FRONT_END_CODES.has(d.code) && d.severity === 'error') frontEndErrors.push(line);
        else details.push(line);
      }
      res = { board: rel, analysisMs: ms, frontEndErrors, diagnostics, details };
      if (!noDtc) {
        const c = await compareWithDtc(kernel, board, emitDts(a.tree), work);
        res.dtc = c.verdict;
        res.dtcNote = c.note;
      }
    } catch (e) {
      res = { board: rel, analysisMs: 0, frontEndErrors: [`internal error: ${(e as Error).stack}`], diagnostics: {}, details: [] };
    }
    results.push(res);
    if (res.frontEndErrors.length || res.dtc === 'different') {
      console.log(`${rel}: ${res.frontEndErrors.length} front-end errors${res.dtc ? `, dtc ${res.dtc}` : ''}`);
      for (const l of res.frontEndErrors.slice(0, 3)) console.log(`    ${l}`);
      if (res.dtcNote && res.dtc !== 'equal') console.log(`    ${res.dtcNote}`);
    }
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.rmSync(work, { recursive: true, force: true });

  const clean = results.filter((r) => r.frontEndErrors.length === 0).length;
  const equal = results.filter((r) => r.dtc === 'equal').length;
  const different = results.filter((r) => r.dtc === 'different').length;
  const dtcFailed = results.filter((r) => r.dtc === 'dtc-failed').length;
  const times = results.map((r) => r.analysisMs).sort((x, y) => x - y);
  console.log('');
  console.log(`boards: ${results.length}${sample ? ' (CI sample)' : ''}`);
  console.log(`front end: ${clean}/${results.length} boards with no syntax, include, macro or reference errors`);
  if (!noDtc) console.log(`merged tree vs dtc: ${equal} equal, ${different} different, ${dtcFailed} where dtc itself failed`);
  console.log(`analysis: ${(analysisCpuMs / 1000).toFixed(2)} s CPU in total, median ${times[Math.floor(times.length / 2)]?.toFixed(1)} ms/board, max ${times[times.length - 1]?.toFixed(1)} ms; wall ${wallS.toFixed(1)} s`);
  console.log('diagnostics by code (all boards):');
  for (const [code, n] of Object.entries(totals).sort()) {
    const boardsWith = results.filter((r) => r.diagnostics[code]).length;
    console.log(`  ${code.padEnd(24)} ${String(n).padStart(6)} on ${boardsWith} boards`);
  }
  const supplier = supplierReport(results);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ boards: results, totals, supplier }, null, 1));
  if (strict && (clean !== results.length || different > 0)) return 1;
  return 0;
}

// IOMMU / supplier-graph section: every diagnostic of the model checks, by code, and the
// supplier-disabled split that the IOMMU research census counts (enabled consumer -> disabled
// IOMMU, Linux 6.12 arm64: 62 iommus edges on 21 boards, 40 iommu-map edges on 16 boards).
const SUPPLIER_CODES = [
  'iommu-cells-mismatch', 'iommu-cells-model', 'missing-cells-property', 'iommu-map-format', 'supplier-disabled',
  'phandle-cells-mismatch', 'supplier-never-probes', 'dependency-cycle', 'iommu-probe-deadlock', 'iommu-mixed-drivers',
  'iommu-unknown', 'iommu-no-driver', 'iommu-missing-fallback', 'iommu-legacy-binding', 'iommu-modular-timeout',
  'iommu-probe-once', 'iommu-xlate-denied',
];
const CENSUS = { iommusEdges: 62, iommusBoards: 21, iommuMapEdges: 40, iommuMapBoards: 16 };

interface SupplierReport {
  byCode: Record<string, { diagnostics: number; boards: number }>;
  supplierDisabled: {
    iommus: { edges: number; boards: number };
    iommuMap: { edges: number; boards: number };
    other: { edges: number; boards: number; byProperty: Record<string, number> };
  };
}

function supplierReport(results: BoardResult[]): SupplierReport {
  const byCode: SupplierReport['byCode'] = {};
  for (const code of SUPPLIER_CODES) {
    let n = 0;
    let b = 0;
    for (const r of results) {
      const k = r.diagnostics[code] ?? 0;
      n += k;
      if (k) b++;
    }
    byCode[code] = { diagnostics: n, boards: b };
  }
  const split = { iommus: { edges: 0, boards: 0 }, iommuMap: { edges: 0, boards: 0 }, other: { edges: 0, boards: 0, byProperty: {} as Record<string, number> } };
  for (const r of results) {
    const seen = { iommus: false, iommuMap: false, other: false };
    for (const line of r.details) {
      if (!line.endsWith('[supplier-disabled]')) continue;
      let kind: 'iommus' | 'iommuMap' | 'other';
      if (/: (?:warning|error|information|hint): IOMMU \S+ is disabled\. /.test(line)) kind = 'iommus';
      else if (/: \w+: row \d+: IOMMU \S+ is disabled/.test(line)) kind = 'iommuMap';
      else {
        kind = 'other';
        const prop = /: \w+: (\S+) supplier \S+ is /.exec(line)?.[1] ?? '?';
        split.other.byProperty[prop] = (split.other.byProperty[prop] ?? 0) + 1;
      }
      split[kind].edges++;
      if (!seen[kind]) {
        seen[kind] = true;
        split[kind].boards++;
      }
    }
  }
  console.log('IOMMU / supplier diagnostics (all boards):');
  for (const code of SUPPLIER_CODES) {
    const c = byCode[code];
    const off = DIAGNOSTIC_CODES[code]?.defaultOff ? ' (off by default)' : '';
    console.log(`  ${code.padEnd(24)} ${String(c.diagnostics).padStart(6)} on ${c.boards} boards${off}`);
  }
  const props = Object.entries(split.other.byProperty).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([p, n]) => `${p} ${n}`).join(', ');
  console.log(
    `  supplier-disabled split: iommus ${split.iommus.edges} edges on ${split.iommus.boards} boards / ` +
      `iommu-map ${split.iommuMap.edges} edges on ${split.iommuMap.boards} boards / ` +
      `other bindings ${split.other.edges} on ${split.other.boards} boards${props ? ` (${props})` : ''}`,
  );
  const same = split.iommus.edges === CENSUS.iommusEdges && split.iommus.boards === CENSUS.iommusBoards &&
    split.iommuMap.edges === CENSUS.iommuMapEdges && split.iommuMap.boards === CENSUS.iommuMapBoards;
  console.log(
    `  IOMMU census (research, full 6.12 arm64 corpus): iommus ${CENSUS.iommusEdges} edges on ${CENSUS.iommusBoards} boards / ` +
      `iommu-map ${CENSUS.iommuMapEdges} edges on ${CENSUS.iommuMapBoards} boards: ${same ? 'matches' : 'differs (expected when only part of the corpus ran)'}`,
  );
  return { byCode, supplierDisabled: split };
}

main().then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e);
    process.exitCode = 2;
  },
);

// Run the analysis over every board of a kernel tree and count the diagnostics of
// the supplier-graph / IOMMU checks by code.
//
//   node out/scripts/corpus-checks.js [--linux <dir>] [--arch arm64] [--limit N] [--filter substr]
//                                     [--samples N] [--json out.json] [--cpp]
//
// Include paths are detected by the facade. --cpp preprocesses with the system cpp
// instead of the project's preprocessor (a cross-check of the front end; positions
// then refer to the cpp output).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { AnalysisHost as AnalysisHostT } from '../server/src/analysis';
import { applySeverity, type Diagnostic } from '../server/src/base/diagnostics';
import { NodeFileSystem } from '../server/src/base/node-fs';
import { LineIndex } from '../server/src/base/text';
import { runChecks } from '../server/src/checks';
import { buildSupplierGraph } from '../server/src/model/graph';
import { loadIommuModel } from '../server/src/model/iommu';
import { parseDts } from '../server/src/syntax/parse';
import { buildTree } from '../server/src/tree/merge';
import type { SourceMap } from '../server/src/preprocess/types';

const CODES = new Set([
  'iommu-cells-mismatch', 'phandle-cells-mismatch', 'missing-cells-property', 'iommu-cells-model', 'iommu-map-format',
  'supplier-disabled', 'supplier-never-probes', 'dependency-cycle', 'iommu-unknown', 'iommu-no-driver',
  'iommu-mixed-drivers', 'iommu-legacy-binding', 'iommu-modular-timeout', 'iommu-missing-fallback',
  'iommu-probe-deadlock', 'iommu-probe-once', 'iommu-xlate-denied', 'internal-error',
]);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function listBoards(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listBoards(p, out);
    else if (e.name.endsWith('.dts')) out.push(p);
  }
  return out.sort();
}

function identityMap(file: string): SourceMap {
  return {
    locate: (o) => ({ file, offset: o }),
    toFileRange: (s, e) => ({ file, start: s, end: e }),
    fromFile: (_f, o) => [o],
    macroAt: () => undefined,
  };
}

function main(): void {
  const linux = arg('--linux') ?? path.join(os.homedir(), '.cache/dts-lsp/linux-source-6.12');
  const archDir = path.join(linux, 'arch', arg('--arch') ?? 'arm64', 'boot/dts');
  let boards = listBoards(archDir);
  const filter = arg('--filter');
  if (filter) boards = boards.filter((b) => b.includes(filter));
  const limit = Number(arg('--limit') ?? 0);
  if (limit > 0) boards = boards.slice(0, limit);
  const samplesPer = Number(arg('--samples') ?? 5);
  const useCpp = process.argv.includes('--cpp');
  const nfs = new NodeFileSystem();
  // loaded lazily so that --cpp works while the project's preprocessor is absent
  const host: AnalysisHostT | undefined = useCpp
    ? undefined
    : new (require('../server/src/analysis') as typeof import('../server/src/analysis')).AnalysisHost(nfs, {
        severities: { 'iommu-modular-timeout': 'on', 'iommu-probe-once': 'on', 'iommu-xlate-denied': 'on' },
      });
  const { model } = loadIommuModel();

  const counts = new Map<string, number>();
  const boardsWith = new Map<string, Set<string>>();
  const samples = new Map<string, string[]>();
  const detail = {
    iommusToDisabled: 0, iommusToDisabledBoards: new Set<string>(), mapToDisabled: 0, mapToDisabledBoards: new Set<string>(),
    otherDisabled: 0, otherDisabledBoards: new Set<string>(), otherByProperty: new Map<string, number>(),
  };
  const frontEndErrors = new Map<string, number>();
  const times: number[] = [];
  let failed = 0;
  const t0 = Date.now();
  for (const board of boards) {
    const rel = path.relative(archDir, board);
    let diags: Diagnostic[];
    let textOf: (f: string) => string | undefined;
    const t = process.hrtime.bigint();
    try {
      if (useCpp) {
        const text = execFileSync('cpp', ['-nostdinc', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', '-P',
          '-I', path.dirname(board), '-I', path.join(linux, 'scripts/dtc/include-prefixes'), '-I', path.join(linux, 'include'), board],
          { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
        const map = identityMap(board + '.i');
        const ast = parseDts(text);
        const tree = buildTree(ast, { map, fs: nfs, root: board });
        const graph = buildSupplierGraph(tree, model);
        diags = runChecks({ tree, graph, model, map })
          .map((d) => applySeverity(d, { 'iommu-modular-timeout': 'on', 'iommu-probe-once': 'on', 'iommu-xlate-denied': 'on' }))
          .filter((d): d is Diagnostic => !!d);
        for (const d of tree.diagnostics) frontEndErrors.set(d.code, (frontEndErrors.get(d.code) ?? 0) + 1);
        textOf = () => text;
      } else {
        const a = host!.analyze(board);
        diags = a.diagnostics;
        for (const d of diags) if (!CODES.has(d.code)) frontEndErrors.set(d.code, (frontEndErrors.get(d.code) ?? 0) + 1);
        textOf = (f) => a.fileText(f);
      }
    } catch (e) {
      failed++;
      console.error(`FAILED ${rel}: ${e instanceof Error ? e.stack : e}`);
      continue;
    }
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    for (const d of diags) {
      if (!CODES.has(d.code)) continue;
      counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
      let s = boardsWith.get(d.code);
      if (!s) boardsWith.set(d.code, (s = new Set()));
      s.add(rel);
      if (d.code === 'supplier-disabled') {
        if (/its IOMMU/.test(d.message)) {
          detail.iommusToDisabled++;
          detail.iommusToDisabledBoards.add(rel);
        } else if (/^iommu-map row/.test(d.message)) {
          detail.mapToDisabled++;
          detail.mapToDisabledBoards.add(rel);
        } else {
          detail.otherDisabled++;
          detail.otherDisabledBoards.add(rel);
          const prop = / but its (\S+) supplier /.exec(d.message)?.[1] ?? '?';
          detail.otherByProperty.set(prop, (detail.otherByProperty.get(prop) ?? 0) + 1);
        }
      }
      const l = samples.get(d.code) ?? [];
      if (l.length < samplesPer) {
        const text = textOf(d.file);
        const pos = text ? new LineIndex(text).positionAt(d.start) : { line: 0, character: 0 };
        l.push(`${path.relative(linux, d.file)}:${pos.line + 1}:${pos.character + 1} [${rel}] ${d.message}`);
        samples.set(d.code, l);
      }
    }
  }
  const wall = Date.now() - t0;
  times.sort((a, b) => a - b);
  const summary = {
    boards: boards.length,
    failed,
    wallMs: wall,
    medianMsPerBoard: times[Math.floor(times.length / 2)] ?? 0,
    p95MsPerBoard: times[Math.floor(times.length * 0.95)] ?? 0,
    byCode: Object.fromEntries([...counts].sort().map(([k, v]) => [k, { diagnostics: v, boards: boardsWith.get(k)!.size }])),
    enabledConsumerToDisabledIommu: {
      iommusEdges: detail.iommusToDisabled,
      iommusBoards: detail.iommusToDisabledBoards.size,
      iommuMapEdges: detail.mapToDisabled,
      iommuMapBoards: detail.mapToDisabledBoards.size,
    },
    supplierDisabledOtherBindings: {
      edges: detail.otherDisabled,
      boards: detail.otherDisabledBoards.size,
      byProperty: Object.fromEntries([...detail.otherByProperty].sort()),
    },
    frontEnd: Object.fromEntries(frontEndErrors),
    samples: Object.fromEntries(samples),
  };
  const json = arg('--json');
  if (json) fs.writeFileSync(json, JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary, null, 2));
}

main();

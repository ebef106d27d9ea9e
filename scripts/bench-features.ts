// Editor-feature timings on a large kernel board (not a test): index build,
// hover / definition / references per request, semantic tokens and symbols.
// Usage: node out/scripts/bench-features.js [board.dts]
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost } from '../server/src/analysis';
import { NodeFileSystem } from '../server/src/base/node-fs';
import { getDefinition, getDocumentSymbols, getHover, getReferences, getSemanticTokens } from '../server/src/features';
import { getIndex } from '../server/src/features/locate';

const linux = path.join(os.homedir(), '.cache/dts-lsp/linux-source-6.12');
const board = process.argv[2] ?? path.join(linux, 'arch/arm64/boot/dts/qcom/sm8550-mtp.dts');
const includePaths = [path.dirname(board), path.join(linux, 'scripts/dtc/include-prefixes'), path.join(linux, 'include')];

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

const host = new AnalysisHost(new NodeFileSystem(), { includePaths, autoDetectIncludePaths: false });
let t = process.hrtime.bigint();
const a = host.analyze(board);
console.log(`analyze: ${ms(t).toFixed(1)} ms, ${a.pp.text.length} chars of output, ${a.tree.references.length} references`);

t = process.hrtime.bigint();
const idx = getIndex(a);
console.log(`feature index: ${ms(t).toFixed(1)} ms, ${idx.items.length} items`);

// sample requests: every Nth reference and every Nth node name, through file offsets
const samples: Array<{ file: string; offset: number }> = [];
const refs = a.tree.references;
const step = Math.max(1, Math.floor(refs.length / 300));
for (let i = 0; i < refs.length; i += step) {
  const r = a.pp.map.toFileRange(refs[i].ref.start, refs[i].ref.end);
  samples.push({ file: r.file, offset: r.start + 1 });
}
for (const n of idx.allNodes.filter((_, i) => i % 20 === 0)) {
  const c = n.contributions[0];
  if (!c) continue;
  const r = a.pp.map.toFileRange(c.nameSpan.start, c.nameSpan.end);
  samples.push({ file: r.file, offset: r.start });
}

function measure(name: string, f: (s: { file: string; offset: number }) => unknown): void {
  const times: number[] = [];
  let hits = 0;
  for (const s of samples) {
    const t0 = process.hrtime.bigint();
    const r = f(s);
    times.push(ms(t0));
    if (r && (!Array.isArray(r) || r.length)) hits++;
  }
  times.sort((x, y) => x - y);
  const avg = times.reduce((x, y) => x + y, 0) / times.length;
  console.log(`${name}: ${samples.length} requests, ${hits} answered; avg ${avg.toFixed(3)} ms, p50 ${times[times.length >> 1].toFixed(3)} ms, p99 ${times[Math.floor(times.length * 0.99)].toFixed(3)} ms, max ${times[times.length - 1].toFixed(3)} ms`);
}

measure('hover', (s) => getHover(a, s.file, s.offset));
measure('definition', (s) => getDefinition(a, s.file, s.offset));
measure('references', (s) => getReferences(a, s.file, s.offset, true));

for (const f of [board, ...a.pp.files.filter((f) => f.endsWith('.dtsi')).slice(0, 1)]) {
  t = process.hrtime.bigint();
  const toks = getSemanticTokens(a, f);
  const tt = ms(t);
  t = process.hrtime.bigint();
  const syms = getDocumentSymbols(a, f);
  console.log(`${path.basename(f)}: semantic tokens ${toks.length} in ${tt.toFixed(1)} ms; document symbols ${syms.length} top-level in ${ms(t).toFixed(1)} ms`);
}

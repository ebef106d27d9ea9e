// Everything observable about a preprocess result (text, map probes in both directions, diagnostics,
// includes, macros, uses, inactive ranges), for comparing a cached or incremental run with a fresh one.
import type { PreprocessResult } from '../../server/src/preprocess/types';

export function ppSnapshot(r: PreprocessResult): unknown {
  const probes: unknown[] = [];
  for (let o = 0; o <= r.text.length; o += 7) probes.push([r.map.locate(o), r.map.toFileRange(o, Math.min(r.text.length, o + 5)), r.map.macroAt(o)?.name]);
  const back: unknown[] = [];
  for (const f of r.files) for (let k = 0; k < 400; k += 13) back.push(r.map.fromFile(f, k));
  return {
    text: r.text, diagnostics: r.diagnostics, includes: r.includes, files: r.files,
    macros: [...r.macros].sort(), uses: r.macroUses, inactive: r.inactiveRanges, probes, back,
  };
}

// Several preprocessor results laid end to end as one (a Linux stack: the base and each overlay are
// preprocessed on their own, then analysed as one text with one source map).
import { SourceMapImpl } from './sourcemap';
import type { MacroDefinition, PreprocessResult } from './types';

/** The results joined with a newline between them; offsets[k] is where result k starts in the joined text. */
export function concatResults(results: PreprocessResult[]): { result: PreprocessResult; offsets: number[] } {
  const offsets: number[] = [];
  const texts: string[] = [];
  let at = 0;
  for (const r of results) {
    offsets.push(at);
    texts.push(r.text);
    at += r.text.length + 1;
  }
  const text = texts.join('\n');
  const root = results[0].root;
  const maps = results.map((r) => r.map);
  const map = maps.every((m) => m instanceof SourceMapImpl)
    ? SourceMapImpl.concat(maps as SourceMapImpl[], offsets, text.length, root)
    : results[0].map;
  const files: string[] = [];
  for (const r of results) for (const f of r.files) if (!files.includes(f)) files.push(f);
  const result: PreprocessResult = {
    root,
    text,
    map,
    diagnostics: results.flatMap((r) => r.diagnostics),
    includes: results.flatMap((r) => r.includes),
    files,
    get macros(): Map<string, MacroDefinition> {
      // the base's macros, then what each overlay defined (a name defined again: the last one)
      const m = new Map<string, MacroDefinition>();
      for (const r of results) r.macros.forEach((d, n) => m.set(n, d));
      return m;
    },
    macroUses: results.flatMap((r) => r.macroUses),
    inactiveRanges: results.flatMap((r) => r.inactiveRanges),
  };
  return { result, offsets };
}

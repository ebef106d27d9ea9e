// Inlay hints: the name of each argument cell of a specifier (`<&apps_smmu stream ID: 0x60 SMR mask: 0x0>`),
// from the IOMMU model (iommus, iommu-map) and the common bindings' cell names (model-info.ts). Only
// cells written as plain numbers get a hint: a macro's name already says what the cell is.
import type { Analysis } from '../analysis';
import { cellNamesFor } from './model-info';

export interface InlayHint {
  /** offset in the file (before the cell) */
  offset: number;
  label: string;
}

const NUMBER = /^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/;

export function getInlayHints(a: Analysis, file: string, start = 0, end = Number.MAX_SAFE_INTEGER): InlayHint[] {
  const text = a.fileText(file);
  if (text === undefined) return [];
  const map = a.pp.map;
  const out: InlayHint[] = [];
  for (const e of a.graph.edges) {
    if (e.kind !== 'property' || e.args.length === 0) continue;
    const first = e.args[0];
    if (map.macroAt(first.start)) continue; // a specifier written by a macro (SID(x), …): no positions to hint
    const r0 = map.toFileRange(first.start, first.end);
    if (r0.file !== file || r0.start < start || r0.start > end) continue;
    const names = cellNamesFor(a, e.binding, e.supplier, e.args.length);
    if (!names) continue;
    e.args.forEach((c, i) => {
      if (map.macroAt(c.start)) return;
      const r = map.toFileRange(c.start, c.end);
      if (r.file !== file || !NUMBER.test(text.slice(r.start, r.end))) return;
      out.push({ offset: r.start, label: `${names[i]}:` });
    });
  }
  return out.sort((x, y) => x.offset - y.offset);
}

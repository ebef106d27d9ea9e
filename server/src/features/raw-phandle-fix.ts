// Quick fix of raw-phandle / raw-phandle-unstable: write the reference (&label, else &{/path})
// instead of the number. For raw-phandle every raw phandle of the property whose node sets that
// phandle explicitly is rewritten (a decompiled interrupt-map has dozens); for raw-phandle-unstable
// the one number the diagnostic marks. Only cells written verbatim (not produced by a macro) are edited.
import type { Analysis } from '../analysis';
import type { Diagnostic, FileRange } from '../base/diagnostics';
import { rawPhandleCells, referenceFor } from '../checks/raw-phandles';
import { explicitPhandleProperty, hex } from '../model/tree-util';
import type { Span } from '../syntax/ast';
import type { CodeAction } from './code-actions';
import { locate } from './locate';

function verbatimCell(a: Analysis, s: Span): FileRange | undefined {
  if (a.pp.map.macroAt(s.start)) return undefined;
  const r = a.pp.map.toFileRange(s.start, s.end);
  const t = a.fileText(r.file);
  if (t === undefined || t.slice(r.start, r.end) !== a.pp.text.slice(s.start, s.end)) return undefined;
  return r;
}

export function fixRawPhandle(a: Analysis, d: Diagnostic): CodeAction | undefined {
  const p = locate(a, d.file, d.start)?.property;
  if (!p) return undefined;
  const cells = rawPhandleCells(a.tree, a.graph).get(p) ?? [];
  const chosen = cells.filter((c) => {
    const r = verbatimCell(a, c);
    if (!r) return false;
    if (d.code === 'raw-phandle-unstable') return r.file === d.file && r.start === d.start;
    return !!explicitPhandleProperty(a.tree.phandles.get(Number(c.value & 0xffffffffn))!);
  });
  if (!chosen.length) return undefined;
  const edits = chosen.map((c) => ({ ...verbatimCell(a, c)!, newText: referenceFor(a.tree.phandles.get(Number(c.value & 0xffffffffn))!) }));
  const first = a.tree.phandles.get(Number(chosen[0].value & 0xffffffffn))!;
  const title = chosen.length === 1
    ? `Write ${referenceFor(first)} for ${hex(chosen[0].value)}`
    : `Write references for the ${chosen.length} raw phandles of ${p.name}`;
  return { title, kind: 'quickfix', diagnosticCode: d.code, diagnostic: d, edits };
}

// Quick fixes, offered only where the fix is unambiguous:
//  - iommu-cells-model: set #iommu-cells to the model's single allowed value;
//  - iommu-cells-mismatch / phandle-cells-mismatch: trim the extra cells, or pad the
//    missing ones with 0, of a < > group that holds exactly one specifier;
//  - missing-cells-property: add the provider's #xxx-cells when only one value is
//    possible (the model allows one value, or every specifier naming the provider
//    under that binding has the same number of argument cells);
//  - raw-phandle / raw-phandle-unstable: write &label for the number (raw-phandle-fix.ts).
import type { Analysis } from '../analysis';
import type { Diagnostic, FileRange } from '../base/diagnostics';
import { bindingForProperty } from '../model/iommu';
import type * as ast from '../syntax/ast';
import type { Cell, TreeNode, TreeProperty, ValueChunk } from '../tree/types';
import { getIndex, innermostAt, locate } from './locate';
import { iommuFactsForNode } from './model-info';
import { fixRawPhandle } from './raw-phandle-fix';
import type { TextEdit } from './rename';
import { displayName, getProperty } from './util';

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  diagnosticCode: string;
  /** the diagnostic the action fixes */
  diagnostic: Diagnostic;
  edits: TextEdit[];
}

function overlaps(d: FileRange, file: string, start: number, end: number): boolean {
  return d.file === file && d.start <= end && start <= d.end;
}

export function getCodeActions(a: Analysis, file: string, start: number, end: number, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (!overlaps(d, file, start, end)) continue;
    let act: CodeAction | undefined;
    try {
      if (d.code === 'iommu-cells-model') act = fixIommuCellsModel(a, d);
      else if (d.code === 'iommu-cells-mismatch' || d.code === 'phandle-cells-mismatch') act = fixCellCount(a, d);
      else if (d.code === 'missing-cells-property') act = fixMissingCells(a, d);
      else if (d.code === 'raw-phandle' || d.code === 'raw-phandle-unstable') act = fixRawPhandle(a, d);
    } catch {
      act = undefined; // a quick fix never breaks the request
    }
    if (act) out.push(act);
  }
  return out;
}

/** File range of a cell when it is written verbatim (not produced by a macro). */
function verbatim(a: Analysis, s: ast.Span): FileRange | undefined {
  if (a.pp.map.macroAt(s.start)) return undefined;
  const r = a.pp.map.toFileRange(s.start, s.end);
  const t = a.fileText(r.file);
  if (t === undefined || t.slice(r.start, r.end) !== a.pp.text.slice(s.start, s.end)) return undefined;
  return r;
}

function propertyAtDiagnostic(a: Analysis, d: Diagnostic): TreeProperty | undefined {
  const loc = locate(a, d.file, d.start);
  return loc?.property;
}

function fixIommuCellsModel(a: Analysis, d: Diagnostic): CodeAction | undefined {
  const p = propertyAtDiagnostic(a, d);
  if (!p || p.name !== '#iommu-cells') return undefined;
  const f = iommuFactsForNode(a, p.node);
  if (!f || f.iommuCells.length !== 1) return undefined;
  const cells = cellsOf(p.chunks);
  if (cells.length !== 1) return undefined;
  const r = verbatim(a, cells[0]);
  if (!r) return undefined;
  const v = f.iommuCells[0];
  return {
    title: `Set #iommu-cells to ${v} (${f.family})`,
    kind: 'quickfix',
    diagnosticCode: d.code,
    diagnostic: d,
    edits: [{ file: r.file, start: r.start, end: r.end, newText: String(v) }],
  };
}

function cellsOf(chunks: ValueChunk[]): Cell[] {
  const out: Cell[] = [];
  for (const c of chunks) if (c.kind === 'cells') out.push(...c.cells);
  return out;
}

function cellsCount(n: TreeNode, prop: string): number | undefined {
  const p = getProperty(n, prop);
  if (!p) return undefined;
  const cells = cellsOf(p.chunks);
  return cells.length === 1 ? Number(cells[0].value) : undefined;
}

/**
 * iommu-cells-mismatch / phandle-cells-mismatch on a < > group that holds one specifier (its
 * reference first, no other reference in it): trim the extra cells, or pad the missing ones with 0,
 * to the provider's count. Cells produced by a macro count where the macro is written; a macro
 * that produces several cells is never split.
 */
function fixCellCount(a: Analysis, d: Diagnostic): CodeAction | undefined {
  const p = propertyAtDiagnostic(a, d);
  if (!p) return undefined;
  const b = bindingForProperty(a.model, p.name);
  if (!b || !b.cellsProperty || b.decoder) return undefined;
  for (const ch of p.chunks) {
    if (ch.kind !== 'cells' || ch.bits !== 32) continue;
    const r = a.pp.map.toFileRange(ch.start, ch.end);
    if (r.file !== d.file || r.end < d.start || d.end < r.start) continue;
    const cells = ch.cells;
    if (cells.filter((c) => c.ref).length !== 1 || !cells[0].ref?.target) return undefined;
    const target = cells[0].ref.target;
    const n = cellsCount(target, b.cellsProperty);
    if (n === undefined || cells.length === 1 + n) return undefined;
    const where = cells.map((c) => a.pp.map.toFileRange(c.start, c.end));
    if (where.some((w) => w.file !== r.file)) return undefined;
    const meaning = cellMeaning(a, target, n, p.name);
    const who = `${target.labels.length ? '&' + target.labels[0].name : displayName(target)} expects ${n}${meaning}`;
    if (cells.length > 1 + n) {
      const keep = where[n];
      const firstExtra = where[n + 1];
      const last = where[where.length - 1];
      if (firstExtra.start < keep.end) return undefined; // one macro gives kept and extra cells
      const extra = cells.length - 1 - n;
      return {
        title: `Remove the extra cell${extra === 1 ? '' : 's'}: ${who}`,
        kind: 'quickfix',
        diagnosticCode: d.code,
        diagnostic: d,
        edits: [{ file: r.file, start: keep.end, end: last.end, newText: '' }],
      };
    }
    const missing = 1 + n - cells.length;
    const last = where[where.length - 1];
    return {
      title: `Add ${missing === 1 ? 'a 0 cell' : `${missing} cells of 0`}: ${who}`,
      kind: 'quickfix',
      diagnosticCode: d.code,
      diagnostic: d,
      edits: [{ file: r.file, start: last.end, end: last.end, newText: ' 0'.repeat(missing) }],
    };
  }
  return undefined;
}

/** " (stream ID, SMR mask)" for an IOMMU whose model names its cells, else "". */
function cellMeaning(a: Analysis, target: TreeNode, n: number, prop: string): string {
  if (prop !== 'iommus' || n === 0) return '';
  const f = iommuFactsForNode(a, target);
  const names = f?.cellNames.slice(0, n) ?? [];
  return names.length === n ? ` (${names.join(', ')})` : '';
}

function fixMissingCells(a: Analysis, d: Diagnostic): CodeAction | undefined {
  const loc = locate(a, d.file, d.start);
  const p = loc?.property;
  const target = loc?.kind === 'reference' ? loc.node : undefined;
  if (!p || !target) return undefined;
  const b = bindingForProperty(a.model, p.name);
  if (!b || !b.cellsProperty || getProperty(target, b.cellsProperty)) return undefined;
  const value = onlyPossibleValue(a, target, b.cellsProperty, p.name);
  if (value === undefined) return undefined;
  const edit = insertProperty(a, target, `${b.cellsProperty} = <${value}>;`);
  if (!edit) return undefined;
  return {
    title: `Add ${b.cellsProperty} = <${value}> to ${displayName(target)}`,
    kind: 'quickfix',
    diagnosticCode: d.code,
    diagnostic: d,
    edits: [edit],
  };
}

function onlyPossibleValue(a: Analysis, target: TreeNode, cellsProperty: string, _propName: string): number | undefined {
  if (cellsProperty === '#iommu-cells') {
    const f = iommuFactsForNode(a, target);
    if (f) return f.iommuCells.length === 1 ? f.iommuCells[0] : undefined;
  }
  // every < > group that names the target as its only phandle, in a property of the same cells binding
  const counts = new Set<number>();
  for (const n of getIndex(a).allNodes) {
    for (const q of n.properties) {
      const qb = bindingForProperty(a.model, q.name);
      if (!qb || qb.cellsProperty !== cellsProperty || qb.decoder) continue;
      for (const ch of q.chunks) {
        if (ch.kind !== 'cells') continue;
        const refs = ch.cells.filter((c) => c.ref);
        if (!refs.some((c) => c.ref?.target === target)) continue;
        if (refs.length !== 1 || ch.cells[0].ref?.target !== target) return undefined; // several specifiers in one group: ambiguous
        counts.add(ch.cells.length - 1);
      }
    }
  }
  return counts.size === 1 ? [...counts][0] : undefined;
}

/** An edit inserting a property line into the node's first definition, after its last property. */
function insertProperty(a: Analysis, n: TreeNode, propText: string): TextEdit | undefined {
  const c = n.contributions.find((x) => x.kind === 'definition') ?? n.contributions.find((x) => x.kind === 'extension');
  if (!c) return undefined;
  const idx = getIndex(a);
  let i = innermostAt(idx, c.nameSpan.start);
  while (i >= 0 && idx.items[i].kind !== 'node' && idx.items[i].kind !== 'refNode' && idx.items[i].kind !== 'rootNode') i = idx.items[i].parent;
  if (i < 0) return undefined;
  const def = idx.items[i].data as ast.NodeDef | ast.RefNodeStatement | ast.RootNodeStatement;
  const props = def.body.items.filter((x) => x.kind === 'property') as ast.PropertyDef[];
  const lastProp = props[props.length - 1];
  const map = a.pp.map;
  let anchor: FileRange | undefined;
  if (lastProp) anchor = verbatim(a, { start: lastProp.start, end: lastProp.end });
  else anchor = verbatim(a, { start: def.body.start, end: def.body.start + 1 }); // the '{'
  if (!anchor) return undefined;
  const text = a.fileText(anchor.file);
  if (text === undefined) return undefined;
  let at = anchor.end;
  if (lastProp) {
    // make sure the insertion follows the ';'
    let j = at;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    if (text[j] === ';') at = j + 1;
    else if (text[at - 1] !== ';') return undefined;
  }
  // indentation: the last property's line, or the node's line plus one tab
  const lineStart = (o: number): number => {
    let k = o;
    while (k > 0 && text[k - 1] !== '\n' && text[k - 1] !== '\r') k--;
    return k;
  };
  const indentOf = (o: number): string => {
    const ls = lineStart(o);
    let k = ls;
    while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++;
    return text.slice(ls, k);
  };
  let indent: string;
  if (lastProp) indent = indentOf(anchor.start);
  else {
    const nameR = map.toFileRange(c.nameSpan.start, c.nameSpan.end);
    indent = indentOf(nameR.start) + '\t';
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { file: anchor.file, start: at, end: at, newText: `${eol}${indent}${propText}` };
}

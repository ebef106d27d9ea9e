// iommu-cells-mismatch, phandle-cells-mismatch, missing-cells-property.
// Specifiers are counted per < > group as written (one specifier per group is
// how users write them, and the chunks keep that structure), which catches what
// dtc misses: a trailing 0 (read by the kernel as an empty entry) and a non-reference
// cell in phandle position.
import type { Span } from '../syntax/ast';
import type { Cell, TreeNode, TreeProperty, ValueChunk } from '../tree/types';
import { getProperty } from '../tree/types';
import { phandleTarget } from '../model/graph';
import { bindingForProperty, findIommuFamily, iommuCellNames } from '../model/iommu';
import { compatibles, describeNode, hex, nodeNameSpan } from '../model/tree-util';
import type { CheckContext, Reporter } from './context';

interface CellsBinding {
  name: string;
  cellsProperty: string;
  cellsOptional?: boolean;
}

function cellsBindingFor(ctx: CheckContext, node: TreeNode, name: string): CellsBinding | undefined {
  const b = bindingForProperty(ctx.model, name);
  if (b) {
    if (!b.cellsProperty) return undefined;
    if (b.decoder === 'iommu-map' || b.decoder === 'interrupt-map' || b.decoder === 'remote-endpoint') return undefined;
    if (b.decoder === 'interrupts' && name !== 'interrupts-extended') return undefined;
    if (b.skipIfNodeHas && getProperty(node, b.skipIfNodeHas)) return undefined;
    // gpio hogs carry bare specifiers (no phandle); dtc skips them too
    if (b.cellsProperty === '#gpio-cells' && getProperty(node, 'gpio-hog')) return undefined;
    return { name: b.name, cellsProperty: b.cellsProperty, cellsOptional: b.cellsOptional };
  }
  for (const x of ctx.model.extraCellChecks) if (x.names.includes(name)) return { name: x.name, cellsProperty: x.cellsProperty };
  return undefined;
}

type CellsChunk = Extract<ValueChunk, { kind: 'cells' }>;

export function checkCells(ctx: CheckContext, r: Reporter): void {
  const stack: TreeNode[] = [ctx.tree.root];
  while (stack.length) {
    const node = stack.pop()!;
    for (const p of node.properties) {
      const b = cellsBindingFor(ctx, node, p.name);
      if (b) checkProperty(ctx, r, node, p, b);
    }
    for (const c of node.children) stack.push(c);
  }
}

function readCells(target: TreeNode, name: string): { value: number; prop: TreeProperty } | undefined {
  const p = getProperty(target, name);
  if (!p) return undefined;
  const c = p.chunks[0];
  if (!c || c.kind !== 'cells' || c.cells.length === 0) return undefined;
  return { value: Number(c.cells[0].value & 0xffffffffn), prop: p };
}

function checkProperty(ctx: CheckContext, r: Reporter, node: TreeNode, p: TreeProperty, b: CellsBinding): void {
  if (p.chunks.length === 0) return;
  for (const c of p.chunks) if (c.kind !== 'cells' || c.bits !== 32) return; // not a phandle list; other checks own it
  const isIommu = p.name === 'iommus';
  const code = isIommu ? 'iommu-cells-mismatch' : 'phandle-cells-mismatch';
  const consumer = describeNode(node);
  // decompiled sources (no references at all) write phandles as numbers
  const rawPhandles = ctx.tree.references.length === 0;
  let previousShort = false;
  for (const chunk of p.chunks as CellsChunk[]) {
    const cells = chunk.cells;
    let pos = 0;
    let spec: { ph: Cell; target: TreeNode; count: number; cellsProp: TreeProperty | undefined; start: number } | undefined;
    let shortHere = false;
    while (pos < cells.length) {
      const c = cells[pos];
      const target = c.ref ? c.ref.target : rawPhandles ? phandleTarget(ctx.tree, c) : undefined;
      if (!c.ref && !target) {
        if (spec) {
          // cells left over after a complete specifier in the same < > group
          const extra = cells.slice(pos);
          const groupSpan: Span = spec.start === 0 ? chunk : { start: spec.ph.start, end: cells[cells.length - 1].end };
          const argc = spec.count + extra.length;
          const trailingZero = extra.every((x) => x.value === 0n);
          let msg = `${p.name} specifier of ${consumer} has ${argc} argument cell${argc === 1 ? '' : 's'} but ${describeNode(spec.target)} has ${b.cellsProperty} = <${spec.count}>`;
          msg += cellMeaningNote(ctx, spec.target, spec.count, isIommu);
          if (trailingZero)
            msg += `; the kernel reads the trailing 0 as an empty entry${isIommu ? ' and drops the extra cell (dtc does not warn)' : ''}`;
          else msg += `; the kernel reads ${hex(extra[0].value)} as the next phandle`;
          r.report(code, groupSpan, msg, [r.related(spec.cellsProp?.span, `${b.cellsProperty} of ${describeNode(spec.target)}`)]);
          break;
        }
        if (c.value === 0n) {
          pos++; // an empty entry (phandle 0), e.g. cs-gpios = <0>
          continue;
        }
        if (previousShort && pos === 0) break; // continuation of a specifier already reported as too short
        r.report(code, c, `${p.name} of ${consumer}: cell ${hex(c.value)} in phandle position is not a reference to a node`);
        break;
      }
      if (!target) break; // unresolved reference: reported by the merge stage
      const cp = readCells(target, b.cellsProperty);
      let count: number;
      if (!cp) {
        if (b.cellsOptional) count = 0;
        else {
          r.report(
            'missing-cells-property',
            c,
            `${describeNode(target)} has no ${b.cellsProperty}, needed to decode ${p.name} of ${consumer}`,
            [r.related(nodeNameSpan(target), `${describeNode(target)} is defined here`)],
          );
          break;
        }
      } else count = cp.value;
      const available = cells.length - pos - 1;
      if (available < count) {
        const groupSpan: Span = pos === 0 ? chunk : { start: c.start, end: cells[cells.length - 1].end };
        let msg = `${p.name} specifier of ${consumer} has ${available} argument cell${available === 1 ? '' : 's'} but ${describeNode(target)} has ${b.cellsProperty} = <${count}>`;
        msg += cellMeaningNote(ctx, target, count, isIommu);
        r.report(code, groupSpan, msg, [r.related(cp?.prop.span, `${b.cellsProperty} of ${describeNode(target)}`)]);
        shortHere = true;
        break;
      }
      spec = { ph: c, target, count, cellsProp: cp?.prop, start: pos };
      pos += 1 + count;
    }
    previousShort = shortHere;
  }
}

function cellMeaningNote(ctx: CheckContext, target: TreeNode, count: number, isIommu: boolean): string {
  if (!isIommu) return '';
  const m = findIommuFamily(ctx.model, compatibles(target));
  if (!m) return '';
  if (count === 0) return ` (${m.family.id}: no arguments)`;
  return ` (${m.family.id}: ${iommuCellNames(m.family, count).join(', ')})`;
}

// raw-phandle, raw-phandle-unstable: a phandle written as a number (`clocks = <0x8000>`), as in
// decompiled DTBs and firmware- or QEMU-generated trees. The kernel resolves it like a reference
// (of_parse_phandle_with_args -> of_find_node_by_phandle), so it is no error. It is worth a word:
//  - raw-phandle (a hint, only in a tree that also writes references): the target sets its phandle
//    explicitly (`phandle = <0x8000>`), so the number is stable; `&label` says what is meant;
//  - raw-phandle-unstable (a warning): the number is one dtc assigned to a referenced node; dtc
//    numbers referenced nodes in order, so the number changes when references are added or removed
//    and then names another node (or none).
import type { Cell, LiveTree, TreeNode, TreeProperty } from '../tree/types';
import type { SupplierEdge, SupplierGraph } from '../model/types';
import { getProperty, nodePath, phandleNode } from '../tree/types';
import { noteNode } from '../tree/value-reads';
import { explicitPhandleProperty, hex, nodeRef, propCells } from '../model/tree-util';
import { message, unitCheck, type CheckContext, type Reporter, type UnitCheck } from './context';

/** What to write instead of the number: &label, else &{/path}. */
export function referenceFor(n: TreeNode): string {
  noteNode(n);
  return n.labels.length ? `&${n.labels[0].name}` : `&{${nodePath(n)}}`;
}

/** One property the check looks at: its supplier edges (interrupts' aside), and whether it is an interrupt-parent. */
interface RawUnit {
  prop: TreeProperty;
  edges: SupplierEdge[];
  parent: boolean;
}

/** The properties the check looks at, in the order of its findings (from the graph's edges and the tree's shape, no value). */
function rawUnits(tree: LiveTree, graph: SupplierGraph): RawUnit[] {
  const units: RawUnit[] = [];
  const byProp = new Map<TreeProperty, RawUnit>();
  const unitOf = (p: TreeProperty): RawUnit => {
    let u = byProp.get(p);
    if (!u) { u = { prop: p, edges: [], parent: false }; byProp.set(p, u); units.push(u); }
    return u;
  };
  for (const e of graph.edges) {
    if (e.kind !== 'property' || !e.property || e.binding === 'interrupts') continue;
    unitOf(e.property).edges.push(e);
  }
  // interrupt-parent is read by of_irq_find_parent, not a supplier binding of its own
  const stack: TreeNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    const ip = getProperty(n, 'interrupt-parent');
    if (ip) unitOf(ip).parent = true;
    for (const c of n.children) stack.push(c);
  }
  return units;
}

/**
 * The raw phandle cells of one property, as the kernel reads it: cells in phandle position whose number a node
 * has as phandle. A number dtc assigned (no explicit phandle property) counts only where it starts a < > group:
 * elsewhere it is more likely an argument the decoding ran into (the cells checks report that).
 */
function unitCells(tree: LiveTree, u: RawUnit): Cell[] {
  const out: Cell[] = [];
  const p = u.prop;
  const add = (cell: Cell | undefined) => {
    if (!cell || cell.ref || cell.value === 0n) return;
    const target = phandleNode(tree, cell.value);
    if (!target) return;
    if (!explicitPhandleProperty(target) && !p.chunks.some((ch) => ch.kind === 'cells' && ch.cells[0] === cell)) return;
    if (!out.includes(cell)) out.push(cell);
  };
  if (u.edges.length > 0) {
    const cells = propCells(p);
    if (cells) for (const e of u.edges) add(cells.find((c) => c.start === e.refSpan.start));
  }
  if (u.parent) add(propCells(p)?.[0]);
  return out;
}

/** The raw phandle cells of each property that has any (see unitCells). */
export function rawPhandleCells(tree: LiveTree, graph: SupplierGraph): Map<TreeProperty, Cell[]> {
  const byProp = new Map<TreeProperty, Cell[]>();
  for (const u of rawUnits(tree, graph)) {
    const cells = unitCells(tree, u);
    if (cells.length > 0) byProp.set(u.prop, cells);
  }
  return byProp;
}

function checkUnit(ctx: CheckContext, r: Reporter, u: RawUnit): void {
  const cells = unitCells(ctx.tree, u);
  if (cells.length === 0) return;
  const prop = u.prop;
  const mixed = ctx.tree.references.length > 0;
  const about = { node: prop.node, property: prop.name };
  const unstable = cells.filter((c) => !explicitPhandleProperty(phandleNode(ctx.tree, c.value)!));
  for (const cell of unstable) {
    const target = phandleNode(ctx.tree, cell.value)!;
    r.report(
      'raw-phandle-unstable',
      cell,
      message(
        `raw phandle ${hex(cell.value)} is ${nodeRef(target)} only by dtc's numbering`,
        `dtc numbers the nodes that references name, so ${hex(cell.value)} names another node (or none) once references change; the kernel resolves whatever node has it. Write ${referenceFor(target)}`,
      ),
      [],
      about,
    );
  }
  if (!mixed) return; // a decompiled tree writes every phandle as a number: one style, nothing to say
  const stable = cells.filter((c) => !unstable.includes(c));
  if (!stable.length) return;
  const cell = stable[0];
  const target = phandleNode(ctx.tree, cell.value)!;
  const more = stable.length > 1 ? ` (and ${stable.length - 1} more in this property)` : '';
  r.report(
    'raw-phandle',
    cell,
    message(`raw phandle ${hex(cell.value)} is ${nodeRef(target)}${more}`, `the kernel resolves it like a reference (${nodeRef(target)} sets phandle = <${hex(cell.value)}>); ${referenceFor(target)} says so`),
    [r.related(explicitPhandleProperty(target)?.span, `phandle of ${nodeRef(target)}`)],
    about,
  );
}

// a property's findings depend on its own value only: a keystroke runs again only the property it changed
export const checkRawPhandles: UnitCheck<RawUnit> = unitCheck('checkRawPhandles', {
  list: (ctx: CheckContext) => rawUnits(ctx.tree, ctx.graph),
  one: checkUnit,
  // (a property whose edges were decoded again has new edge objects; the others keep theirs)
  relist: { key: (u) => u.prop, same: (a, b) => a.parent === b.parent && a.edges.length === b.edges.length && a.edges.every((e, k) => e === b.edges[k]) },
});

// raw-phandle, raw-phandle-unstable: a phandle written as a number (`clocks = <0x8000>`), as in
// decompiled DTBs and firmware- or QEMU-generated trees. The kernel resolves it like a reference
// (of_parse_phandle_with_args -> of_find_node_by_phandle), so it is no error. It is worth a word:
//  - raw-phandle (a hint, only in a tree that also writes references): the target sets its phandle
//    explicitly (`phandle = <0x8000>`), so the number is stable; `&label` says what is meant;
//  - raw-phandle-unstable (a warning): the number is one dtc assigned to a referenced node; dtc
//    numbers referenced nodes in order, so the number changes when references are added or removed
//    and then names another node (or none).
import type { Cell, LiveTree, TreeNode, TreeProperty } from '../tree/types';
import type { SupplierGraph } from '../model/types';
import { getProperty } from '../tree/types';
import { explicitPhandleProperty, hex, nodeRef, propCells } from '../model/tree-util';
import { message, type CheckContext, type Reporter } from './context';

/** What to write instead of the number: &label, else &{/path}. */
export function referenceFor(n: TreeNode): string {
  if (n.labels.length) return `&${n.labels[0].name}`;
  const parts: string[] = [];
  for (let p: TreeNode | undefined = n; p && p.parent; p = p.parent) parts.push(p.name);
  return `&{/${parts.reverse().join('/')}}`;
}

/**
 * The raw phandle cells of each property, as the kernel reads the property: cells in phandle position
 * whose number a node has as phandle. A number dtc assigned (no explicit phandle property) counts only
 * where it starts a < > group: elsewhere it is more likely an argument the decoding ran into (the cells
 * checks report that).
 */
export function rawPhandleCells(tree: LiveTree, graph: SupplierGraph): Map<TreeProperty, Cell[]> {
  const byProp = new Map<TreeProperty, Cell[]>();
  const add = (p: TreeProperty, cell: Cell | undefined) => {
    if (!cell || cell.ref || cell.value === 0n) return;
    const target = tree.phandles.get(Number(cell.value & 0xffffffffn));
    if (!target) return;
    if (!explicitPhandleProperty(target) && !p.chunks.some((ch) => ch.kind === 'cells' && ch.cells[0] === cell)) return;
    const l = byProp.get(p);
    if (!l) byProp.set(p, [cell]);
    else if (!l.includes(cell)) l.push(cell);
  };
  for (const e of graph.edges) {
    if (e.kind !== 'property' || !e.property || e.binding === 'interrupts') continue;
    const cells = propCells(e.property);
    if (cells) add(e.property, cells.find((c) => c.start === e.refSpan.start));
  }
  // interrupt-parent is read by of_irq_find_parent, not a supplier binding of its own
  const stack: TreeNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    const ip = getProperty(n, 'interrupt-parent');
    if (ip) add(ip, propCells(ip)?.[0]);
    for (const c of n.children) stack.push(c);
  }
  return byProp;
}

export function checkRawPhandles(ctx: CheckContext, r: Reporter): void {
  const mixed = ctx.tree.references.length > 0;
  for (const [prop, cells] of rawPhandleCells(ctx.tree, ctx.graph)) {
    const about = { node: prop.node, property: prop.name };
    const unstable = cells.filter((c) => !explicitPhandleProperty(ctx.tree.phandles.get(Number(c.value & 0xffffffffn))!));
    for (const cell of unstable) {
      const target = ctx.tree.phandles.get(Number(cell.value & 0xffffffffn))!;
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
    if (!mixed) continue; // a decompiled tree writes every phandle as a number: one style, nothing to say
    const stable = cells.filter((c) => !unstable.includes(c));
    if (!stable.length) continue;
    const cell = stable[0];
    const target = ctx.tree.phandles.get(Number(cell.value & 0xffffffffn))!;
    const more = stable.length > 1 ? ` (and ${stable.length - 1} more in this property)` : '';
    r.report(
      'raw-phandle',
      cell,
      message(`raw phandle ${hex(cell.value)} is ${nodeRef(target)}${more}`, `the kernel resolves it like a reference (${nodeRef(target)} sets phandle = <${hex(cell.value)}>); ${referenceFor(target)} says so`),
      [r.related(explicitPhandleProperty(target)?.span, `phandle of ${nodeRef(target)}`)],
      about,
    );
  }
}

// Signature help inside `< >`: the cells of the group under the cursor, each named. A phandle group names
// its provider and the provider's cells (Zephyr's `<space>-cells` of the provider binding, the IOMMU model's
// cell names, dt-schema's descriptions of the consumer's items); `reg`/`ranges` name address and size cells
// by #address-cells/#size-cells; `interrupts` the interrupt parent's cells.
import type { Analysis } from '../analysis';
import type { BindingDocs } from '../bindings/docs';
import type { Cell, TreeNode, TreeProperty } from '../tree/types';
import { locate } from './locate';
import { cellNamesFor } from './model-info';

export interface SignatureParameter {
  label: string;
  documentation?: string;
}

export interface SignatureHelpResult {
  label: string;
  documentation?: string;
  parameters: SignatureParameter[];
  activeParameter: number;
}

function u32(n: TreeNode | undefined, name: string): number | undefined {
  const p = n?.properties.find((x) => x.name === name);
  const c = p?.chunks[0];
  return c && c.kind === 'cells' && c.cells.length === 1 ? Number(c.cells[0].value) : undefined;
}

function shortName(n: TreeNode): string {
  return n.labels[0] ? `&${n.labels[0].name}` : n.name || '/';
}

function interruptParent(n: TreeNode, a: Analysis): TreeNode | undefined {
  for (let cur: TreeNode | undefined = n; cur; cur = cur.parent) {
    const ip = cur.properties.find((p) => p.name === 'interrupt-parent');
    const c = ip?.chunks[0];
    if (c && c.kind === 'cells' && c.cells[0]) return c.cells[0].ref?.target ?? a.tree.phandles.get(Number(c.cells[0].value));
  }
  return undefined;
}

/** The cells of a property in order, and how many lie before the cursor. */
function cellsAround(p: TreeProperty, offset: number): { cells: Cell[]; index: number } | undefined {
  const cells: Cell[] = [];
  let index = -1;
  let inside = false;
  for (const ch of p.chunks) {
    if (ch.kind !== 'cells') continue;
    if (offset > ch.start && offset <= ch.end) inside = true;
    for (const c of ch.cells) {
      if (c.end <= offset || (c.start <= offset && offset <= c.end)) index = cells.length;
      cells.push(c);
    }
    // the cursor right after `<` (or between cells): the next cell
    if (inside && index < 0) index = 0;
  }
  if (!inside) return undefined;
  // the cursor in the white space after a cell: the one that comes next
  const at = cells[index];
  if (at && at.end < offset) index++;
  return { cells, index: Math.max(0, index) };
}

export function getSignatureHelp(a: Analysis, docs: BindingDocs | undefined, file: string, offset: number): SignatureHelpResult | undefined {
  const loc = locate(a, file, offset);
  const p = loc?.property;
  if (!loc || !p) return undefined;
  // the cursor in the analysed text (the item's spans are there; its range is in the file the user wrote)
  const sameText = loc.range.file === file && loc.range.end - loc.range.start === loc.end - loc.start;
  const at0 = sameText ? loc.start + Math.max(0, Math.min(offset - loc.range.start, loc.end - loc.start)) : loc.start;
  const around = cellsAround(p, at0);
  if (!around) return undefined;
  const doc = docs?.propertyDoc(p.node, p.name);
  const binding = docs?.nodeBinding(p.node);
  const name = p.name;

  // a phandle + arguments group (from the supplier graph)
  const edges = a.graph.suppliersOf(p.node).filter((e) => e.property === p);
  if (edges.length) {
    const at = around.cells[Math.min(around.index, around.cells.length - 1)];
    let e = edges.find((x) => at && x.span.start <= at.start && at.end <= x.span.end) ?? edges[edges.length - 1];
    if (at && at.start > e.span.end) e = edges[edges.length - 1];
    const count = e.args.length;
    const space = e.cellsProperty?.replace(/^#/, '').replace(/-cells$/, '');
    let names: string[] | undefined;
    const provider = docs?.nodeBinding(e.supplier);
    if (space && provider?.specifierCells?.get(space)?.length === count) names = provider.specifierCells.get(space);
    names ??= cellNamesFor(a, e.binding, e.supplier, count);
    if (!names && doc?.cellDescriptions && doc.cellDescriptions.length === count + 1) names = doc.cellDescriptions.slice(1);
    names ??= Array.from({ length: count }, (_, i) => `cell ${i + 1}`);
    const params: SignatureParameter[] = [{ label: shortName(e.supplier), documentation: 'the provider (a phandle)' }, ...names.map((n) => ({ label: n }))];
    const groupDoc = doc?.itemDescriptions?.[e.index];
    const cellIndex = at ? e.args.findIndex((c) => c === at) : -1;
    return {
      label: `${name}[${e.index}]: <${params.map((x) => x.label).join(' ')}>`,
      documentation: [groupDoc, doc?.description].filter((x) => x).join('\n\n') || undefined,
      parameters: params,
      activeParameter: cellIndex >= 0 ? cellIndex + 1 : at && e.refSpan.start <= at.start && at.end <= e.refSpan.end ? 0 : Math.min(params.length - 1, around.index % params.length),
    };
  }

  // groups of a known size: reg-like address + size, ranges, interrupts
  let groupNames: string[] | undefined;
  const cellNames = (prefix: string, n: number): string[] => (n === 1 ? [prefix] : Array.from({ length: n }, (_, i) => `${prefix} ${i === 0 ? 'high' : i === n - 1 ? 'low' : `(${i})`}`));
  if (name === 'reg' && p.node.parent) {
    const ac = u32(p.node.parent, '#address-cells') ?? 2;
    const sc = u32(p.node.parent, '#size-cells') ?? 1;
    groupNames = [...cellNames('address', ac), ...cellNames('size', sc)];
  } else if ((name === 'ranges' || name === 'dma-ranges') && p.node.parent) {
    const cac = u32(p.node, '#address-cells') ?? 2;
    const pac = u32(p.node.parent, '#address-cells') ?? 2;
    const sc = u32(p.node, '#size-cells') ?? 1;
    groupNames = [...cellNames('child address', cac), ...cellNames('parent address', pac), ...cellNames('size', sc)];
  } else if (name === 'interrupts') {
    const ip = interruptParent(p.node, a);
    const k = u32(ip, '#interrupt-cells');
    if (ip && k) {
      const zephyr = docs?.nodeBinding(ip)?.specifierCells?.get('interrupt');
      groupNames = zephyr?.length === k ? zephyr : cellNamesFor(a, 'interrupts', ip, k) ?? Array.from({ length: k }, (_, i) => `cell ${i + 1}`);
    }
  }
  if (!groupNames || groupNames.length === 0) {
    if (!doc) return undefined;
    return { label: `${name}: <${doc.type ?? 'cells'}>`, documentation: doc.description, parameters: [{ label: doc.type ?? 'cells' }], activeParameter: 0 };
  }
  const size = groupNames.length;
  const group = Math.floor(around.index / size);
  return {
    label: `${name}[${group}]: <${groupNames.join(' ')}>`,
    documentation: [doc?.itemDescriptions?.[group], doc?.description, binding ? `(${binding.name})` : undefined].filter((x) => x).join('\n\n') || undefined,
    parameters: groupNames.map((l) => ({ label: l })),
    activeParameter: around.index % size,
  };
}

// Supplier graph: decode every fw_devlink supplier binding (Linux 6.12
// drivers/of/property.c of_supplier_bindings) into consumer -> supplier edges.
// A pure function of the live tree; linear in the size of the tree.
import type { Span } from '../syntax/ast';
import type { Cell, LiveTree, TreeNode, TreeProperty } from '../tree/types';
import { getProperty, phandleNode } from '../tree/types';
import { bindingForProperty, bindingMatcher, type IommuModel, type SupplierBinding } from './iommu';
import { nodeNameSpan, propCells } from './tree-util';
import { noteMatcher, noteNode, noteRead } from '../tree/value-reads';
import type { SupplierEdge, SupplierGraph } from './types';

const MAX_DEPTH = 4096;

/**
 * Which consumer properties' decoding read each cell-count property (`#clock-cells`, `#address-cells`, ...), and
 * looked up each phandle number (a raw value in phandle position, no reference): a build given one fills it, so
 * that a keystroke that changes a count, or dtc's numbering, decodes only those again (graph-patch.ts,
 * analysis-graph.ts).
 */
export type CellsReaders = Map<TreeProperty | number, Set<TreeProperty>>;

function addReader(readers: CellsReaders, key: TreeProperty | number, reader: TreeProperty): void {
  const set = readers.get(key);
  if (set) set.add(reader); else readers.set(key, new Set([reader]));
}

/** while a property is decoded for a build given readers: the lookups of phandle numbers are recorded there */
let lookupSink: { readers: CellsReaders; prop: TreeProperty } | undefined;

class CellsCache {
  private readonly m = new Map<TreeNode, Map<string, { v: number | null; p: TreeProperty | undefined }>>();
  /** the property being decoded (recorded as a reader of the counts it takes) */
  reader: TreeProperty | undefined;
  constructor(private readonly readers?: CellsReaders) {}
  get(n: TreeNode, name: string): number | undefined {
    let per = this.m.get(n);
    if (!per) {
      per = new Map();
      this.m.set(n, per);
    }
    let hit = per.get(name);
    if (hit === undefined) {
      const p = getProperty(n, name);
      let v: number | null = null;
      if (p) {
        const cells = propCells(p);
        if (cells && cells.length > 0) v = Number(cells[0].value & 0xffffffffn);
      }
      hit = { v, p };
      per.set(name, hit);
    }
    if (this.readers && hit.p && this.reader) addReader(this.readers, hit.p, this.reader);
    return hit.v === null ? undefined : hit.v;
  }
}

function spanOf(first: Cell, last: Cell): Span {
  return { start: first.start, end: last.end };
}

/** The target of a cell in phandle position (a reference, or a raw phandle value as in decompiled source). */
export function phandleTarget(tree: LiveTree, c: Cell): TreeNode | undefined {
  if (c.ref) return c.ref.target;
  if (c.value === 0n) return undefined;
  if (lookupSink) addReader(lookupSink.readers, Number(c.value & 0xffffffffn), lookupSink.prop);
  return phandleNode(tree, c.value);
}

/** of_irq_find_parent: interrupt-parent (or the parent node), repeated until a node with #interrupt-cells. */
export function findInterruptParent(tree: LiveTree, node: TreeNode): TreeNode | undefined {
  let child: TreeNode | undefined = node;
  for (let guard = 0; child && guard < MAX_DEPTH; guard++) {
    const ip = getProperty(child, 'interrupt-parent');
    let p: TreeNode | undefined;
    if (ip) {
      const cells = propCells(ip);
      p = cells && cells.length ? phandleTarget(tree, cells[0]) : undefined;
    } else p = child.parent;
    if (!p) return undefined;
    if (getProperty(p, '#interrupt-cells')) return p;
    child = p;
  }
  return undefined;
}

/** of_graph_get_port_parent: endpoint -> port -> (ports ->) device node. */
function portParent(endpoint: TreeNode): TreeNode | undefined {
  const port = endpoint.parent;
  let p = port?.parent;
  if (p) noteNode(p);
  if (p && (p.name === 'ports' || p.name.startsWith('ports@'))) p = p.parent;
  return p;
}

/**
 * Decodes the edges of consumer properties into `edges` (in the order of the calls). A property's edges depend
 * on its own value, the providers' #cells and, for interrupts, the interrupt parent: the graph's build visits
 * every property; patchPropertyEdges decodes one again.
 */
export function edgeDecoder(tree: LiveTree, model: IommuModel, edges: SupplierEdge[], readers?: CellsReaders): (node: TreeNode, prop: TreeProperty) => void {
  const cellsCache = new CellsCache(readers);

  const decodePhandleArgs = (node: TreeNode, prop: TreeProperty, b: SupplierBinding, cells: Cell[], cellsName: string | null) => {
    const stopOnMissing = !!b.suffix || b.names?.includes('gpios') || b.decoder === 'interrupts';
    let index = 0;
    let i = 0;
    while (i < cells.length) {
      const ph = cells[i];
      i++;
      if (!ph.ref && ph.value === 0n) {
        index++; // a 0 phandle is an empty entry with no arguments
        continue;
      }
      const target = phandleTarget(tree, ph);
      if (!target) return; // unresolved: reported by the merge stage; the kernel stops here
      let count = 0;
      let missing = false;
      if (cellsName) {
        const v = cellsCache.get(target, cellsName);
        if (v === undefined) {
          if (!b.cellsOptional) missing = true;
        } else count = v;
      }
      if (missing && stopOnMissing) {
        edges.push(mkEdge(node, target, b, prop, index, { start: ph.start, end: ph.end }, ph, [], cellsName, true));
        return;
      }
      if (i + count > cells.length) return; // specifier runs past the end: the kernel's parse fails
      const args = cells.slice(i, i + count);
      const last = count ? cells[i + count - 1] : ph;
      edges.push(mkEdge(node, target, b, prop, index, spanOf(ph, last), ph, args, cellsName, missing));
      i += count;
      index++;
    }
  };

  const mkEdge = (
    consumer: TreeNode, supplier: TreeNode, b: SupplierBinding, prop: TreeProperty, index: number,
    span: Span, ref: Span, args: Cell[], cellsName: string | null | undefined, missing: boolean,
  ): SupplierEdge => {
    const e = new PropertyEdge(consumer, supplier, b.name, prop, index, span, { start: ref.start, end: ref.end }, args, b.optional);
    if (cellsName) e.cellsProperty = cellsName;
    if (b.ignore || b.decoder === 'remote-endpoint') e.ignoreForCycles = true;
    if (missing) e.missingCells = true;
    return e;
  };

  const visitProperty = (node: TreeNode, prop: TreeProperty) => {
    const was = lookupSink;
    lookupSink = readers ? { readers, prop } : undefined;
    try {
      decodeProperty(node, prop);
    } finally {
      lookupSink = was;
    }
  };

  const decodeProperty = (node: TreeNode, prop: TreeProperty) => {
    cellsCache.reader = prop;
    const b = bindingForProperty(model, prop.name);
    if (!b) return;
    if (b.skipIfNodeHas && getProperty(node, b.skipIfNodeHas)) return;
    const cells = propCells(prop);
    if (!cells || cells.length === 0) return;
    switch (b.decoder) {
      case 'iommu-map': {
        // of_parse_phandle(np, "iommu-map", index * 4 + 1): fixed 4-cell rows
        for (let r = 0; r * 4 + 1 < cells.length; r++) {
          const ph = cells[r * 4 + 1];
          const target = phandleTarget(tree, ph);
          if (!target) continue;
          const rowCells = cells.slice(r * 4, Math.min(cells.length, r * 4 + 4));
          const args = [rowCells[0], ...rowCells.slice(2)];
          edges.push(mkEdge(node, target, b, prop, r, spanOf(rowCells[0], rowCells[rowCells.length - 1]), ph, args, undefined, false));
        }
        return;
      }
      case 'interrupts': {
        if (prop.name === 'interrupts-extended') {
          decodePhandleArgs(node, prop, b, cells, '#interrupt-cells');
          return;
        }
        if (getProperty(node, 'interrupts-extended')) return; // of_irq_parse_one prefers interrupts-extended
        const parent = findInterruptParent(tree, node);
        if (!parent) return;
        const n = cellsCache.get(parent, '#interrupt-cells');
        if (n === undefined) return;
        const ipProp = getProperty(node, 'interrupt-parent');
        const ipCells = ipProp ? propCells(ipProp) : undefined;
        if (n === 0) {
          edges.push(mkEdge(node, parent, b, prop, 0, { start: prop.span.start, end: prop.span.end }, ipCells?.[0] ?? prop.nameSpan, [], '#interrupt-cells', false));
          return;
        }
        for (let k = 0; (k + 1) * n <= cells.length; k++) {
          const spec = cells.slice(k * n, (k + 1) * n);
          const span = spanOf(spec[0], spec[spec.length - 1]);
          edges.push(mkEdge(node, parent, b, prop, k, span, ipCells?.[0] ?? span, spec, '#interrupt-cells', false));
        }
        return;
      }
      case 'interrupt-map': {
        const intcells = cellsCache.get(node, '#interrupt-cells');
        if (intcells === undefined) return;
        let addrcells = 1;
        for (let p: TreeNode | undefined = node; p; p = p.parent) {
          const v = cellsCache.get(p, '#address-cells');
          if (v !== undefined) { addrcells = v; break; }
        }
        let i = 0;
        for (let row = 0; i + addrcells + intcells + 1 < cells.length && row < 100000; row++) {
          i += addrcells + intcells;
          const ph = cells[i];
          const target = phandleTarget(tree, ph);
          if (!target) return;
          const pint = cellsCache.get(target, '#interrupt-cells');
          if (pint === undefined) return;
          const paddr = cellsCache.get(target, '#address-cells') ?? 0;
          if (i + 1 + paddr + pint > cells.length) return;
          const last = cells[i + paddr + pint];
          edges.push(mkEdge(node, target, b, prop, row, spanOf(ph, last), ph, cells.slice(i + 1, i + 1 + paddr + pint), '#interrupt-cells', false));
          i += 1 + paddr + pint;
        }
        return;
      }
      case 'remote-endpoint': {
        // index 0 only; consumer = local port parent, supplier = remote port parent
        const remote = phandleTarget(tree, cells[0]);
        if (!remote) return;
        const sup = portParent(remote);
        const con = portParent(node);
        if (!sup || !con) return;
        edges.push(mkEdge(con, sup, b, prop, 0, spanOf(cells[0], cells[0]), cells[0], [], undefined, false));
        return;
      }
      default:
        decodePhandleArgs(node, prop, b, cells, b.cellsProperty);
    }
  };
  return visitProperty;
}

export function buildSupplierGraph(tree: LiveTree, model: IommuModel, readers?: CellsReaders): SupplierGraph {
  const edges: SupplierEdge[] = [];
  const visitProperty = edgeDecoder(tree, model, edges, readers);
  // (every property is picked by its binding's name)
  noteMatcher(bindingMatcher(model));

  // iterative walk (no recursion limits on deep trees)
  const stack: TreeNode[] = [tree.root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.parent) {
      const ns = nodeNameSpan(node) ?? { start: 0, end: 0 };
      // (the edge's spans are its own: an incremental re-analysis moves the tree's and the edges' positions apart)
      edges.push({ consumer: node, supplier: node.parent, kind: 'parent', binding: 'parent', index: 0, span: { start: ns.start, end: ns.end }, refSpan: { start: ns.start, end: ns.end }, args: [], optional: false });
    }
    for (let pIndex = 0, pList = node.properties; pIndex < pList.length; pIndex++) { const p = pList[pIndex]; visitProperty(node, p); }
    for (let k = node.children.length - 1; k >= 0; k--) stack.push(node.children[k]);
  }

  return graphOf(edges);
}

/** The graph of a list of edges (grouped by consumer and by supplier on first use). */
export function graphOf(edges: SupplierEdge[]): SupplierGraph {
  let byConsumer: Map<TreeNode, SupplierEdge[]> | undefined;
  let bySupplier: Map<TreeNode, SupplierEdge[]> | undefined;
  const group = (key: 'consumer' | 'supplier') => {
    const m = new Map<TreeNode, SupplierEdge[]>();
    for (let eIndex = 0, eList = edges; eIndex < eList.length; eIndex++) {
      const e = eList[eIndex];
      const k = e[key];
      const l = m.get(k);
      if (l) l.push(e); else m.set(k, [e]);
    }
    return m;
  };
  return {
    edges,
    suppliersOf(node) {
      byConsumer ??= group('consumer');
      return byConsumer.get(node) ?? [];
    },
    consumersOf(node) {
      bySupplier ??= group('supplier');
      return bySupplier.get(node) ?? [];
    },
  };
}

/**
 * An edge decoded from a consumer property. Its argument cells are part of the property's value: reading them
 * counts as reading the property (tree/value-reads.ts), so that a check that read them runs again when the
 * value changes even though the graph was only patched (patchPropertyEdges).
 */
class PropertyEdge implements SupplierEdge {
  readonly kind = 'property' as const;
  cellsProperty?: string;
  ignoreForCycles?: boolean;
  missingCells?: boolean;
  constructor(
    public consumer: TreeNode,
    public supplier: TreeNode,
    public binding: string,
    public property: TreeProperty,
    public index: number,
    public span: Span,
    public refSpan: Span,
    private cells: Cell[],
    public optional: boolean,
  ) {}

  get args(): Cell[] {
    noteRead(this.property);
    return this.cells;
  }

  set args(c: Cell[]) {
    this.cells = c;
  }
}

/**
 * Does the value of `prop` make only its own edges, so that decoding it again gives every edge its value changes?
 * Not a property without a binding (a cell count, interrupt-map-mask: others' decoding reads it) or interrupt-parent
 * (read for the children's interrupts too). remote-endpoint is: its edge goes from its port's parent, not its own
 * node, but no other property's decoding reads it, and the build visits it where a patch puts it (its property).
 */
export function decodedAlone(model: IommuModel, prop: TreeProperty): boolean {
  const b = bindingForProperty(model, prop.name);
  return !!b && prop.name !== 'interrupt-parent' && !prop.name.startsWith('#');
}

/**
 * After a keystroke changed the value of `prop` without changing its references (tree/incremental.ts): its
 * edges decoded again from the new value; when they have the same shape (the same suppliers, bindings,
 * indexes and flags: only argument cells changed), the graph's edges take their new arguments and spans
 * and true is returned; false when the graph must be built again (a property other nodes' edges read, or
 * another shape).
 */
export function patchPropertyEdges(graph: SupplierGraph, tree: LiveTree, model: IommuModel, prop: TreeProperty): boolean {
  if (!decodedAlone(model, prop)) return false;
  const now: SupplierEdge[] = [];
  edgeDecoder(tree, model, now)(prop.node, prop);
  const old: SupplierEdge[] = [];
  for (const e of graph.edges) if (e.property === prop) old.push(e);
  if (now.length !== old.length) return false;
  for (let k = 0; k < now.length; k++) {
    const a = old[k];
    const c = now[k];
    if (a.consumer !== c.consumer || a.supplier !== c.supplier || a.binding !== c.binding || a.index !== c.index || a.cellsProperty !== c.cellsProperty ||
      a.missingCells !== c.missingCells || a.ignoreForCycles !== c.ignoreForCycles || a.optional !== c.optional || a.kind !== c.kind) return false;
  }
  for (let k = 0; k < now.length; k++) {
    old[k].args = (now[k] as PropertyEdge)['cells'];
    old[k].span = now[k].span;
    old[k].refSpan = now[k].refSpan;
  }
  return true;
}

// A keystroke that changes a cell count (`#clock-cells = <1>` to `<2>`) changes how every property that names
// that provider is decoded, but nothing else of the supplier graph: those properties are decoded again and
// their edges put where a whole build puts them (the language server's incremental analyses, analysis.ts).
import type { LiveTree, TreeNode, TreeProperty } from '../tree/types';
import { decodedAlone, edgeDecoder, graphOf, type CellsReaders } from './graph';
import type { IommuModel } from './iommu';
import type { SupplierEdge, SupplierGraph } from './types';

/**
 * What a patch changed in the graph: the edges of the properties decoded again, as they were (`removed`) and as they
 * are now (`added`; new objects even where equal). Every other edge is the last graph's object.
 */
export interface GraphDelta {
  removed: SupplierEdge[];
  added: SupplierEdge[];
}

const deltas = new WeakMap<SupplierGraph, GraphDelta>();

/** The delta of a graph made by a patch below (undefined: a graph built whole). */
export function patchDelta(graph: SupplierGraph): GraphDelta | undefined {
  return deltas.get(graph);
}

/** Where the build visits a property: its node in depth-first order, then its place among the node's properties (-1: the node's parent edge). */
type VisitKey = [number, number];

function before(a: VisitKey, b: VisitKey): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/**
 * The graph after the value of `counts` (a `#...-cells` property the build read: `readers` says who read it)
 * changed: the properties that read it decoded again (they become readers of what they read now), every other
 * edge kept as it is, in the build's order. Undefined when no decoding read it (the caller builds the graph again).
 */
export function patchCellsEdges(graph: SupplierGraph, tree: LiveTree, model: IommuModel, counts: TreeProperty, readers: CellsReaders): SupplierGraph | undefined {
  const consumers = readers.get(counts);
  if (!consumers || consumers.size === 0) return undefined;
  return redecode(graph, tree, model, consumers, readers);
}

/**
 * The graph after a keystroke changed the edges of `props` in shape: a value's (patchPropertyEdges gave up: another
 * supplier, a null phandle made a reference, an entry more or less), or the references a changed label names. Their
 * edges are decoded again and put where a whole build puts them (each becomes a reader of the cell counts it reads
 * now), every other edge kept. Undefined when other properties' edges read one of their values (decodedAlone), so
 * that the graph must be built again.
 */
export function patchPropertiesShape(graph: SupplierGraph, tree: LiveTree, model: IommuModel, props: readonly TreeProperty[], readers: CellsReaders): SupplierGraph | undefined {
  if (props.some((p) => !decodedAlone(model, p))) return undefined;
  return redecode(graph, tree, model, new Set(props), readers);
}

/**
 * The graph after properties were renamed (or added): decoded again under their names now, every other edge kept.
 * The caller has made sure that no other property's decoding read them, by either name (analysis-graph.ts
 * walkedOnly): a property with no binding now makes no edges and is read by nothing. Undefined when one left the tree.
 */
export function patchRenamedEdges(graph: SupplierGraph, tree: LiveTree, model: IommuModel, props: readonly TreeProperty[], readers: CellsReaders): SupplierGraph | undefined {
  return redecode(graph, tree, model, new Set(props), readers);
}

/** `consumers` decoded again, their edges put in the build's order among the others (undefined: one left the tree). */
function redecode(graph: SupplierGraph, tree: LiveTree, model: IommuModel, consumers: ReadonlySet<TreeProperty>, readers: CellsReaders): SupplierGraph | undefined {
  // the build's order: nodes depth first (children in order), a node's parent edge, then its properties
  const order = new Map<TreeNode, number>();
  const stack: TreeNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    order.set(n, order.size);
    for (let k = n.children.length - 1; k >= 0; k--) stack.push(n.children[k]);
  }
  const keyOfProp = (p: TreeProperty): VisitKey => [order.get(p.node) ?? -1, p.node.properties.indexOf(p)];
  const keyOfEdge = (e: SupplierEdge): VisitKey => (e.kind === 'parent' || !e.property ? [order.get(e.consumer) ?? -1, -1] : keyOfProp(e.property));
  // each reader decoded again, in the build's order
  const fresh: { key: VisitKey; edges: SupplierEdge[] }[] = [];
  for (const q of consumers) {
    const key = keyOfProp(q);
    if (key[0] < 0 || key[1] < 0) return undefined; // (no longer in the tree: a patch keeps the tree's shape)
    const edges: SupplierEdge[] = [];
    edgeDecoder(tree, model, edges, readers)(q.node, q);
    fresh.push({ key, edges });
  }
  fresh.sort((a, b) => (before(a.key, b.key) ? -1 : before(b.key, a.key) ? 1 : 0));
  const out: SupplierEdge[] = [];
  const removed: SupplierEdge[] = [];
  let next = 0;
  for (const e of graph.edges) {
    if (e.kind === 'property' && e.property && consumers.has(e.property)) { removed.push(e); continue; }
    if (next < fresh.length) {
      const k = keyOfEdge(e);
      while (next < fresh.length && before(fresh[next].key, k)) out.push(...fresh[next++].edges);
    }
    out.push(e);
  }
  while (next < fresh.length) out.push(...fresh[next++].edges);
  const g = graphOf(out);
  deltas.set(g, { removed, added: fresh.flatMap((f) => f.edges) });
  return g;
}

// Data for the supplier-graph webview: the whole context (every node on a
// property edge) or one node's neighbourhood (its direct suppliers and consumers).
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type { SupplierEdge } from '../model/types';
import type { TreeNode } from '../tree/types';
import { findNode, nodeNameRange } from './locate';
import { iommuFactsForNode } from './model-info';
import { displayName, nodePath, statusOf } from './util';

export type GraphNodeKind = 'iommu' | 'provider' | 'device' | 'focus';

export interface GraphViewNode {
  id: string;
  label: string;
  path: string;
  status: string;
  kind: GraphNodeKind;
  location: FileRange;
}

export interface GraphViewEdge {
  from: string;
  to: string;
  binding: string;
  optional: boolean;
}

export interface GraphView {
  nodes: GraphViewNode[];
  edges: GraphViewEdge[];
}

const MAX_GRAPH_EDGES = 20000;

/** focusNode: a full path or a label. Edges point consumer -> supplier. */
export function getSupplierGraphView(a: Analysis, focusNode?: string): GraphView {
  let edges: SupplierEdge[];
  let focus: TreeNode | undefined;
  if (focusNode) {
    focus = findNode(a, focusNode);
    if (!focus) return { nodes: [], edges: [] };
    edges = [...a.graph.suppliersOf(focus), ...a.graph.consumersOf(focus)];
  } else {
    edges = a.graph.edges;
  }
  const nodes = new Map<TreeNode, GraphViewNode>();
  const outEdges: GraphViewEdge[] = [];
  const seen = new Set<string>();
  const addNode = (n: TreeNode): string => {
    let v = nodes.get(n);
    if (!v) {
      const path = nodePath(n);
      const isIommu = !!iommuFactsForNode(a, n) || n.properties.some((p) => p.name === '#iommu-cells');
      const isProvider = a.graph.consumersOf(n).some((e) => e.kind === 'property');
      v = {
        id: path,
        label: displayName(n),
        path,
        status: statusOf(n),
        kind: n === focus ? 'focus' : isIommu ? 'iommu' : isProvider ? 'provider' : 'device',
        location: nodeNameRange(a, n) ?? { file: a.root, start: 0, end: 0 },
      };
      nodes.set(n, v);
    }
    return v.id;
  };
  if (focus) addNode(focus);
  for (const e of edges) {
    if (e.kind !== 'property') continue;
    const from = addNode(e.consumer);
    const to = addNode(e.supplier);
    const k = `${from}\0${to}\0${e.binding}`;
    if (seen.has(k)) continue;
    seen.add(k);
    outEdges.push({ from, to, binding: e.binding, optional: e.optional });
    if (outEdges.length >= MAX_GRAPH_EDGES) break;
  }
  return { nodes: [...nodes.values()], edges: outEdges };
}

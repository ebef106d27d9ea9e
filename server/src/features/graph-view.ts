// Data for the supplier-graph webview: every node on a property edge of the context (the webview
// shows the focus node's neighbourhood, N hops either way, or all of it, and filters by binding
// and status), with the hazards the checks found on edges (disabled suppliers, DMA untranslated,
// cycles, deadlocks) and the node kinds. Edges point consumer -> supplier. Plain data: the layout
// (graph-layout.ts) runs in the webview, where label widths can be measured.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type { SupplierEdge } from '../model/types';
import type { TreeNode } from '../tree/types';
import { findNode, nodeNameRange } from './locate';
import { iommuFactsForNode } from './model-info';
import { displayName, nodePath, statusOf } from './util';

export type GraphNodeKind = 'iommu' | 'provider' | 'device';

/** What the graph shows as a hazard: the diagnostic codes of the checks, grouped for styling. */
export type GraphHazard = 'disabled' | 'untranslated' | 'never-probes' | 'cycle' | 'deadlock' | 'cells';

export interface GraphViewNode {
  id: string;
  label: string;
  /** the node name (with unit address) */
  name: string;
  path: string;
  /** the label of the nearest labelled ancestor (tells apart nodes of the same name: compute-cb@3 of remoteproc_adsp) */
  owner?: string;
  status: string;
  kind: GraphNodeKind;
  /** hazards of the node itself: untranslated (an enabled consumer of a disabled IOMMU); in a cycle (status says disabled) */
  hazards: GraphHazard[];
  location: FileRange;
}

export interface GraphViewEdge {
  from: string;
  to: string;
  binding: string;
  optional: boolean;
  hazards: GraphHazard[];
  /** the specifier in the source */
  location?: FileRange;
}

export interface GraphView {
  /** the focus node's id (its path) when one was asked for and found */
  focus?: string;
  nodes: GraphViewNode[];
  edges: GraphViewEdge[];
  /** the bindings present, by edge count (for the filter) */
  bindings: { binding: string; count: number }[];
  truncated?: boolean;
}

const MAX_GRAPH_EDGES = 20000;

const HAZARD_OF_CODE: Record<string, GraphHazard> = {
  'supplier-disabled': 'disabled',
  'supplier-never-probes': 'never-probes',
  'dependency-cycle': 'cycle',
  'iommu-probe-deadlock': 'deadlock',
  'iommu-cells-mismatch': 'cells',
  'phandle-cells-mismatch': 'cells',
};

/** focusNode: a full path or a label. */
export function getSupplierGraphView(a: Analysis, focusNode?: string): GraphView {
  const focus: TreeNode | undefined = focusNode ? findNode(a, focusNode) : undefined;
  // diagnostics of the checks by the source range they point at (an edge's specifier)
  const byRange = new Map<string, GraphHazard[]>();
  // cell-count diagnostics cover the whole < > group, which holds the edge's specifier
  const cellGroups: FileRange[] = [];
  for (const d of a.diagnostics) {
    const h = HAZARD_OF_CODE[d.code];
    if (!h) continue;
    if (h === 'cells') {
      cellGroups.push(d);
      continue;
    }
    const k = `${d.file}\0${d.start}\0${d.end}`;
    const l = byRange.get(k);
    if (l) { if (!l.includes(h)) l.push(h); } else byRange.set(k, [h]);
  }
  const nodes = new Map<TreeNode, GraphViewNode>();
  const edges: GraphViewEdge[] = [];
  const seen = new Set<string>();
  const bindings = new Map<string, number>();
  const addNode = (n: TreeNode): GraphViewNode => {
    let v = nodes.get(n);
    if (!v) {
      const path = nodePath(n);
      const isIommu = !!iommuFactsForNode(a, n) || n.properties.some((p) => p.name === '#iommu-cells');
      const isProvider = a.graph.consumersOf(n).some((e) => e.kind === 'property');
      const status = statusOf(n);
      v = {
        id: path,
        label: displayName(n),
        name: n.parent ? n.name : '/',
        path,
        status,
        kind: isIommu ? 'iommu' : isProvider ? 'provider' : 'device',
        hazards: [],
        location: nodeNameRange(a, n) ?? { file: a.root, start: 0, end: 0 },
      };
      for (let p = n.parent; p; p = p.parent) {
        if (p.labels.length) {
          v.owner = p.labels[0].name;
          break;
        }
      }
      nodes.set(n, v);
    }
    return v;
  };
  if (focus) addNode(focus);
  let truncated = false;
  const list: SupplierEdge[] = a.graph.edges;
  for (const e of list) {
    if (e.kind !== 'property' || e.consumer === e.supplier) continue; // a GIC's own interrupts: no arrow to itself
    const from = addNode(e.consumer);
    const to = addNode(e.supplier);
    const loc = a.pp.map.toFileRange(e.span.start, e.span.end);
    const hz = byRange.get(`${loc.file}\0${loc.start}\0${loc.end}`) ?? [];
    const hazards = hz.map((h) => (h === 'disabled' && (e.binding === 'iommus' || e.binding === 'iommu-map') ? 'untranslated' : h));
    if (cellGroups.some((d) => d.file === loc.file && d.start <= loc.start && loc.start < d.end)) hazards.push('cells');
    if (hazards.includes('untranslated') && !from.hazards.includes('untranslated')) from.hazards.push('untranslated');
    if (hazards.includes('cycle') || hazards.includes('deadlock')) {
      for (const n of [from, to]) if (!n.hazards.includes('cycle')) n.hazards.push('cycle');
    }
    const k = `${from.id}\0${to.id}\0${e.binding}`;
    if (seen.has(k)) {
      // a second specifier to the same supplier under the same binding: one edge, every hazard
      const prev = edges.find((x) => x.from === from.id && x.to === to.id && x.binding === e.binding);
      if (prev) for (const h of hazards) if (!prev.hazards.includes(h)) prev.hazards.push(h);
      continue;
    }
    seen.add(k);
    edges.push({ from: from.id, to: to.id, binding: e.binding, optional: e.optional, hazards, location: loc });
    bindings.set(e.binding, (bindings.get(e.binding) ?? 0) + 1);
    if (edges.length >= MAX_GRAPH_EDGES) {
      truncated = true;
      break;
    }
  }
  const out: GraphView = {
    nodes: [...nodes.values()],
    edges,
    bindings: [...bindings].map(([binding, count]) => ({ binding, count })).sort((x, y) => y.count - x.count || (x.binding < y.binding ? -1 : 1)),
  };
  if (focus) out.focus = nodePath(focus);
  if (truncated) out.truncated = true;
  return out;
}

// Call hierarchy over the supplier graph: incoming calls = consumers,
// outgoing calls = suppliers. Items carry the node path so that later requests
// find the node again in a fresh Analysis.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type { SupplierEdge } from '../model/types';
import type { TreeNode } from '../tree/types';
import { findNode, locate, nodeFullRange, nodeNameRange } from './locate';
import { targetNode } from './references';
import { compatibles, displayName, nodePath } from './util';

export interface HierarchyItem {
  name: string;
  detail: string;
  file: string;
  /** the whole node definition */
  range: FileRange;
  /** the node name */
  selectionRange: FileRange;
  /** full node path: the key to find the node again */
  path: string;
}

export interface IncomingCall { from: HierarchyItem; fromRanges: FileRange[] }
export interface OutgoingCall { to: HierarchyItem; fromRanges: FileRange[] }

export function hierarchyItem(a: Analysis, n: TreeNode): HierarchyItem | undefined {
  const range = nodeFullRange(a, n);
  const sel = nodeNameRange(a, n);
  if (!range || !sel) return undefined;
  const compat = compatibles(n)[0];
  const path = nodePath(n);
  return {
    name: displayName(n),
    detail: compat ? `${path} (${compat})` : path,
    file: sel.file,
    range: range.file === sel.file ? range : sel,
    selectionRange: sel,
    path,
  };
}

export function prepareCallHierarchy(a: Analysis, file: string, offset: number): HierarchyItem[] {
  const loc = locate(a, file, offset);
  const n = loc?.edge && loc.cellInSpecifier !== undefined ? loc.edge.supplier : targetNode(loc);
  if (!n) return [];
  const it = hierarchyItem(a, n);
  return it ? [it] : [];
}

function group(a: Analysis, edges: SupplierEdge[], key: (e: SupplierEdge) => TreeNode): Array<{ node: TreeNode; ranges: FileRange[] }> {
  const m = new Map<TreeNode, FileRange[]>();
  for (const e of edges) {
    if (e.kind !== 'property') continue;
    const k = key(e);
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(a.pp.map.toFileRange(e.span.start, e.span.end));
  }
  return [...m.entries()].map(([node, ranges]) => ({ node, ranges }));
}

export function incomingCalls(a: Analysis, item: HierarchyItem): IncomingCall[] {
  const n = findNode(a, item.path);
  if (!n) return [];
  const out: IncomingCall[] = [];
  for (const g of group(a, a.graph.consumersOf(n), (e) => e.consumer)) {
    const from = hierarchyItem(a, g.node);
    if (from) out.push({ from, fromRanges: g.ranges });
  }
  return out;
}

export function outgoingCalls(a: Analysis, item: HierarchyItem): OutgoingCall[] {
  const n = findNode(a, item.path);
  if (!n) return [];
  const out: OutgoingCall[] = [];
  for (const g of group(a, a.graph.suppliersOf(n), (e) => e.supplier)) {
    const to = hierarchyItem(a, g.node);
    if (to) out.push({ to, fromRanges: g.ranges });
  }
  return out;
}

// Go to Consumers / Go to Supplier as lists of nodes: one row per consumer (or supplier) node, named
// by its label and node name, with the bindings that link it (`iommus ×2`), so the list counts what
// the hover counts. Each row points at the first specifier of the link (for consumers, in the
// consumer; for suppliers, the supplier's definition).
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type { SupplierEdge } from '../model/types';
import type { TreeNode } from '../tree/types';
import { getIndex, locate, nodeNameRange } from './locate';
import { targetNode } from './references';
import { nodePath } from './util';

export interface NavItem {
  /** first label, else the node name */
  label: string;
  /** node name with unit address */
  name: string;
  path: string;
  /** the bindings of the link and how many specifiers each: [['iommus', 2]] */
  bindings: Array<[string, number]>;
  /** where to go: the first specifier (consumers) or the node's definition (suppliers) */
  location: FileRange;
  /** every specifier of the link */
  specifiers: FileRange[];
  status: string;
}

export interface NavList {
  /** the node asked about */
  of: { label: string; path: string };
  items: NavItem[];
}

function label(n: TreeNode): string {
  return n.labels.length ? n.labels[0].name : n.parent ? n.name : '/';
}

function status(n: TreeNode): string {
  const p = n.properties.find((x) => x.name === 'status');
  const c = p?.chunks.find((x) => x.kind === 'string');
  return c && c.kind === 'string' ? c.value : 'okay';
}

function group(a: Analysis, edges: SupplierEdge[], other: (e: SupplierEdge) => TreeNode, to: 'specifier' | 'node'): NavItem[] {
  const by = new Map<TreeNode, SupplierEdge[]>();
  for (const e of edges) {
    const n = other(e);
    const l = by.get(n);
    if (l) l.push(e); else by.set(n, [e]);
  }
  const out: NavItem[] = [];
  for (const [n, es] of by) {
    es.sort((x, y) => x.span.start - y.span.start);
    const counts = new Map<string, number>();
    for (const e of es) counts.set(e.binding, (counts.get(e.binding) ?? 0) + 1);
    const specifiers = es.map((e) => a.pp.map.toFileRange(e.span.start, e.span.end));
    const location = to === 'specifier' ? specifiers[0] : nodeNameRange(a, n) ?? specifiers[0];
    out.push({ label: label(n), name: n.parent ? n.name : '/', path: nodePath(n), bindings: [...counts], location, specifiers, status: status(n) });
  }
  return out;
}

/** The consumers of the node at a position, one item per consumer node, in source order of their first specifier. */
export function getConsumerList(a: Analysis, file: string, offset: number): NavList | undefined {
  const n = targetNode(locate(a, file, offset));
  if (!n) return undefined;
  const edges = a.graph.consumersOf(n).filter((e) => e.kind === 'property');
  const items = group(a, edges, (e) => e.consumer, 'specifier');
  items.sort((x, y) => (x.location.file === y.location.file ? x.location.start - y.location.start : x.location.file < y.location.file ? -1 : 1));
  return { of: { label: label(n), path: nodePath(n) }, items };
}

/**
 * The suppliers at a position, one item per supplier node: of the specifier under the cursor, of a
 * consumer property, or of the node (name, label, reference).
 */
export function getSupplierList(a: Analysis, file: string, offset: number): NavList | undefined {
  const loc = locate(a, file, offset);
  if (!loc) return undefined;
  let edges: SupplierEdge[] = [];
  let of: TreeNode | undefined;
  if (loc.edge) {
    edges = [loc.edge];
    of = loc.edge.consumer;
  } else if (loc.property && loc.kind !== 'label') {
    edges = getIndex(a).edgesByProperty.get(loc.property) ?? [];
    of = loc.property.node;
  } else if (loc.kind === 'nodeName' || loc.kind === 'label' || loc.kind === 'refNode' || loc.kind === 'reference') {
    of = loc.node;
    if (of) edges = a.graph.suppliersOf(of).filter((e) => e.kind === 'property');
  }
  if (!of) return undefined;
  return { of: { label: label(of), path: nodePath(of) }, items: group(a, edges, (e) => e.supplier, 'node') };
}

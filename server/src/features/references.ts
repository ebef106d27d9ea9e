// Find references, go to consumers and go to suppliers.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type { SupplierEdge } from '../model/types';
import type { TreeNode } from '../tree/types';
import { nodeSites } from './definition';
import { getIndex, labelEnd, locate, nodeNameRange, uniqRanges, type Located } from './locate';

/** The node a navigation request is about: a reference's target, a labelled or named node. */
export function targetNode(loc: Located | undefined): TreeNode | undefined {
  if (!loc) return undefined;
  switch (loc.kind) {
    case 'reference': case 'label': case 'nodeName': case 'node': case 'refNode': case 'rootNode':
      return loc.node;
    case 'macro':
      return loc.ref?.target ?? loc.node;
    default:
      return undefined;
  }
}

function propertyConsumers(a: Analysis, n: TreeNode): SupplierEdge[] {
  return a.graph.consumersOf(n).filter((e) => e.kind === 'property');
}

/**
 * Every reference to the node (&label, &{/path}, phandle cells) and every consumer
 * edge. A reference that is the phandle of a consumer specifier is reported as the
 * whole specifier range; with includeDeclaration the node's labels and name sites too.
 */
export function getReferences(a: Analysis, file: string, offset: number, includeDeclaration: boolean): FileRange[] {
  const n = targetNode(locate(a, file, offset));
  if (!n) return [];
  return referencesOfNode(a, n, includeDeclaration);
}

export function referencesOfNode(a: Analysis, n: TreeNode, includeDeclaration: boolean): FileRange[] {
  const idx = getIndex(a);
  const out: Array<FileRange & { o: number }> = [];
  const edges = propertyConsumers(a, n);
  const coveredRefs = new Set<number>();
  for (const e of edges) {
    coveredRefs.add(e.refSpan.start);
    out.push({ ...a.pp.map.toFileRange(e.span.start, e.span.end), o: e.span.start });
  }
  for (const r of idx.refsByTarget.get(n) ?? []) {
    if (coveredRefs.has(r.ref.start)) continue;
    out.push({ ...a.pp.map.toFileRange(r.ref.start, r.ref.end), o: r.ref.start });
  }
  if (includeDeclaration) {
    for (const l of n.labels) out.push({ ...a.pp.map.toFileRange(l.start, labelEnd(a, l)), o: l.start });
    for (const c of n.contributions) {
      if (c.kind === 'definition') out.push({ ...a.pp.map.toFileRange(c.nameSpan.start, c.nameSpan.end), o: c.nameSpan.start });
    }
  }
  out.sort((x, y) => x.o - y.o);
  return uniqRanges(out.map(({ file, start, end }) => ({ file, start, end })));
}

/** Go to consumers: one location per consumer node (its first specifier), as many as the hover counts. */
export function getConsumerLocations(a: Analysis, file: string, offset: number): FileRange[] {
  const n = targetNode(locate(a, file, offset));
  if (!n) return [];
  const edges = propertyConsumers(a, n).slice().sort((x, y) => x.span.start - y.span.start);
  const seen = new Set<TreeNode>();
  const first = edges.filter((e) => !seen.has(e.consumer) && !!seen.add(e.consumer));
  return uniqRanges(first.map((e) => a.pp.map.toFileRange(e.span.start, e.span.end)));
}

/**
 * Go to suppliers: from a specifier to its supplier; from a consumer property
 * (its name or value) to the suppliers of every specifier; from a node (name,
 * label, reference) to all of its suppliers. Targets are the suppliers' first definitions.
 */
export function getSupplierLocations(a: Analysis, file: string, offset: number): FileRange[] {
  const loc = locate(a, file, offset);
  if (!loc) return [];
  let suppliers: TreeNode[] = [];
  if (loc.edge) suppliers = [loc.edge.supplier];
  else if (loc.property && loc.kind !== 'label') {
    suppliers = (getIndex(a).edgesByProperty.get(loc.property) ?? []).map((e) => e.supplier);
  } else if (loc.kind === 'nodeName' || loc.kind === 'label' || loc.kind === 'refNode' || loc.kind === 'reference') {
    const n = loc.node;
    if (n) suppliers = a.graph.suppliersOf(n).filter((e) => e.kind === 'property').map((e) => e.supplier);
  }
  const out: FileRange[] = [];
  for (const s of new Set(suppliers)) {
    const r = nodeNameRange(a, s);
    if (r) out.push(r);
  }
  return uniqRanges(out);
}

export { nodeSites };

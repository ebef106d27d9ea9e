// Code lenses: on each provider node defined in the file (a node other nodes consume through a
// binding), the number of its consumers; the client's command opens Go to Consumers there.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';

export interface ConsumerLens {
  /** the node name at its definition */
  range: FileRange;
  consumers: number;
  /** the bindings of the links, most used first */
  bindings: string[];
}

export function getConsumerLenses(a: Analysis, file: string): ConsumerLens[] {
  const out: ConsumerLens[] = [];
  const consumers = new Map<object, { nodes: Set<object>; bindings: Map<string, number> }>();
  for (const e of a.graph.edges) {
    if (e.kind !== 'property') continue;
    let c = consumers.get(e.supplier);
    if (!c) consumers.set(e.supplier, (c = { nodes: new Set(), bindings: new Map() }));
    c.nodes.add(e.consumer);
    c.bindings.set(e.binding, (c.bindings.get(e.binding) ?? 0) + 1);
  }
  for (const [n, c] of consumers) {
    const node = n as import('../tree/types').TreeNode;
    const def = node.contributions.find((x) => x.kind === 'definition');
    if (!def) continue;
    const r = a.pp.map.toFileRange(def.nameSpan.start, def.nameSpan.end);
    if (r.file !== file) continue;
    out.push({ range: r, consumers: c.nodes.size, bindings: [...c.bindings].sort((x, y) => y[1] - x[1]).map(([b]) => b) });
  }
  return out.sort((x, y) => x.range.start - y.range.start);
}

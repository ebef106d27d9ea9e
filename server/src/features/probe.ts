// The probe report in the editor: the hover's probe section of a device node, and the
// Explain Probe Order command (dts/explainProbeOrder): the node's predicted outcome under the
// kernel configuration and command line in force, its chain of reasons, and what its suppliers
// do, supplier by supplier, down the chain that decides its outcome.
import type { Analysis } from '../analysis';
import { explainDeviceMarkdown, outcomeLine } from '../model/probe/explain';
import type { DeviceResult } from '../model/probe/types';
import type { TreeNode } from '../tree/types';
import { nodePath } from '../tree/types';
import { locate } from './locate';

/** The hover's probe section for a device node (undefined for a node that is no device node). */
export function probeHoverSection(a: Analysis, n: TreeNode): string | undefined {
  if (a.flavour === 'zephyr') return undefined; // the report describes Linux probing
  const d = a.probe().byNode.get(n);
  if (!d) return undefined;
  return explainDeviceMarkdown(d, a.probe().environment);
}

export interface ProbeExplanation {
  node: string;
  outcome: DeviceResult['outcome'];
  iommu: string | null;
  /** markdown */
  markdown: string;
}

/** The device node at (or around) a position, explained. */
export function getProbeExplanation(a: Analysis, file: string, offset: number): ProbeExplanation | undefined {
  if (a.flavour === 'zephyr') return undefined; // the report describes Linux probing
  const loc = locate(a, file, offset);
  let n: TreeNode | undefined = loc?.node ?? loc?.enclosingNode ?? loc?.property?.node;
  const report = a.probe();
  while (n && !report.byNode.has(n)) n = n.parent;
  if (!n) return undefined;
  const d = report.byNode.get(n)!;
  const lines: string[] = [`# ${nodePath(n)}${n.labels.length ? ` (&${n.labels[0].name})` : ''}: ${outcomeLine(d)}`, '', `_${report.environment}_`, ''];
  lines.push('## Why', '');
  for (const r of d.reasons) lines.push(`- ${r}`);
  // the suppliers, and theirs, as far as they decide this device's outcome
  const seen = new Set<TreeNode>([n]);
  const chain: string[] = [];
  const walk = (x: TreeNode, depth: number) => {
    if (depth > 6) return;
    for (const e of a.graph.suppliersOf(x)) {
      if (e.kind !== 'property' || !e.property) continue;
      let s: TreeNode | undefined = e.supplier;
      while (s && !report.byNode.has(s)) s = s.parent;
      if (!s || seen.has(s)) continue;
      seen.add(s);
      const sd = report.byNode.get(s)!;
      const optional = e.optional ? ', optional for fw_devlink' : '';
      chain.push(`${'  '.repeat(depth)}- ${nodePath(s)} (${e.property.name}${optional}): ${outcomeLine(sd)}`);
      if (sd.outcome !== 'probes') walk(s, depth + 1);
    }
  };
  walk(n, 0);
  if (chain.length) lines.push('', '## Suppliers', '', ...chain);
  return { node: nodePath(n), outcome: d.outcome, iommu: d.iommu ? nodePath(d.iommu) : null, markdown: lines.join('\n') + '\n' };
}

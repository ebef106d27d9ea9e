// Invariants of an incremental merge's memo that a fresh analysis always has, checked by the soak's schedule
// simulation (scripts/soak/schedule.ts) after every analysis: a moved or shared span that lags its text shows here
// at once, long before it shows as a diagnostic at the wrong place (the parse cache bug of issue 17's seed 5 did).
import type { MergeMemo } from './incremental';
import type { TreeNode } from './types';

/**
 * Where the memo's tree does not read its own text: a node's defining name or a property's name not found at its
 * name span. Only for a settled memo (no white-space move pending: its spans lag by design until settleTree).
 */
export function memoSpanFailures(memo: MergeMemo, limit = 5): string[] {
  if (memo.pendingTree?.length) return [];
  const text = memo.text;
  const out: string[] = [];
  const visit = (n: TreeNode): void => {
    for (const c of n.contributions) {
      if (out.length >= limit) return;
      if (c.kind !== 'definition' || !n.parent) continue;
      const s = text.slice(c.nameSpan.start, c.nameSpan.end);
      if (s !== n.name && s !== '\\' + n.name) out.push(`node ${n.name} defined at ${c.nameSpan.start} reads ${JSON.stringify(s)}`);
    }
    for (const p of n.properties) {
      if (out.length >= limit) return;
      // (a property the merge made, not written anywhere, is placed at what made it: the phandle dtc gives a referenced
      // node at the node's name, an overlay fragment's target at the reference)
      if (p.contributions.length === 0) continue;
      const s = text.slice(p.nameSpan.start, p.nameSpan.end);
      // (`\name`: dtc's escape of a name that reads like a keyword)
      if (s !== p.name && s !== '\\' + p.name) out.push(`property ${p.name} of ${n.name} at ${p.nameSpan.start} reads ${JSON.stringify(s)}`);
    }
    for (const c of n.children) visit(c);
  };
  visit(memo.tree.root);
  return out;
}

// Every position a live tree holds, for the incremental re-analysis that moves them in place
// (tree/incremental.ts). The merge gives the tree span objects of its own, none held twice (dnodes.ts):
// the walk below visits each exactly once. A new span-bearing field of the tree types must be added here
// (test/unit/tree-spans.test.ts checks that the walk reaches every span object of real trees).
import type { Span } from '../syntax/ast';
import type { LiveTree, TreeNode, TreeProperty } from './types';

function propertySpans(p: TreeProperty, fn: (s: Span) => void): void {
  fn(p.span);
  fn(p.nameSpan);
  for (let k = 0; k < p.labels.length; k++) fn(p.labels[k]);
  for (let k = 0; k < p.contributions.length; k++) { const c = p.contributions[k]; fn(c); fn(c.nameSpan); }
  for (let k = 0; k < p.chunks.length; k++) {
    const ch = p.chunks[k];
    fn(ch);
    if (ch.kind === 'cells') for (let j = 0; j < ch.cells.length; j++) fn(ch.cells[j]);
  }
}

/** Calls fn once for every span object of the tree (reference spans through `tree.references`). */
export function forEachTreeSpan(tree: LiveTree, fn: (s: Span) => void): void {
  const stack: TreeNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    for (let k = 0; k < n.contributions.length; k++) { const c = n.contributions[k]; fn(c); fn(c.nameSpan); }
    for (let k = 0; k < n.labels.length; k++) fn(n.labels[k]);
    for (let k = 0; k < n.properties.length; k++) propertySpans(n.properties[k], fn);
    for (let k = n.children.length - 1; k >= 0; k--) stack.push(n.children[k]);
  }
  for (let k = 0; k < tree.references.length; k++) fn(tree.references[k].ref);
  for (const v of tree.labels.values()) fn(v.span);
  for (let k = 0; k < tree.memreserves.length; k++) {
    const m = tree.memreserves[k];
    fn(m.span);
    for (let j = 0; j < m.labels.length; j++) fn(m.labels[j]);
  }
  for (let k = 0; k < tree.deleted.length; k++) {
    const d = tree.deleted[k];
    fn(d.deletedBy);
    for (let j = 0; j < d.contributions.length; j++) { const c = d.contributions[j]; fn(c); fn(c.nameSpan); }
  }
}

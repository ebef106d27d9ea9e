// Every position a live tree holds, for the incremental re-analysis that moves them in place
// (tree/incremental.ts). The merge gives the tree span objects of its own, none held twice (dnodes.ts):
// the walk below visits each exactly once. A new span-bearing field of the tree types must be added here
// (test/unit/tree-spans.test.ts checks that the walk reaches every span object of real trees).
import type { Span } from '../syntax/ast';
import type { LiveTree, TreeNode, TreeProperty } from './types';

function propertySpans(p: TreeProperty, fn: (s: Span) => void, before: number): void {
  if (before > 0) {
    // every span of a property lies in one of its definitions (contributions, labels, the shown value):
    // when all of those end before `before`, none of its spans does either
    let last = Math.max(p.span.end, p.nameSpan.end);
    for (let k = 0; k < p.contributions.length; k++) { const c = p.contributions[k]; if (c.end > last) last = c.end; if (c.nameSpan.end > last) last = c.nameSpan.end; }
    for (let k = 0; k < p.labels.length; k++) if (p.labels[k].end > last) last = p.labels[k].end;
    if (last < before) return;
  }
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

/**
 * Calls fn once for every span object of the tree (reference spans through `tree.references`); with `before`,
 * the spans of properties that lie wholly before that offset may be left out (an edit there moves nothing
 * before it: tree/incremental.ts).
 */
export function forEachTreeSpan(tree: LiveTree, fn: (s: Span) => void, before = 0): void {
  const stack: TreeNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    for (let k = 0; k < n.contributions.length; k++) { const c = n.contributions[k]; fn(c); fn(c.nameSpan); }
    for (let k = 0; k < n.labels.length; k++) fn(n.labels[k]);
    for (let k = 0; k < n.properties.length; k++) propertySpans(n.properties[k], fn, before);
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

// Every position a live tree holds, for the incremental re-analysis that moves them in place
// (tree/incremental.ts). The merge gives the tree span objects of its own, none held twice (dnodes.ts):
// the walk below visits each exactly once. A new span-bearing field of the tree types must be added here
// (test/unit/tree-spans.test.ts checks that the walk reaches every span object of real trees).
import type { Span } from '../syntax/ast';
import type { LiveTree, TreeNode, TreeProperty } from './types';

/** The last position a property holds: every span of it lies in one of its definitions (contributions, labels, the shown value). */
function propertyEnd(p: TreeProperty): number {
  let last = Math.max(p.span.end, p.nameSpan.end);
  for (let k = 0; k < p.contributions.length; k++) { const c = p.contributions[k]; if (c.end > last) last = c.end; if (c.nameSpan.end > last) last = c.nameSpan.end; }
  for (let k = 0; k < p.labels.length; k++) if (p.labels[k].end > last) last = p.labels[k].end;
  return last;
}

function propertySpans(p: TreeProperty, fn: (s: Span) => void, before: number): void {
  // when all of its definitions end before `before`, none of its spans does either
  if (before > 0 && propertyEnd(p) < before) return;
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
    nodeSpans(n, fn, 0);
    for (let k = n.children.length - 1; k >= 0; k--) stack.push(n.children[k]);
  }
  rest(tree, fn);
}

/** A node's own spans and its properties' (with `before` > 0, not those of properties that lie wholly before it). */
function nodeSpans(n: TreeNode, fn: (s: Span) => void, before: number): void {
  for (let k = 0; k < n.contributions.length; k++) { const c = n.contributions[k]; fn(c); fn(c.nameSpan); }
  for (let k = 0; k < n.labels.length; k++) fn(n.labels[k]);
  for (let k = 0; k < n.properties.length; k++) propertySpans(n.properties[k], fn, before);
}

/**
 * An upper bound of every position in a node's subtree (its own spans, its properties', its children's), kept
 * for the nodes of patched trees (a merge makes new nodes): an edit moves nothing in a subtree that ends before it.
 */
const subtreeEnd = new WeakMap<TreeNode, number>();

function boundOf(top: TreeNode): number {
  const known = subtreeEnd.get(top);
  if (known !== undefined) return known;
  // the nodes without a bound, parents before children; then computed children first (no recursion: trees can be deep)
  const order: TreeNode[] = [];
  const stack: TreeNode[] = [top];
  while (stack.length) {
    const n = stack.pop()!;
    order.push(n);
    for (let k = 0; k < n.children.length; k++) if (!subtreeEnd.has(n.children[k])) stack.push(n.children[k]);
  }
  let b = 0;
  const reach = (sp: Span): void => { if (sp.end > b) b = sp.end; };
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    b = 0;
    nodeSpans(n, reach, 0);
    for (let k = 0; k < n.children.length; k++) { const e = subtreeEnd.get(n.children[k])!; if (e > b) b = e; }
    subtreeEnd.set(n, b);
  }
  return subtreeEnd.get(top)!;
}

/**
 * Calls `move` for every span of the tree an edit at `p` that moved the text after it by `d` can move (each span
 * that ends at or after p, and maybe others: `move` leaves a span before p as it is): subtrees that end before p are
 * not visited, and the bounds of the others follow the move (they stay upper bounds when text is removed).
 */
export function moveTreeSpans(tree: LiveTree, move: (s: Span) => void, p: number, d: number): void {
  const grow = d > 0 ? d : 0;
  const stack: TreeNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    const b = boundOf(n);
    if (b < p) continue;
    subtreeEnd.set(n, b + grow);
    nodeSpans(n, move, p);
    for (let k = n.children.length - 1; k >= 0; k--) stack.push(n.children[k]);
  }
  rest(tree, move);
}

/** The spans held outside the nodes: references, labels, memory reservations, deleted items. */
function rest(tree: LiveTree, fn: (s: Span) => void): void {
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

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
    nodeSpans(n, fn);
    for (let k = n.children.length - 1; k >= 0; k--) stack.push(n.children[k]);
  }
  rest(tree, fn);
}

/** A node's own spans and its properties'. */
function nodeSpans(n: TreeNode, fn: (s: Span) => void): void {
  for (let k = 0; k < n.contributions.length; k++) { const c = n.contributions[k]; fn(c); fn(c.nameSpan); }
  for (let k = 0; k < n.labels.length; k++) fn(n.labels[k]);
  for (let k = 0; k < n.properties.length; k++) propertySpans(n.properties[k], fn);
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
    nodeSpans(n, reach);
    for (let k = 0; k < n.children.length; k++) { const e = subtreeEnd.get(n.children[k])!; if (e > b) b = e; }
    subtreeEnd.set(n, b);
  }
  return subtreeEnd.get(top)!;
}

/**
 * Moves every span of the tree an edit of [p, oldEnd) that moved the text after it by `d` moves (each that ends after
 * p): positions from oldEnd on move by d, an end inside the edit stays (never before its start). Subtrees that end
 * before p are not visited, and the bounds of the others follow the move (they stay upper bounds when text is
 * removed). The move is written out at each kind of span rather than passed as a function: one function
 * reading `start` and `end` of a dozen kinds of objects is megamorphic in V8 and ran 4x slower (issue 17).
 */
export function moveTreeSpans(tree: LiveTree, p: number, oldEnd: number, d: number): void {
  moveNodes(tree.root, p, oldEnd, d);
  rest(tree, spanMover(p, oldEnd, d));
}

/**
 * The move of moveTreeSpans made in two parts (a keystroke's patch of one node: tree/patch-util.ts moveAll): first
 * the spans of `n` and of the nodes below it, and the spans held outside the nodes (moveSubtreeSpans), at once, so that
 * the patch can put spans of the text as it is now among them; then, later, every other node's (moveTreeSpansBut).
 */
export function moveSubtreeSpans(tree: LiveTree, n: TreeNode, p: number, oldEnd: number, d: number): void {
  moveNodes(n, p, oldEnd, d);
  rest(tree, spanMover(p, oldEnd, d));
}

/** The second part (see moveSubtreeSpans): the spans of every node but `skip` and the nodes below it. */
export function moveTreeSpansBut(tree: LiveTree, skip: TreeNode, p: number, oldEnd: number, d: number): void {
  moveNodes(tree.root, p, oldEnd, d, skip);
}

/** Moves the spans of `top` and the nodes below it (but `skip`'s subtree), with their bounds. */
function moveNodes(top: TreeNode, p: number, oldEnd: number, d: number, skip?: TreeNode): void {
  const grow = d > 0 ? d : 0;
  const stack: TreeNode[] = [top];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === skip) continue;
    const b = boundOf(n);
    if (b < p) continue;
    subtreeEnd.set(n, b + grow);
    for (let k = 0; k < n.contributions.length; k++) {
      const c = n.contributions[k];
      { const a = c.start >= oldEnd ? c.start + d : c.start; let e = c.end > p ? c.end + d : c.end; if (e < a) e = a; c.start = a; c.end = e; }
      const x = c.nameSpan;
      { const a = x.start >= oldEnd ? x.start + d : x.start; let e = x.end > p ? x.end + d : x.end; if (e < a) e = a; x.start = a; x.end = e; }
    }
    for (let k = 0; k < n.labels.length; k++) {
      const x = n.labels[k];
      { const a = x.start >= oldEnd ? x.start + d : x.start; let e = x.end > p ? x.end + d : x.end; if (e < a) e = a; x.start = a; x.end = e; }
    }
    for (let k = 0; k < n.properties.length; k++) moveProperty(n.properties[k], p, oldEnd, d);
    for (let k = n.children.length - 1; k >= 0; k--) stack.push(n.children[k]);
  }
}

/**
 * The move of one span for an edit of [p, oldEnd) that moved the text after it by `d`, as a function: positions
 * from oldEnd on move by d, an end inside the edit stays (never before its start). For the spans held outside the
 * nodes and the positioned diagnostics; the many spans of the nodes (moveTreeSpans, moveProperty) and the supplier
 * edges' (tree/incremental.ts moveAll) have the same formula written out, since one function called with objects
 * of many shapes is slow in V8.
 */
export function spanMover(p: number, oldEnd: number, d: number): (s: { start: number; end: number }) => void {
  return (s) => {
    const start = s.start >= oldEnd ? s.start + d : s.start;
    let end = s.end > p ? s.end + d : s.end;
    if (end < start) end = start;
    s.start = start;
    s.end = end;
  };
}

/** moveTreeSpans for one property's spans (none when all of its definitions end before p). */
function moveProperty(q: TreeProperty, p: number, oldEnd: number, d: number): void {
  if (propertyEnd(q) < p) return;
  let x: Span = q.span;
  { const a = x.start >= oldEnd ? x.start + d : x.start; let e = x.end > p ? x.end + d : x.end; if (e < a) e = a; x.start = a; x.end = e; }
  x = q.nameSpan;
  { const a = x.start >= oldEnd ? x.start + d : x.start; let e = x.end > p ? x.end + d : x.end; if (e < a) e = a; x.start = a; x.end = e; }
  for (let k = 0; k < q.labels.length; k++) {
    const l = q.labels[k];
    { const a = l.start >= oldEnd ? l.start + d : l.start; let e = l.end > p ? l.end + d : l.end; if (e < a) e = a; l.start = a; l.end = e; }
  }
  for (let k = 0; k < q.contributions.length; k++) {
    const c = q.contributions[k];
    { const a = c.start >= oldEnd ? c.start + d : c.start; let e = c.end > p ? c.end + d : c.end; if (e < a) e = a; c.start = a; c.end = e; }
    const y = c.nameSpan;
    { const a = y.start >= oldEnd ? y.start + d : y.start; let e = y.end > p ? y.end + d : y.end; if (e < a) e = a; y.start = a; y.end = e; }
  }
  const chunks = q.chunks;
  for (let k = 0; k < chunks.length; k++) {
    const ch = chunks[k];
    { const a = ch.start >= oldEnd ? ch.start + d : ch.start; let e = ch.end > p ? ch.end + d : ch.end; if (e < a) e = a; ch.start = a; ch.end = e; }
    if (ch.kind === 'cells') {
      const cells = ch.cells;
      for (let j = 0; j < cells.length; j++) {
        const c = cells[j];
        { const a = c.start >= oldEnd ? c.start + d : c.start; let e = c.end > p ? c.end + d : c.end; if (e < a) e = a; c.start = a; c.end = e; }
      }
    }
  }
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

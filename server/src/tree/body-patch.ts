// The incremental merge's patch of a node's body whose items changed (tree/incremental.ts hands it the node a
// keystroke's parse gave again): properties and child nodes that came or went, text the parser skipped after a
// syntax error. Made only where the merge would give the same tree (see patchBody); the tree is patched in place
// and the graph and the checks are made again (PatchResult.reshaped). Anything else is merged again in full.
import type { PositionedDiagnostic } from '../base/diagnostics';
import type * as ast from '../syntax/ast';
import { buildProp } from './build';
import { MAX_NODE_DEPTH, MergeState, type BuildTreeContext } from './merge-state';
import type { MergeMemo, PatchResult } from './incremental';
import { atOrUnder, chunkRefs, forgetNumbering, MERGE_READS, moveAll, nodeAt, pathOf, referencesPatchable, refName, sameLabels, sameShape, somePathValue, swapReferences, valueRefs } from './patch-util';
import { resolveReference } from './query';
import { relabelTable } from './reshape';
import { noItems } from '../base/empty';
import { LiveProperty } from './value-reads';
import type { Contribution, ResolvedRef, TreeNode, TreeProperty } from './types';

type Body = ast.NodeDef | ast.RootNodeStatement | ast.RefNodeStatement;

/** The properties and child nodes of a node's body that went and came between two parses. */
interface BodyChange { node: TreeNode; body: ast.NodeBody; removed: ast.PropertyDef[]; added: ast.PropertyDef[]; gone: ast.NodeDef[]; came: ast.NodeDef[] }

/**
 * The items of a node's body changed where it is written (the parser gave the whole node again: a property typed
 * into it, a half-written one the parser skipped as an error with what followed it up to a `;`, a child node
 * among it, a line pasted or cut), its name and labels as they were: patched when, the items alike before and
 * after aside (a child node alike but for its own items is looked into), only properties and child nodes went
 * and came, besides skipped text, and the merge would give the tree with just that change:
 *  - no property carries labels or is one the merge reads (`phandle`, `name`); one that went leaves the node
 *    when it was defined only there, else loses that definition (the value shown becomes the definition's
 *    before it, read from the last parse, when it was the one shown); one that came is new in the node, or
 *    another body's definition of one it has (shown when it is the last), never a second one in the same body;
 *  - a child node that went was defined there alone, and so was everything below it, and nothing outside it refers
 *    into it; one that came has no deletes, duplicates, /omit-if-no-ref/, property labels or names the merge reads
 *    anywhere in it, its labels are new, and no reference in the tree is unresolved (it might name it);
 *  - no /delete-property/ or /delete-node/ touches the node, no duplicate name is reported anywhere, and the
 *    node's properties and children stand in the order they were first written (the merge's order without
 *    deletes), so that what came goes where the text puts it.
 * References in what went or came are resolved as the reference patch resolves them (and the phandles numbered
 * again), under its conditions; the label table is made again. Skipped text alone changes nothing in the tree:
 * its positions move and the checks stay. Otherwise the graph and the checks are made again (PatchResult.reshaped).
 */
export function patchBody(memo: MergeMemo, e: ast.ParseEdit, containers: string[], old: Body, def: Body, now: ast.DtsFile, text: string, ctx: BuildTreeContext): PatchResult | undefined {
  const tree = memo.tree;
  if (old.start !== def.start || def.end !== old.end + e.d || (old.body.closeBrace < 0) !== (def.body.closeBrace < 0) || !sameLabels(old.labels, def.labels)) return undefined;
  // the edit lies inside the braces: edits batched into one analysis can make one edit from the node's head (its
  // labels, name or reference, whose spans are moved, not made again) into its body
  if (e.p <= old.body.start || (old.body.closeBrace >= 0 && e.oldEnd > old.body.closeBrace)) return undefined;
  let node: TreeNode | undefined;
  if (old.kind === 'node' && def.kind === 'node') {
    if (old.name !== def.name || old.omitIfNoRef !== def.omitIfNoRef) return undefined;
    node = nodeAt(tree, containers)?.children.find((c) => c.name === old.name);
  } else if (old.kind === 'rootNode' && def.kind === 'rootNode') {
    node = tree.root;
  } else if (old.kind === 'refNode' && def.kind === 'refNode') {
    if (tree.isPlugin || ctx.base || !sameShape(old.ref, def.ref)) return undefined;
    node = resolveReference(tree, old.ref);
  }
  if (!node || !node.contributions.some((c) => c.kind !== 'deletion' && c.start === old.start)) return undefined;
  const changes: BodyChange[] = [];
  if (!diffItems(node, old.body.items, def.body, e, changes)) return undefined;
  if (changes.length === 0) {
    // skipped text only (a property half written, or still so): the tree is as it was
    moveAll(memo, e, true);
    memo.graphChanged = undefined;
    memo.ast = now;
    memo.text = text;
    return { valueChanged: false };
  }
  const { removed, added, gone, came } = changes[0];
  node = changes[0].node;
  if (memo.treeDiags.some((x) => x.diag.code === 'duplicate-property' || x.diag.code === 'duplicate-node' || x.diag.code === 'duplicate-label')) return undefined;
  // a delete directive that names a property or node that went or came, or one inside what came (it may remove it,
  // or have removed nothing: LiveTree.deleteNames), one that removed the node or a node above it, or a node at or
  // under a child that went or came (`/delete-node/ &label`): the merge decides what it removes. Others below the
  // node (a board deleting one child's `interrupts`) are untouched by the change.
  const deleteNames = tree.deleteNames;
  if ([...removed, ...added, ...gone].some((x) => deleteNames.has(x.name)) || came.some((y) => namesAny(y, deleteNames))) return undefined;
  const base = pathOf(node);
  const kidPaths = [...gone, ...came].map((x) => (base === '/' ? '/' + x.name : base + '/' + x.name));
  if (tree.deleted.some((x) => atOrUnder(base, x.path) || kidPaths.some((k) => atOrUnder(x.path, k)))) return undefined;
  // (the spans of what went, in the old text)
  const wentSpans: ast.Span[] = [...removed, ...gone];
  const inWent = (s: ast.Span): boolean => wentSpans.some((w) => s.start >= w.start && s.end <= w.end);
  // the properties that went and came
  const oldRefs: string[] = [];
  const newRefs: string[] = [];
  for (const [list, refs] of [[removed, oldRefs], [added, newRefs]] as const) {
    for (const x of list) {
      const r = valueRefs(x);
      if (!r || MERGE_READS.has(x.name) || x.labels.length) return undefined;
      refs.push(...r);
    }
  }
  // a property that went: gone from the node when it was defined only there; one defined in other bodies too
  // (`status`, set again by a board's `&uart { }`) loses that definition, if it is not the one the tree shows
  // (when it was the one shown, the definition before it is: found in the last parse, where it was read)
  // (the references of a value the tree shows that another will replace: as valueRefs writes them, `{` for a path)
  const noteShown = (p: TreeProperty): void => {
    for (const rr of chunkRefs(p.chunks)) oldRefs.push(refName(rr));
    if (p.chunks.some((c) => c.kind === 'pathRef')) oldRefs.push('{');
  };
  const gonePs = new Set<TreeProperty>();
  const trimmed = new Map<TreeProperty, { c: Contribution; before?: ast.PropertyDef }>();
  for (const x of removed) {
    const p = node.properties.find((y) => y.name === x.name);
    if (!p || gonePs.has(p) || trimmed.has(p) || p.labels.length || p.contributions.some((c) => c.kind !== 'definition')) return undefined;
    const k = p.contributions.findIndex((c) => c.start === x.start);
    if (k < 0) return undefined;
    if (p.contributions.length === 1) { gonePs.add(p); continue; }
    if (k < p.contributions.length - 1) {
      // (a value not shown: its references were never resolved)
      if (valueRefs(x)!.length > 0) return undefined;
      trimmed.set(p, { c: p.contributions[k] });
      continue;
    }
    const before = propertyAt(memo.ast, p.contributions[k - 1].start);
    const refs = before && before.name === x.name && !before.labels.length ? valueRefs(before) : undefined;
    if (!refs) return undefined;
    newRefs.push(...refs);
    noteShown(p);
    trimmed.set(p, { c: p.contributions[k], before });
  }
  // a property that came: new in the node, or another body's definition of one it has (shown when it is the last)
  const moved = (at: number): number => (at >= e.oldEnd ? at + e.d : at);
  const body = changes[0].body;
  const extended = new Map<ast.PropertyDef, { p: TreeProperty; shown: boolean }>();
  const names = new Set<string>();
  for (const x of added) {
    if (names.has(x.name)) return undefined;
    names.add(x.name);
    const p = node.properties.find((y) => !gonePs.has(y) && y.name === x.name);
    if (!p) continue;
    if (trimmed.has(p) || p.labels.length || p.contributions.some((c) => c.kind !== 'definition')) return undefined;
    // (one in this body: a duplicate)
    if (p.contributions.some((c) => moved(c.start) >= body.start && moved(c.start) < body.end)) return undefined;
    const shown = p.contributions.every((c) => moved(c.start) < x.start);
    if (shown) noteShown(p);
    else if (valueRefs(x)!.length > 0) return undefined;
    extended.set(x, { p, shown });
  }
  // the child nodes that went and came
  const goneNs = new Set<TreeNode>();
  for (const x of gone) {
    const t = node.children.find((c) => c.name === x.name);
    if (!t || goneNs.has(t) || t.contributions[0]?.start !== x.start || !definedHereAlone(t)) return undefined;
    goneNs.add(t);
  }
  const below = (n: TreeNode | undefined): boolean => {
    for (let x = n; x; x = x.parent) if (goneNs.has(x)) return true;
    return false;
  };
  if (goneNs.size && tree.references.some((rr) => below(rr.target) && !inWent(rr.ref))) return undefined;
  // (the references held below what went: they go too)
  const heldRefs: ResolvedRef[] = [];
  for (const t of goneNs) subtreeRefs(t, heldRefs);
  for (const rr of heldRefs) oldRefs.push(refName(rr));
  if ([...goneNs].some((t) => somePathValue(t, () => true))) oldRefs.push('{');
  let depth = 0;
  for (let x: TreeNode | undefined = node; x; x = x.parent) depth++;
  const childNames = new Set<string>();
  const cameLabels = new Set<string>();
  for (const y of came) {
    if (childNames.has(y.name) || node.children.some((c) => !goneNs.has(c) && c.name === y.name)) return undefined;
    childNames.add(y.name);
    if (!plainSubtree(y, depth + 1, cameLabels, newRefs)) return undefined;
  }
  for (const l of cameLabels) {
    const was = tree.labels.get(l);
    if (was && !below(was.node)) return undefined;
  }
  if (came.length && memo.treeDiags.some((x) => (x.diag.code === 'unresolved-reference' || x.diag.code === 'delete-not-found') && !inWent(x))) return undefined;
  const refs = oldRefs.length > 0 || newRefs.length > 0;
  if (refs && !referencesPatchable(memo, ctx, oldRefs, newRefs)) return undefined;
  if ((added.length || trimmed.size) && !inFirstOrder(node.properties)) return undefined;
  if (came.length && !inFirstOrder(node.children)) return undefined;
  const positioned: PositionedDiagnostic[] = [];
  const mg = new MergeState({ ...ctx, positioned });
  const built: ReturnType<typeof buildProp>[] = [];
  for (const x of added) {
    const b = buildProp(mg, x);
    if (b.labels.length || b.valueLabels.length) return undefined;
    built.push(b);
  }
  // (built in the new text's positions, after the move below: nothing in them moves)
  // from here on the tree changes (properties and nodes come and go: dtc's numbering is made in full next time)
  forgetNumbering(tree);
  if (wentSpans.length) memo.treeDiags = memo.treeDiags.filter((x) => !inWent(x));
  const wentRefs = new Set<ResolvedRef>();
  for (const p of gonePs) for (const rr of chunkRefs(p.chunks)) wentRefs.add(rr);
  for (const rr of heldRefs) wentRefs.add(rr);
  // (the node's own spans and those below it move now, the other nodes' once the diagnostics are out: moveAll)
  moveAll(memo, e, node);
  let props = gonePs.size ? node.properties.filter((x) => !gonePs.has(x)) : node.properties;
  // (a property whose first definition changed moves where that one puts it)
  const reposition = (p: TreeProperty): void => { props = insertInOrder(props.filter((y) => y !== p), p, p.contributions[0].start); };
  const cameProps: TreeProperty[] = [];
  // (p shows the value of b now: its old references go, b's come)
  const show = (p: TreeProperty, b: ReturnType<typeof buildProp>): void => {
    for (const rr of chunkRefs(p.chunks)) wentRefs.add(rr);
    p.chunks = b.chunks;
    p.span = b.span;
    p.nameSpan = b.nameSpan;
    cameProps.push(p);
  };
  for (const [p, { c, before }] of trimmed) {
    p.contributions = p.contributions.filter((y) => y !== c);
    // the value shown now: the definition before (built again: its own diagnostics are the tree's already)
    if (before) show(p, buildProp(new MergeState({ ...ctx, positioned: [] }), before));
    reposition(p);
  }
  for (let k = 0; k < built.length; k++) {
    const b = built[k];
    const ext = extended.get(added[k]);
    if (ext) {
      const { p, shown } = ext;
      const c0 = b.contributions[0];
      const at = p.contributions.findIndex((c) => c.start > c0.start);
      p.contributions = at < 0 ? [...p.contributions, c0] : [...p.contributions.slice(0, at), c0, ...p.contributions.slice(at)];
      if (shown) show(p, b);
      reposition(p);
      continue;
    }
    const prop = new LiveProperty(b.name, b.chunks, noItems(), b.span, b.nameSpan, b.contributions, node);
    props = insertInOrder(props, prop, b.span.start);
    cameProps.push(prop);
  }
  node.properties = props;
  let kids = goneNs.size ? node.children.filter((x) => !goneNs.has(x)) : node.children;
  for (const y of came) {
    const t = buildSubtree(mg, y, node, cameProps);
    kids = insertInOrder(kids, t, y.start);
  }
  node.children = kids;
  if (gone.length || came.length) {
    relabelTable(tree, e, node);
    // (value labels of what went, which the table kept)
    for (const [k, v] of tree.labels) if (below(v.node)) tree.labels.delete(k);
  }
  if (refs || gone.length || came.length) swapReferences(tree, wentRefs, cameProps.flatMap((p) => chunkRefs(p.chunks)), mg);
  memo.treeDiags.push(...positioned);
  memo.graphChanged = undefined;
  memo.ast = now;
  memo.text = text;
  // (properties alone, without references: what read none of their names or values is as it was)
  const shape = !refs && !gone.length && !came.length
    ? { names: new Set([...removed, ...added].map((x) => x.name)), props: [...gonePs, ...trimmed.keys(), ...cameProps] }
    : undefined;
  return { valueChanged: true, prop: cameProps[0], reshaped: true, shape };
}

/** Does the node item y or anything in it (a property, a node, a delete directive) have one of the names? */
function namesAny(y: ast.NodeItem, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  if ('name' in y && y.name !== undefined && names.has(y.name)) return true;
  if (y.kind === 'node') for (const it of y.body.items) if (namesAny(it, names)) return true;
  return false;
}

/** The references held in the values of t and the nodes below it, onto `out`. */
function subtreeRefs(t: TreeNode, out: ResolvedRef[]): void {
  for (const p of t.properties) out.push(...chunkRefs(p.chunks));
  for (const c of t.children) subtreeRefs(c, out);
}

/** The property definition that starts at `at` in the parse `file` (descending through the statements and bodies that hold it). */
function propertyAt(file: ast.DtsFile, at: number): ast.PropertyDef | undefined {
  let list: readonly (ast.TopStatement | ast.NodeItem)[] = file.statements;
  for (;;) {
    // the last element that starts at or before `at`
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (list[m].start <= at) lo = m + 1; else hi = m;
    }
    const x = list[lo - 1];
    if (!x || at >= x.end) return undefined;
    if (x.kind === 'property') return x.start === at ? x : undefined;
    if (x.kind !== 'node' && x.kind !== 'rootNode' && x.kind !== 'refNode') return undefined;
    list = x.body.items;
  }
}

/** Were t and every node below it written in one body each (no other definition or extension, no /omit-if-no-ref/), with no property the merge reads (but a `phandle` it generated)? */
function definedHereAlone(t: TreeNode): boolean {
  if (t.omitIfNoRef || t.contributions.length !== 1 || t.contributions[0].kind !== 'definition') return false;
  for (const p of t.properties) {
    if (p.name === 'phandle' && p.contributions.length === 0) continue; // (generated: numbered again)
    if (MERGE_READS.has(p.name) || p.labels.length || p.contributions.length !== 1) return false;
  }
  return t.children.every(definedHereAlone);
}

/**
 * Is the node y (and all below it) one the merge builds as written: no deletes, duplicate names, /omit-if-no-ref/,
 * property labels, names the merge reads or skipped text, within the merge's depth; its node labels noted into
 * `labels` (false on a label seen twice) and its references into `refs` (false where valueRefs refuses).
 */
function plainSubtree(y: ast.NodeDef, depth: number, labels: Set<string>, refs: string[]): boolean {
  if (y.omitIfNoRef || depth + 1 >= MAX_NODE_DEPTH) return false;
  for (const l of y.labels) {
    if (labels.has(l.name)) return false;
    labels.add(l.name);
  }
  const props = new Set<string>();
  const kids = new Set<string>();
  for (const it of y.body.items) {
    if (it.kind === 'property') {
      if (props.has(it.name) || MERGE_READS.has(it.name) || it.labels.length) return false;
      props.add(it.name);
      const r = valueRefs(it);
      if (!r) return false;
      refs.push(...r);
    } else if (it.kind === 'node') {
      if (kids.has(it.name)) return false;
      kids.add(it.name);
      if (!plainSubtree(it, depth + 1, labels, refs)) return false;
    } else return false;
  }
  return true;
}

/** The tree node the merge makes of y (a plainSubtree) under `parent`; its properties also pushed onto `props`. */
function buildSubtree(mg: MergeState, y: ast.NodeDef, parent: TreeNode, props: TreeProperty[]): TreeNode {
  const t: TreeNode = { name: y.name, parent, children: [], properties: [], labels: noItems(), contributions: [{ kind: 'definition', start: y.start, end: y.end, nameSpan: { start: y.nameSpan.start, end: y.nameSpan.end } }], omitIfNoRef: false };
  if (y.labels.length) t.labels = y.labels.map((l) => ({ name: l.name, start: l.start, end: l.end })).sort((a, b) => a.start - b.start);
  for (const it of y.body.items) {
    if (it.kind === 'property') {
      const b = buildProp(mg, it);
      const p = new LiveProperty(b.name, b.chunks, noItems(), b.span, b.nameSpan, b.contributions, t);
      t.properties.push(p);
      props.push(p);
    } else if (it.kind === 'node') t.children.push(buildSubtree(mg, it, t, props));
  }
  return t;
}

/** Do the items (properties or nodes) stand in the order of their first contributions, those without any (generated `phandle` properties) last? */
function inFirstOrder(list: { contributions: { start: number }[] }[]): boolean {
  let prev = -1;
  let generated = false;
  for (const x of list) {
    const first = x.contributions[0];
    if (!first) { generated = true; continue; }
    if (generated || first.start < prev) return false;
    prev = first.start;
  }
  return true;
}

/** list (inFirstOrder) with x put in where its first contribution, at `start`, goes: a new list. */
function insertInOrder<T extends { contributions: { start: number }[] }>(list: T[], x: T, start: number): T[] {
  let at = 0;
  while (at < list.length && list[at].contributions.length > 0 && list[at].contributions[0].start < start) at++;
  return [...list.slice(0, at), x, ...list.slice(at)];
}

/** Is y the node x with the edit strictly inside its braces (the same name, labels and boundaries but for the edit)? */
function insideAlike(x: ast.NodeDef, y: ast.NodeDef, e: ast.ParseEdit): boolean {
  return x.name === y.name && x.start === y.start && y.end === x.end + e.d && x.body.start < e.p && e.oldEnd <= x.body.closeBrace
    && (y.body.closeBrace < 0) === (x.body.closeBrace < 0) && x.omitIfNoRef === y.omitIfNoRef && sameLabels(x.labels, y.labels);
}

/**
 * What changed between the items `a` and those of `body` (the new parse's) of one body of `node`: true with the change noted (none when only
 * skipped text changed), false when it is not one patchBody makes.
 */
function diffItems(node: TreeNode, a: ast.NodeItem[], body: ast.NodeBody, e: ast.ParseEdit, out: BodyChange[]): boolean {
  const b = body.items;
  // alike: the same object, or written alike apart from the edit (an item that touches the edit may have grown
  // or shrunk with it, `v` to `ve`, a property that lacked its `;`: not alike)
  const before = (x: ast.NodeItem, y: ast.NodeItem): boolean => x === y || (x.end < e.p && y.start === x.start && y.end === x.end && sameShape(x, y));
  const after = (x: ast.NodeItem, y: ast.NodeItem): boolean => x === y || (x.start > e.oldEnd && y.start === x.start + e.d && y.end === x.end + e.d && sameShape(x, y));
  let i = 0;
  while (i < a.length && i < b.length && before(a[i], b[i])) i++;
  let j = 0;
  while (j < a.length - i && j < b.length - i && after(a[a.length - 1 - j], b[b.length - 1 - j])) j++;
  const was = a.slice(i, a.length - j).filter((x) => x.kind !== 'error');
  const is = b.slice(i, b.length - j).filter((x) => x.kind !== 'error');
  if (was.length === 1 && is.length === 1 && was[0].kind === 'node' && is[0].kind === 'node' && insideAlike(was[0], is[0], e)) {
    // a child node changed inside
    const x = was[0];
    const child = node.children.find((c) => c.name === x.name);
    if (!child || !child.contributions.some((c) => c.kind !== 'deletion' && c.start === x.start)) return false;
    return diffItems(child, x.body.items, is[0].body, e, out);
  }
  const change: BodyChange = { node, body, removed: [], added: [], gone: [], came: [] };
  for (const x of was) {
    if (x.kind === 'property') change.removed.push(x);
    else if (x.kind === 'node') change.gone.push(x);
    else return false;
  }
  for (const x of is) {
    if (x.kind === 'property') change.added.push(x);
    else if (x.kind === 'node') change.came.push(x);
    else return false;
  }
  if (was.length || is.length) out.push(change);
  return true;
}

// The incremental merge's patches of a changed name (tree/incremental.ts hands them the one item a keystroke
// parsed again): a property or node renamed, a node's labels changed (a node's body whose items changed:
// tree/body-patch.ts). Each is made only where the merge would give the same tree (names defined once, no
// deletes, no path references to what changed); the tree is patched in place, and each says what changed
// (PatchResult.shape), so that only what read that is made again. Anything else is merged again in full.
import type { PositionedDiagnostic } from '../base/diagnostics';
import type * as ast from '../syntax/ast';
import type { Span } from '../syntax/ast';
import { buildProp } from './build';
import { MergeState, type BuildTreeContext } from './merge-state';
import type { MergeMemo, PatchResult } from './incremental';
import { atOrUnder, carryRefs, moveAll, under, MERGE_READS, NO_NAMES, nodeAt, pathOf, referenceShapes, noRenumbering, renumberPhandles, resolveOrReport, sameLabels, sameShape, somePathValueIn, valueRefs } from './patch-util';
import { spanMover } from './spans';
import { noItems } from '../base/empty';
import type { LiveTree, ResolvedRef, TreeNode } from './types';

/** A path without its unit addresses (a path reference may leave them out). */
const unitless = (p: string): string => p.replace(/@[^/]*/g, '');

/** May a path reference (absolute) name `path` or a node below it? (unit addresses aside: an over-estimate) */
const pathMayName = (ref: string, path: string): boolean => atOrUnder(unitless(ref), unitless(path));

/** Does a value in the tree hold the path of `node` or of a node below it (a path reference in a value)? */
function pathValueBelow(tree: LiveTree, node: TreeNode): boolean {
  return somePathValueIn(tree, (c) => {
    for (let x = c.ref.target; x; x = x.parent) if (x === node) return true;
    return false;
  });
}

/**
 * One property renamed where it is defined (`clock-names` to `clock-namez`, a name typed longer or shorter), its
 * value maybe changed too: patched when the old name was defined only there and the new one nowhere in that
 * node, neither carries labels, its references stay as they were and no /delete-property/ names either: the
 * merge would then put the new name where the old one was, with this value. The tree property is renamed in
 * place; what read either name or its value is made again (PatchResult.shape).
 */
export function renameProperty(memo: MergeMemo, e: ast.ParseEdit, containers: string[], old: ast.PropertyDef, def: ast.PropertyDef, now: ast.DtsFile, text: string, ctx: BuildTreeContext): PatchResult | undefined {
  if (MERGE_READS.has(old.name) || MERGE_READS.has(def.name)) return undefined;
  if (old.start !== def.start || old.nameSpan.start !== def.nameSpan.start || old.labels.length || def.labels.length) return undefined;
  const oldRefs = valueRefs(old);
  const newRefs = valueRefs(def);
  if (!oldRefs || !newRefs || oldRefs.join('\n') !== newRefs.join('\n')) return undefined;
  const node = nodeAt(memo.tree, containers);
  if (!node) return undefined;
  const prop = node.properties.find((x) => x.name === old.name);
  if (!prop || prop.contributions.length !== 1 || prop.contributions[0].kind !== 'definition' || prop.contributions[0].start !== old.start) return undefined;
  if (prop.labels.length || node.properties.some((x) => x.name === def.name)) return undefined;
  const base = pathOf(node);
  const oldPath = base === '/' ? '/' + old.name : base + '/' + old.name;
  const newPath = base === '/' ? '/' + def.name : base + '/' + def.name;
  // (a /delete-property/ of the new name may remove it, one of the old may have removed nothing: LiveTree.deleteNames)
  if (memo.tree.deleted.some((x) => x.path === oldPath || x.path === newPath) || memo.tree.deleteNames.has(def.name)) return undefined;
  const positioned: PositionedDiagnostic[] = [];
  const built = buildProp(new MergeState({ ...ctx, positioned }), def);
  if (built.labels.length || built.valueLabels.length) return undefined;
  // from here on the tree changes
  memo.treeDiags = memo.treeDiags.filter((x) => !(x.start >= old.start && x.end <= old.end && x.diag.code.startsWith('value-')));
  // (the node's spans move now, the other nodes' once the diagnostics are out: moveAll)
  moveAll(memo, e, node);
  carryRefs(memo.tree, prop.chunks, built.chunks);
  prop.name = def.name;
  prop.chunks = built.chunks;
  prop.span = built.span;
  prop.nameSpan = built.nameSpan;
  prop.contributions = built.contributions;
  memo.treeDiags.push(...positioned);
  memo.graphChanged = undefined;
  memo.ast = now;
  memo.text = text;
  return { valueChanged: true, prop, reshaped: true, shape: { names: new Set([old.name, def.name]), props: [prop] } };
}

/**
 * One node renamed where it is defined (`serial@...` to `serial@...`, a name typed longer or shorter), its body
 * as it was: patched when the node has no other definition or extension, no sibling has the new name, no
 * deletion names either, no reference is a path (`&{/...}`) and no diagnostic of the merge names its path:
 * the merge would then make the same node with the new name. Renamed in place; the graph and the checks are
 * made again (PatchResult.reshaped) where they read its name or a path through it (PatchResult.shape).
 */
export function renameNode(memo: MergeMemo, e: ast.ParseEdit, containers: string[], old: ast.NodeDef, def: ast.NodeDef, now: ast.DtsFile, text: string): PatchResult | undefined {
  if (old.start !== def.start || old.nameSpan.start !== def.nameSpan.start || !sameLabels(old.labels, def.labels) || old.omitIfNoRef !== def.omitIfNoRef) return undefined;
  if (!sameShape(old.body, def.body) || !inHead(e, old)) return undefined;
  const parent = nodeAt(memo.tree, containers);
  if (!parent) return undefined;
  const node = parent.children.find((c) => c.name === old.name);
  if (!node || node.contributions.length !== 1 || node.contributions[0].kind !== 'definition' || node.contributions[0].start !== old.start) return undefined;
  if (parent.children.some((c) => c.name === def.name) || node.properties.some((p) => p.name === 'name')) return undefined;
  const base = pathOf(parent);
  const oldPath = base === '/' ? '/' + old.name : base + '/' + old.name;
  const newPath = base === '/' ? '/' + def.name : base + '/' + def.name;
  if (memo.tree.deleted.some((x) => atOrUnder(x.path, oldPath) || atOrUnder(x.path, newPath)) || memo.tree.deleteNames.has(def.name)) return undefined;
  // a reference written as a path (`&{/soc/uart@1000}`) that may name it or a node below it, or a value that is
  // the path of a node below it (`serial0 = &uart;`): resolved or written otherwise now
  if (memo.tree.references.some((r) => r.ref.kind === 'pathRef' && (!r.ref.path.startsWith('/') || pathMayName(r.ref.path, oldPath) || pathMayName(r.ref.path, newPath)))) return undefined;
  if (pathValueBelow(memo.tree, node)) return undefined;
  if (memo.treeDiags.some((x) => x.diag.message.includes(oldPath) || x.diag.related?.some((y) => y.message.includes(oldPath)))) return undefined;
  moveAll(memo, e, node);
  node.name = def.name;
  nameSpansAgain(memo, e, node, old, def);
  memo.graphChanged = undefined;
  memo.ast = now;
  memo.text = text;
  // what read the name of this node or of one below it (tree/value-reads.ts noteNode) is made again
  return { valueChanged: true, reshaped: true, shape: { names: NO_NAMES, props: noItems(), node } };
}

/**
 * Did the edit change only the node's labels and name (its text from where the definition starts to where the name
 * ends)? The patches below take those spans from the new AST and move the rest; a span inside the edited text cannot
 * be moved. Edits batched into one analysis make one edit from the first change to the last: a label typed, then a
 * space after a property name in the body (`value  =`), leave a body of the same shape, whose spans moved as if the
 * whole edit lay before them would miss their text (issue 17, found by the soak's schedule simulation).
 */
function inHead(e: ast.ParseEdit, old: ast.NodeDef): boolean {
  return e.p >= old.start && e.oldEnd <= old.nameSpan.end;
}

/**
 * After the move of edit `e`, the spans of `node`'s name and definition as `def` (the node's new AST) has them: a
 * name typed longer at its end, or a label typed where the name starts, is an insertion where they end or start,
 * which the move leaves out or moves them past. The spans that held the name: its definition's, a generated
 * `phandle` property's, the diagnostics' and kept findings' at the name, the node's parent edge.
 */
function nameSpansAgain(memo: MergeMemo, e: ast.ParseEdit, node: TreeNode, old: ast.NodeDef, def: ast.NodeDef): void {
  const move = spanMover(e.p, e.oldEnd, e.d);
  const was = { start: old.nameSpan.start, end: old.nameSpan.end };
  move(was);
  const fix = (x: { start: number; end: number }): void => {
    if (x.start === was.start && x.end === was.end) { x.start = def.nameSpan.start; x.end = def.nameSpan.end; }
  };
  fix(node.contributions[0].nameSpan);
  node.contributions[0].start = def.start;
  node.contributions[0].end = def.end;
  // (a generated phandle's value lies where the name starts, an empty span)
  const at = { start: old.nameSpan.start, end: old.nameSpan.start };
  move(at);
  const fixAt = (x: { start: number; end: number }): void => {
    if (x.start === at.start && x.end === at.end) { x.start = def.nameSpan.start; x.end = def.nameSpan.start; }
  };
  for (const p of node.properties) {
    if (p.name !== 'phandle' || p.contributions.length !== 0) continue;
    fix(p.span);
    fix(p.nameSpan);
    for (const ch of p.chunks) { fixAt(ch); if (ch.kind === 'cells') for (const c of ch.cells) fixAt(c); }
  }
  for (const x of memo.treeDiags) { fix(x); if (x.related) for (const r of x.related) fix(r); }
  if (memo.checks) for (const c of memo.checks.each) for (const x of c.positioned) { fix(x); if (x.related) for (const r of x.related) fix(r); }
  if (memo.graph) for (const x of memo.graph.suppliersOf(node)) if (x.kind === 'parent') { fix(x.span); fix(x.refSpan); }
}

export const sameLabelNames = (a: ast.Label[], b: ast.Label[]): boolean => a.length === b.length && a.every((l, i) => l.name === b[i].name);

/**
 * A node's labels changed where it is defined (`uart5:` typed `uart5x:`), its name and body as they were: patched
 * when the node has no other definition, no label anywhere is a duplicate, a new name is no label yet, and no
 * top-level statement (`&uart5 { … }`), path reference (`&{uart5/…}`) or path value names an old or new one:
 * the merge would then give the same tree with other labels. The node's labels and the label table are made
 * again, the references by those names resolved again (an unresolved one reported as the merge reports it) and
 * the phandles numbered again; the edges of the properties holding those references are decoded again (graphRedecode)
 * and the checks that read the node's labels, those properties or what the numbering changed run again (PatchResult.shape).
 */
export function relabelNode(memo: MergeMemo, e: ast.ParseEdit, containers: string[], old: ast.NodeDef, def: ast.NodeDef, now: ast.DtsFile, text: string, ctx: BuildTreeContext): PatchResult | undefined {
  const tree = memo.tree;
  if (tree.isPlugin || ctx.base) return undefined;
  if (old.start !== def.start || old.name !== def.name || old.omitIfNoRef !== def.omitIfNoRef || !sameShape(old.body, def.body) || !inHead(e, old)) return undefined;
  const parent = nodeAt(tree, containers);
  const node = parent?.children.find((c) => c.name === old.name);
  if (!node || node.contributions.length !== 1 || node.contributions[0].kind !== 'definition' || node.contributions[0].start !== old.start) return undefined;
  const oldNames = old.labels.map((l) => l.name);
  const newNames = def.labels.map((l) => l.name);
  if (new Set(newNames).size !== newNames.length || memo.treeDiags.some((x) => x.diag.code === 'duplicate-label')) return undefined;
  const names = new Set([...oldNames.filter((n) => !newNames.includes(n)), ...newNames.filter((n) => !oldNames.includes(n))]);
  for (const n of newNames) if (!oldNames.includes(n) && tree.labels.has(n)) return undefined;
  const named = (r: ast.Reference): boolean => r.kind === 'labelRef' ? names.has(r.name) : !r.path.startsWith('/') && names.has(r.path.split('/')[0]);
  for (const st of memo.ast.statements) {
    if ((st.kind === 'refNode' || st.kind === 'deleteNodeRef' || st.kind === 'omitIfNoRef') && named(st.ref)) return undefined;
  }
  // (the references by those names, found in one pass: a path reference among them is not patched)
  const again = new Set<ResolvedRef>();
  for (const rr of tree.references) {
    if (!named(rr.ref)) continue;
    if (rr.ref.kind === 'pathRef') return undefined;
    again.add(rr);
  }
  if (somePathValueIn(tree, (c) => named(c.ref.ref))) return undefined;
  moveAll(memo, e, node);
  // (the definition starts with its labels: a label typed before the name is an insertion where it starts or, typed
  // after the last one, where the name starts)
  nameSpansAgain(memo, e, node, old, def);
  node.labels = def.labels.length ? def.labels.map((l) => ({ name: l.name, start: l.start, end: l.end })).sort((a, b) => a.start - b.start) : noItems();
  if (!labelsReplaced(tree, node, oldNames)) relabelTable(tree, e, node);
  // the references by those names: resolved again (the rest keep their targets)
  const mg = new MergeState({ ...ctx, positioned: [] });
  for (const rr of again) resolveOrReport(tree, rr, mg);
  if (again.size) {
    const at = new Set([...again].map((rr) => `${rr.ref.start}:${rr.ref.end}`));
    memo.treeDiags = memo.treeDiags.filter((x) => !(x.diag.code === 'unresolved-reference' && at.has(`${x.start}:${x.end}`)));
  }
  memo.treeDiags.push(...mg.ctx.positioned!);
  // (no reference names the label, before or after: every reference keeps its target, and dtc's numbering with it)
  const renumbered = again.size ? renumberPhandles(tree, again) : noRenumbering();
  memo.graphChanged = undefined;
  // the properties whose references now resolve otherwise: their edges decoded again, where the graph read them
  const graphReads = memo.graphReads;
  memo.graphRedecode = graphReads ? [...renumbered.holders].filter((p) => graphReads.has(p)) : undefined;
  memo.ast = now;
  memo.text = text;
  // what read the node's labels (nodeRef), those properties, a lookup by phandle or a value dtc's numbering changed runs again
  return { valueChanged: true, reshaped: true, ...referenceShapes(renumbered, renumbered.holders, node) };
}

/**
 * The label table after relabelNode changed `node`'s labels (no label anywhere a duplicate), as relabelTable makes it
 * but without walking the tree (~1 ms a keystroke on a SoC board): the node's labels are one run of entries in the
 * table's node-label part, in tree order, so its new labels take the place of that run (the other entries keep
 * theirs, their spans moved already). False, the table untouched, when the node had no label (where its run goes
 * is the tree's order) or the table does not hold its old ones as that run.
 */
function labelsReplaced(tree: LiveTree, node: TreeNode, oldNames: string[]): boolean {
  if (!oldNames.length) return false;
  const was = tree.labels;
  const first = was.get(oldNames[0]);
  if (!first || first.node !== node || first.property) return false;
  const labels: LiveTree['labels'] = new Map();
  let run = 0;
  for (const [name, v] of was) {
    if (v.node === node && !v.property) {
      if (run++ === 0) for (const l of node.labels) labels.set(l.name, { node, span: { start: l.start, end: l.end } });
      continue;
    }
    if (labels.has(name)) return false;
    labels.set(name, v);
  }
  if (run !== oldNames.length) return false;
  tree.labels = labels;
  return true;
}

/**
 * The label table made again as the conversion makes it (tree/to-live.ts): node labels in tree order, then
 * property labels, then the labels inside values (kept from the table as it was: the tree does not hold them).
 * After moveAll(memo, e, changed) (a patch of the node `changed`): a label of a node the move has not reached yet
 * (outside `changed`) is copied where it will be, since the table's spans moved at once.
 */
export function relabelTable(tree: LiveTree, e: ast.ParseEdit, changed: TreeNode): void {
  const mover = spanMover(e.p, e.oldEnd, e.d);
  const at = (n: TreeNode, sp: Span): Span => {
    const c = { start: sp.start, end: sp.end };
    if (!under(n, changed)) mover(c);
    return c;
  };
  const order: TreeNode[] = [];
  const walk = (n: TreeNode): void => { order.push(n); for (const c of n.children) walk(c); };
  walk(tree.root);
  const was = tree.labels;
  const labels: LiveTree['labels'] = new Map();
  for (const n of order) for (const l of n.labels) if (!labels.has(l.name)) labels.set(l.name, { node: n, span: at(n, l) });
  for (const n of order) for (const p of n.properties) for (const l of p.labels) if (!labels.has(l.name)) labels.set(l.name, { node: n, property: p, span: at(n, l) });
  for (const [name, v] of was) {
    if (!v.property || labels.has(name) || v.property.labels.some((l) => l.name === name)) continue;
    labels.set(name, v);
  }
  tree.labels = labels;
}

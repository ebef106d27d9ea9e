// The incremental merge's patches of a changed shape (tree/incremental.ts hands them the one item a keystroke
// parsed again): a property or node renamed, a node's labels changed, properties added to or removed from a
// node's body (or left behind a syntax error). Each is made only where the merge would give the same tree
// (names defined once, no deletes, no path references to what changed); the tree is patched in place and the
// graph and the checks are made again (PatchResult.reshaped). Anything else is merged again in full.
import type { PositionedDiagnostic } from '../base/diagnostics';
import type * as ast from '../syntax/ast';
import { buildProp } from './build';
import { MergeState, type BuildTreeContext } from './merge-state';
import type { MergeMemo, PatchResult } from './incremental';
import { carryRefs, chunkRefs, moveAll, MERGE_READS, nodeAt, referencesPatchable, renumberPhandles, sameLabels, sameShape, valueRefs } from './patch-util';
import { resolveReference } from './query';
import { spanMover } from './spans';
import { noItems } from '../base/empty';
import { LiveProperty } from './value-reads';
import type { LiveTree, ResolvedRef, TreeNode, TreeProperty } from './types';

/** The full path of tree node n (`/` for the root), as the merge writes it in `deleted`. */
function pathOf(n: TreeNode): string {
  const names: string[] = [];
  for (let x: TreeNode | undefined = n; x && x.parent; x = x.parent) names.push(x.name);
  return '/' + names.reverse().join('/');
}

/** Does a path name `path` or lie under it? */
const atOrUnder = (p: string, path: string): boolean => p === path || p.startsWith(path === '/' ? '/' : path + '/');

/** A path without its unit addresses (a path reference may leave them out). */
const unitless = (p: string): string => p.replace(/@[^/]*/g, '');

/** May a path reference (absolute) name `path` or a node below it? (unit addresses aside: an over-estimate) */
const pathMayName = (ref: string, path: string): boolean => atOrUnder(unitless(ref), unitless(path));

/** Does a value in the tree hold the path of `node` or of a node below it (a path reference in a value)? */
function pathValueBelow(root: TreeNode, node: TreeNode): boolean {
  const below = (t: TreeNode | undefined): boolean => {
    for (let x = t; x; x = x.parent) if (x === node) return true;
    return false;
  };
  const stack: TreeNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    for (const p of n.properties) for (const c of p.chunks) if (c.kind === 'pathRef' && below(c.ref.target)) return true;
    for (const c of n.children) stack.push(c);
  }
  return false;
}

/**
 * One property renamed where it is defined (`clock-names` to `clock-namez`, a name typed longer or shorter), its
 * value maybe changed too: patched when the old name was defined only there and the new one nowhere in that
 * node, neither carries labels, its references stay as they were and no /delete-property/ names either: the
 * merge would then put the new name where the old one was, with this value. The tree property is renamed in
 * place; the graph and the checks are made again (PatchResult.reshaped).
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
  if (memo.tree.deleted.some((x) => x.path === oldPath || x.path === newPath)) return undefined;
  const positioned: PositionedDiagnostic[] = [];
  const built = buildProp(new MergeState({ ...ctx, positioned }), def);
  if (built.labels.length || built.valueLabels.length) return undefined;
  // from here on the tree changes
  memo.treeDiags = memo.treeDiags.filter((x) => !(x.start >= old.start && x.end <= old.end && x.diag.code.startsWith('value-')));
  moveAll(memo, e);
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
  return { valueChanged: true, prop, reshaped: true };
}

/**
 * One node renamed where it is defined (`serial@...` to `serial@...`, a name typed longer or shorter), its body
 * as it was: patched when the node has no other definition or extension, no sibling has the new name, no
 * deletion names either, no reference is a path (`&{/...}`) and no diagnostic of the merge names its path:
 * the merge would then make the same node with the new name. Renamed in place; the graph and the checks are
 * made again (PatchResult.reshaped).
 */
export function renameNode(memo: MergeMemo, e: ast.ParseEdit, containers: string[], old: ast.NodeDef, def: ast.NodeDef, now: ast.DtsFile, text: string): PatchResult | undefined {
  if (old.start !== def.start || old.nameSpan.start !== def.nameSpan.start || !sameLabels(old.labels, def.labels) || old.omitIfNoRef !== def.omitIfNoRef) return undefined;
  if (!sameShape(old.body, def.body)) return undefined;
  const parent = nodeAt(memo.tree, containers);
  if (!parent) return undefined;
  const node = parent.children.find((c) => c.name === old.name);
  if (!node || node.contributions.length !== 1 || node.contributions[0].kind !== 'definition' || node.contributions[0].start !== old.start) return undefined;
  if (parent.children.some((c) => c.name === def.name) || node.properties.some((p) => p.name === 'name')) return undefined;
  const base = pathOf(parent);
  const oldPath = base === '/' ? '/' + old.name : base + '/' + old.name;
  const newPath = base === '/' ? '/' + def.name : base + '/' + def.name;
  if (memo.tree.deleted.some((x) => atOrUnder(x.path, oldPath) || atOrUnder(x.path, newPath))) return undefined;
  // a reference written as a path (`&{/soc/uart@1000}`) that may name it or a node below it, or a value that is
  // the path of a node below it (`serial0 = &uart;`): resolved or written otherwise now
  if (memo.tree.references.some((r) => r.ref.kind === 'pathRef' && (!r.ref.path.startsWith('/') || pathMayName(r.ref.path, oldPath) || pathMayName(r.ref.path, newPath)))) return undefined;
  if (pathValueBelow(memo.tree.root, node)) return undefined;
  if (memo.treeDiags.some((x) => x.diag.message.includes(oldPath) || x.diag.related?.some((y) => y.message.includes(oldPath)))) return undefined;
  moveAll(memo, e);
  node.name = def.name;
  // the spans of the name (its definition's, a generated `phandle` property's, diagnostics at the name): a name
  // typed longer at its end is an insertion where they end, which the move leaves out
  const was = { start: old.nameSpan.start, end: old.nameSpan.end };
  spanMover(e.p, e.oldEnd, e.d)(was);
  const fix = (x: { start: number; end: number }): void => {
    if (x.start === was.start && x.end === was.end) { x.start = def.nameSpan.start; x.end = def.nameSpan.end; }
  };
  fix(node.contributions[0].nameSpan);
  // (and its definition's span: an edit at its very start is an insertion where it starts, which the move moves it past)
  node.contributions[0].start = def.start;
  node.contributions[0].end = def.end;
  for (const p of node.properties) if (p.name === 'phandle' && p.contributions.length === 0) { fix(p.span); fix(p.nameSpan); }
  for (const x of memo.treeDiags) { fix(x); if (x.related) for (const r of x.related) fix(r); }
  memo.graphChanged = undefined;
  memo.ast = now;
  memo.text = text;
  return { valueChanged: false, reshaped: true };
}

export const sameLabelNames = (a: ast.Label[], b: ast.Label[]): boolean => a.length === b.length && a.every((l, i) => l.name === b[i].name);

/**
 * A node's labels changed where it is defined (`uart5:` typed `uart5x:`), its name and body as they were: patched
 * when the node has no other definition, no label anywhere is a duplicate, a new name is no label yet, and no
 * top-level statement (`&uart5 { … }`), path reference (`&{uart5/…}`) or path value names an old or new one:
 * the merge would then give the same tree with other labels. The node's labels and the label table are made
 * again, the references by those names resolved again (an unresolved one reported as the merge reports it) and
 * the phandles numbered again; the graph and the checks are made again (PatchResult.reshaped).
 */
export function relabelNode(memo: MergeMemo, e: ast.ParseEdit, containers: string[], old: ast.NodeDef, def: ast.NodeDef, now: ast.DtsFile, text: string, ctx: BuildTreeContext): PatchResult | undefined {
  const tree = memo.tree;
  if (tree.isPlugin || ctx.base) return undefined;
  if (old.start !== def.start || old.name !== def.name || old.omitIfNoRef !== def.omitIfNoRef || !sameShape(old.body, def.body)) return undefined;
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
  if (tree.references.some((r) => r.ref.kind === 'pathRef' && named(r.ref))) return undefined;
  if (pathValueNamed(tree.root, named)) return undefined;
  moveAll(memo, e);
  // (the definition starts with its labels: a label typed before the name is an insertion where it starts)
  node.contributions[0].start = def.start;
  node.contributions[0].end = def.end;
  node.labels = def.labels.length ? def.labels.map((l) => ({ name: l.name, start: l.start, end: l.end })).sort((a, b) => a.start - b.start) : noItems();
  relabelTable(tree);
  // the references by those names: resolved again (the rest keep their targets)
  const mg = new MergeState({ ...ctx, positioned: [] });
  const again = new Set<ResolvedRef>();
  for (const rr of tree.references) {
    if (!named(rr.ref)) continue;
    again.add(rr);
    rr.target = resolveReference(tree, rr.ref);
    if (!rr.target) mg.report('unresolved-reference', rr.ref, `Reference to non-existent node or label "${rr.ref.kind === 'labelRef' ? rr.ref.name : rr.ref.path}"`);
  }
  memo.treeDiags = memo.treeDiags.filter((x) => !(x.diag.code === 'unresolved-reference' && [...again].some((rr) => rr.ref.start === x.start && rr.ref.end === x.end)));
  memo.treeDiags.push(...mg.ctx.positioned!);
  renumberPhandles(tree);
  memo.graphChanged = undefined;
  memo.ast = now;
  memo.text = text;
  return { valueChanged: false, reshaped: true };
}

/** Does a path value in the tree (`serial0 = &uart5;`) name a label `named` accepts? */
function pathValueNamed(root: TreeNode, named: (r: ast.Reference) => boolean): boolean {
  const stack: TreeNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    for (const p of n.properties) for (const c of p.chunks) if (c.kind === 'pathRef' && named(c.ref.ref)) return true;
    for (const c of n.children) stack.push(c);
  }
  return false;
}

/**
 * The label table made again as the conversion makes it (tree/to-live.ts): node labels in tree order, then
 * property labels, then the labels inside values (kept from the table as it was: the tree does not hold them).
 */
function relabelTable(tree: LiveTree): void {
  const order: TreeNode[] = [];
  const walk = (n: TreeNode): void => { order.push(n); for (const c of n.children) walk(c); };
  walk(tree.root);
  const was = tree.labels;
  const labels: LiveTree['labels'] = new Map();
  for (const n of order) for (const l of n.labels) if (!labels.has(l.name)) labels.set(l.name, { node: n, span: { start: l.start, end: l.end } });
  for (const n of order) for (const p of n.properties) for (const l of p.labels) if (!labels.has(l.name)) labels.set(l.name, { node: n, property: p, span: { start: l.start, end: l.end } });
  for (const [name, v] of was) {
    if (!v.property || labels.has(name) || v.property.labels.some((l) => l.name === name)) continue;
    labels.set(name, v);
  }
  tree.labels = labels;
}

type Body = ast.NodeDef | ast.RootNodeStatement | ast.RefNodeStatement;

/** The properties of a node's body that went (`removed`) and came (`added`) between two parses. */
interface BodyChange { node: TreeNode; removed: ast.PropertyDef[]; added: ast.PropertyDef[] }

/**
 * The items of a node's body changed where it is written (the parser gave the whole node again: a property typed
 * into it, a half-written one the parser skipped as an error with what followed it up to a `;`, a line pasted or
 * cut), its name and labels as they were: patched when, the items alike before and after aside (a child node
 * alike but for its own items is looked into), only properties went and came, besides skipped text, and the
 * merge would give the tree with just that change: no property carries labels or is one the merge reads, one
 * that went was defined only there, one that came is defined nowhere else in that node (but where one went), no
 * /delete-property/ or /delete-node/ touches the node, and the node's properties stand in the order they were
 * first written (the merge's order without deletes), so a new one goes where the text puts it. References in
 * them are resolved as the reference patch resolves them (and the phandles numbered again), under its
 * conditions. Skipped text alone changes nothing in the tree: its positions move and the checks stay.
 * Otherwise the graph and the checks are made again (PatchResult.reshaped).
 */
export function patchBody(memo: MergeMemo, e: ast.ParseEdit, containers: string[], old: Body, def: Body, now: ast.DtsFile, text: string, ctx: BuildTreeContext): PatchResult | undefined {
  const tree = memo.tree;
  if (old.start !== def.start || def.end !== old.end + e.d || (old.body.closeBrace < 0) !== (def.body.closeBrace < 0) || !sameLabels(old.labels, def.labels)) return undefined;
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
  if (!diffItems(node, old.body.items, def.body.items, e, changes)) return undefined;
  if (changes.length === 0) {
    // skipped text only (a property half written, or still so): the tree is as it was
    moveAll(memo, e, true);
    memo.graphChanged = undefined;
    memo.ast = now;
    memo.text = text;
    return { valueChanged: false };
  }
  const { removed, added } = changes[0];
  node = changes[0].node;
  if (memo.treeDiags.some((x) => x.diag.code === 'duplicate-property' || x.diag.code === 'duplicate-node')) return undefined;
  if (node.contributions.some((x) => x.kind === 'deletion')) return undefined;
  const base = pathOf(node);
  if (tree.deleted.some((x) => atOrUnder(x.path, base) || atOrUnder(base, x.path))) return undefined;
  const oldRefs: string[] = [];
  const newRefs: string[] = [];
  for (const [list, refs] of [[removed, oldRefs], [added, newRefs]] as const) {
    for (const x of list) {
      const r = valueRefs(x);
      if (!r || MERGE_READS.has(x.name) || x.labels.length) return undefined;
      refs.push(...r);
    }
  }
  const refs = oldRefs.length > 0 || newRefs.length > 0;
  if (refs && !referencesPatchable(memo, ctx, oldRefs, newRefs)) return undefined;
  const gone = new Set<TreeProperty>();
  for (const x of removed) {
    const p = node.properties.find((y) => y.name === x.name);
    if (!p || gone.has(p) || p.labels.length || p.contributions.length !== 1 || p.contributions[0].kind !== 'definition' || p.contributions[0].start !== x.start) return undefined;
    gone.add(p);
  }
  const names = new Set<string>();
  for (const x of added) {
    if (names.has(x.name) || node.properties.some((y) => !gone.has(y) && y.name === x.name)) return undefined;
    names.add(x.name);
  }
  if (added.length) {
    // the merge's order: by first definition, the generated `phandle` properties last
    let prev = -1;
    let generated = false;
    for (const x of node.properties) {
      const first = x.contributions[0];
      if (!first) { generated = true; continue; }
      if (generated || first.start < prev) return undefined;
      prev = first.start;
    }
  }
  const positioned: PositionedDiagnostic[] = [];
  const built: ReturnType<typeof buildProp>[] = [];
  for (const x of added) {
    const b = buildProp(new MergeState({ ...ctx, positioned }), x);
    if (b.labels.length || b.valueLabels.length) return undefined;
    built.push(b);
  }
  // from here on the tree changes
  if (removed.length) memo.treeDiags = memo.treeDiags.filter((x) => !(removed.some((r) => x.start >= r.start && x.end <= r.end) && (x.diag.code.startsWith('value-') || x.diag.code === 'unresolved-reference')));
  moveAll(memo, e);
  let props = gone.size ? node.properties.filter((x) => !gone.has(x)) : node.properties.slice();
  const came: TreeProperty[] = [];
  for (const b of built) {
    const prop = new LiveProperty(b.name, b.chunks, noItems(), b.span, b.nameSpan, b.contributions, node);
    let at = 0;
    while (at < props.length && props[at].contributions.length > 0 && props[at].contributions[0].start < b.span.start) at++;
    props = [...props.slice(0, at), prop, ...props.slice(at)];
    came.push(prop);
  }
  node.properties = props;
  if (refs) {
    const was = new Set<ResolvedRef>();
    for (const p of gone) for (const rr of chunkRefs(p.chunks)) was.add(rr);
    const mg = new MergeState({ ...ctx, positioned });
    const now: ResolvedRef[] = [];
    for (const p of came) {
      for (const rr of chunkRefs(p.chunks)) {
        const r = rr.ref;
        const t = resolveReference(tree, r);
        if (t) rr.target = t;
        else mg.report('unresolved-reference', r, `Reference to non-existent node or label "${r.kind === 'labelRef' ? r.name : r.path}"`);
        now.push(rr);
      }
    }
    tree.references = tree.references.filter((rr) => !was.has(rr));
    tree.references.push(...now);
    tree.references.sort((a, b) => a.ref.start - b.ref.start);
    renumberPhandles(tree);
  }
  memo.treeDiags.push(...positioned);
  memo.graphChanged = undefined;
  memo.ast = now;
  memo.text = text;
  return { valueChanged: true, prop: came[0], reshaped: true };
}

/**
 * What changed between the items `a` and `b` of one body of `node`: true with the change noted (none when only
 * skipped text changed), false when it is not one patchBody makes.
 */
function diffItems(node: TreeNode, a: ast.NodeItem[], b: ast.NodeItem[], e: ast.ParseEdit, out: BodyChange[]): boolean {
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
  if (was.length === 1 && is.length === 1 && was[0].kind === 'node' && is[0].kind === 'node') {
    // a child node changed inside
    const x = was[0];
    const y = is[0];
    if (x.name !== y.name || x.start !== y.start || y.end !== x.end + e.d || x.start >= e.p || x.end <= e.oldEnd || x.omitIfNoRef !== y.omitIfNoRef || !sameLabels(x.labels, y.labels)) return false;
    if ((x.body.closeBrace < 0) !== (y.body.closeBrace < 0)) return false;
    const child = node.children.find((c) => c.name === x.name);
    if (!child || !child.contributions.some((c) => c.kind !== 'deletion' && c.start === x.start)) return false;
    return diffItems(child, x.body.items, y.body.items, e, out);
  }
  const removed: ast.PropertyDef[] = [];
  const added: ast.PropertyDef[] = [];
  for (const x of was) if (x.kind === 'property') removed.push(x); else return false;
  for (const x of is) if (x.kind === 'property') added.push(x); else return false;
  if (removed.length || added.length) out.push({ node, removed, added });
  return true;
}

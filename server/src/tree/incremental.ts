// The incremental merge: a keystroke's analysis patches the tree of the last one instead of merging again.
// The parser says how its parse was made from the last one (ParseEdit): the old preprocessed text's
// [p, oldEnd) became [p, oldEnd + d), and which one item (or statement) it parsed again. Patched here:
//  - white space between items (or a text that did not change at all): the tree is the same, its positions
//    after the edit move by d;
//  - one property's value, the property keeping its name and labels (`<&gcc 12>` to `<&gcc 13>`, `"okay"` to
//    `"disabled"`): the positions move, and if that definition is the one whose value the tree shows, the
//    property gets the new value (references that changed are resolved again and the phandles numbered again);
//    a definition whose property or node a later /delete-property/ or /delete-node/ removed changes only its
//    own value diagnostics.
// A changed shape (a name, a node's labels, properties that came or went in a node's body) is patched by
// tree/reshape.ts and tree/body-patch.ts. Anything else (deletes, nodes that came or went, `phandle`/`name` properties, /incbin/,
// overlays) is merged again in full. The tree owns its positions (tree/spans.ts), so they are moved in
// place; the diagnostics of the merge and of the checks keep the positions they were reported at
// (PositionedDiagnostic) and are moved with the tree, then mapped to the files again.
import type { Diagnostic, PositionedDiagnostic } from '../base/diagnostics';
import type { CheckRun } from '../checks';
import type { SupplierGraph } from '../model/types';
import type { SourceMap } from '../preprocess/types';
import type * as ast from '../syntax/ast';
import { buildProp } from './build';
import { MergeState, type BuildTreeContext } from './merge-state';
import { spanMover } from './spans';
import { blank, carryRefs, MERGE_READS, moveAll, nodeAt, settleTree, under, referenceShapes, referencesPatchable, resolveAgain, sameLabels, sameShape, valueRefs } from './patch-util';
import { patchBody } from './body-patch';
import { relabelNode, renameNode, renameProperty, sameLabelNames } from './reshape';
import type { LiveTree, TreeNode, TreeProperty } from './types';
import type { Reads, ShapeChange } from './value-reads';

export { movePositioned, renumberPhandles } from './patch-util';

/** What the last analysis of a root left for the next one. */
export interface MergeMemo {
  ast: ast.DtsFile;
  /** the preprocessed text it was parsed from */
  text: string;
  tree: LiveTree;
  /** the merge's diagnostics with their positions (the tree's `diagnostics`, in the same order) */
  treeDiags: PositionedDiagnostic[];
  /** false when the tree cannot be patched (/incbin/ data, an overlay's base tree, a diagnostic without position) */
  patchable: boolean;
  /** the supplier graph of the tree (its edges own their spans; moved with the tree while no value it read changes) */
  graph?: SupplierGraph;
  /** the properties whose values the graph's build read, and the names (tree/value-reads.ts) */
  graphReads?: Reads;
  /** which properties' decoding read each cell count, and looked up each phandle number (model/graph.ts CellsReaders) */
  cellsReaders?: Map<TreeProperty | number, Set<TreeProperty>>;
  /** set by patchTree: the graph read this property, whose value changed: its edges are decoded again (or the graph built again) */
  graphChanged?: TreeProperty;
  /** set by patchTree: properties whose references resolve to other nodes now (a label changed): their edges are decoded again */
  graphRedecode?: TreeProperty[];
  /**
   * set by the analysis after a reshape (analysis-graph.ts graphAfterReshape): properties renamed, added or removed
   * whose names the graph's build only picked walking their own node: their edges decoded again
   */
  graphRenamed?: TreeProperty[];
  /**
   * per check (checks/index.ts order): its diagnostics with their positions and the properties whose values it
   * read (besides the tree's shape and the graph), for the flavour and kernel they were made for (absent: run them all again)
   */
  checks?: { each: CheckRun[]; flavour: string; kernel: string };
  /**
   * Edits whose move of the tree's own spans is still to be made (settleTree), oldest first: a white-space edit
   * moves the diagnostics and the edges at once, the tree's thousands of spans (~1.6 ms on a SoC .dtsi) once the
   * diagnostics are out. Until then the tree's spans lag the text by these edits (spanNow maps one).
   */
  pendingTree?: TreeMove[];
  /** the AST uses /omit-if-no-ref/ (found when a reference patch first asks; an edit that changes it is merged in full) */
  omits?: boolean;
}

/**
 * An edit of the text that moves the positions after it: [p, oldEnd) became [p, oldEnd + d). `skip`: the node a
 * patch changed, whose subtree (and the spans held outside the nodes) moved at once (patch-util.ts moveAll).
 */
export interface TreeMove { p: number; oldEnd: number; d: number; skip?: TreeNode }

export { settleTree } from './patch-util';

/**
 * A span of the memo's tree as it will be once its pending moves are made (a new object; the span is not changed).
 * `node`: the node that holds it (a span of a node a patch changed has made that patch's move already).
 */
export function spanNow(memo: MergeMemo, s: { start: number; end: number }, node?: TreeNode): { start: number; end: number } {
  const now = { start: s.start, end: s.end };
  for (const e of memo.pendingTree ?? []) {
    if (e.skip && node && under(node, e.skip)) continue;
    spanMover(e.p, e.oldEnd, e.d)(now);
  }
  return now;
}

/** The tree holds /incbin/ data (a file that can change on disk without any text changing). */
export function hasIncbin(tree: LiveTree): boolean {
  const stack: TreeNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    for (const p of n.properties) for (const c of p.chunks) if (c.kind === 'incbin') return true;
    for (const c of n.children) stack.push(c);
  }
  return false;
}

/**
 * What a patch did: `valueChanged` when the tree now shows another value, of `prop` (the graph was kept, moved,
 * when it did not read that value; the checks must run again unless they did not read it either).
 */
export interface PatchResult {
  valueChanged: boolean;
  prop?: TreeProperty;
  /**
   * The tree's shape changed (a property or node renamed, a node's body): what was read by name may read otherwise
   * now, so the graph is built again and every check runs again (the tree itself was patched in place), unless
   * `shape` says what changed.
   */
  reshaped?: boolean;
  /**
   * What a reshape changed, when the patch can say: properties renamed, added or removed in one node with no reference
   * among them (no phandle numbered again, no label table made again); one node renamed; a value's references or a
   * node's labels changed (the properties holding the references that resolve otherwise, the node's labels, and what
   * dtc's numbering made again changed: tree/patch-util.ts Renumbering). What read none of those names (looked up or
   * picked by a rule), values, node names or paths is as it was (tree/value-reads.ts readsShape); the graph is kept
   * when its build read none, and only the checks that read any run again.
   */
  shape?: ShapeChange;
  /**
   * What of `shape` the graph must not have read to be kept, when that is less (a value whose references changed:
   * its own edges are decoded again through graphChanged, the reference cells' values are not read by the graph)
   */
  graphShape?: ShapeChange;
}


/** The diagnostic mapped to the files through `map` at its (moved) positions. */
export function remap(x: PositionedDiagnostic, map: SourceMap): Diagnostic {
  const d: Diagnostic = { ...x.diag, ...map.toFileRange(x.start, x.end) };
  if (x.diag.related && x.related) {
    d.related = x.diag.related.map((r, i) => ({ ...r, ...map.toFileRange(x.related![i].start, x.related![i].end) }));
  }
  x.diag = d;
  return d;
}

export function remapAll(list: PositionedDiagnostic[], map: SourceMap): Diagnostic[] {
  return list.map((x) => remap(x, map));
}

/** buildTree's order of the merge's diagnostics: by file, then position (a stable sort). */
export function sortLikeMerge(list: PositionedDiagnostic[]): void {
  list.sort((a, b) => (a.diag.file < b.diag.file ? -1 : a.diag.file > b.diag.file ? 1 : a.diag.start - b.diag.start));
}

/**
 * Was this property definition removed after it was made: its property by a /delete-property/, or its node (or an
 * ancestor) by a /delete-node/? Its value is then shown nowhere (the tree keeps where it was defined, tree.deleted).
 */
function deletedDefinition(tree: LiveTree, def: ast.PropertyDef): boolean {
  return tree.deleted.some((x) => x.kind === 'property'
    ? x.contributions.some((c) => c.start === def.start && c.kind !== 'deletion')
    : x.contributions.some((c) => c.kind !== 'deletion' && c.start <= def.start && def.end <= c.end));
}

/**
 * Patch the memo's tree for the parse `ast` (see the header). Returns undefined, and changes nothing, when
 * the edit is not one that can be patched: the caller merges in full.
 */
export function patchTree(memo: MergeMemo, now: ast.DtsFile, text: string, ctx: BuildTreeContext): PatchResult | undefined {
  if (!memo.patchable) return undefined;
  memo.graphRedecode = undefined;
  memo.graphRenamed = undefined;
  // (the last edit's moves first: everything below reads the tree's positions)
  settleTree(memo);
  // the preprocessed text did not change (an edit in a comment, a directive's spacing): only the files moved
  if (now === memo.ast && text === memo.text) return { valueChanged: false };
  const e = now.edit;
  if (!e || e.base.deref() !== memo.ast || e.reparsed) return undefined;
  const r = e.replaced;
  // white space between tokens changed inside an item that keeps its shape (`/  {`, `<1  2>`): nothing but positions
  const spaceOnly = r && blank(memo.text, e.p, e.oldEnd) && blank(e.reader ?? text, e.p, e.oldEnd + e.d) && sameShape(r.old, r.now);
  if (!r || spaceOnly) {
    // the tree's own spans move later (settleTree): nothing reads them before the diagnostics are out
    moveAll(memo, e, true);
    memo.graphChanged = undefined;
    memo.ast = now;
    memo.text = text;
    return { valueChanged: false };
  }
  // one property's value
  const old = r.old as ast.PropertyDef;
  const def = r.now as ast.PropertyDef;
  if (old.kind === 'property' && def.kind === 'property' && old.name !== def.name) return renameProperty(memo, e, r.containers, old, def, now, text, ctx);
  const oldNode = r.old as ast.NodeDef;
  const newNode = r.now as ast.NodeDef;
  if (oldNode.kind === 'node' && newNode.kind === 'node' && oldNode.name !== newNode.name) return renameNode(memo, e, r.containers, oldNode, newNode, now, text);
  if (oldNode.kind === 'node' && newNode.kind === 'node' && !sameLabelNames(oldNode.labels, newNode.labels)) return relabelNode(memo, e, r.containers, oldNode, newNode, now, text, ctx);
  // a node's body (or a top-level `/ { }`, `&ref { }`'s) whose items changed
  const oldBody = r.old as ast.NodeDef | ast.RootNodeStatement | ast.RefNodeStatement;
  const newBody = r.now as ast.NodeDef | ast.RootNodeStatement | ast.RefNodeStatement;
  if ((oldBody.kind === 'node' || oldBody.kind === 'rootNode' || oldBody.kind === 'refNode') && oldBody.kind === newBody.kind) return patchBody(memo, e, r.containers, oldBody, newBody, now, text, ctx);
  if (old.kind !== 'property' || def.kind !== 'property' || old.name !== def.name || MERGE_READS.has(def.name)) return undefined;
  if (old.start !== def.start || old.nameSpan.start !== def.nameSpan.start || old.nameSpan.end !== def.nameSpan.end || !sameLabels(old.labels, def.labels)) return undefined;
  const oldRefs = valueRefs(old);
  const newRefs = valueRefs(def);
  if (!oldRefs || !newRefs) return undefined;
  // other references (`<&gcc 12>` to `<&gcx 12>`): resolved here, and the generated phandles numbered again
  const refsChanged = oldRefs.join('\n') !== newRefs.join('\n');
  if (refsChanged && !referencesPatchable(memo, ctx, oldRefs, newRefs)) return undefined;
  // the tree property this definition contributed to (its contribution starts where the definition does)
  const node = nodeAt(memo.tree, r.containers);
  const live: TreeProperty | undefined = node?.properties.find((x) => x.name === def.name);
  const at = live ? live.contributions.findIndex((c) => c.start === old.start && c.kind !== 'deletion') : -1;
  if (at < 0 && !deletedDefinition(memo.tree, old)) return undefined;
  const prop = at >= 0 ? live! : undefined;
  let last = prop ? prop.contributions.length - 1 : -1;
  while (last >= 0 && prop!.contributions[last].kind === 'deletion') last--;
  const shown = prop !== undefined && last === at;
  // the new value, built as the merge builds it (its own diagnostics: value errors, truncations)
  const positioned: PositionedDiagnostic[] = [];
  const scratch = new MergeState({ ...ctx, positioned });
  const built = buildProp(scratch, def);
  // from here on the tree changes
  memo.treeDiags = memo.treeDiags.filter((x) => !(x.start >= old.start && x.end <= old.end && x.diag.code.startsWith('value-')));
  // (the node's spans move now, the other nodes' once the diagnostics are out: moveAll)
  moveAll(memo, e, node ?? false);
  // the graph stays (moved) unless its build read the value that changed: then its edges are made again
  const graphKeeps = !shown || (memo.graphReads !== undefined && !memo.graphReads.has(prop!));
  memo.graphChanged = graphKeeps ? undefined : prop;
  if (shown && prop && refsChanged) {
    memo.treeDiags = memo.treeDiags.filter((x) => !(x.start >= def.start && x.end <= def.end && x.diag.code === 'unresolved-reference'));
    const renumbered = resolveAgain(memo.tree, prop, built.chunks, new MergeState({ ...ctx, positioned }));
    memo.treeDiags.push(...positioned);
    memo.ast = now;
    memo.text = text;
    // the property's edges are decoded again (graphChanged, when the graph read it); what read it, looked a node up
    // by its phandle, or read a generated phandle property or a reference cell's value that changed runs again
    return { valueChanged: true, prop, reshaped: true, ...referenceShapes(renumbered, [prop]) };
  }
  if (shown && prop) {
    carryRefs(memo.tree, prop.chunks, built.chunks);
    prop.chunks = built.chunks;
  }
  // (the caller maps them to the files and sorts them as buildTree does)
  memo.treeDiags.push(...positioned);
  memo.ast = now;
  memo.text = text;
  return { valueChanged: shown, prop: shown ? prop : undefined };
}

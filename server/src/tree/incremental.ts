// The incremental merge: a keystroke's analysis patches the tree of the last one instead of merging again.
// The parser says how its parse was made from the last one (ParseEdit): the old preprocessed text's
// [p, oldEnd) became [p, oldEnd + d). Two edits are patched:
//  - white space between items (or a text that did not change at all): the tree is the same, its positions
//    after the edit move by d;
//  - one property's value, the property keeping its name, labels and references (`<&gcc 12>` to
//    `<&gcc 13>`, `"okay"` to `"disabled"`): the positions move, and if that definition is the one whose
//    value the tree shows, the property gets the new value (its references keep their targets); a definition
//    whose property or node a later /delete-property/ or /delete-node/ removed changes only its own value diagnostics.
// Anything else (names, labels, references, nodes, deletes, `phandle`/`name` properties, /incbin/,
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
import { resolveReference } from './query';
import { moveTreeSpans, spanMover } from './spans';
import { LiveProperty } from './value-reads';
import { noItems } from '../base/empty';
import type { LiveTree, ResolvedRef, TreeNode, TreeProperty, ValueChunk } from './types';

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
  /** the properties whose values the graph's build read (tree/value-reads.ts) */
  graphReads?: Set<TreeProperty>;
  /** which properties' decoding read each cell count (model/graph.ts CellsReaders) */
  cellsReaders?: Map<TreeProperty, Set<TreeProperty>>;
  /** set by patchTree: the graph read this property, whose value changed: its edges are decoded again (or the graph built again) */
  graphChanged?: TreeProperty;
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

/** An edit of the text that moves the positions after it: [p, oldEnd) became [p, oldEnd + d). */
export interface TreeMove { p: number; oldEnd: number; d: number }

/** Make the moves of the tree's spans left pending (see MergeMemo.pendingTree); nothing when none are. */
export function settleTree(memo: MergeMemo): void {
  const list = memo.pendingTree;
  if (!list) return;
  memo.pendingTree = undefined;
  for (const e of list) moveTreeSpans(memo.tree, e.p, e.oldEnd, e.d);
}

/** A span of the memo's tree as it will be once its pending moves are made (a new object; the span is not changed). */
export function spanNow(memo: MergeMemo, s: { start: number; end: number }): { start: number; end: number } {
  const now = { start: s.start, end: s.end };
  for (const e of memo.pendingTree ?? []) spanMover(e.p, e.oldEnd, e.d)(now);
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
   * The tree's shape changed (a property or node renamed): what was read by name may read otherwise now, so
   * the graph is built again and every check runs again (the tree itself was patched in place).
   */
  reshaped?: boolean;
}

/** Properties whose value the merge itself reads (phandle numbering, dtc's name rule): always merged again. */
const MERGE_READS = new Set(['phandle', 'linux,phandle', 'name']);

type Mover = (s: { start: number; end: number }) => void;

/**
 * Every position of the memo after the edit moved: the tree's, its diagnostics', the kept checks' findings' and
 * the graph's edges'. Nothing moves when the edit kept the length (a digit replaced by another). `deferTree`: the
 * tree's own spans are left to settleTree.
 */
function moveAll(memo: MergeMemo, e: ast.ParseEdit, deferTree = false): void {
  if (e.d === 0) return;
  const move = spanMover(e.p, e.oldEnd, e.d);
  if (deferTree) (memo.pendingTree ??= []).push({ p: e.p, oldEnd: e.oldEnd, d: e.d });
  else moveTreeSpans(memo.tree, e.p, e.oldEnd, e.d);
  movePositioned(memo.treeDiags, move);
  if (memo.checks) for (const c of memo.checks.each) movePositioned(c.positioned, move);
  // (the edges' two spans, thousands of them, written out: one mover function shared with the diagnostics and
  // the tree's other spans sees objects of many shapes, and V8 then reads them the slow way)
  if (memo.graph) {
    const { p, oldEnd, d } = e;
    const edges = memo.graph.edges;
    for (let k = 0; k < edges.length; k++) {
      const x = edges[k];
      let s = x.span;
      if (s.end > p) { const a = s.start >= oldEnd ? s.start + d : s.start; let b = s.end + d; if (b < a) b = a; s.start = a; s.end = b; }
      s = x.refSpan;
      if (s.end > p) { const a = s.start >= oldEnd ? s.start + d : s.start; let b = s.end + d; if (b < a) b = a; s.start = a; s.end = b; }
    }
  }
}

/** Moves positioned diagnostics (their diag is mapped again later). */
export function movePositioned(list: PositionedDiagnostic[], move: Mover): void {
  for (const x of list) {
    move(x);
    if (x.related) for (const r of x.related) move(r);
  }
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

function blank(t: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 11 && c !== 12) return false;
  }
  return true;
}

/** Positions in the AST types (a span's start and end, a body's closing brace). */
const POSITION_KEYS = new Set(['start', 'end', 'closeBrace']);

/** Two AST values equal but for their positions. */
function sameShape(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameShape(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (POSITION_KEYS.has(k)) continue;
    if (!sameShape((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** The references of a property value, in order (label or path as written). */
function valueRefs(def: ast.PropertyDef): string[] | undefined {
  const out: string[] = [];
  for (const part of def.value ?? []) {
    if (part.labelsBefore.length || part.labelsAfter.length) return undefined;
    const c = part.component;
    switch (c.kind) {
      case 'cells':
        for (const it of c.items) {
          if (it.kind === 'label') return undefined;
          if (it.kind === 'ref') out.push(it.ref.kind === 'labelRef' ? it.ref.name : it.ref.path);
        }
        break;
      case 'bytes':
        if (c.items.some((it) => it.kind === 'label')) return undefined;
        break;
      case 'pathValue':
        out.push('{' + (c.ref.kind === 'labelRef' ? c.ref.name : c.ref.path));
        break;
      case 'incbin':
        return undefined;
      default:
        break;
    }
  }
  return out;
}

function sameLabels(a: ast.Label[], b: ast.Label[]): boolean {
  return a.length === b.length && a.every((l, i) => l.name === b[i].name && l.start === b[i].start && l.end === b[i].end);
}

/** The tree node a container path (`/` or `&ref`, then node names) leads to. */
function nodeAt(tree: LiveTree, containers: string[]): TreeNode | undefined {
  if (containers.length === 0) return undefined;
  const c0 = containers[0];
  let n: TreeNode | undefined = c0 === '/' ? tree.root : resolveReference(tree, c0.startsWith('&{') ? c0.slice(2, -1) : c0.slice(1));
  for (let k = 1; n && k < containers.length; k++) n = n.children.find((c) => c.name === containers[k]);
  return n;
}

/** References of a chunk list, in order (phandle cells and path references). */
function chunkRefs(chunks: ValueChunk[]): ResolvedRef[] {
  const out: ResolvedRef[] = [];
  for (const ch of chunks) {
    if (ch.kind === 'cells') { for (const c of ch.cells) if (c.ref) out.push(c.ref); } else if (ch.kind === 'pathRef') out.push(ch.ref);
  }
  return out;
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
  // (the last edit's moves first: everything below reads the tree's positions)
  settleTree(memo);
  // the preprocessed text did not change (an edit in a comment, a directive's spacing): only the files moved
  if (now === memo.ast && text === memo.text) return { valueChanged: false };
  const e = now.edit;
  if (!e || e.base.deref() !== memo.ast || e.reparsed) return undefined;
  const r = e.replaced;
  // white space between tokens changed inside an item that keeps its shape (`/  {`, `<1  2>`): nothing but positions
  const spaceOnly = r && blank(memo.text, e.p, e.oldEnd) && blank(text, e.p, e.oldEnd + e.d) && sameShape(r.old, r.now);
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
  moveAll(memo, e);
  // the graph stays (moved) unless its build read the value that changed: then its edges are made again
  const graphKeeps = !shown || (memo.graphReads !== undefined && !memo.graphReads.has(prop!));
  memo.graphChanged = graphKeeps ? undefined : prop;
  if (shown && prop && refsChanged) {
    memo.treeDiags = memo.treeDiags.filter((x) => !(x.start >= def.start && x.end <= def.end && x.diag.code === 'unresolved-reference'));
    resolveAgain(memo.tree, prop, built.chunks, new MergeState({ ...ctx, positioned }));
    memo.treeDiags.push(...positioned);
    memo.graphChanged = undefined;
    memo.ast = now;
    memo.text = text;
    return { valueChanged: true, prop, reshaped: true };
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

/**
 * Can a value whose phandle references changed be patched: not an overlay (fixups), references written as labels
 * or paths in cell lists only (not path values), no /omit-if-no-ref/ anywhere (a reference keeps such a node),
 * no duplicate property or node (whose earlier values' references dtc still numbers) and no `phandle` property
 * written as a reference? Then dtc's numbering can be made again from the tree alone (renumberPhandles).
 */
function referencesPatchable(memo: MergeMemo, ctx: BuildTreeContext, oldRefs: string[], newRefs: string[]): boolean {
  if (memo.tree.isPlugin || ctx.base) return false;
  if (oldRefs.some((r) => r.startsWith('{')) || newRefs.some((r) => r.startsWith('{'))) return false;
  if (memo.treeDiags.some((x) => x.diag.code === 'duplicate-property' || x.diag.code === 'duplicate-node')) return false;
  memo.omits ??= astHasOmit(memo.ast);
  if (memo.omits) return false;
  return true;
}

/** Does the AST use /omit-if-no-ref/ (on a node, or as a top-level statement)? */
function astHasOmit(file: ast.DtsFile): boolean {
  const inBody = (b: ast.NodeBody): boolean => b.items.some((it) => it.kind === 'node' && (it.omitIfNoRef || inBody(it.body)));
  return file.statements.some((st) => st.kind === 'omitIfNoRef' || ((st.kind === 'rootNode' || st.kind === 'refNode') && inBody(st.body)));
}

/**
 * The shown value of `prop` becomes `chunks`, whose references are other than before: they are resolved in the
 * tree (an unresolved one reported as the merge reports it, into `mg`), the tree's reference list takes them in
 * place of the old ones, and every generated phandle is numbered again (renumberPhandles).
 */
function resolveAgain(tree: LiveTree, prop: TreeProperty, chunks: ValueChunk[], mg: MergeState): void {
  const gone = new Set(chunkRefs(prop.chunks));
  const added = chunkRefs(chunks);
  for (const rr of added) {
    const r = rr.ref;
    const t = resolveReference(tree, r);
    if (t) rr.target = t;
    else mg.report('unresolved-reference', r, `Reference to non-existent node or label "${r.kind === 'labelRef' ? r.name : r.path}"`);
  }
  tree.references = tree.references.filter((rr) => !gone.has(rr));
  tree.references.push(...added);
  tree.references.sort((a, b) => a.ref.start - b.ref.start);
  prop.chunks = chunks;
  renumberPhandles(tree);
}

/** Is n's phandle its own (a `phandle` or `linux,phandle` property written with that value), not one dtc generated? */
function explicitPhandle(n: TreeNode): boolean {
  for (const p of n.properties) {
    if ((p.name !== 'phandle' && p.name !== 'linux,phandle') || p.contributions.length === 0) continue;
    const ch = p.chunks[0];
    if (p.chunks.length === 1 && ch.kind === 'cells' && ch.bits === 32 && ch.cells.length === 1 && ch.cells[0].value === BigInt(n.phandle!)) return true;
  }
  return false;
}

/**
 * dtc's phandle numbering made again (tree/dtc-checks.ts phandle_references): the generated phandles (a `phandle`
 * property the merge added, with no contribution) are removed, then every node a phandle reference resolves to,
 * in tree order (nodes in pre-order, their properties and cells in order), gets the next number not in use, and a
 * `phandle` property at its name; each reference cell takes its target's phandle (0xffffffff when unresolved);
 * the phandle table is made again in tree order.
 */
export function renumberPhandles(tree: LiveTree): void {
  const order: TreeNode[] = [];
  const walk = (n: TreeNode): void => { order.push(n); for (const c of n.children) walk(c); };
  walk(tree.root);
  const used = new Set<number>();
  for (const n of order) {
    const k = n.properties.findIndex((p) => p.name === 'phandle' && p.contributions.length === 0);
    if (k >= 0) n.properties.splice(k, 1);
    if (n.phandle === undefined) continue;
    if (explicitPhandle(n)) used.add(n.phandle); else n.phandle = undefined;
  }
  let next = 1;
  for (const n of order) {
    for (const p of n.properties) {
      for (const ch of p.chunks) {
        if (ch.kind !== 'cells') continue;
        for (const c of ch.cells) {
          if (!c.ref) continue;
          const t = c.ref.target;
          if (!t) { c.value = 0xffffffffn; continue; }
          if (t.phandle === undefined) {
            while (used.has(next)) next++;
            t.phandle = next;
            used.add(next);
            // (a node with a `phandle` property of its own, whose value was bad, gets none added: dtc adds none)
            const at = t.contributions[0]?.nameSpan ?? { start: 0, end: 0 };
            const cell = { start: at.start, end: at.start, value: BigInt(next) };
            if (!t.properties.some((x) => x.name === 'phandle')) t.properties.push(new LiveProperty('phandle', [{ kind: 'cells', start: at.start, end: at.start, bits: 32, cells: [cell] }], noItems(), { start: at.start, end: at.end }, { start: at.start, end: at.end }, [], t));
          }
          c.value = BigInt(t.phandle);
        }
      }
    }
  }
  tree.phandles = new Map();
  for (const n of order) if (n.phandle !== undefined && !tree.phandles.has(n.phandle)) tree.phandles.set(n.phandle, n);
}

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
function renameProperty(memo: MergeMemo, e: ast.ParseEdit, containers: string[], old: ast.PropertyDef, def: ast.PropertyDef, now: ast.DtsFile, text: string, ctx: BuildTreeContext): PatchResult | undefined {
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
function renameNode(memo: MergeMemo, e: ast.ParseEdit, containers: string[], old: ast.NodeDef, def: ast.NodeDef, now: ast.DtsFile, text: string): PatchResult | undefined {
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

const sameLabelNames = (a: ast.Label[], b: ast.Label[]): boolean => a.length === b.length && a.every((l, i) => l.name === b[i].name);

/**
 * A node's labels changed where it is defined (`uart5:` typed `uart5x:`), its name and body as they were: patched
 * when the node has no other definition, no label anywhere is a duplicate, a new name is no label yet, and no
 * top-level statement (`&uart5 { … }`), path reference (`&{uart5/…}`) or path value names an old or new one:
 * the merge would then give the same tree with other labels. The node's labels and the label table are made
 * again, the references by those names resolved again (an unresolved one reported as the merge reports it) and
 * the phandles numbered again; the graph and the checks are made again (PatchResult.reshaped).
 */
function relabelNode(memo: MergeMemo, e: ast.ParseEdit, containers: string[], old: ast.NodeDef, def: ast.NodeDef, now: ast.DtsFile, text: string, ctx: BuildTreeContext): PatchResult | undefined {
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

/** The new chunks' references take the old ones' targets and phandle values (the same references, in order). */
function carryRefs(tree: LiveTree, was: ValueChunk[], chunks: ValueChunk[]): void {
  const oldRR = chunkRefs(was);
  const newRR = chunkRefs(chunks);
  for (let k = 0; k < newRR.length; k++) {
    newRR[k].target = oldRR[k].target;
    const i = tree.references.indexOf(oldRR[k]);
    if (i >= 0) tree.references[i] = newRR[k];
  }
  const oldCells = was.flatMap((ch) => (ch.kind === 'cells' ? ch.cells.filter((c) => c.ref) : []));
  const newCells = chunks.flatMap((ch) => (ch.kind === 'cells' ? ch.cells.filter((c) => c.ref) : []));
  for (let k = 0; k < newCells.length; k++) newCells[k].value = oldCells[k].value;
}

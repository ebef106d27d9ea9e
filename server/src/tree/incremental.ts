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
  if (!e || e.base.deref() !== memo.ast) return undefined;
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
  if (old.kind !== 'property' || def.kind !== 'property' || old.name !== def.name || MERGE_READS.has(def.name)) return undefined;
  if (old.start !== def.start || old.nameSpan.start !== def.nameSpan.start || old.nameSpan.end !== def.nameSpan.end || !sameLabels(old.labels, def.labels)) return undefined;
  const oldRefs = valueRefs(old);
  const newRefs = valueRefs(def);
  if (!oldRefs || !newRefs || oldRefs.join('\n') !== newRefs.join('\n')) return undefined;
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
  if (shown && prop) {
    const oldRR = chunkRefs(prop.chunks);
    const newRR = chunkRefs(built.chunks);
    for (let k = 0; k < newRR.length; k++) {
      newRR[k].target = oldRR[k].target;
      const i = memo.tree.references.indexOf(oldRR[k]);
      if (i >= 0) memo.tree.references[i] = newRR[k];
    }
    // a phandle cell keeps the phandle its reference resolved to
    const oldCells = prop.chunks.flatMap((ch) => (ch.kind === 'cells' ? ch.cells.filter((c) => c.ref) : []));
    const newCells = built.chunks.flatMap((ch) => (ch.kind === 'cells' ? ch.cells.filter((c) => c.ref) : []));
    for (let k = 0; k < newCells.length; k++) newCells[k].value = oldCells[k].value;
    prop.chunks = built.chunks;
  }
  // (the caller maps them to the files and sorts them as buildTree does)
  memo.treeDiags.push(...positioned);
  memo.ast = now;
  memo.text = text;
  return { valueChanged: shown, prop: shown ? prop : undefined };
}

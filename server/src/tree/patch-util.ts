// What the incremental merge's patches share (tree/incremental.ts, tree/reshape.ts): moving every position of a
// memo by an edit, AST items compared but for their positions, the tree node of a container path, and the
// references and dtc's phandle numbering made again after a value's references changed.
import type { PositionedDiagnostic } from '../base/diagnostics';
import type * as ast from '../syntax/ast';
import type { MergeState, BuildTreeContext } from './merge-state';
import type { MergeMemo } from './incremental';
import { resolveReference } from './query';
import { moveSubtreeSpans, moveTreeSpans, moveTreeSpansBut, spanMover } from './spans';
import { LiveProperty, type ShapeChange } from './value-reads';
import { noItems } from '../base/empty';
import type { TextReader } from '../base/text';
import type { Cell, LiveTree, ResolvedRef, TreeNode, TreeProperty, ValueChunk } from './types';

/** Properties whose value the merge itself reads (phandle numbering, dtc's name rule): always merged again. */
export const MERGE_READS = new Set(['phandle', 'linux,phandle', 'name']);

export type Mover = (s: { start: number; end: number }) => void;

/**
 * Every position of the memo after the edit moved: the tree's, its diagnostics', the kept checks' findings' and
 * the graph's edges'. Nothing moves when the edit kept the length (a digit replaced by another). `deferTree`: the
 * tree's own spans are left to settleTree (true), or all but those of a node the patch is about to change, its
 * subtree's and the spans held outside the nodes, which move now (the patch puts spans of the new text among them):
 * the other nodes' spans, thousands, move once the diagnostics are out, unless something reads them before
 * (analysis.ts settleTreeNow). What the patch copies from them in between (dtc's generated phandles, the label table)
 * follows that rule: a copy held by a node outside the changed one is moved with it; the label table's are mapped.
 */
export function moveAll(memo: MergeMemo, e: ast.ParseEdit, deferTree: boolean | TreeNode = false): void {
  if (e.d === 0) return;
  const move = spanMover(e.p, e.oldEnd, e.d);
  if (deferTree === true) (memo.pendingTree ??= []).push({ p: e.p, oldEnd: e.oldEnd, d: e.d });
  else if (deferTree) {
    // (a move left pending from before is made first: the two parts of this one must be the only ones apart)
    settleTree(memo);
    moveSubtreeSpans(memo.tree, deferTree, e.p, e.oldEnd, e.d);
    memo.pendingTree = [{ p: e.p, oldEnd: e.oldEnd, d: e.d, skip: deferTree }];
  } else moveTreeSpans(memo.tree, e.p, e.oldEnd, e.d);
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

/** Make the moves of the tree's spans left pending (see MergeMemo.pendingTree); nothing when none are. */
export function settleTree(memo: MergeMemo): void {
  const list = memo.pendingTree;
  if (!list) return;
  memo.pendingTree = undefined;
  for (const e of list) {
    if (e.skip) moveTreeSpansBut(memo.tree, e.skip, e.p, e.oldEnd, e.d);
    else moveTreeSpans(memo.tree, e.p, e.oldEnd, e.d);
  }
}

/** Is n `top` or a node below it? */
export function under(n: TreeNode, top: TreeNode): boolean {
  for (let x: TreeNode | undefined = n; x; x = x.parent) if (x === top) return true;
  return false;
}

/** Moves positioned diagnostics (their diag is mapped again later). */
export function movePositioned(list: PositionedDiagnostic[], move: Mover): void {
  for (const x of list) {
    move(x);
    if (x.related) for (const r of x.related) move(r);
  }
}

export function blank(t: TextReader, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 11 && c !== 12) return false;
  }
  return true;
}

/** Positions in the AST types (a span's start and end, a body's closing brace). */
const POSITION_KEYS = new Set(['start', 'end', 'closeBrace']);

/** Two AST values equal but for their positions. */
export function sameShape(a: unknown, b: unknown): boolean {
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
export function valueRefs(def: ast.PropertyDef): string[] | undefined {
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

export function sameLabels(a: ast.Label[], b: ast.Label[]): boolean {
  return a.length === b.length && a.every((l, i) => l.name === b[i].name && l.start === b[i].start && l.end === b[i].end);
}

/** The tree node a container path (`/` or `&ref`, then node names) leads to. */
export function nodeAt(tree: LiveTree, containers: string[]): TreeNode | undefined {
  if (containers.length === 0) return undefined;
  const c0 = containers[0];
  let n: TreeNode | undefined = c0 === '/' ? tree.root : resolveReference(tree, c0.startsWith('&{') ? c0.slice(2, -1) : c0.slice(1));
  for (let k = 1; n && k < containers.length; k++) n = n.children.find((c) => c.name === containers[k]);
  return n;
}

/** References of a chunk list, in order (phandle cells and path references). */
export function chunkRefs(chunks: ValueChunk[]): ResolvedRef[] {
  const out: ResolvedRef[] = [];
  for (const ch of chunks) {
    if (ch.kind === 'cells') { for (const c of ch.cells) if (c.ref) out.push(c.ref); } else if (ch.kind === 'pathRef') out.push(ch.ref);
  }
  return out;
}


/**
 * Can a value whose phandle references changed be patched: not an overlay (fixups), references written as labels
 * or paths in cell lists only (not path values), no /omit-if-no-ref/ anywhere (a reference keeps such a node),
 * no duplicate property or node (whose earlier values' references dtc still numbers) and no `phandle` property
 * written as a reference? Then dtc's numbering can be made again from the tree alone (renumberPhandles).
 */
export function referencesPatchable(memo: MergeMemo, ctx: BuildTreeContext, oldRefs: string[], newRefs: string[]): boolean {
  if (memo.tree.isPlugin || ctx.base) return false;
  if (oldRefs.some((r) => r.startsWith('{')) || newRefs.some((r) => r.startsWith('{'))) return false;
  if (memo.treeDiags.some((x) => x.diag.code === 'duplicate-property' || x.diag.code === 'duplicate-node')) return false;
  memo.omits ??= astHasOmit(memo.ast);
  if (memo.omits) return false;
  return true;
}

/** Does the AST use /omit-if-no-ref/ (on a node, or as a top-level statement)? */
export function astHasOmit(file: ast.DtsFile): boolean {
  const inBody = (b: ast.NodeBody): boolean => b.items.some((it) => it.kind === 'node' && (it.omitIfNoRef || inBody(it.body)));
  return file.statements.some((st) => st.kind === 'omitIfNoRef' || ((st.kind === 'rootNode' || st.kind === 'refNode') && inBody(st.body)));
}

/**
 * The shown value of `prop` becomes `chunks`, whose references are other than before: they are resolved in the
 * tree (an unresolved one reported as the merge reports it, into `mg`), the tree's reference list takes them in
 * place of the old ones, and every generated phandle is numbered again (renumberPhandles).
 */
export function resolveAgain(tree: LiveTree, prop: TreeProperty, chunks: ValueChunk[], mg: MergeState): Renumbering {
  const was = chunkRefs(prop.chunks);
  const gone = new Set(was);
  prop.chunks = chunks;
  const came = chunkRefs(chunks);
  // (a property that held no reference is not among the tree's holders of one)
  if (came.length && !was.length) refHolders.delete(tree);
  swapList(tree, gone, came, mg);
  const same = sameNumbering(tree, prop, was, came);
  if (same) { numberingStats.kept++; return same; }
  numberingStats.made++;
  return renumberPhandles(tree);
}

/** How often a reference patch kept dtc's numbering (sameNumbering) or made it again (for the tests). */
export const numberingStats = { kept: 0, made: 0 };

/**
 * What dtc's numbering of the last renumberPhandles (`numberings`) knows: the nodes in tree order, and where each node
 * with a generated phandle is first referenced (its number follows from that order). Valid while the tree keeps its
 * nodes, properties and references in order: a value patch that changes no reference, a rename; patchBody drops it.
 */
interface Numbering {
  /** the nodes' places in tree order */
  order: Map<TreeNode, number>;
  /** a node whose phandle dtc generated: where its first reference is (node place, property index) */
  first: Map<TreeNode, readonly [number, number]>;
}

const numberings = new WeakMap<LiveTree, Numbering>();

/** The tree's nodes, properties or references changed other than through renumberPhandles: its numbering is made in full next time. */
export function forgetNumbering(tree: LiveTree): void {
  numberings.delete(tree);
  refHolders.delete(tree);
  pathHolders.delete(tree);
}

/**
 * Per tree: the properties whose value holds a path reference (`serial0 = &uart;`), for somePathValueIn. Only a full
 * merge adds or takes away one: no patch changes a path value's references (referencesPatchable), and a value patch
 * keeps its property; forgetNumbering drops the list anyway (a body patch's properties come and go).
 */
const pathHolders = new WeakMap<LiveTree, TreeProperty[]>();

/** somePathValue over the whole tree, through the tree's list of the properties that hold a path reference. */
export function somePathValueIn(tree: LiveTree, which: (c: ValueChunk & { kind: 'pathRef' }) => boolean): boolean {
  let list = pathHolders.get(tree);
  if (!list) {
    list = [];
    const stack: TreeNode[] = [tree.root];
    while (stack.length) {
      const n = stack.pop()!;
      for (const p of n.properties) if (p.chunks.some((c) => c.kind === 'pathRef')) list.push(p);
      for (const c of n.children) stack.push(c);
    }
    pathHolders.set(tree, list);
  }
  for (const p of list) for (const c of p.chunks) if (c.kind === 'pathRef' && which(c)) return true;
  return false;
}

/**
 * Per tree: the properties that hold a reference cell, in the order dtc's numbering visits them (nodes in pre-order,
 * their properties in order), so that numbering again walks those (a SoC board: ~1,000 of ~4,500 properties, ~7,000
 * cells), not every value. Made on first use; dropped with the numbering record when properties or nodes come or go
 * (forgetNumbering) and when a property that held none gets one (resolveAgain). A property in it that holds none any
 * more is walked for nothing.
 */
const refHolders = new WeakMap<LiveTree, TreeProperty[]>();

function holdsRef(p: TreeProperty): boolean {
  for (const ch of p.chunks) {
    if (ch.kind !== 'cells') continue;
    for (const c of ch.cells) if (c.ref) return true;
  }
  return false;
}

function refHoldersOf(tree: LiveTree, order: readonly TreeNode[]): TreeProperty[] {
  let list = refHolders.get(tree);
  if (!list) {
    list = [];
    for (const n of order) for (const p of n.properties) if (holdsRef(p)) list.push(p);
    refHolders.set(tree, list);
  }
  return list;
}

/**
 * The numbering after `prop`'s references changed from `was` to `came`, when it is the same: every node either list
 * names that has a generated phandle is first referenced before `prop` (in another node before it in tree order, or
 * in a property before it), and every node `came` names has a phandle already. Then no number changes and no first
 * reference moves: `prop`'s own reference cells take their targets' values. Undefined otherwise (renumberPhandles).
 */
function sameNumbering(tree: LiveTree, prop: TreeProperty, was: ResolvedRef[], came: ResolvedRef[]): Renumbering | undefined {
  const nb = numberings.get(tree);
  if (!nb) return undefined;
  const at = nb.order.get(prop.node);
  if (at === undefined) return undefined;
  const k = prop.node.properties.indexOf(prop);
  const before = (t: TreeNode): boolean => {
    const f = nb.first.get(t);
    return f !== undefined && (f[0] < at || (f[0] === at && f[1] < k));
  };
  for (const rr of was) if (rr.target && nb.first.has(rr.target) && !before(rr.target)) return undefined;
  for (const rr of came) {
    const t = rr.target;
    if (!t) continue;
    if (t.phandle === undefined || (nb.first.has(t) && !before(t))) return undefined;
    if (!nb.first.has(t) && tree.phandles.get(t.phandle) !== t) return undefined;
  }
  const out = noRenumbering();
  for (const ch of prop.chunks) {
    if (ch.kind !== 'cells') continue;
    for (const c of ch.cells) {
      if (!c.ref) continue;
      const v = c.ref.target ? BigInt(c.ref.target.phandle!) : 0xffffffffn;
      if (c.value !== v) { c.value = v; out.cells.add(c); }
    }
  }
  return out;
}

/** Resolve rr in the tree as the merge does: its target, or an unresolved reference reported into `mg`. */
export function resolveOrReport(tree: LiveTree, rr: ResolvedRef, mg: MergeState): void {
  const r = rr.ref;
  rr.target = resolveReference(tree, r);
  if (!rr.target) mg.report('unresolved-reference', r, `Reference to non-existent node or label "${r.kind === 'labelRef' ? r.name : r.path}"`);
}

/**
 * The tree's reference list without `gone` and with `came` (each resolved: resolveOrReport), in the order of the
 * references' positions; then every generated phandle numbered again (renumberPhandles).
 */
export function swapReferences(tree: LiveTree, gone: ReadonlySet<ResolvedRef>, came: ResolvedRef[], mg: MergeState): Renumbering {
  swapList(tree, gone, came, mg);
  return renumberPhandles(tree);
}

/** The tree's reference list without `gone` and with `came` (each resolved), in the order of the references' positions. */
function swapList(tree: LiveTree, gone: ReadonlySet<ResolvedRef>, came: ResolvedRef[], mg: MergeState): void {
  for (const rr of came) resolveOrReport(tree, rr, mg);
  const kept = gone.size ? tree.references.filter((rr) => !gone.has(rr)) : tree.references;
  if (!came.length) { tree.references = kept; return; }
  // (the list is in order: the new ones merged in, not the whole list sorted again)
  const add = [...came].sort((a, b) => a.ref.start - b.ref.start);
  const out: ResolvedRef[] = [];
  let j = 0;
  for (let i = 0; i < kept.length; i++) {
    while (j < add.length && add[j].ref.start < kept[i].ref.start) out.push(add[j++]);
    out.push(kept[i]);
  }
  while (j < add.length) out.push(add[j++]);
  tree.references = out;
}

/** The name or path a reference is written with (as valueRefs gives it). */
export const refName = (rr: ResolvedRef): string => (rr.ref.kind === 'labelRef' ? rr.ref.name : rr.ref.path);

/** Does a value of `root` or of a node below it hold a path reference (`serial0 = &uart;`) that `which` accepts? */
export function somePathValue(root: TreeNode, which: (c: ValueChunk & { kind: 'pathRef' }) => boolean): boolean {
  const stack: TreeNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    for (const p of n.properties) for (const c of p.chunks) if (c.kind === 'pathRef' && which(c)) return true;
    for (const c of n.children) stack.push(c);
  }
  return false;
}

/** The full path of tree node n (`/` for the root), as the merge writes it in `deleted`. */
export function pathOf(n: TreeNode): string {
  const names: string[] = [];
  for (let x: TreeNode | undefined = n; x && x.parent; x = x.parent) names.push(x.name);
  return '/' + names.reverse().join('/');
}

/** Does a path name `path` or lie under it? */
export const atOrUnder = (p: string, path: string): boolean => p === path || p.startsWith(path === '/' ? '/' : path + '/');

/** Is n's phandle its own (a `phandle` or `linux,phandle` property written with that value), not one dtc generated? */
function explicitPhandle(n: TreeNode): boolean {
  for (const p of n.properties) {
    if ((p.name !== 'phandle' && p.name !== 'linux,phandle') || p.contributions.length === 0) continue;
    const ch = p.chunks[0];
    if (p.chunks.length === 1 && ch.kind === 'cells' && ch.bits === 32 && ch.cells.length === 1 && ch.cells[0].value === BigInt(n.phandle!)) return true;
  }
  return false;
}

/** no names changed (a renumbering of the phandles changes lookups by number and by node instead: Renumbering) */
export const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * What a patch whose references resolve otherwise changed (PatchResult.shape, graphShape): `props` (the properties
 * holding those references), the node whose labels changed, and what the numbering `r` changed. The graph decodes
 * `props` again itself and reads no reference cell's value: it is kept unless it looked up a phandle number whose node
 * changed, the `phandle` property of a node whose generated one came or went, or read a generated phandle that changed.
 */
export function referenceShapes(r: Renumbering, props: Iterable<TreeProperty>, node?: TreeNode): { shape: ShapeChange; graphShape: ShapeChange } {
  return {
    shape: { names: NO_NAMES, props: [...props, ...r.phandleProps], renumbered: r.cells, node, lookups: r.lookups, phandleAt: r.phandleAt },
    graphShape: { names: NO_NAMES, props: r.phandleProps, lookups: r.lookups, phandleAt: r.phandleAt },
  };
}

/** A Renumbering in which nothing changed (yet). */
export function noRenumbering(): Renumbering {
  return { phandleProps: [], cells: new Set(), holders: new Set(), lookups: new Set(), phandleAt: new Set() };
}

/** What numbering the phandles again changed (renumberPhandles). */
export interface Renumbering {
  /** the generated `phandle` properties that came, went or show another value */
  phandleProps: TreeProperty[];
  /** the reference cells that hold other values now (their targets' new phandles, or unresolved) */
  cells: Set<Cell>;
  /** the properties that hold one of the references `watch` (renumberPhandles' argument) */
  holders: Set<TreeProperty>;
  /** the phandle numbers whose node is another now, or that came or went (what looked one up reads otherwise) */
  lookups: Set<number>;
  /** the nodes whose generated `phandle` property came or went (what looked theirs up by name reads otherwise) */
  phandleAt: Set<TreeNode>;
}

/**
 * dtc's phandle numbering made again (tree/dtc-checks.ts phandle_references): the generated phandles (a `phandle`
 * property the merge added, with no contribution) are dropped, then every node a phandle reference resolves to,
 * in tree order (nodes in pre-order, their properties and cells in order), gets the next number not in use, and a
 * `phandle` property at its name, last among its properties; each reference cell takes its target's phandle
 * (0xffffffff when unresolved); the phandle table is made again in tree order. A generated property whose value
 * stays is kept (the same object), so that what read it has read nothing that changed; says what did change (and
 * which properties hold the references `watch`).
 */
export function renumberPhandles(tree: LiveTree, watch?: ReadonlySet<ResolvedRef>): Renumbering {
  const order: TreeNode[] = [];
  const walk = (n: TreeNode): void => { order.push(n); for (const c of n.children) walk(c); };
  walk(tree.root);
  const used = new Set<number>();
  // the generated phandles and their properties as they were
  const was = new Map<TreeNode, number>();
  const generated = new Map<TreeNode, TreeProperty>();
  for (const n of order) {
    const list = n.properties;
    for (let k = 0; k < list.length; k++) if (list[k].name === 'phandle' && list[k].contributions.length === 0) { generated.set(n, list[k]); break; }
    if (n.phandle === undefined) continue;
    if (explicitPhandle(n)) used.add(n.phandle);
    else { was.set(n, n.phandle); n.phandle = undefined; }
  }
  const out = noRenumbering();
  const fresh = new Set<TreeNode>();
  const nb: Numbering = { order: new Map(), first: new Map() };
  // (each phandle's value made once: a board has thousands of references to a few hundred nodes)
  const big: bigint[] = [];
  let next = 1;
  for (let ni = 0; ni < order.length; ni++) nb.order.set(order[ni], ni);
  const holders = refHoldersOf(tree, order);
  for (let hi = 0; hi < holders.length; hi++) {
    const p = holders[hi];
    // (one no longer in the tree holds nothing dtc sees)
    const ni = nb.order.get(p.node);
    if (ni === undefined || p.node.properties.indexOf(p) < 0) continue;
    const chunks = p.chunks;
    for (let k = 0; k < chunks.length; k++) {
      const ch = chunks[k];
      if (ch.kind !== 'cells') continue;
      const cells = ch.cells;
      for (let j = 0; j < cells.length; j++) {
        const c = cells[j];
        if (!c.ref) continue;
        if (watch?.has(c.ref)) out.holders.add(p);
        const t = c.ref.target;
        let v = 0xffffffffn;
        if (t) {
          if (t.phandle === undefined) {
            while (used.has(next)) next++;
            t.phandle = next;
            used.add(next);
            fresh.add(t);
            nb.first.set(t, [ni, p.node.properties.indexOf(p)]);
          }
          v = big[t.phandle] ??= BigInt(t.phandle);
        }
        if (c.value !== v) { c.value = v; out.cells.add(c); }
      }
    }
  }
  // the generated properties: kept, given their new value, added or dropped
  for (const n of order) {
    const old = generated.get(n);
    const now = fresh.has(n) ? n.phandle : undefined;
    // (a node with a `phandle` property of its own, whose value was bad, gets none added: dtc adds none)
    const wants = now !== undefined && !n.properties.some((x) => x !== old && x.name === 'phandle');
    if (old && !wants) { n.properties.splice(n.properties.indexOf(old), 1); out.phandleProps.push(old); out.phandleAt.add(n); continue; }
    if (!wants) continue;
    if (!old) out.phandleAt.add(n);
    const at = n.contributions[0]?.nameSpan ?? { start: 0, end: 0 };
    const chunks = (): ValueChunk[] => [{ kind: 'cells', start: at.start, end: at.start, bits: 32, cells: [{ start: at.start, end: at.start, value: BigInt(now) }] }];
    if (!old) {
      const made = new LiveProperty('phandle', chunks(), noItems(), { start: at.start, end: at.end }, { start: at.start, end: at.end }, [], n);
      n.properties.push(made);
      out.phandleProps.push(made);
      continue;
    }
    if (was.get(n) !== now) { old.chunks = chunks(); out.phandleProps.push(old); } else if (old.nameSpan.start !== at.start || old.nameSpan.end !== at.end) {
      // (at the name as it is now: an edit where the name starts moves the two apart)
      old.span = { start: at.start, end: at.end };
      old.nameSpan = { start: at.start, end: at.end };
      old.chunks = chunks();
    }
    if (n.properties[n.properties.length - 1] !== old) { n.properties.splice(n.properties.indexOf(old), 1); n.properties.push(old); }
  }
  const table = tree.phandles;
  tree.phandles = new Map();
  for (const n of order) if (n.phandle !== undefined && !tree.phandles.has(n.phandle)) tree.phandles.set(n.phandle, n);
  for (const [k, n] of table) if (tree.phandles.get(k) !== n) out.lookups.add(k);
  for (const k of tree.phandles.keys()) if (!table.has(k)) out.lookups.add(k);
  numberings.set(tree, nb);
  return out;
}


/** The new chunks' references take the old ones' targets and phandle values (the same references, in order). */
export function carryRefs(tree: LiveTree, was: ValueChunk[], chunks: ValueChunk[]): void {
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

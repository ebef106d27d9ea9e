// What a computation read of the tree (the language server's incremental analyses), in a `Reads`:
//  - property values: the live tree's properties are LiveProperty objects whose `chunks` getter records the
//    property in the set being tracked. Reading a value any other way than through `chunks` (spreading the
//    object, Object.keys) would escape the record: don't.
//  - property names: a lookup by name (`getProperty`, tree/types.ts) records the name, found or not; code that
//    walks a node's properties and picks some by their names records the rule it picks by (`noteMatcher`: a
//    binding's names, a prefix), once per walk. Picking properties by name any other way would escape the
//    record: don't.
//  - the numbers of reference cells: a cell written as `&label` is a `RefCell`, whose `value` getter (the phandle dtc
//    numbered its target with) records the cell. A keystroke that makes dtc number the phandles again changes those
//    numbers in many properties whose references keep their targets: what read those properties but none of the
//    numbers (a specifier decoded by its reference's target) is as it was.
//  - phandles: a lookup of a node by a phandle number (`phandleNode`: a raw number in phandle position) records the
//    number, and a lookup of a node's `phandle` property by name records the node: dtc's numbering made again
//    changes the nodes of some numbers and the generated properties of some nodes, and only what looked those up
//    reads otherwise.
//  - node names: whatever makes text of a node's name (`nodeRef`) or tests it records the node (`noteNode`: its name
//    and labels were read); whatever makes its path (`nodePath`) records that (`notePath`: its name and its
//    ancestors'). A node's name span is not recorded: a rename moves the spans that held it (tree/reshape.ts).
// The supplier graph and the checks run tracked; a keystroke that changes the value of a property neither read
// leaves their results as they were, and so does one that renames, adds or removes properties whose names
// (old and new) neither looked up nor picked (analysis.ts, tree/incremental.ts: PatchResult.shape).
import type * as ast from '../syntax/ast';
import type { Cell, Contribution, LabelDef, ResolvedRef, TreeNode, TreeProperty, ValueChunk } from './types';

/** A rule by which a walk over a node's properties picks some by name (a module-level constant: the set stays small). */
export type NameMatcher = (name: string) => boolean;

/**
 * What a computation read: the properties whose values it read (the set), the names it looked up, the rules it picked
 * by, the nodes whose names and whose paths it read.
 */
// (the other sets are made on first use: the cells check keeps one record per property it looks at, thousands per board)
export class Reads extends Set<TreeProperty> {
  names: Set<string> | undefined;
  matchers: Set<NameMatcher> | undefined;
  /** nodes whose name (or labels) was read */
  nodes: Set<TreeNode> | undefined;
  /** nodes whose path was read (their names and their ancestors') */
  paths: Set<TreeNode> | undefined;
  /** reference cells whose number (the phandle of their target) was read */
  refValues: Set<Cell> | undefined;
  /** phandle numbers looked up (phandleNode) */
  phandles: Set<number> | undefined;
  /** nodes whose `phandle` property was looked up by name */
  phandleAt: Set<TreeNode> | undefined;
  /** the supplier graph was read (a check's context: its graph or probe report), not only the tree */
  graph = false;
  /** the probe report was read: made from the whole graph, any edge may change it */
  probe = false;
  addName(n: string): void { (this.names ??= new Set()).add(n); }
  addMatcher(m: NameMatcher): void { (this.matchers ??= new Set()).add(m); }
  addNode(n: TreeNode): void { (this.nodes ??= new Set()).add(n); }
  addPath(n: TreeNode): void { (this.paths ??= new Set()).add(n); }
  addRefValue(c: Cell): void { (this.refValues ??= new Set()).add(c); }
  addPhandle(n: number): void { (this.phandles ??= new Set()).add(n); }
  addPhandleAt(n: TreeNode): void { (this.phandleAt ??= new Set()).add(n); }
}

/** What a patch changed (tree/incremental.ts PatchResult.shape): names, properties, a node renamed or relabelled, numbered cells. */
export interface ShapeChange {
  /** the names that went or came (old and new) */
  names: ReadonlySet<string>;
  /** the properties renamed, removed or given another value (their values may have been read) */
  props: readonly TreeProperty[];
  /** a node renamed (its name and the paths of the nodes below it are other now) or relabelled */
  node?: TreeNode;
  /** reference cells that hold other phandle values (dtc's numbering made again), their targets kept: what read their numbers */
  renumbered?: ReadonlySet<Cell>;
  /** phandle numbers that name another node now, or none, or came (dtc's numbering made again): what looked them up */
  lookups?: ReadonlySet<number>;
  /** nodes whose generated `phandle` property came or went: what looked it up by name */
  phandleAt?: ReadonlySet<TreeNode>;
}

/** the properties a change names, in one set (made once per change: thousands of records are tested against it) */
const changedProps = new WeakMap<ShapeChange, ReadonlySet<TreeProperty>>();

/** Did a computation that read `r` read anything `s` changed (a value of its properties, a name, by lookup or by a rule, a node's name or path)? */
export function readsShape(r: Reads, s: ShapeChange): boolean {
  let q = changedProps.get(s);
  if (!q) {
    q = new Set(s.props);
    changedProps.set(s, q);
  }
  // (from the smaller side: a renumbering can touch thousands of properties and cells, a unit reads a few)
  if (someIn(r, q)) return true;
  if (s.renumbered && s.renumbered.size && r.refValues && someIn(r.refValues, s.renumbered)) return true;
  if (readsLookups(r, s)) return true;
  for (const n of s.names) {
    if (r.names?.has(n)) return true;
    // (a `phandle` property that came or went by name: every lookup of one, on whichever node)
    if (n === 'phandle' && r.phandleAt?.size) return true;
    if (r.matchers) for (const m of r.matchers) if (m(n)) return true;
  }
  if (s.node) {
    if (r.nodes?.has(s.node)) return true;
    if (r.paths) for (const n of r.paths) for (let x: TreeNode | undefined = n; x; x = x.parent) if (x === s.node) return true;
  }
  return false;
}

/**
 * Did a computation that read `r` look up what dtc's numbering made again changed: a phandle number whose node is
 * another now, the `phandle` property of a node whose generated one came or went (or pick by a rule that takes it)?
 */
export function readsLookups(r: Reads, s: ShapeChange): boolean {
  if (s.lookups && s.lookups.size && r.phandles && someIn(r.phandles, s.lookups)) return true;
  if (s.phandleAt && s.phandleAt.size) {
    if (r.phandleAt && someIn(r.phandleAt, s.phandleAt)) return true;
    // (a walk picking by a rule that takes `phandle` saw the properties come or go)
    if (r.matchers) for (const m of r.matchers) if (m('phandle')) return true;
  }
  return false;
}

/** Do the two sets share an element? (from the smaller side) */
function someIn<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size > b.size) [a, b] = [b, a];
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** Everything `from` read, added to `into`. */
export function addReads(into: Reads, from: Reads): void {
  if (into === from) return;
  for (const p of from) into.add(p);
  if (from.names) for (const n of from.names) into.addName(n);
  if (from.matchers) for (const m of from.matchers) into.addMatcher(m);
  if (from.nodes) for (const n of from.nodes) into.addNode(n);
  if (from.paths) for (const n of from.paths) into.addPath(n);
  if (from.refValues) for (const c of from.refValues) into.addRefValue(c);
  if (from.phandles) for (const n of from.phandles) into.addPhandle(n);
  if (from.phandleAt) for (const n of from.phandleAt) into.addPhandleAt(n);
  if (from.graph) into.graph = true;
  if (from.probe) into.probe = true;
}

/** the record the running computation records into (undefined: nothing is tracked) */
let reads: Reads | undefined;

export class LiveProperty implements TreeProperty {
  private value: ValueChunk[];
  constructor(
    public name: string,
    chunks: ValueChunk[],
    public labels: LabelDef[],
    public span: ast.Span,
    public nameSpan: ast.Span,
    public contributions: Contribution[],
    public node: TreeNode,
  ) {
    this.value = chunks;
  }

  get chunks(): ValueChunk[] {
    if (reads !== undefined) reads.add(this);
    return this.value;
  }

  set chunks(c: ValueChunk[]) {
    this.value = c;
  }
}

/**
 * A cell written as a reference (`&label`, `&{/path}`): its `value`, the phandle dtc numbered the target with
 * (0xffffffff while unresolved), is recorded when read (see the header). Set by the merge and by renumbering.
 */
export class RefCell implements Cell {
  private v: bigint;
  constructor(public start: number, public end: number, value: bigint, public ref: ResolvedRef) {
    this.v = value;
  }

  get value(): bigint {
    if (reads !== undefined) reads.addRefValue(this);
    return this.v;
  }

  set value(x: bigint) {
    this.v = x;
  }
}

/** A value of `p` read other than through `chunks` (a supplier edge's argument cells): recorded likewise. */
export function noteRead(p: TreeProperty): void {
  if (reads !== undefined) reads.add(p);
}

/** A lookup of the property `name` (found or not): recorded. */
export function noteName(name: string): void {
  if (reads !== undefined) reads.addName(name);
}

/** The supplier graph (or what is made from it) was read: recorded. */
export function noteGraph(): void {
  if (reads !== undefined) reads.graph = true;
}

/** The probe report (made from the whole graph) was read: recorded. */
export function noteProbe(): void {
  if (reads !== undefined) { reads.graph = true; reads.probe = true; }
}

/** A lookup of a node by the phandle number `n` (found or not): recorded. */
export function notePhandle(n: number): void {
  if (reads !== undefined) reads.addPhandle(n);
}

/** A lookup of the `phandle` property of `n` by name (found or not): recorded. */
export function notePhandleAt(n: TreeNode): void {
  if (reads !== undefined) reads.addPhandleAt(n);
}

/** A walk over a node's properties that picks by the rule `m`: recorded. */
export function noteMatcher(m: NameMatcher): void {
  if (reads !== undefined) reads.addMatcher(m);
}

/** The name of `n` was read, or its labels: recorded. */
export function noteNode(n: TreeNode): void {
  if (reads !== undefined) reads.addNode(n);
}

/** The path of `n` was read (its name and its ancestors'): recorded. */
export function notePath(n: TreeNode): void {
  if (reads !== undefined) reads.addPath(n);
}

/** Everything `from` recorded counts as read by the computation running now (a shared result it uses). */
export function noteReads(from: Reads): void {
  if (reads !== undefined) addReads(reads, from);
}

/** Run `fn`, recording what it reads into `into`. */
export function trackReads<T>(into: Reads, fn: () => T): T {
  const prev = reads;
  reads = into;
  try {
    return fn();
  } finally {
    reads = prev;
  }
}

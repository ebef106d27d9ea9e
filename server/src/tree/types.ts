// The merged live tree, built exactly as dtc builds it (livetree.c). Spans are
// offsets in the preprocessed text; use the SourceMap to reach files.
import type { Diagnostic } from '../base/diagnostics';
import type * as ast from '../syntax/ast';
import { noteName, notePath, notePhandle, notePhandleAt } from './value-reads';

export interface Contribution extends ast.Span {
  /** definition: `name { }` / `/ { }`; extension: `&ref { }`, `&{/path} { }`, or a second `name { }` in the same parent;
   *  deletion: a /delete-node/ or /delete-property/ that removed it (kept on the parent for deleted children) */
  kind: 'definition' | 'extension' | 'deletion';
  /** the name (or reference) span at that contribution, for go-to-definition */
  nameSpan: ast.Span;
}

export interface LabelDef extends ast.Span {
  name: string;
}

/** A 32/64/16/8-bit cell after merge: its value and, for a phandle reference, the target. */
export interface Cell extends ast.Span {
  /** value; for a reference the phandle of the target (0 while unresolved) */
  value: bigint;
  /** present when the cell was written as &ref */
  ref?: ResolvedRef;
}

export interface ResolvedRef {
  ref: ast.Reference;
  /** undefined when unresolved (an 'unresolved-reference' diagnostic is reported, except in overlays) */
  target?: TreeNode;
}

export type ValueChunk =
  | (ast.Span & { kind: 'cells'; bits: 8 | 16 | 32 | 64; cells: Cell[] })
  /** `bytes` (optional, additive): the exact bytes dtc stores, escapes decoded, trailing NUL included; absent when
   *  they are the UTF-8 of `value` and a NUL (a string in plain ASCII) */
  | (ast.Span & { kind: 'string'; value: string; bytes?: Uint8Array })
  | (ast.Span & { kind: 'bytes'; bytes: Uint8Array })
  /** a path reference outside < >: becomes the target's full path + NUL */
  | (ast.Span & { kind: 'pathRef'; ref: ResolvedRef })
  /** /incbin/: bytes read through the FileSystem (empty with a diagnostic on failure) */
  | (ast.Span & { kind: 'incbin'; path: string; bytes: Uint8Array });

export interface TreeProperty {
  name: string;
  /** empty for a boolean property */
  chunks: ValueChunk[];
  labels: LabelDef[];
  /** the defining statement that supplied the current value (the last one wins) */
  span: ast.Span;
  nameSpan: ast.Span;
  /** every statement that set this property, in order (earlier ones were overridden) */
  contributions: Contribution[];
  /** the owning node */
  node: TreeNode;
}

export interface TreeNode {
  /** full name with unit address, e.g. 'iommu@15000000'; '' for the root */
  name: string;
  parent?: TreeNode;
  children: TreeNode[];
  properties: TreeProperty[];
  labels: LabelDef[];
  /** definition and extension sites, in order */
  contributions: Contribution[];
  /** phandle assigned as dtc does (explicit `phandle`/`linux,phandle` value, or generated for referenced nodes) */
  phandle?: number;
  omitIfNoRef: boolean;
}

export interface MemReserve {
  address: bigint;
  size: bigint;
  labels: LabelDef[];
  span: ast.Span;
}

export interface DeletedItem {
  /** full path of the deleted node, or path/property */
  path: string;
  kind: 'node' | 'property';
  /** where it had been defined */
  contributions: Contribution[];
  /** the delete directive */
  deletedBy: ast.Span;
}

export interface LiveTree {
  root: TreeNode;
  memreserves: MemReserve[];
  isPlugin: boolean;
  /** label -> node or property that carries it */
  labels: Map<string, { node: TreeNode; property?: TreeProperty; span: ast.Span }>;
  /** phandle value -> node */
  phandles: Map<number, TreeNode>;
  /** every reference, resolved or not (features and the supplier graph use it) */
  references: ResolvedRef[];
  /** nodes and properties removed by delete directives (for hover / definition on deletes) */
  deleted: DeletedItem[];
  /**
   * The names every `/delete-property/ NAME` and `/delete-node/ NAME` names, whether it removed anything or not (dtc
   * ignores one that finds nothing, and no trace of it is left in `deleted`): an incremental patch that gives a
   * property or node such a name is merged again instead, since the directive may remove it.
   */
  deleteNames: Set<string>;
  /** semantic diagnostics of the merge (file ranges already mapped through the SourceMap) */
  diagnostics: Diagnostic[];
}

export function nodePath(n: TreeNode): string {
  notePath(n);
  if (!n.parent) return '/';
  const parts: string[] = [];
  for (let p: TreeNode | undefined = n; p && p.parent; p = p.parent) parts.push(p.name);
  return '/' + parts.reverse().join('/');
}

/**
 * The node whose phandle is `value` (its low 32 bits), by the tree's table: dtc's numbering, which a keystroke that
 * changes references can make again (tree/patch-util.ts renumberPhandles), so the number looked up is recorded.
 */
export function phandleNode(tree: LiveTree, value: bigint): TreeNode | undefined {
  const k = Number(value & 0xffffffffn);
  notePhandle(k);
  return tree.phandles.get(k);
}

export function getProperty(n: TreeNode, name: string): TreeProperty | undefined {
  // (a node's `phandle` property comes and goes with dtc's numbering, node by node: recorded with its node)
  if (name === 'phandle') notePhandleAt(n);
  else noteName(name);
  // (a loop, not find(): the checks ask this for every edge's ends, and the CLI runs in the interpreter)
  const list = n.properties;
  for (let k = 0; k < list.length; k++) if (list[k].name === name) return list[k];
  return undefined;
}

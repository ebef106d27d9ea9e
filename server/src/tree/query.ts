// Small read-only helpers over a LiveTree (used by the supplier graph, checks and features).
import type * as ast from '../syntax/ast';
import { nodePath, getProperty, type LiveTree, type TreeNode, type TreeProperty } from './types';

/** A node by full path ('/', '/soc/iommu@1000'); components must match full node names, as dtc's get_node_by_path. */
export function findNodeByPath(tree: LiveTree, path: string): TreeNode | undefined {
  return findBelow(tree.root, path);
}

function findBelow(start: TreeNode, path: string): TreeNode | undefined {
  let node = start;
  for (let compIndex = 0, compList = path.split('/'); compIndex < compList.length; compIndex++) {
    const comp = compList[compIndex];
    if (comp === '') continue;
    const next: TreeNode | undefined = node.children.find((c) => c.name === comp);
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/** The node carrying label `name` (labels on properties or inside values are not node labels). */
export function resolveLabel(tree: LiveTree, name: string): TreeNode | undefined {
  const e = tree.labels.get(name);
  if (e && !e.property) return e.node;
  if (!e) return undefined;
  // a property label was found first in the map: look for a node label anyway
  const stack: TreeNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop() as TreeNode;
    if (n.labels.some((l) => l.name === name)) return n;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return undefined;
}

/** A reference as dtc resolves it: 'label', 'label/sub/path', '/full/path' or '/'. */
export function resolveReference(tree: LiveTree, ref: string | ast.Reference): TreeNode | undefined {
  const s = typeof ref === 'string' ? ref : ref.kind === 'labelRef' ? ref.name : ref.path;
  if (s === '/') return tree.root;
  if (s.startsWith('/')) return findNodeByPath(tree, s);
  const slash = s.indexOf('/');
  const label = slash >= 0 ? s.slice(0, slash) : s;
  const n = resolveLabel(tree, label);
  if (!n) return undefined;
  return slash >= 0 ? findBelow(n, s.slice(slash + 1)) : n;
}

/**
 * of_device_is_available: no status property, or a status whose string is "okay" or "ok". A status
 * that is present but is not such a string (e.g. `status = <1>`) is not available, as in the kernel.
 */
export function isEnabled(node: TreeNode): boolean {
  const p = getProperty(node, 'status');
  if (!p) return true;
  const first = p.chunks[0];
  const s = first && first.kind === 'string' ? first.value : '';
  return s === 'okay' || s === 'ok';
}

export interface U32Cell {
  value: number;
  /** span of the cell in the preprocessed text */
  start: number;
  end: number;
  /** the target node when the cell was written as a phandle reference */
  target?: TreeNode;
  /** true when the cell was written as a reference (resolved or not) */
  isRef: boolean;
}

/**
 * The property as a list of 32-bit cells with their spans. Returns undefined when
 * the value is not made of 32-bit cells only (strings, bytes, /bits/ 8/16/64 arrays).
 */
export function cellsAsU32(prop: TreeProperty): U32Cell[] | undefined {
  const out: U32Cell[] = [];
  for (let cIndex = 0, cList = prop.chunks; cIndex < cList.length; cIndex++) {
    const c = cList[cIndex];
    if (c.kind !== 'cells' || c.bits !== 32) return undefined;
    for (let cellIndex = 0, cellList = c.cells; cellIndex < cellList.length; cellIndex++) {
      const cell = cellList[cellIndex];
      out.push({ value: Number(cell.value & 0xffffffffn), start: cell.start, end: cell.end, target: cell.ref?.target, isRef: cell.ref !== undefined });
    }
  }
  return out;
}

/** All strings of a property (a string list), or undefined when it holds anything else. */
export function getPropertyStrings(prop: TreeProperty): string[] | undefined {
  const out: string[] = [];
  for (let cIndex = 0, cList = prop.chunks; cIndex < cList.length; cIndex++) {
    const c = cList[cIndex];
    if (c.kind === 'string') {
      out.push(...c.value.split('\0'));
    } else if (c.kind === 'pathRef') {
      if (!c.ref.target) return undefined;
      out.push(nodePath(c.ref.target));
    } else return undefined;
  }
  return out;
}

/** The first string of property `name` of a node, undefined when absent or not a string. */
export function getPropertyString(node: TreeNode, name: string): string | undefined {
  const p = getProperty(node, name);
  if (!p) return undefined;
  const s = getPropertyStrings(p);
  return s && s.length ? s[0] : undefined;
}

/** The compatible strings of a node, most specific first ([] when absent; non-string parts are ignored). */
export function getCompatibles(node: TreeNode): string[] {
  const p = getProperty(node, 'compatible');
  if (!p) return [];
  const out: string[] = [];
  for (let cIndex = 0, cList = p.chunks; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; if (c.kind === 'string') out.push(...c.value.split('\0')); }
  return out;
}

/** `&label` when the node has a label, its full path otherwise (for messages). */
export function nodeLabelOrPath(node: TreeNode): string {
  return node.labels.length ? '&' + node.labels[0].name : nodePath(node);
}

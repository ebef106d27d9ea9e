// Small queries over the live tree used by the model and the checks.
import type { Cell, TreeNode, TreeProperty } from '../tree/types';
import { getCompatibles, isEnabled } from '../tree/query';
import { getProperty, nodePath } from '../tree/types';
import { noteMatcher, noteNode, type NameMatcher } from '../tree/value-reads';

/** 32-bit cells of a property, in order; undefined when the value holds anything but 32-bit < > chunks. */
export function propCells(p: TreeProperty): Cell[] | undefined {
  if (p.chunks.length === 1) {
    const c = p.chunks[0];
    return c.kind === 'cells' && c.bits === 32 ? c.cells : undefined;
  }
  const out: Cell[] = [];
  for (let cIndex = 0, cList = p.chunks; cIndex < cList.length; cIndex++) {
    const c = cList[cIndex];
    if (c.kind !== 'cells' || c.bits !== 32) return undefined;
    for (let xIndex = 0, xList = c.cells; xIndex < xList.length; xIndex++) { const x = xList[xIndex]; out.push(x); }
  }
  return out;
}

/** of_property_read_u32: the first cell of a property of at least 4 bytes. */
export function readU32(n: TreeNode, name: string): number | undefined {
  const p = getProperty(n, name);
  if (!p) return undefined;
  const cells = propCells(p);
  if (!cells || cells.length === 0) return undefined;
  return Number(cells[0].value & 0xffffffffn);
}

/** The strings of a string-list property ([] when absent or not strings). */
export function propStrings(n: TreeNode, name: string): string[] {
  const p = getProperty(n, name);
  if (!p) return [];
  const out: string[] = [];
  for (let cIndex = 0, cList = p.chunks; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; if (c.kind === 'string') out.push(c.value); }
  return out;
}

export { getCompatibles as compatibles, isEnabled as isAvailable };

/** The node and every ancestor are available (the node can become a device). */
export function isEnabledInTree(n: TreeNode): boolean {
  for (let p: TreeNode | undefined = n; p; p = p.parent) if (!isEnabled(p)) return false;
  return true;
}

/** The nearest disabled strict ancestor, if any. */
export function disabledAncestor(n: TreeNode): TreeNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (!isEnabled(p)) return p;
  return undefined;
}

export function isAncestorOrSelf(ancestor: TreeNode, n: TreeNode): boolean {
  for (let p: TreeNode | undefined = n; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

/**
 * How a diagnostic message names a node (docs/message-style.md): its first label as `&smmu`, else its
 * name (`iommu@15000000`), else, for a name without unit address below the root, `parent/name`. Never
 * the full path: the diagnostic's range and related locations say where the node is.
 */
export function nodeRef(n: TreeNode): string {
  noteNode(n);
  if (n.labels.length) return `&${n.labels[0].name}`;
  if (!n.parent) return '/';
  if (n.name.includes('@') || !n.parent.parent) return n.name;
  noteNode(n.parent);
  return `${n.parent.labels.length ? `&${n.parent.labels[0].name}` : n.parent.name}/${n.name}`;
}

/** `/soc/iommu@15000000 (&smmu)` (for hovers and reports that need the full path; messages use nodeRef) */
export function describeNode(n: TreeNode): string {
  const path = nodePath(n);
  return n.labels.length ? `${path} (&${n.labels[0].name})` : path;
}

/** Span of a node's name at its first contribution (definition), for ranges and related locations. */
export function nodeNameSpan(n: TreeNode): { start: number; end: number } | undefined {
  const c = n.contributions.find((x) => x.kind === 'definition') ?? n.contributions[0];
  return c ? c.nameSpan : undefined;
}

/** 0x-prefixed hexadecimal (a negative value as -0x…): the one formatting of numbers in messages and hovers. */
export function hex(v: bigint | number): string {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return b < 0n ? '-0x' + (-b).toString(16) : '0x' + b.toString(16);
}

/** The rule of the `regulator-*` properties (regulator-name, regulator-always-on, ...). */
const regulatorProperty: NameMatcher = (name) => name.startsWith('regulator-');

/** Has the node a `regulator-*` property? */
export function hasRegulatorProperty(n: TreeNode): boolean {
  noteMatcher(regulatorProperty);
  const list = n.properties;
  for (let k = 0; k < list.length; k++) if (regulatorProperty(list[k].name)) return true;
  return false;
}

/**
 * The node's own phandle property (`phandle = <0x8000>` as written, as decompiled and generated trees do),
 * not the one the merge adds to a node that references name (dtc numbers those; its cells are empty spans).
 */
export function explicitPhandleProperty(n: TreeNode): TreeProperty | undefined {
  for (const name of ['phandle', 'linux,phandle']) {
    const p = getProperty(n, name);
    const c = p?.chunks[0];
    if (p && c && c.end > c.start) return p;
  }
  return undefined;
}

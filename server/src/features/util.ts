// Small helpers shared by the editor features: reading tree values, formatting.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import { basename } from '../base/paths';
import type { Cell, TreeNode, TreeProperty } from '../tree/types';
import { getProperty, nodePath } from '../tree/types';

export { nodePath, getProperty };
export { getCompatibles as compatibles, isEnabled } from '../tree/query';

export function propStrings(p: TreeProperty | undefined): string[] {
  if (!p) return [];
  const out: string[] = [];
  for (const c of p.chunks) if (c.kind === 'string') out.push(c.value);
  return out;
}

export function propCells(p: TreeProperty | undefined): Cell[] {
  if (!p) return [];
  const out: Cell[] = [];
  for (const c of p.chunks) if (c.kind === 'cells') out.push(...c.cells);
  return out;
}

/** The single 32-bit value of a one-cell property, e.g. #iommu-cells. */
export function propU32(p: TreeProperty | undefined): number | undefined {
  const cells = propCells(p);
  if (cells.length !== 1) return undefined;
  return Number(cells[0].value);
}


/** dtc/Linux: a node without status, or with "okay"/"ok", is enabled. */
export function statusOf(n: TreeNode): string {
  const s = propStrings(getProperty(n, 'status'));
  return s.length ? s[0] : 'okay';
}

/** `#xxx-cells` properties of a node with their values. */
export function cellsProperties(n: TreeNode): Array<{ name: string; value: number | undefined }> {
  const out: Array<{ name: string; value: number | undefined }> = [];
  for (const p of n.properties) {
    if (p.name.startsWith('#') && p.name.endsWith('-cells')) out.push({ name: p.name, value: propU32(p) });
  }
  return out;
}

export { hex } from '../model/tree-util';

/** "soc.dtsi:12" (1-based line) for a file range. */
export function whereText(a: Analysis, r: FileRange): string {
  const li = a.lineIndex(r.file);
  const line = li ? li.positionAt(r.start).line + 1 : 0;
  return `${basename(r.file)}:${line}`;
}

/** First label or the node name, for display. */
export function displayName(n: TreeNode): string {
  if (n.labels.length) return n.labels[0].name;
  return n.parent ? n.name : '/';
}

export function mdEscape(s: string): string {
  return s.replace(/[\\`*_{}[\]<>|]/g, (c) => '\\' + c);
}

export const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

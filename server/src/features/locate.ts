// Shared locator of the editor features: for an output offset (or a file offset),
// the innermost AST item under it with its tree / graph counterparts.
//
// The index (feature-index.ts) has the AST's items sorted by start, outer before
// inner (their spans nest); so the innermost item that contains offset o is found
// by a binary search for the last item starting at or before o, then walking up
// its parents until one contains o: O(log n + depth).
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type { SupplierEdge } from '../model/types';
import type { IncludeDirective, MacroUse } from '../preprocess/types';
import type * as ast from '../syntax/ast';
import type { DeletedItem, ResolvedRef, TreeNode, TreeProperty } from '../tree/types';
import { getIndex, type FeatureIndex, type Item, type ItemKind } from './feature-index';

export { getIndex, type FeatureIndex, type Item, type ItemKind } from './feature-index';


// ---- lookups --------------------------------------------------------------------

/** Index of the innermost item containing output offset o (start <= o < end), or -1. */
export function innermostAt(idx: FeatureIndex, o: number): number {
  const items = idx.items;
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start <= o) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  let guard = 0;
  for (let i = found; i >= 0 && guard < 4096; i = items[i].parent, guard++) {
    const it = items[i];
    if (it.start <= o && o < it.end) return i;
  }
  return -1;
}

/** The chain of item indexes from i up to the top-level statement. */
export function chainOf(idx: FeatureIndex, i: number): number[] {
  const out: number[] = [];
  let guard = 0;
  for (; i >= 0 && guard < 4096; i = idx.items[i].parent, guard++) out.push(i);
  return out;
}

export function macroAtFile(idx: FeatureIndex, file: string, offset: number): MacroUse | undefined {
  const l = idx.macrosByFile.get(file);
  if (!l) return undefined;
  let lo = 0;
  let hi = l.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (l[mid].range.start <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (found >= 0 && offset < l[found].range.end) return l[found];
  return undefined;
}

export function includeAtFile(idx: FeatureIndex, file: string, offset: number): IncludeDirective | undefined {
  const l = idx.includesByFile.get(file);
  if (!l) return undefined;
  for (const inc of l) {
    if (inc.range.start <= offset && offset <= inc.range.end) return inc;
    if (inc.range.start > offset) break;
  }
  return undefined;
}

/** What the cursor is on, resolved against the tree and the graph. */
export interface Located {
  /** innermost item kind; 'macro' and 'include' come from the preprocessor */
  kind: ItemKind | 'macro' | 'include';
  /** output span of the innermost item (undefined for 'macro'/'include') */
  start: number;
  end: number;
  /** the user-visible range of the item */
  range: FileRange;
  /** index of the innermost item (-1 for macro/include without AST item) */
  item: number;
  /** the node the item names or refers to (reference target, labelled node, named node) */
  node?: TreeNode;
  /** the property the item names or lies in */
  property?: TreeProperty;
  /** the node whose body encloses the item */
  enclosingNode?: TreeNode;
  ref?: ResolvedRef;
  label?: ast.Label;
  /** the supplier edge whose specifier contains the item */
  edge?: SupplierEdge;
  /** for a cell inside a specifier: 0 = the phandle, 1.. = argument cells */
  cellInSpecifier?: number;
  macro?: MacroUse;
  include?: IncludeDirective;
  deleted?: DeletedItem;
}

/** Node of an AST statement/NodeDef item. */
export function nodeOfItem(idx: FeatureIndex, it: Item): TreeNode | undefined {
  const d = it.data as ast.NodeDef | ast.RefNodeStatement | ast.RootNodeStatement;
  if (it.kind === 'node') return idx.nodeAt.get((d as ast.NodeDef).nameSpan.start) ?? idx.nodeAt.get(d.start);
  if (it.kind === 'refNode') return idx.nodeAt.get((d as ast.RefNodeStatement).ref.start) ?? idx.nodeAt.get(d.start) ?? idx.refAt.get((d as ast.RefNodeStatement).ref.start)?.target;
  if (it.kind === 'rootNode') return idx.nodeAt.get(d.start);
  return undefined;
}

function isNodeItem(k: ItemKind): boolean { return k === 'node' || k === 'refNode' || k === 'rootNode'; }

/** Resolve output offset o. */
export function locateOutput(a: Analysis, o: number): Located | undefined {
  const idx = getIndex(a);
  const i = innermostAt(idx, o);
  if (i < 0) return undefined;
  return describe(a, idx, i);
}

export function describe(a: Analysis, idx: FeatureIndex, i: number): Located {
  const it = idx.items[i];
  const loc: Located = { kind: it.kind, start: it.start, end: it.end, range: a.pp.map.toFileRange(it.start, it.end), item: i };
  const chain = chainOf(idx, i);
  // enclosing node and property
  for (const j of chain) {
    const c = idx.items[j];
    if (j !== i && isNodeItem(c.kind)) {
      loc.enclosingNode = nodeOfItem(idx, c);
      if (loc.enclosingNode) break;
    }
    if (c.kind === 'property' && !loc.property) {
      const p = c.data as ast.PropertyDef;
      loc.property = idx.propertyAt.get(p.nameSpan.start) ?? idx.propertyAt.get(p.start);
      if (!loc.property) loc.deleted = idx.deletedAt.get(p.nameSpan.start);
    }
  }
  switch (it.kind) {
    case 'reference': {
      const r = it.data as ast.Reference;
      loc.ref = idx.refAt.get(r.start);
      loc.node = loc.ref?.target;
      const parent = it.parent >= 0 ? idx.items[it.parent] : undefined;
      if (parent?.kind === 'refNode' && !loc.node) loc.node = nodeOfItem(idx, parent);
      break;
    }
    case 'label': {
      const l = it.data as ast.Label;
      loc.label = l;
      loc.range = a.pp.map.toFileRange(it.start, labelEnd(a, it));
      const ent = a.tree.labels.get(l.name);
      const parent = it.parent >= 0 ? idx.items[it.parent] : undefined;
      if (parent && isNodeItem(parent.kind)) loc.node = nodeOfItem(idx, parent) ?? ent?.node;
      else loc.node = ent?.node;
      if (parent?.kind === 'property' && ent?.property) loc.property = ent.property;
      break;
    }
    case 'nodeName': {
      const parent = idx.items[it.parent];
      if (parent.kind === 'node') {
        loc.node = nodeOfItem(idx, parent);
        if (!loc.node) loc.deleted = idx.deletedAt.get((parent.data as ast.NodeDef).nameSpan.start);
      } else if (parent.kind === 'deleteNode') {
        const d = parent.data as ast.DeleteNodeDef;
        const owner = loc.enclosingNode;
        loc.deleted = a.tree.deleted.find((x) => x.deletedBy.start === d.start);
        if (!loc.deleted && owner && d.name) loc.node = owner.children.find((c) => c.name === d.name);
      }
      break;
    }
    case 'node': case 'refNode': case 'rootNode':
      loc.node = nodeOfItem(idx, it);
      break;
    default:
      break;
  }
  if (!loc.node && loc.label === undefined && (it.kind === 'propertyName' || it.kind === 'property')) {
    // property name: node is the owner
    loc.node = loc.property?.node;
  }
  // specifier edge
  if (loc.property) {
    const edges = idx.edgesByProperty.get(loc.property);
    if (edges) {
      for (const e of edges) {
        if (e.span.start <= it.start && it.end <= e.span.end && it.kind !== 'propertyName' && it.kind !== 'property') {
          loc.edge = e;
          if (it.kind === 'reference' || (e.refSpan.start <= it.start && it.end <= e.refSpan.end)) loc.cellInSpecifier = 0;
          else {
            const k = e.args.findIndex((c) => c.start <= it.start && it.end <= c.end);
            if (k >= 0) loc.cellInSpecifier = k + 1;
          }
          break;
        }
      }
    }
  }
  return loc;
}

/**
 * Resolve a file offset: macro uses and include directives first (they are not
 * in the AST), then the AST items under every output copy of that offset. When
 * nothing is under the offset, the character before it is tried (a cursor just
 * after a word).
 */
export function locate(a: Analysis, file: string, offset: number): Located | undefined {
  const r = locateExact(a, file, offset);
  if ((r && isLeaf(r.kind)) || offset === 0) return r;
  const r2 = locateExact(a, file, offset - 1);
  if (r2 && isLeaf(r2.kind)) return r2;
  return r ?? r2;
}

const LEAF_KINDS = new Set<Located['kind']>(['reference', 'label', 'nodeName', 'propertyName', 'cell', 'string', 'byte', 'macro', 'include']);
function isLeaf(k: Located['kind']): boolean {
  return LEAF_KINDS.has(k);
}

function locateExact(a: Analysis, file: string, offset: number): Located | undefined {
  const idx = getIndex(a);
  const inc = includeAtFile(idx, file, offset);
  if (inc) {
    return { kind: 'include', start: -1, end: -1, range: inc.range, item: -1, include: inc };
  }
  const outs = a.pp.map.fromFile(file, offset);
  let best: Located | undefined;
  for (const o of outs) {
    const l = locateOutput(a, o);
    if (!l) continue;
    if (l.range.file !== file || l.range.start > offset || l.range.end < offset) {
      // the item came out of a macro expansion elsewhere; keep only as fallback
      if (!best) best = l;
      continue;
    }
    best = l;
    break;
  }
  const macro = macroAtFile(idx, file, offset);
  if (macro) {
    // A macro use wins over AST items produced by its expansion, but carries their context.
    const m: Located = best ? { ...best } : { kind: 'macro', start: -1, end: -1, range: macro.range, item: -1 };
    m.kind = 'macro';
    m.macro = macro;
    m.range = macro.range;
    if (!best) {
      // find the AST items of the expansion through the output text
      const o2 = a.pp.map.fromFile(file, macro.range.start);
      for (const o of o2) {
        const l = locateOutput(a, o);
        if (l) {
          const keep = { ...l, kind: 'macro' as const, macro, range: macro.range };
          return keep;
        }
      }
    }
    return m;
  }
  return best;
}

/** End of a label's name: the span may include the ':' of a definition. */
export function labelEnd(a: Analysis, s: { start: number; end: number }): number {
  return s.end > s.start + 1 && a.pp.text.charCodeAt(s.end - 1) === 58 ? s.end - 1 : s.end;
}

/** Range of a tree node's first definition name (falls back to its first contribution). */
export function nodeNameRange(a: Analysis, n: TreeNode): FileRange | undefined {
  const c = n.contributions.find((x) => x.kind === 'definition') ?? n.contributions[0];
  if (!c) return undefined;
  return a.pp.map.toFileRange(c.nameSpan.start, c.nameSpan.end);
}

export function nodeFullRange(a: Analysis, n: TreeNode): FileRange | undefined {
  const c = n.contributions.find((x) => x.kind === 'definition') ?? n.contributions[0];
  if (!c) return undefined;
  return a.pp.map.toFileRange(c.start, c.end);
}

/** Find a node by full path ('/soc@0/iommu@15000000'); also accepts a label. */
export function findNode(a: Analysis, pathOrLabel: string): TreeNode | undefined {
  if (!pathOrLabel.startsWith('/')) {
    const slash = pathOrLabel.indexOf('/');
    const label = slash < 0 ? pathOrLabel : pathOrLabel.slice(0, slash);
    const base = a.tree.labels.get(label)?.node;
    if (!base || slash < 0) return base;
    return walkPath(base, pathOrLabel.slice(slash + 1));
  }
  return walkPath(a.tree.root, pathOrLabel.slice(1));
}

function walkPath(base: TreeNode, rel: string): TreeNode | undefined {
  let n: TreeNode | undefined = base;
  for (const part of rel.split('/')) {
    if (!part) continue;
    if (!n) return undefined;
    const exact: TreeNode | undefined = n.children.find((c) => c.name === part);
    n = exact ?? (part.includes('@') ? undefined : n.children.find((c) => c.name.split('@')[0] === part));
  }
  return n;
}

/** Dedupe ranges (a file included twice yields the same range twice). */
export function uniqRanges<T extends FileRange>(rs: T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const r of rs) {
    const k = `${r.file}\0${r.start}\0${r.end}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(r);
  }
  return out;
}

// The features' index of one analysis: every AST item (labels, references, names, values...) in one array, sorted by
// start, with its parent item, and maps by position of the tree's nodes, properties, references, deletions, edges,
// macro uses and includes (features/locate.ts looks positions up in it).
//
// The index is built once per Analysis (cached in a WeakMap) by a pre-order walk of the AST. AST spans nest (they
// form a laminar family) and a pre-order walk emits them sorted by start, outer before inner. The maps are made on
// first use (LazyIndex).
import type { Analysis } from '../analysis';
import type { SupplierEdge } from '../model/types';
import type { IncludeDirective, MacroUse } from '../preprocess/types';
import type * as ast from '../syntax/ast';
import type { DeletedItem, ResolvedRef, TreeNode, TreeProperty } from '../tree/types';

export type ItemKind =
  | 'rootNode' | 'refNode' | 'node' | 'nodeName' | 'label'
  | 'property' | 'propertyName' | 'deleteProperty' | 'deleteNode' | 'deleteNodeRef' | 'omitIfNoRef'
  | 'memreserve' | 'valuePart' | 'cells' | 'string' | 'bytes' | 'pathValue' | 'incbin'
  | 'cell' | 'reference' | 'byte' | 'error' | 'other';

export interface Item {
  kind: ItemKind;
  start: number;
  end: number;
  /** index of the enclosing item, -1 for top-level statements */
  parent: number;
  /** the AST object (NodeDef, PropertyDef, Label, Reference, CellItem, ...) */
  data: unknown;
}

export interface FeatureIndex {
  items: Item[];
  /** TreeNode by the output start of any of its contributions (statement start and name start) */
  nodeAt: Map<number, TreeNode>;
  /** TreeProperty by the output start of any of its contributions */
  propertyAt: Map<number, TreeProperty>;
  /** deleted nodes/properties by the output start of their contributions */
  deletedAt: Map<number, DeletedItem>;
  /** resolved references by the output start of the reference */
  refAt: Map<number, ResolvedRef>;
  /** references grouped by target node */
  refsByTarget: Map<TreeNode, ResolvedRef[]>;
  /** supplier edges of each consumer property */
  edgesByProperty: Map<TreeProperty, SupplierEdge[]>;
  /** every node of the live tree, pre-order */
  allNodes: TreeNode[];
  /** macro uses and include directives per file, sorted by start */
  macrosByFile: Map<string, MacroUse[]>;
  includesByFile: Map<string, IncludeDirective[]>;
}

const cache = new WeakMap<Analysis, FeatureIndex>();

export function getIndex(a: Analysis): FeatureIndex {
  let idx = cache.get(a);
  if (!idx) {
    idx = buildIndex(a);
    cache.set(a, idx);
  }
  return idx;
}

export function buildIndex(a: Analysis): FeatureIndex {
  const items: Item[] = [];
  const push = (kind: ItemKind, span: ast.Span, parent: number, data: unknown): number => {
    items.push({ kind, start: span.start, end: span.end, parent, data });
    return items.length - 1;
  };

  const walkRef = (ref: ast.Reference, parent: number): void => { push('reference', ref, parent, ref); };
  const walkLabels = (labels: ast.Label[] | undefined, parent: number): void => {
    if (labels) for (const l of labels) push('label', l, parent, l);
  };
  const walkValue = (parts: ast.PropertyValuePart[], parent: number): void => {
    for (const part of parts) {
      const pi = push('valuePart', part, parent, part);
      walkLabels(part.labelsBefore, pi);
      const c = part.component;
      switch (c.kind) {
        case 'cells': {
          const ci = push('cells', c, pi, c);
          for (const it of c.items) {
            if (it.kind === 'ref') {
              walkRef(it.ref, ci);
            } else if (it.kind === 'label') {
              push('label', it, ci, it);
            } else {
              push('cell', it, ci, it); // numbers inside are reached through the cell's expr
            }
          }
          break;
        }
        case 'string': push('string', c, pi, c); break;
        case 'bytes': {
          const bi = push('bytes', c, pi, c);
          for (const it of c.items) push(it.kind === 'label' ? 'label' : 'byte', it, bi, it);
          break;
        }
        case 'pathValue': {
          const vi = push('pathValue', c, pi, c);
          walkRef(c.ref, vi);
          break;
        }
        case 'incbin': push('incbin', c, pi, c); break;
      }
      walkLabels(part.labelsAfter, pi);
    }
  };
  const walkBody = (body: ast.NodeBody, parent: number, depth: number): void => {
    if (depth > 512) return;
    for (const it of body.items) {
      switch (it.kind) {
        case 'property': {
          const i = push('property', it, parent, it);
          walkLabels(it.labels, i);
          push('propertyName', it.nameSpan, i, it);
          if (it.value) walkValue(it.value, i);
          break;
        }
        case 'node': {
          const i = push('node', it, parent, it);
          walkLabels(it.labels, i);
          push('nodeName', it.nameSpan, i, it);
          walkBody(it.body, i, depth + 1);
          break;
        }
        case 'deleteProperty': {
          const i = push('deleteProperty', it, parent, it);
          push('propertyName', it.nameSpan, i, it);
          break;
        }
        case 'deleteNode': {
          const i = push('deleteNode', it, parent, it);
          if (it.nameSpan) push('nodeName', it.nameSpan, i, it);
          if (it.ref) walkRef(it.ref, i);
          break;
        }
        case 'error': push('error', it, parent, it); break;
      }
    }
  };

  for (const st of a.ast.statements) {
    switch (st.kind) {
      case 'rootNode': {
        const i = push('rootNode', st, -1, st);
        walkLabels(st.labels, i);
        walkBody(st.body, i, 0);
        break;
      }
      case 'refNode': {
        const i = push('refNode', st, -1, st);
        walkLabels(st.labels, i);
        walkRef(st.ref, i);
        walkBody(st.body, i, 0);
        break;
      }
      case 'deleteNodeRef': {
        const i = push('deleteNodeRef', st, -1, st);
        walkRef(st.ref, i);
        break;
      }
      case 'omitIfNoRef': {
        const i = push('omitIfNoRef', st, -1, st);
        walkRef(st.ref, i);
        break;
      }
      case 'memreserve': {
        const i = push('memreserve', st, -1, st);
        walkLabels(st.labels, i);
        break;
      }
      case 'error': push('error', st, -1, st); break;
      default: push('other', st, -1, st);
    }
  }
  // A pre-order walk of well-nested spans is sorted already; guard against a
  // misbehaving producer (e.g. labels recorded after the name) by checking.
  let sorted = true;
  for (let i = 1; i < items.length; i++) {
    if (items[i].start < items[i - 1].start) { sorted = false; break; }
  }
  if (!sorted) fixOrder(items);

  return new LazyIndex(a, items);
}

/**
 * The index's maps, each made on first use: a request reads a few of them, and the index is made again for each
 * analysis (each keystroke's), so what no request reads is not built (nor collected: the young generation copies
 * what survives, and an index survives until its analysis is replaced).
 */
class LazyIndex implements FeatureIndex {
  private tree?: { nodeAt: Map<number, TreeNode>; propertyAt: Map<number, TreeProperty>; allNodes: TreeNode[] };
  private refs?: { refAt: Map<number, ResolvedRef>; refsByTarget: Map<TreeNode, ResolvedRef[]> };
  private deleted?: Map<number, DeletedItem>;
  private edges?: Map<TreeProperty, SupplierEdge[]>;
  private macros?: Map<string, MacroUse[]>;
  private includes?: Map<string, IncludeDirective[]>;

  constructor(private readonly a: Analysis, readonly items: Item[]) {}

  get nodeAt(): Map<number, TreeNode> { return (this.tree ??= treeMaps(this.a)).nodeAt; }
  get propertyAt(): Map<number, TreeProperty> { return (this.tree ??= treeMaps(this.a)).propertyAt; }
  get allNodes(): TreeNode[] { return (this.tree ??= treeMaps(this.a)).allNodes; }
  get refAt(): Map<number, ResolvedRef> { return (this.refs ??= refMaps(this.a)).refAt; }
  get refsByTarget(): Map<TreeNode, ResolvedRef[]> { return (this.refs ??= refMaps(this.a)).refsByTarget; }
  get deletedAt(): Map<number, DeletedItem> { return (this.deleted ??= deletedMap(this.a)); }
  get edgesByProperty(): Map<TreeProperty, SupplierEdge[]> { return (this.edges ??= edgeMap(this.a)); }
  get macrosByFile(): Map<string, MacroUse[]> { return (this.macros ??= macroMap(this.a)); }
  get includesByFile(): Map<string, IncludeDirective[]> { return (this.includes ??= includeMap(this.a)); }
}

/** Nodes and properties by the output start of each contribution, and every node in pre-order. */
function treeMaps(a: Analysis): { nodeAt: Map<number, TreeNode>; propertyAt: Map<number, TreeProperty>; allNodes: TreeNode[] } {
  const nodeAt = new Map<number, TreeNode>();
  const propertyAt = new Map<number, TreeProperty>();
  const allNodes: TreeNode[] = [];
  const stack: Array<{ n: TreeNode; d: number }> = [{ n: a.tree.root, d: 0 }];
  while (stack.length) {
    const { n, d } = stack.pop()!;
    allNodes.push(n);
    for (const c of n.contributions) {
      if (c.kind === 'deletion') continue;
      nodeAt.set(c.nameSpan.start, n);
      if (!nodeAt.has(c.start)) nodeAt.set(c.start, n);
    }
    for (const p of n.properties) {
      for (const c of p.contributions) {
        if (c.kind === 'deletion') continue;
        propertyAt.set(c.nameSpan.start, p);
        if (!propertyAt.has(c.start)) propertyAt.set(c.start, p);
      }
      propertyAt.set(p.nameSpan.start, p);
    }
    if (d < 1000) for (let i = n.children.length - 1; i >= 0; i--) stack.push({ n: n.children[i], d: d + 1 });
  }
  return { nodeAt, propertyAt, allNodes };
}

function deletedMap(a: Analysis): Map<number, DeletedItem> {
  const deletedAt = new Map<number, DeletedItem>();
  for (const d of a.tree.deleted) {
    for (const c of d.contributions) {
      if (!deletedAt.has(c.nameSpan.start)) deletedAt.set(c.nameSpan.start, d);
      if (!deletedAt.has(c.start)) deletedAt.set(c.start, d);
    }
  }
  return deletedAt;
}

function refMaps(a: Analysis): { refAt: Map<number, ResolvedRef>; refsByTarget: Map<TreeNode, ResolvedRef[]> } {
  const refAt = new Map<number, ResolvedRef>();
  const refsByTarget = new Map<TreeNode, ResolvedRef[]>();
  for (const r of a.tree.references) {
    refAt.set(r.ref.start, r);
    if (r.target) {
      let l = refsByTarget.get(r.target);
      if (!l) refsByTarget.set(r.target, (l = []));
      l.push(r);
    }
  }
  return { refAt, refsByTarget };
}

function edgeMap(a: Analysis): Map<TreeProperty, SupplierEdge[]> {
  const edgesByProperty = new Map<TreeProperty, SupplierEdge[]>();
  for (const e of a.graph.edges) {
    if (!e.property) continue;
    let l = edgesByProperty.get(e.property);
    if (!l) edgesByProperty.set(e.property, (l = []));
    l.push(e);
  }
  return edgesByProperty;
}

function macroMap(a: Analysis): Map<string, MacroUse[]> {
  const macrosByFile = new Map<string, MacroUse[]>();
  for (const m of a.pp.macroUses) {
    let l = macrosByFile.get(m.range.file);
    if (!l) macrosByFile.set(m.range.file, (l = []));
    l.push(m);
  }
  for (const l of macrosByFile.values()) l.sort((x, y) => x.range.start - y.range.start);
  return macrosByFile;
}

function includeMap(a: Analysis): Map<string, IncludeDirective[]> {
  const includesByFile = new Map<string, IncludeDirective[]>();
  for (const inc of a.pp.includes) {
    let l = includesByFile.get(inc.file);
    if (!l) includesByFile.set(inc.file, (l = []));
    l.push(inc);
  }
  for (const l of includesByFile.values()) l.sort((x, y) => x.range.start - y.range.start);
  return includesByFile;
}

/** Re-sort items by (start asc, end desc) and recompute parents with a stack. */
function fixOrder(items: Item[]): void {
  const order = items.map((_, i) => i).sort((x, y) => items[x].start - items[y].start || items[y].end - items[x].end || x - y);
  const copy = order.map((i) => ({ ...items[i] }));
  const st: number[] = [];
  for (let i = 0; i < copy.length; i++) {
    while (st.length && copy[st[st.length - 1]].end <= copy[i].start && copy[st[st.length - 1]].end !== copy[i].end) st.pop();
    while (st.length && copy[st[st.length - 1]].end < copy[i].end) st.pop();
    copy[i].parent = st.length ? st[st.length - 1] : -1;
    st.push(i);
  }
  for (let i = 0; i < copy.length; i++) items[i] = copy[i];
}

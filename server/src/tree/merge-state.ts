// The merge's state, shared by its phases (build.ts, dtc-checks.ts, to-live.ts): diagnostics, the
// working tree's root and indexes, and the livetree.c accessors (lookup by label, path and reference,
// deletion) the phases all use.
import { defaultSeverity, type Diagnostic, type PositionedDiagnostic, type RelatedInformation } from '../base/diagnostics';
import type { FileSystem } from '../base/fs';
import type { SourceMap } from '../preprocess/types';
import type * as ast from '../syntax/ast';
import { evalExpr } from './eval';
import type { DeletedItem, LabelDef, LiveTree, MemReserve, ResolvedRef, ValueChunk } from './types';
import { chunkBytes, DLabel, DNode, own, ownContributions, span, type DProp, type Span } from './dnodes';

/** Nodes deeper than this are not built (a 'resource-limit' diagnostic is reported). */
export const MAX_NODE_DEPTH = 256;

export interface BuildTreeContext {
  map: SourceMap;
  fs: FileSystem;
  /** the root file of the analysis (absolute path) */
  root: string;
  /** for overlays: the base tree whose labels unresolved references are resolved against */
  base?: LiveTree;
  isCancelled?: () => boolean;
  /** when given, every diagnostic is also recorded here with its positions in the preprocessed text */
  positioned?: PositionedDiagnostic[];
}

export class MergeState {
  readonly diagnostics: Diagnostic[] = [];
  root: DNode | null = null;
  isPlugin = false;
  readonly memreserves: MemReserve[] = [];
  readonly deleted: DeletedItem[] = [];
  /** LiveTree.deleteNames */
  readonly deleteNames = new Set<string>();
  /** every node that ever received a label, by label name (liveness checked on lookup) */
  readonly labelIndex = new Map<string, DNode[]>();
  fragmentCounter = 0;
  readonly stmtRefs: { rr: ResolvedRef; target?: DNode; refStr: string; orphan: boolean }[] = [];
  readonly phandleMap = new Map<number, DNode>();
  nextPhandle = 1;
  /** label -> first live node carrying it in pre-order (valid during the checks phase) */
  nodeLabelOwner: Map<string, DNode> | null = null;
  cancelled = false;
  nodeTicks = 0;

  constructor(readonly ctx: BuildTreeContext) {}

  // ---- diagnostics --------------------------------------------------------------
  report(code: string, s: Span, message: string, related?: { span: Span; message: string }[]): void {
    const r = this.ctx.map.toFileRange(s.start, s.end);
    const d: Diagnostic = { ...r, severity: defaultSeverity(code), code, message };
    if (related && related.length) {
      d.related = related.map((x): RelatedInformation => ({ ...this.ctx.map.toFileRange(x.span.start, x.span.end), message: x.message }));
    }
    this.diagnostics.push(d);
    this.ctx.positioned?.push({ diag: d, start: s.start, end: s.end, related: related?.map((x) => ({ start: x.span.start, end: x.span.end })) });
  }

  checkCancelled(at: Span): boolean {
    if (this.cancelled) return true;
    if (this.ctx.isCancelled && this.ctx.isCancelled()) {
      this.cancelled = true;
      this.report('resource-limit', at, 'Building the tree was cancelled');
    }
    return this.cancelled;
  }

  // ---- labels -------------------------------------------------------------------
  addLabel(holder: { labels: DLabel[] }, name: string, defs: LabelDef[], owner?: DNode): void {
    const labels = own(holder, 'labels');
    let l = labels.find((x) => x.name === name);
    if (l) {
      // a label deleted with its node and written again: its definitions are the new ones (the old sites are in `deleted`)
      if (l.deleted) { l.deleted = false; l.defs.length = 0; }
    }
    else { l = new DLabel(name); labels.push(l); }
    for (let dIndex = 0, dList = defs; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; if (!l.defs.includes(d)) l.defs.push(d); }
    if (owner) {
      let list = this.labelIndex.get(name);
      if (!list) { list = []; this.labelIndex.set(name, list); }
      if (!list.includes(owner)) list.push(owner);
    }
  }

  // ---- tree accessors (livetree.c) -------------------------------------------
  isReachable(n: DNode): boolean {
    for (let x: DNode | undefined = n; x; x = x.parent) {
      if (x.deleted) return false;
      if (!x.parent) return x === this.root;
    }
    return false;
  }

  preorderBefore(a: DNode, b: DNode): boolean {
    const chain = (n: DNode): DNode[] => { const c: DNode[] = []; for (let x: DNode | undefined = n; x; x = x.parent) c.push(x); return c.reverse(); };
    const ca = chain(a);
    const cb = chain(b);
    let i = 0;
    while (i < ca.length && i < cb.length && ca[i] === cb[i]) i++;
    if (i >= ca.length) return true; // a is an ancestor of b
    if (i >= cb.length) return false;
    const parent = ca[i - 1];
    return parent.children.indexOf(ca[i]) < parent.children.indexOf(cb[i]);
  }

  getNodeByLabel(name: string): DNode | undefined {
    if (this.nodeLabelOwner) return this.nodeLabelOwner.get(name);
    const cands = this.labelIndex.get(name);
    if (!cands) return undefined;
    let best: DNode | undefined;
    for (let nIndex = 0, nList = cands; nIndex < nList.length; nIndex++) {
      const n = nList[nIndex];
      if (!n.labels.some((l) => l.name === name && !l.deleted)) continue;
      if (!this.isReachable(n)) continue;
      if (!best || this.preorderBefore(n, best)) best = n;
    }
    return best;
  }

  getNodeByPath(tree: DNode, path: string): DNode | undefined {
    for (let guard = 0; guard < 100000; guard++) {
      if (path.length === 0) return tree.deleted ? undefined : tree;
      let i = 0;
      while (i < path.length && path.charCodeAt(i) === 47) i++;
      path = path.slice(i);
      const p = path.indexOf('/');
      const comp = p < 0 ? path : path.slice(0, p);
      let found: DNode | undefined;
      for (let cIndex = 0, cList = tree.children; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; if (!c.deleted && c.name === comp) { found = c; break; } }
      if (!found) return undefined;
      if (p < 0) return found;
      tree = found;
      path = path.slice(p + 1);
    }
    return undefined;
  }

  getNodeByRef(ref: string): DNode | undefined {
    const root = this.root;
    if (!root) return undefined;
    if (ref === '/') return root;
    let target: DNode | undefined = root;
    let path: string | undefined;
    if (ref.startsWith('/')) path = ref;
    else {
      let label = ref;
      const slash = ref.indexOf('/');
      if (slash >= 0) { label = ref.slice(0, slash); path = ref.slice(slash + 1); }
      target = this.getNodeByLabel(label);
      if (!target) return undefined;
    }
    if (path !== undefined) target = this.getNodeByPath(target, path);
    return target;
  }

  depthOf(n: DNode): number {
    let d = 0;
    for (let x = n.parent; x; x = x.parent) d++;
    return d;
  }

  dpath(n: DNode): string {
    const parts: string[] = [];
    for (let x: DNode | undefined = n; x && x.parent; x = x.parent) parts.push(x.name);
    return '/' + parts.reverse().join('/');
  }


  readonly reportEval = (pr: { span: Span; message: string }): void => this.report('value-error', pr.span, pr.message);

  evalInt(e: ast.Expr): bigint {
    return evalExpr(e, this.reportEval);
  }

  propPath(n: DNode, name: string): string {
    const p = this.dpath(n);
    return p === '/' ? '/' + name : p + '/' + name;
  }

  recordNodeDeletion(n: DNode, by: Span): void {
    if (n.deleted) return;
    this.deleted.push({ path: this.dpath(n), kind: 'node', contributions: ownContributions(n.contributions), deletedBy: span(by) });
  }

  deleteNode(n: DNode): void {
    n.deleted = true;
    for (let cIndex = 0, cList = n.children; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; if (!c.deleted) this.deleteNode(c); }
    for (let pIndex = 0, pList = n.props; pIndex < pList.length; pIndex++) { const p = pList[pIndex]; if (!p.deleted) { p.deleted = true; for (let lIndex = 0, lList = p.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; l.deleted = true; } } }
    for (let lIndex = 0, lList = n.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; l.deleted = true; }
  }

  // ---- walks and values (the checks and the conversion) -------------------
  forEachLive(fn: (n: DNode) => void): void {
    const root = this.root;
    if (!root) return;
    const visit = (n: DNode): void => {
      fn(n);
      for (let cIndex = 0, cList = n.children; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; if (!c.deleted) visit(c); }
    };
    visit(root);
  }

  nodeNameSpan(n: DNode): Span {
    const c = n.contributions[0];
    return c ? c.nameSpan : { start: 0, end: 0 };
  }

  pathOf = (c: ValueChunk): string | undefined => this.pathChunkPaths.get(c);
  readonly pathChunkPaths = new Map<ValueChunk, string>();

  propBytes(p: DProp): Uint8Array {
    if (p.chunks.length === 1) return chunkBytes(p.chunks[0], this.pathOf);
    const parts = p.chunks.map((c) => chunkBytes(c, this.pathOf));
    let n = 0;
    for (let xIndex = 0, xList = parts; xIndex < xList.length; xIndex++) { const x = xList[xIndex]; n += x.length; }
    const out = new Uint8Array(n);
    let o = 0;
    for (let xIndex = 0, xList = parts; xIndex < xList.length; xIndex++) { const x = xList[xIndex]; out.set(x, o); o += x.length; }
    return out;
  }
}

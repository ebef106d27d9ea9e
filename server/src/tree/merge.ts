// The merge stage: AST -> LiveTree, built the way dtc 1.7 builds its live tree.
//
// The build works in two phases, as dtc does:
//  1. "parser actions" (dtc-parser.y, livetree.c): every node body becomes a fresh
//     node (build_node: its property and child lists kept as written, including
//     `/delete-property/` and `/delete-node/` entries, which are NOT applied inside
//     a fresh body, and including same-named duplicates); later `/ { }` bodies and
//     `&ref { }` bodies are merged into the tree with merge_nodes semantics (a
//     property overrides in place, a child of the same name is merged recursively,
//     delete entries are applied in order). Top-level `/delete-node/ &ref;` and
//     `/omit-if-no-ref/ &ref;` act on the tree built so far.
//  2. "checks" (checks.c, in dtc's order): duplicate node / property names,
//     the `name` property clean-up, duplicate labels, explicit phandles, phandle
//     references (generated phandles numbered in tree pre-order, skipping used
//     values, `phandle` property appended), path references, /omit-if-no-ref/.
// Finally the live (not deleted) part is converted into TreeNode objects.
//
// Deviations, on purpose: checks after a failed prerequisite still run (dtc skips
// them, but it refuses the input anyway), so references are resolved for the
// editor even when the tree has duplicate nodes. Overlays: fragments are built as
// dtc builds them (fragment@N { target = <&label>; __overlay__ { ... } }); the
// __fixups__ / __local_fixups__ nodes dtc writes into the blob are not part of the
// tree. An unresolved label in a /plugin/ is not an error; when ctx.base is given,
// it is resolved against the base tree (ResolvedRef.target then points into the base).
import { defaultSeverity, type Diagnostic, type RelatedInformation } from '../base/diagnostics';
import type { FileSystem } from '../base/fs';
import * as paths from '../base/paths';
import type { SourceMap } from '../preprocess/types';
import type * as ast from '../syntax/ast';
import { decodeDtsString, evalExpr, fitsBits, U64_MASK } from './eval';
import { resolveReference } from './query';
import type {
  Cell, Contribution, DeletedItem, LabelDef, LiveTree, MemReserve, ResolvedRef, TreeNode, TreeProperty, ValueChunk,
} from './types';

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
}

type Span = ast.Span;

/**
 * The shared empty list of the rarely filled lists of DNode/DProp (labels, value labels, references):
 * frozen, so a push on it throws instead of leaking into every node; `own` swaps in a list of its own.
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];

function own<H extends object, K extends keyof H>(holder: H, key: K): H[K] {
  let list = holder[key];
  if ((list as unknown) === NONE) { list = [] as unknown as H[K]; holder[key] = list; }
  return list;
}

class DLabel {
  deleted = false;
  readonly defs: LabelDef[] = [];
  constructor(readonly name: string) {}
}

/** `node`: the node the reference resolved to (phandle_references / path_references) */
interface PhandleMarker { cell: Cell; rr: ResolvedRef; refStr: string; node?: DNode }
interface PathMarker { chunk: ValueChunk & { kind: 'pathRef' }; rr: ResolvedRef; refStr: string; path?: string; node?: DNode }

class DProp {
  deleted = false;
  labels: DLabel[] = NONE;
  valueLabels: LabelDef[] = NONE;
  chunks: ValueChunk[] = [];
  phRefs: PhandleMarker[] = NONE;
  pathRefs: PathMarker[] = NONE;
  contributions: Contribution[];
  /** `first`: the first contribution (a one-element literal: a push onto [] would reserve 16 slots) */
  constructor(readonly name: string, public span: Span, public nameSpan: Span, first?: Contribution) {
    this.contributions = first ? [first] : [];
  }
}

class DNode {
  parent?: DNode;
  children: DNode[] = [];
  props: DProp[] = [];
  labels: DLabel[] = NONE;
  deleted = false;
  omit = false;
  omitSpan?: Span;
  referenced = false;
  phandle = 0;
  contributions: Contribution[];
  /** for an entry written as `/delete-node/ name;` inside a body */
  deleteEntry?: Span;
  /** the live tree's node it became (toLiveTree) */
  live: TreeNode | undefined = undefined;
  /** a duplicate child or property name was reported here: toLiveTree folds them (else it need not look) */
  dups = false;
  /** `phandle` as a cell value, once a reference needed it */
  phandleCell: bigint | undefined = undefined;
  constructor(public name: string, first?: Contribution) {
    this.contributions = first ? [first] : [];
  }
}

function phandleIsValid(p: number): boolean {
  return p !== 0 && p !== 0xffffffff;
}

function refString(r: ast.Reference): string {
  return r.kind === 'labelRef' ? r.name : r.path;
}

function isRefRelative(ref: string): boolean {
  return ref.length > 0 && ref[0] !== '/' && ref.indexOf('/', 1) >= 0;
}

function span(s: Span): Span {
  return { start: s.start, end: s.end };
}

const textDecoder = new TextDecoder('utf-8');
const textEncoder = new TextEncoder();

/** Bytes of a value as dtc stores them (path references: the path once resolved, nothing before). */
function chunkBytes(c: ValueChunk, pathOf?: (c: ValueChunk) => string | undefined): Uint8Array {
  switch (c.kind) {
    case 'cells': {
      const w = c.bits / 8;
      const out = new Uint8Array(w * c.cells.length);
      for (let i = 0; i < c.cells.length; i++) {
        let v = c.cells[i].value;
        for (let b = w - 1; b >= 0; b--) { out[i * w + b] = Number(v & 0xffn); v >>= 8n; }
      }
      return out;
    }
    case 'string':
      return c.bytes ?? textEncoder.encode(c.value + '\0');
    case 'bytes':
    case 'incbin':
      return c.bytes;
    case 'pathRef': {
      const p = pathOf ? pathOf(c) : undefined;
      return p === undefined ? new Uint8Array(0) : textEncoder.encode(p + '\0');
    }
  }
}

/** A string written in plain ASCII without escapes: its bytes are its characters and a NUL. */
function plainAscii(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 128 || c === 92 /* \ */) return false;
  }
  return true;
}

class Merger {
  readonly diagnostics: Diagnostic[] = [];
  root: DNode | null = null;
  isPlugin = false;
  readonly memreserves: MemReserve[] = [];
  readonly deleted: DeletedItem[] = [];
  /** every node that ever received a label, by label name (liveness checked on lookup) */
  private readonly labelIndex = new Map<string, DNode[]>();
  private fragmentCounter = 0;
  private readonly stmtRefs: { rr: ResolvedRef; target?: DNode; refStr: string; orphan: boolean }[] = [];
  private readonly phandleMap = new Map<number, DNode>();
  private nextPhandle = 1;
  /** label -> first live node carrying it in pre-order (valid during the checks phase) */
  private nodeLabelOwner: Map<string, DNode> | null = null;
  private cancelled = false;
  private nodeTicks = 0;

  constructor(private readonly ctx: BuildTreeContext) {}

  // ---- diagnostics --------------------------------------------------------------
  report(code: string, s: Span, message: string, related?: { span: Span; message: string }[]): void {
    const r = this.ctx.map.toFileRange(s.start, s.end);
    const d: Diagnostic = { ...r, severity: defaultSeverity(code), code, message };
    if (related && related.length) {
      d.related = related.map((x): RelatedInformation => ({ ...this.ctx.map.toFileRange(x.span.start, x.span.end), message: x.message }));
    }
    this.diagnostics.push(d);
  }

  private checkCancelled(at: Span): boolean {
    if (this.cancelled) return true;
    if (this.ctx.isCancelled && this.ctx.isCancelled()) {
      this.cancelled = true;
      this.report('resource-limit', at, 'Building the tree was cancelled');
    }
    return this.cancelled;
  }

  // ---- labels -------------------------------------------------------------------
  private addLabel(holder: { labels: DLabel[] }, name: string, defs: LabelDef[], owner?: DNode): void {
    const labels = own(holder, 'labels');
    let l = labels.find((x) => x.name === name);
    if (l) l.deleted = false;
    else { l = new DLabel(name); labels.push(l); }
    for (let dIndex = 0, dList = defs; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; if (!l.defs.includes(d)) l.defs.push(d); }
    if (owner) {
      let list = this.labelIndex.get(name);
      if (!list) { list = []; this.labelIndex.set(name, list); }
      if (!list.includes(owner)) list.push(owner);
    }
  }

  // ---- tree accessors (livetree.c) -------------------------------------------
  private isReachable(n: DNode): boolean {
    for (let x: DNode | undefined = n; x; x = x.parent) {
      if (x.deleted) return false;
      if (!x.parent) return x === this.root;
    }
    return false;
  }

  private preorderBefore(a: DNode, b: DNode): boolean {
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

  private getNodeByPath(tree: DNode, path: string): DNode | undefined {
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

  private depthOf(n: DNode): number {
    let d = 0;
    for (let x = n.parent; x; x = x.parent) d++;
    return d;
  }

  dpath(n: DNode): string {
    const parts: string[] = [];
    for (let x: DNode | undefined = n; x && x.parent; x = x.parent) parts.push(x.name);
    return '/' + parts.reverse().join('/');
  }

  // ---- building nodes from bodies (build_node) ----------------------------
  private buildNode(body: ast.NodeBody, name: string, depth: number, contribution: Contribution): DNode {
    const node = new DNode(name, contribution);
    for (let itemIndex = 0, itemList = body.items; itemIndex < itemList.length; itemIndex++) {
      const item = itemList[itemIndex];
      switch (item.kind) {
        case 'property':
          node.props.push(this.buildProp(item));
          break;
        case 'deleteProperty': {
          const p = new DProp(item.name, span(item), item.nameSpan, { kind: 'deletion', start: item.start, end: item.end, nameSpan: item.nameSpan });
          p.deleted = true;
          node.props.push(p);
          break;
        }
        case 'node': {
          // a huge node body (one statement) is cancellable too: poll every 256 nodes, skip the rest once cancelled
          if (this.cancelled || ((++this.nodeTicks & 255) === 0 && this.checkCancelled(item.nameSpan))) break;
          const contrib: Contribution = { kind: 'definition', start: item.start, end: item.end, nameSpan: item.nameSpan };
          let child: DNode;
          if (depth + 1 > MAX_NODE_DEPTH) {
            this.report('resource-limit', item.nameSpan, `Node nesting deeper than ${MAX_NODE_DEPTH} levels: the contents of this node are ignored`);
            child = new DNode(item.name, contrib);
          } else {
            child = this.buildNode(item.body, item.name, depth + 1, contrib);
          }
          for (let lIndex = 0, lList = item.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; this.addLabel(child, l.name, [{ name: l.name, start: l.start, end: l.end }], child); }
          if (item.omitIfNoRef) { child.omit = true; child.omitSpan = span(item); }
          child.parent = node;
          node.children.push(child);
          break;
        }
        case 'deleteNode': {
          if (item.name === undefined) break; // the reference form only exists at top level
          const c = new DNode(item.name);
          c.deleted = true;
          c.deleteEntry = span(item);
          const ns = item.nameSpan ? span(item.nameSpan) : span(item);
          c.contributions.push({ kind: 'deletion', start: item.start, end: item.end, nameSpan: ns });
          c.parent = node;
          node.children.push(c);
          break;
        }
        default:
          break; // error items: skipped text
      }
    }
    return node;
  }

  private buildProp(def: ast.PropertyDef): DProp {
    // the parser's name spans are plain { start, end } objects nobody mutates: shared, not copied
    const p = new DProp(def.name, span(def), def.nameSpan, { kind: 'definition', start: def.start, end: def.end, nameSpan: def.nameSpan });
    for (let lIndex = 0, lList = def.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; this.addLabel(p, l.name, [{ name: l.name, start: l.start, end: l.end }]); }
    if (!def.value) return p;
    for (let partIndex = 0, partList = def.value; partIndex < partList.length; partIndex++) {
      const part = partList[partIndex];
      for (let lIndex = 0, lList = part.labelsBefore; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; own(p, 'valueLabels').push({ name: l.name, start: l.start, end: l.end }); }
      const chunk = this.buildChunk(part.component, p);
      // (a one-element literal: a push onto [] reserves 16 slots, and most values are one chunk)
      if (chunk) { if (p.chunks.length === 0) p.chunks = [chunk]; else p.chunks.push(chunk); }
      for (let lIndex = 0, lList = part.labelsAfter; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; own(p, 'valueLabels').push({ name: l.name, start: l.start, end: l.end }); }
    }
    return p;
  }

  private readonly reportEval = (pr: { span: Span; message: string }): void => this.report('value-error', pr.span, pr.message);

  private evalInt(e: ast.Expr): bigint {
    return evalExpr(e, this.reportEval);
  }

  private buildChunk(c: ast.ValueComponent, p: DProp): ValueChunk | undefined {
    switch (c.kind) {
      case 'string': {
        // (no byte copy: `bytes` is optional, for the strings whose bytes are not value + NUL)
        if (plainAscii(c.raw)) return { kind: 'string', start: c.start, end: c.end, value: c.raw };
        const d = decodeDtsString(c.raw);
        if (d.problem) this.report('value-error', c, d.problem);
        const bytes = new Uint8Array(d.bytes.length + 1);
        bytes.set(d.bytes);
        return { kind: 'string', start: c.start, end: c.end, value: textDecoder.decode(bytes.subarray(0, d.bytes.length)), bytes };
      }
      case 'cells': {
        let bits = c.bits;
        if (bits !== 8 && bits !== 16 && bits !== 32 && bits !== 64) {
          // reported by the parser (syntax-error), like dtc's parser does
          bits = 32;
        }
        const b = bits as 8 | 16 | 32 | 64;
        const mask = b === 64 ? U64_MASK : (1n << BigInt(b)) - 1n;
        // sized once (a push onto [] reserves 16 slots); labels among the cells leave it shorter
        const cells: Cell[] = new Array<Cell>(c.items.length);
        let n = 0;
        for (let itemIndex = 0, itemList = c.items; itemIndex < itemList.length; itemIndex++) {
          const item = itemList[itemIndex];
          if (item.kind === 'label') { own(p, 'valueLabels').push({ name: item.name, start: item.start, end: item.end }); continue; }
          if (item.kind === 'expr') {
            const v = this.evalInt(item.expr);
            if (v <= mask) { cells[n++] = { start: item.start, end: item.end, value: v }; continue; } // fits: unchanged
            if (!fitsBits(v, b)) {
              // dtc 1.7/1.8 warn and truncate (dtc-parser.y "Value ... truncated to ...")
              this.report('value-truncated', item, `Value 0x${v.toString(16)} does not fit a ${b}-bit array element: truncated to 0x${(v & mask).toString(16)}`);
            }
            cells[n++] = { start: item.start, end: item.end, value: v & mask };
          } else {
            if (b !== 32) {
              // reported by the parser (syntax-error), like dtc's parser does
              cells[n++] = { start: item.start, end: item.end, value: mask };
              continue;
            }
            const rr: ResolvedRef = { ref: item.ref };
            const cell: Cell = { start: item.start, end: item.end, value: 0xffffffffn, ref: rr };
            cells[n++] = cell;
            own(p, 'phRefs').push({ cell, rr, refStr: refString(item.ref) });
          }
        }
        if (n < cells.length) cells.length = n;
        return { kind: 'cells', start: c.start, end: c.end, bits: b, cells };
      }
      case 'bytes': {
        const vals: number[] = [];
        for (let itIndex = 0, itList = c.items; itIndex < itList.length; itIndex++) {
          const it = itList[itIndex];
          if (it.kind === 'label') own(p, 'valueLabels').push({ name: it.name, start: it.start, end: it.end });
          else vals.push(it.value & 0xff);
        }
        return { kind: 'bytes', start: c.start, end: c.end, bytes: Uint8Array.from(vals) };
      }
      case 'pathValue': {
        const rr: ResolvedRef = { ref: c.ref };
        const chunk = { kind: 'pathRef' as const, start: c.start, end: c.end, ref: rr };
        own(p, 'pathRefs').push({ chunk, rr, refStr: refString(c.ref) });
        return chunk;
      }
      case 'incbin':
        return { kind: 'incbin', start: c.start, end: c.end, path: c.path, bytes: this.readIncbin(c) };
      default:
        return undefined;
    }
  }

  private readIncbin(c: ast.ValueComponent & { kind: 'incbin' }): Uint8Array {
    const offset = c.offset ? this.evalInt(c.offset) : 0n;
    const length = c.length ? this.evalInt(c.length) : undefined;
    const candidates: string[] = [];
    if (c.path.startsWith('/')) candidates.push(paths.normalize(c.path));
    else {
      let from: string | undefined;
      try { from = this.ctx.map.locate(c.pathSpan.start).file; } catch { from = undefined; }
      if (from) candidates.push(paths.resolve(paths.dirname(from), c.path));
      const rootDir = paths.resolve(paths.dirname(this.ctx.root), c.path);
      if (!candidates.includes(rootDir)) candidates.push(rootDir);
    }
    let bytes: Uint8Array | undefined;
    let failure = '';
    for (let fIndex = 0, fList = candidates; fIndex < fList.length; fIndex++) {
      const f = fList[fIndex];
      const r = this.ctx.fs.readBytes(f);
      if (r.ok) { bytes = r.bytes; break; }
      if (!failure) failure = r.message;
    }
    if (!bytes) {
      this.report('incbin-error', c.pathSpan, `Couldn't open "${c.path}": ${failure || 'no such file'}`);
      return new Uint8Array(0);
    }
    const size = BigInt(bytes.length);
    if (offset > size) {
      this.report('incbin-error', c.offset ?? c, `Offset ${offset} is beyond the end of "${c.path}" (${size} bytes)`);
      return new Uint8Array(0);
    }
    if (length === undefined) return bytes.slice(Number(offset));
    if (length === U64_MASK) return bytes.slice(Number(offset)); // (size_t)-1: to the end of the file, as dtc
    if (offset + length > size) {
      this.report('incbin-error', c.length ?? c, `"${c.path}" has only ${size - offset} bytes after offset ${offset}, ${length} requested`);
      return bytes.slice(Number(offset));
    }
    return bytes.slice(Number(offset), Number(offset + length));
  }

  // ---- merging (merge_nodes and friends) ----------------------------------
  private mergeNodes(old: DNode, nw: DNode): void {
    old.deleted = false;
    for (let cIndex = 0, cList = nw.contributions; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; old.contributions.push(c.kind === 'definition' ? { ...c, kind: 'extension' } : c); }
    for (let lIndex = 0, lList = nw.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; this.addLabel(old, l.name, l.defs, old); }
    for (let npIndex = 0, npList = nw.props; npIndex < npList.length; npIndex++) {
      const np = npList[npIndex];
      if (np.deleted) {
        const c = np.contributions[0];
        this.deletePropertyByName(old, np.name, c ?? np.span, c ? c.nameSpan : np.nameSpan);
        continue;
      }
      const hit = old.props.find((op) => op.name === np.name);
      if (hit) {
        for (let lIndex = 0, lList = np.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; this.addLabel(hit, l.name, l.defs); }
        hit.chunks = np.chunks;
        hit.phRefs = np.phRefs;
        hit.pathRefs = np.pathRefs;
        hit.valueLabels = np.valueLabels;
        hit.deleted = false;
        hit.span = np.span;
        hit.nameSpan = np.nameSpan;
        hit.contributions.push(...np.contributions);
      } else {
        old.props.push(np);
      }
    }
    for (let ncIndex = 0, ncList = nw.children; ncIndex < ncList.length; ncIndex++) {
      const nc = ncList[ncIndex];
      nc.parent = undefined;
      if (nc.deleted) {
        const c = nc.contributions[0];
        this.deleteNodeByName(old, nc.name, nc.deleteEntry ?? c ?? { start: 0, end: 0 }, c ? c.nameSpan : { start: 0, end: 0 });
        continue;
      }
      const hit = old.children.find((oc) => oc.name === nc.name);
      if (hit) this.mergeNodes(hit, nc);
      else { nc.parent = old; old.children.push(nc); }
    }
  }

  private propPath(n: DNode, name: string): string {
    const p = this.dpath(n);
    return p === '/' ? '/' + name : p + '/' + name;
  }

  private deletePropertyByName(node: DNode, name: string, directive: Span, nameSpan: Span): void {
    const p = node.props.find((x) => x.name === name);
    if (!p) return; // dtc ignores a /delete-property/ of a missing property
    const contrib: Contribution = { kind: 'deletion', start: directive.start, end: directive.end, nameSpan: span(nameSpan) };
    if (!p.deleted) {
      this.deleted.push({ path: this.propPath(node, name), kind: 'property', contributions: [...p.contributions], deletedBy: span(directive) });
    }
    p.deleted = true;
    for (let lIndex = 0, lList = p.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; l.deleted = true; }
    p.contributions.push(contrib);
    node.contributions.push(contrib);
  }

  private deleteNodeByName(parent: DNode, name: string, directive: Span, nameSpan: Span): void {
    const c = parent.children.find((x) => x.name === name);
    if (!c) return; // dtc ignores a /delete-node/ of a missing child
    this.recordNodeDeletion(c, directive);
    this.deleteNode(c);
    parent.contributions.push({ kind: 'deletion', start: directive.start, end: directive.end, nameSpan: span(nameSpan) });
  }

  private recordNodeDeletion(n: DNode, by: Span): void {
    if (n.deleted) return;
    this.deleted.push({ path: this.dpath(n), kind: 'node', contributions: [...n.contributions], deletedBy: span(by) });
  }

  private deleteNode(n: DNode): void {
    n.deleted = true;
    for (let cIndex = 0, cList = n.children; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; if (!c.deleted) this.deleteNode(c); }
    for (let pIndex = 0, pList = n.props; pIndex < pList.length; pIndex++) { const p = pList[pIndex]; if (!p.deleted) { p.deleted = true; for (let lIndex = 0, lList = p.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; l.deleted = true; } } }
    for (let lIndex = 0, lList = n.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; l.deleted = true; }
  }

  private addOrphan(st: ast.RefNodeStatement, refStr: string): void {
    if (!this.root) this.root = new DNode('');
    const frag = new DNode(`fragment@${this.fragmentCounter++}`);
    const contrib: Contribution = { kind: 'extension', start: st.start, end: st.end, nameSpan: span(st.ref) };
    frag.contributions.push(contrib);
    const prop = new DProp(refStr.startsWith('/') ? 'target-path' : 'target', span(st.ref), span(st.ref));
    if (refStr.startsWith('/')) {
      const enc = textEncoder.encode(refStr);
      const bytes = new Uint8Array(enc.length + 1);
      bytes.set(enc);
      prop.chunks.push({ kind: 'string', start: st.ref.start, end: st.ref.end, value: refStr, bytes });
      this.stmtRefs.push({ rr: { ref: st.ref }, refStr, orphan: true });
    } else {
      const rr: ResolvedRef = { ref: st.ref };
      const cell: Cell = { start: st.ref.start, end: st.ref.end, value: 0xffffffffn, ref: rr };
      prop.chunks.push({ kind: 'cells', start: st.ref.start, end: st.ref.end, bits: 32, cells: [cell] });
      own(prop, 'phRefs').push({ cell, rr, refStr });
    }
    frag.props.push(prop);
    const body = this.buildNode(st.body, '__overlay__', 2, { ...contrib });
    for (let lIndex = 0, lList = st.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; this.addLabel(body, l.name, [{ name: l.name, start: l.start, end: l.end }], body); }
    body.parent = frag;
    frag.children.push(body);
    frag.parent = this.root;
    this.root.children.push(frag);
  }

  // ---- phase 1: statements ------------------------------------------------
  processStatements(file: ast.DtsFile): void {
    this.isPlugin = file.statements.some((s) => s.kind === 'plugin');
    for (let stIndex = 0, stList = file.statements; stIndex < stList.length; stIndex++) {
      const st = stList[stIndex];
      if (this.checkCancelled(st)) return;
      switch (st.kind) {
        case 'memreserve': {
          const address = this.evalInt(st.address);
          const size = this.evalInt(st.size);
          this.memreserves.push({ address, size, labels: st.labels.map((l) => ({ name: l.name, start: l.start, end: l.end })), span: span(st) });
          break;
        }
        case 'rootNode': {
          const nameSpan = st.labels.length ? { start: st.labels[st.labels.length - 1].end, end: st.body.start } : { start: st.start, end: Math.min(st.start + 1, st.end) };
          const kind = this.root ? 'extension' : 'definition';
          const body = this.buildNode(st.body, '', 0, { kind, start: st.start, end: st.end, nameSpan });
          if (!this.root) {
            this.root = body;
            for (let lIndex = 0, lList = st.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; this.addLabel(body, l.name, [{ name: l.name, start: l.start, end: l.end }], body); }
          } else {
            for (let lIndex = 0, lList = st.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; this.addLabel(this.root, l.name, [{ name: l.name, start: l.start, end: l.end }], this.root); }
            this.mergeNodes(this.root, body);
          }
          break;
        }
        case 'refNode':
          this.processRefNode(st);
          break;
        case 'deleteNodeRef': {
          const refStr = refString(st.ref);
          const target = this.getNodeByRef(refStr);
          if (!target) {
            this.report('delete-not-found', st.ref, `Label or path ${refStr} not found`);
            break;
          }
          this.recordNodeDeletion(target, st);
          this.deleteNode(target);
          if (target.parent) target.parent.contributions.push({ kind: 'deletion', start: st.start, end: st.end, nameSpan: span(st.ref) });
          break;
        }
        case 'omitIfNoRef': {
          const refStr = refString(st.ref);
          const target = this.getNodeByRef(refStr);
          if (!target) {
            this.report('unresolved-reference', st.ref, `Label or path ${refStr} not found`);
            break;
          }
          target.omit = true;
          target.omitSpan = span(st);
          this.stmtRefs.push({ rr: { ref: st.ref }, target, refStr, orphan: false });
          break;
        }
        default:
          break;
      }
    }
  }

  private processRefNode(st: ast.RefNodeStatement): void {
    const refStr = refString(st.ref);
    const relative = isRefRelative(refStr);
    const extContribution = (): Contribution => ({ kind: 'extension', start: st.start, end: st.end, nameSpan: span(st.ref) });
    if (!this.root) {
      // dtc: `&ref { }` before any `/ { }`: a fragment in a plugin, an error otherwise
      if (!this.isPlugin) this.report('unresolved-reference', st.ref, `Label or path ${refStr} not found`);
      else if (relative) this.report('unresolved-reference', st.ref, `Label-relative reference ${refStr} not supported in plugin`);
      this.addOrphan(st, refStr);
      return;
    }
    const mergeInto = (target: DNode): void => {
      const body = this.buildNode(st.body, target.name, this.depthOf(target), extContribution());
      for (let lIndex = 0, lList = st.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; this.addLabel(target, l.name, [{ name: l.name, start: l.start, end: l.end }], target); }
      this.mergeNodes(target, body);
      this.stmtRefs.push({ rr: { ref: st.ref }, target, refStr, orphan: false });
    };
    if (st.labels.length > 0) {
      if (this.isPlugin && relative) this.report('unresolved-reference', st.ref, `Label-relative reference ${refStr} not supported in plugin`);
      const target = this.getNodeByRef(refStr);
      if (target) mergeInto(target);
      else this.report('unresolved-reference', st.ref, `Label or path ${refStr} not found`);
      return;
    }
    if (st.ref.kind === 'pathRef') {
      if (this.isPlugin) {
        if (relative) this.report('unresolved-reference', st.ref, `Label-relative reference ${refStr} not supported in plugin`);
        this.addOrphan(st, refStr);
        return;
      }
      const target = this.getNodeByRef(refStr);
      if (target) mergeInto(target);
      else this.report('unresolved-reference', st.ref, `Label or path ${refStr} not found`);
      return;
    }
    const target = this.getNodeByRef(refStr);
    if (target) mergeInto(target);
    else if (this.isPlugin) this.addOrphan(st, refStr);
    else this.report('unresolved-reference', st.ref, `Label or path ${refStr} not found`);
  }

  // ---- phase 2: checks (checks.c order) --------------------------------------
  private forEachLive(fn: (n: DNode) => void): void {
    const root = this.root;
    if (!root) return;
    const visit = (n: DNode): void => {
      fn(n);
      for (let cIndex = 0, cList = n.children; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; if (!c.deleted) visit(c); }
    };
    visit(root);
  }

  private nodeNameSpan(n: DNode): Span {
    const c = n.contributions[0];
    return c ? c.nameSpan : { start: 0, end: 0 };
  }

  private pathOf = (c: ValueChunk): string | undefined => this.pathChunkPaths.get(c);
  private readonly pathChunkPaths = new Map<ValueChunk, string>();

  private propBytes(p: DProp): Uint8Array {
    if (p.chunks.length === 1) return chunkBytes(p.chunks[0], this.pathOf);
    const parts = p.chunks.map((c) => chunkBytes(c, this.pathOf));
    let n = 0;
    for (let xIndex = 0, xList = parts; xIndex < xList.length; xIndex++) { const x = xList[xIndex]; n += x.length; }
    const out = new Uint8Array(n);
    let o = 0;
    for (let xIndex = 0, xList = parts; xIndex < xList.length; xIndex++) { const x = xList[xIndex]; out.set(x, o); o += x.length; }
    return out;
  }

  runChecks(): void {
    if (!this.root) this.root = new DNode('');
    const root = this.root;
    // the checks up to omit_unused_nodes delete no node: one pre-order list of the live nodes serves them all
    const liveList: DNode[] = [];
    this.forEachLive((n) => { liveList.push(n); });
    const each = (fn: (n: DNode) => void): void => {
      for (let k = 0; k < liveList.length; k++) fn(liveList[k]);
    };

    // duplicate_node_names: a later sibling (deleted entries included, as dtc) of a live child
    each((n) => {
      forEachDuplicate(n.children, false, (c, first) => {
        n.dups = true;
        const extra = c.deleteEntry ? ' (a /delete-node/ in the same node body as the node is not applied)' : '';
        this.report('duplicate-node', this.nodeNameSpan(c), `Duplicate node name '${c.name}'${extra}`,
          [{ span: this.nodeNameSpan(first), message: `'${c.name}' first defined here` }]);
      });
    });
    // duplicate_property_names
    each((n) => {
      forEachDuplicate(n.props, true, (p, first) => {
        n.dups = true;
        this.report('duplicate-property', p.nameSpan, `Duplicate property name '${p.name}'`,
          [{ span: first.nameSpan, message: `'${p.name}' first defined here` }]);
      });
    });
    // name_is_string + name_properties: a correct `name` property is removed
    let namesAreStrings = true;
    each((n) => {
      const p = n.props.find((x) => !x.deleted && x.name === 'name');
      if (!p) return;
      const b = this.propBytes(p);
      if (!(b.length > 0 && b[b.length - 1] === 0 && b.indexOf(0) === b.length - 1)) namesAreStrings = false;
    });
    if (namesAreStrings) {
      each((n) => {
        const i = n.props.findIndex((x) => x.name === 'name');
        if (i < 0) return;
        const b = this.propBytes(n.props[i]);
        const at = n.name.indexOf('@');
        const base = at >= 0 ? n.name.slice(0, at) : n.name;
        const enc = textEncoder.encode(base);
        if (b.length === enc.length + 1 && enc.every((x, k) => b[k] === x)) n.props.splice(i, 1);
        else {
          const p = n.props[i];
          const shown = new TextDecoder().decode(b.subarray(0, Math.max(0, b.length - 1)));
          this.report('name-property', p.nameSpan, `"name" property is incorrect ("${shown}" instead of base node name "${base}")`);
        }
      });
    }

    // label ownership in pre-order, as get_node_by_label / get_property_by_label / get_marker_label find them
    const nodeOwner = new Map<string, DNode>();
    const propOwner = new Map<string, { node: DNode; prop: DProp }>();
    const markOwner = new Map<string, { node: DNode; prop: DProp; mark: LabelDef }>();
    each((n) => {
      for (let lIndex = 0, lList = n.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!l.deleted && !nodeOwner.has(l.name)) nodeOwner.set(l.name, n); }
      for (let pIndex = 0, pList = n.props; pIndex < pList.length; pIndex++) {
        const p = pList[pIndex];
        if (p.deleted) continue;
        for (let lIndex = 0, lList = p.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!l.deleted && !propOwner.has(l.name)) propOwner.set(l.name, { node: n, prop: p }); }
        for (let mIndex = 0, mList = p.valueLabels; mIndex < mList.length; mIndex++) { const m = mList[mIndex]; if (!markOwner.has(m.name)) markOwner.set(m.name, { node: n, prop: p, mark: m }); }
      }
    });
    this.nodeLabelOwner = nodeOwner;

    // duplicate_label
    const describe = (node: DNode, prop?: DProp, mark?: LabelDef): string =>
      `${mark ? 'value of ' : ''}${prop ? `'${prop.name}' in ` : ''}${this.dpath(node)}`;
    const ownerOf = (name: string): { node: DNode; prop?: DProp; mark?: LabelDef; span: Span } | undefined => {
      const n = nodeOwner.get(name);
      if (n) {
        const l = n.labels.find((x) => x.name === name);
        return { node: n, span: l && l.defs[0] ? l.defs[0] : this.nodeNameSpan(n) };
      }
      const p = propOwner.get(name);
      if (p) {
        const l = p.prop.labels.find((x) => x.name === name);
        return { node: p.node, prop: p.prop, span: l && l.defs[0] ? l.defs[0] : p.prop.nameSpan };
      }
      const m = markOwner.get(name);
      if (m) return { node: m.node, prop: m.prop, mark: m.mark, span: m.mark };
      return undefined;
    };
    const checkLabel = (name: string, at: Span, node: DNode, prop?: DProp, mark?: LabelDef): void => {
      const o = ownerOf(name);
      if (!o) return;
      if (o.node !== node || o.prop !== prop || o.mark !== mark) {
        this.report('duplicate-label', at, `Duplicate label '${name}' on ${describe(node, prop, mark)} and ${describe(o.node, o.prop, o.mark)}`,
          [{ span: o.span, message: `'${name}' also defined here` }]);
      }
    };
    each((n) => {
      for (let lIndex = 0, lList = n.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!l.deleted) checkLabel(l.name, l.defs[l.defs.length - 1] ?? this.nodeNameSpan(n), n); }
      for (let pIndex = 0, pList = n.props; pIndex < pList.length; pIndex++) {
        const p = pList[pIndex];
        if (p.deleted) continue;
        for (let lIndex = 0, lList = p.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!l.deleted) checkLabel(l.name, l.defs[l.defs.length - 1] ?? p.nameSpan, n, p); }
        for (let mIndex = 0, mList = p.valueLabels; mIndex < mList.length; mIndex++) { const m = mList[mIndex]; checkLabel(m.name, m, n, p, m); }
      }
    });

    // explicit_phandles
    each((n) => {
      const ph = this.checkPhandleProp(n, 'phandle');
      const lph = this.checkPhandleProp(n, 'linux,phandle');
      if (!ph && !lph) return;
      const at = n.props.find((x) => !x.deleted && x.name === (ph ? 'phandle' : 'linux,phandle'));
      const atSpan = at ? at.span : this.nodeNameSpan(n);
      if (ph && lph && ph !== lph) this.report('phandle-error', atSpan, `Mismatching 'phandle' and 'linux,phandle' properties`);
      const value = ph || lph;
      const other = this.phandleMap.get(value);
      if (other && other !== n) {
        this.report('phandle-error', atSpan, `Duplicated phandle 0x${value.toString(16)} (seen before at ${this.dpath(other)})`);
        return;
      }
      n.phandle = value;
      this.phandleMap.set(value, n);
    });

    // phandle_references
    each((n) => {
      for (let pIndex = 0, pList = n.props; pIndex < pList.length; pIndex++) {
        const p = pList[pIndex];
        if (p.deleted) continue;
        for (let mIndex = 0, mList = p.phRefs; mIndex < mList.length; mIndex++) {
          const m = mList[mIndex];
          const target = this.getNodeByRef(m.refStr);
          if (!target) {
            this.unresolvedValueRef(m.rr, m.refStr, true);
            m.cell.value = 0xffffffffn;
            continue;
          }
          // (a node's phandle does not change once it has one: one bigint per node, not per reference)
          if (target.phandleCell === undefined) target.phandleCell = BigInt(this.getNodePhandle(target));
          m.cell.value = target.phandleCell;
          target.referenced = true;
          m.node = target;
        }
      }
    });
    // path_references
    each((n) => {
      for (let pIndex = 0, pList = n.props; pIndex < pList.length; pIndex++) {
        const p = pList[pIndex];
        if (p.deleted) continue;
        for (let mIndex = 0, mList = p.pathRefs; mIndex < mList.length; mIndex++) {
          const m = mList[mIndex];
          const target = this.getNodeByRef(m.refStr);
          if (!target) { this.unresolvedValueRef(m.rr, m.refStr, false); continue; }
          m.path = this.dpath(target);
          this.pathChunkPaths.set(m.chunk, m.path);
          target.referenced = true;
          m.node = target;
        }
      }
    });
    // omit_unused_nodes
    this.forEachLive((n) => {
      if (n !== root && n.omit && !n.referenced) {
        this.recordNodeDeletion(n, n.omitSpan ?? this.nodeNameSpan(n));
        this.deleteNode(n);
      }
    });
  }

  private unresolvedValueRef(rr: ResolvedRef, refStr: string, phandleRef: boolean): void {
    if (this.isPlugin && phandleRef) {
      if (refStr.includes('/')) {
        this.report('unresolved-reference', rr.ref, `Can't generate fixup for reference to path &{${refStr}}`);
        return;
      }
      if (this.ctx.base) {
        const t = resolveReference(this.ctx.base, refStr);
        if (t) rr.target = t;
        else this.report('unresolved-reference', rr.ref, `Reference to non-existent node or label "${refStr}" (not in the overlay, nor in the base tree)`);
      }
      return; // a fixup: legal in an overlay
    }
    this.report('unresolved-reference', rr.ref, `Reference to non-existent node or label "${refStr}"`);
  }

  private checkPhandleProp(n: DNode, name: string): number {
    const p = n.props.find((x) => !x.deleted && x.name === name);
    if (!p) return 0;
    const b = this.propBytes(p);
    if (b.length !== 4) {
      this.report('phandle-error', p.span, `Bad length (${b.length}) ${name} property`);
      return 0;
    }
    if (p.phRefs.length > 0) {
      const m = p.phRefs[0];
      if (this.getNodeByRef(m.refStr) !== n) this.report('phandle-error', p.span, `${name} is a reference to another node`);
      return 0;
    }
    const v = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    if (!phandleIsValid(v)) {
      this.report('phandle-error', p.span, `Bad value (0x${v.toString(16)}) in ${name} property`);
      return 0;
    }
    return v;
  }

  private getNodePhandle(n: DNode): number {
    if (phandleIsValid(n.phandle)) return n.phandle;
    while (this.phandleMap.has(this.nextPhandle)) this.nextPhandle++;
    const ph = this.nextPhandle;
    n.phandle = ph;
    this.phandleMap.set(ph, n);
    if (!n.props.some((x) => !x.deleted && x.name === 'phandle')) {
      const at = this.nodeNameSpan(n);
      const p = new DProp('phandle', span(at), span(at));
      p.chunks.push({ kind: 'cells', start: at.start, end: at.start, bits: 32, cells: [{ start: at.start, end: at.start, value: BigInt(ph) }] });
      n.props.push(p);
    }
    return ph;
  }

  // ---- conversion to the public tree ----------------------------------------
  toLiveTree(): LiveTree {
    const valueLabels = new Map<TreeProperty, LabelDef[]>();
    const references: ResolvedRef[] = [];
    // the value references of live properties (their targets are set once every node has its live one)
    const marks: (PhandleMarker | PathMarker)[] = [];
    const rootD = this.root ?? new DNode('');

    const liveLabelDefs = (labels: DLabel[]): LabelDef[] => {
      if (labels.length === 0) return [];
      const out: LabelDef[] = [];
      for (let lIndex = 0, lList = labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!l.deleted) out.push(...l.defs); }
      return out.sort((a, b) => a.start - b.start);
    };
    const newNode = (d: DNode, parent?: TreeNode): TreeNode => ({
      name: d.name, parent, children: [], properties: [], labels: [], contributions: [], omitIfNoRef: d.omit,
    });
    // (the lists of a new node are made at their final size, or handed over from the DNode, which dies here:
    // a push onto [] reserves 16 slots)
    const fill = (t: TreeNode, d: DNode, folded: boolean): void => {
      d.live = t;
      if (!folded && t.contributions.length === 0) t.contributions = d.contributions;
      else for (let cIndex = 0, cList = d.contributions; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; t.contributions.push(folded && c.kind === 'definition' ? { ...c, kind: 'extension' } : c); }
      if (d.labels.length) {
        const defs = liveLabelDefs(d.labels);
        if (t.labels.length === 0) t.labels = defs; else for (let k = 0; k < defs.length; k++) t.labels.push(defs[k]);
      }
      if (phandleIsValid(d.phandle) && t.phandle === undefined) t.phandle = d.phandle;
      if (d.omit) t.omitIfNoRef = true;
      const fresh = t.properties.length === 0 && d.props.length > 0;
      // a same-named property to fold into: only after a duplicate (reported) or into a node filled before
      const searchProps = d.dups || !fresh;
      const props = fresh ? new Array<TreeProperty>(d.props.length) : t.properties;
      let np = fresh ? 0 : props.length;
      for (let pIndex = 0, pList = d.props; pIndex < pList.length; pIndex++) {
        const p = pList[pIndex];
        if (p.deleted) continue;
        for (let mIndex = 0, mList = p.phRefs; mIndex < mList.length; mIndex++) { const m = mList[mIndex]; references.push(m.rr); marks.push(m); }
        for (let mIndex = 0, mList = p.pathRefs; mIndex < mList.length; mIndex++) { const m = mList[mIndex]; references.push(m.rr); marks.push(m); }
        let existing: TreeProperty | undefined;
        if (searchProps) for (let k = 0; k < np; k++) if (props[k].name === p.name) { existing = props[k]; break; }
        if (existing) { // same-body duplicate (reported): the later value wins in the first one's place
          existing.chunks = p.chunks;
          existing.span = p.span;
          existing.nameSpan = p.nameSpan;
          existing.labels.push(...liveLabelDefs(p.labels));
          existing.contributions.push(...p.contributions);
          valueLabels.set(existing, p.valueLabels);
          continue;
        }
        const tp: TreeProperty = {
          name: p.name, chunks: p.chunks, labels: liveLabelDefs(p.labels), span: p.span, nameSpan: p.nameSpan,
          contributions: p.contributions, node: t, // the DProp dies here: its list is handed over
        };
        if (p.valueLabels.length) valueLabels.set(tp, p.valueLabels); // (rare: most values carry no label)
        props[np++] = tp;
      }
      if (fresh) { props.length = np; t.properties = props; }
      const dc = d.children;
      if (dc.length === 0) return;
      const freshKids = t.children.length === 0;
      const kids = freshKids ? new Array<TreeNode>(dc.length) : t.children;
      let nk = freshKids ? 0 : kids.length;
      // same-named live children (a reported duplicate) fold into one; a map only for wide nodes
      const searchKids = d.dups || !freshKids;
      let byName: Map<string, TreeNode> | undefined;
      if (searchKids && dc.length + nk > SMALL_LIST) {
        byName = new Map();
        for (let k = 0; k < nk; k++) byName.set(kids[k].name, kids[k]);
      }
      for (let cIndex = 0; cIndex < dc.length; cIndex++) {
        const c = dc[cIndex];
        if (c.deleted) continue;
        let existing: TreeNode | undefined;
        if (byName) existing = byName.get(c.name);
        else if (searchKids) for (let k = 0; k < nk; k++) if (kids[k].name === c.name) { existing = kids[k]; break; }
        if (existing) { fill(existing, c, true); continue; }
        const tc = newNode(c, t);
        kids[nk++] = tc;
        byName?.set(c.name, tc);
        fill(tc, c, false);
      }
      if (freshKids) { kids.length = nk; t.children = kids; }
    };
    const root = newNode(rootD);
    if (!rootD.deleted) fill(root, rootD, false);

    for (let k = 0; k < marks.length; k++) {
      const t = marks[k].node?.live;
      if (t) marks[k].rr.target = t;
    }
    for (let sIndex = 0, sList = this.stmtRefs; sIndex < sList.length; sIndex++) {
      const s = sList[sIndex];
      if (s.orphan) {
        if (this.ctx.base) {
          const t = resolveReference(this.ctx.base, s.refStr);
          if (t) s.rr.target = t;
          else this.report('unresolved-reference', s.rr.ref, `Path ${s.refStr} not found in the base tree`);
        }
        references.push(s.rr);
        continue;
      }
      const t = s.target ? s.target.live : undefined;
      if (!t) continue;
      s.rr.target = t;
      references.push(s.rr);
    }
    references.sort((a, b) => a.ref.start - b.ref.start);

    const labels: LiveTree['labels'] = new Map();
    const phandles = new Map<number, TreeNode>();
    const order: TreeNode[] = [];
    const walk = (n: TreeNode): void => {
      order.push(n);
      for (let cIndex = 0, cList = n.children; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; walk(c); }
    };
    walk(root);
    for (let nIndex = 0, nList = order; nIndex < nList.length; nIndex++) {
      const n = nList[nIndex];
      for (let lIndex = 0, lList = n.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!labels.has(l.name)) labels.set(l.name, { node: n, span: { start: l.start, end: l.end } }); }
      if (n.phandle !== undefined && !phandles.has(n.phandle)) phandles.set(n.phandle, n);
    }
    for (let nIndex = 0, nList = order; nIndex < nList.length; nIndex++) {
      const n = nList[nIndex];
      for (let pIndex = 0, pList = n.properties; pIndex < pList.length; pIndex++) {
        const p = pList[pIndex];
        for (let lIndex = 0, lList = p.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!labels.has(l.name)) labels.set(l.name, { node: n, property: p, span: { start: l.start, end: l.end } }); }
      }
    }
    if (valueLabels.size) for (let nIndex = 0, nList = order; nIndex < nList.length; nIndex++) {
      const n = nList[nIndex];
      for (let pIndex = 0, pList = n.properties; pIndex < pList.length; pIndex++) {
        const p = pList[pIndex];
        for (let lIndex = 0, lList = valueLabels.get(p) ?? []; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!labels.has(l.name)) labels.set(l.name, { node: n, property: p, span: { start: l.start, end: l.end } }); }
      }
    }
    return {
      root, memreserves: this.memreserves, isPlugin: this.isPlugin, labels, phandles, references,
      deleted: this.deleted, diagnostics: this.diagnostics,
    };
  }
}

/** Up to this many entries a linear scan beats building a Map (and allocates nothing). */
const SMALL_LIST = 16;

/**
 * Calls `report(item, first)` for each entry of `list` that has an earlier live (not deleted) entry of the
 * same name; `skipDeleted` leaves deleted entries out as duplicates too (properties), else they count.
 */
function forEachDuplicate<T extends { name: string; deleted: boolean }>(list: T[], skipDeleted: boolean, report: (item: T, first: T) => void): void {
  if (list.length <= SMALL_LIST) {
    for (let k = 1; k < list.length; k++) {
      const it = list[k];
      if (skipDeleted && it.deleted) continue;
      for (let j = 0; j < k; j++) {
        const o = list[j];
        if (!o.deleted && o.name === it.name) { report(it, o); break; }
      }
    }
    return;
  }
  const seen = new Map<string, T>();
  for (let k = 0; k < list.length; k++) {
    const it = list[k];
    if (skipDeleted && it.deleted) continue;
    const first = seen.get(it.name);
    if (first) report(it, first);
    else if (!it.deleted) seen.set(it.name, it);
  }
}

function emptyTree(diagnostics: Diagnostic[], isPlugin: boolean): LiveTree {
  const root: TreeNode = { name: '', children: [], properties: [], labels: [], contributions: [], omitIfNoRef: false };
  return { root, memreserves: [], isPlugin, labels: new Map(), phandles: new Map(), references: [], deleted: [], diagnostics };
}

/** Build the live tree of a parsed file exactly as dtc builds it. Never throws. */
export function buildTree(file: ast.DtsFile, ctx: BuildTreeContext): LiveTree {
  const m = new Merger(ctx);
  try {
    m.processStatements(file);
    m.runChecks();
    const tree = m.toLiveTree();
    tree.diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start));
    return tree;
  } catch (e) {
    const msg = e instanceof RangeError ? 'the tree is too large or too deep to build' : `internal error while building the tree: ${e instanceof Error ? e.message : String(e)}`;
    let at: Span = { start: 0, end: 0 };
    const st = file.statements[0];
    if (st) at = { start: st.start, end: st.start };
    try { m.report('resource-limit', at, msg); } catch { /* map failure: give up on the position */ }
    return emptyTree(m.diagnostics, m.isPlugin);
  }
}

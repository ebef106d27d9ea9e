// The merge's working tree (dtc's livetree.c structures): nodes, properties and labels as the
// parser actions build them, deleted entries included, before the checks and the conversion into
// the public LiveTree (types.ts). Plus the small helpers the phases share.
import type * as ast from '../syntax/ast';
import type { Cell, Contribution, LabelDef, ResolvedRef, TreeNode, ValueChunk } from './types';

export type Span = ast.Span;

/**
 * The shared empty list of the rarely filled lists of DNode/DProp (labels, value labels, references):
 * frozen, so a push on it throws instead of leaking into every node; `own` swaps in a list of its own.
 */
export const NONE: never[] = Object.freeze([]) as unknown as never[];

export function own<H extends object, K extends keyof H>(holder: H, key: K): H[K] {
  let list = holder[key];
  if ((list as unknown) === NONE) { list = [] as unknown as H[K]; holder[key] = list; }
  return list;
}

export class DLabel {
  deleted = false;
  readonly defs: LabelDef[] = [];
  constructor(readonly name: string) {}
}

/** `node`: the node the reference resolved to (phandle_references / path_references) */
export interface PhandleMarker { cell: Cell; rr: ResolvedRef; refStr: string; node?: DNode }
export interface PathMarker { chunk: ValueChunk & { kind: 'pathRef' }; rr: ResolvedRef; refStr: string; path?: string; node?: DNode }

export class DProp {
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

export class DNode {
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

export function phandleIsValid(p: number): boolean {
  return p !== 0 && p !== 0xffffffff;
}

export function refString(r: ast.Reference): string {
  return r.kind === 'labelRef' ? r.name : r.path;
}

export function isRefRelative(ref: string): boolean {
  return ref.length > 0 && ref[0] !== '/' && ref.indexOf('/', 1) >= 0;
}

export function span(s: Span): Span {
  return { start: s.start, end: s.end };
}

// The tree owns every span object it holds (none is the parser's, none is held twice): an incremental
// re-analysis moves the positions of the tree in place (tree/incremental.ts), and the AST is shared between
// analyses and read-only.

/** A copy of a reference of the AST (for a ResolvedRef of the tree). */
export function ownRef(r: ast.Reference): ast.Reference {
  return { ...r };
}

/** Copies of contributions (for a DeletedItem: the node or property may come back and keep its own). */
export function ownContributions(list: Contribution[]): Contribution[] {
  return list.map((c) => ({ ...c, nameSpan: span(c.nameSpan) }));
}

export const textDecoder = new TextDecoder('utf-8');
export const textEncoder = new TextEncoder();

/** Bytes of a value as dtc stores them (path references: the path once resolved, nothing before). */
export function chunkBytes(c: ValueChunk, pathOf?: (c: ValueChunk) => string | undefined): Uint8Array {
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
export function plainAscii(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 128 || c === 92 /* \ */) return false;
  }
  return true;
}

/** Up to this many entries a linear scan beats building a Map (and allocates nothing). */
export const SMALL_LIST = 16;

/**
 * Calls `report(item, first)` for each entry of `list` that has an earlier live (not deleted) entry of the
 * same name; `skipDeleted` leaves deleted entries out as duplicates too (properties), else they count.
 */
export function forEachDuplicate<T extends { name: string; deleted: boolean }>(list: T[], skipDeleted: boolean, report: (item: T, first: T) => void): void {
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

// Decoding the DTB form of the tree into the typed JSON that dt-schema validates, the way dt-validate decodes
// a DTB: the type table picks each property's type (several candidates are narrowed by the value's length,
// signed before unsigned, strings when the bytes read as strings), integers become numbers of the type's
// size, and whole-tree passes regroup cells by the tree: `*-gpios` by the provider's #gpio-cells,
// `interrupts` by the interrupt parent's #interrupt-cells, `interrupt-map` rows, `reg`-like addresses by
// #address-cells + #size-cells, `ranges`, and phandle arrays by the providers' #xxx-cells. Every decoded
// value remembers which bytes it came from, so that an error on `clocks/1` points at that cell group.
import type { FlatNode } from '../flatten';
import type { Dim, TypeIndex } from './prop-types';

/** A value dt-schema could not decode (Python bytes): of no JSON type, so every type check fails. */
export const RAW_BYTES: unique symbol = Symbol('bytes');

export type Value = true | number | string[] | number[] | number[][] | typeof RAW_BYTES;

/** Where a decoded value's parts are in the property's bytes. */
export interface Layout {
  /** element size in bytes of an integer value (1, 2, 4, 8) */
  size?: number;
  /** byte offset of each string */
  strings?: number[];
  /** byte length of the value */
  length: number;
}

export interface DecodedNode {
  flat: FlatNode;
  /** the instance dt-schema validates: properties, then child nodes */
  instance: Record<string, unknown>;
  layouts: Map<string, Layout>;
  children: DecodedNode[];
  parent?: DecodedNode;
}

/** Integer size (bits) of decoded numbers, for the typeSize keyword: per array, or per node for scalars. */
export const SIZES = new WeakMap<object, number | Map<string, number>>();

const INT_FORMATS: Record<string, { bytes: number; signed: boolean }> = {
  int8: { bytes: 1, signed: true }, uint8: { bytes: 1, signed: false },
  int16: { bytes: 2, signed: true }, uint16: { bytes: 2, signed: false },
  int32: { bytes: 4, signed: true }, uint32: { bytes: 4, signed: false },
  int64: { bytes: 8, signed: true }, uint64: { bytes: 8, signed: false },
  phandle: { bytes: 4, signed: false }, address: { bytes: 4, signed: false },
};

function readInts(data: Uint8Array, bytes: number, signed: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i + bytes <= data.length; i += bytes) {
    let v = 0;
    if (bytes === 8) {
      const hi = ((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0;
      const lo = ((data[i + 4] << 24) | (data[i + 5] << 16) | (data[i + 6] << 8) | data[i + 7]) >>> 0;
      v = signed && hi >= 0x80000000 ? -((0xffffffff - hi) * 2 ** 32 + (0x100000000 - lo)) : hi * 2 ** 32 + lo;
    } else {
      for (let k = 0; k < bytes; k++) v = v * 256 + data[i + k];
      if (signed && v >= 2 ** (bytes * 8 - 1)) v -= 2 ** (bytes * 8);
    }
    out.push(v);
  }
  return out;
}

function ascii(data: Uint8Array, end = data.length): string | undefined {
  let s = '';
  for (let i = 0; i < end; i++) {
    if (data[i] >= 0x80) return undefined;
    s += String.fromCharCode(data[i]);
  }
  return s;
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/** dt-schema's guess that bytes are strings (used when a string type is one of several candidates). */
function bytesToStrings(data: Uint8Array): string[] | undefined {
  const s = ascii(data);
  if (s === undefined) return undefined;
  const parts = s.split('\0');
  if (parts.length - 1 > 0 && parts[parts.length - 1] === '') {
    const strs = parts.slice(0, -1);
    for (const x of strs) if (!x || !PRINTABLE.test(x)) return undefined;
    return strs;
  }
  return undefined;
}

function stringOffsets(strs: string[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const s of strs) {
    out.push(at);
    at += s.length + 1;
  }
  return out;
}

/** dt-schema's stride of a matrix of `len` integers given the dimensions the bindings allow. */
function stride(len: number, dim: Dim): number {
  for (let outer = dim[0][0]; outer <= dim[0][1]; outer++) {
    for (let inner = dim[1][0]; inner <= dim[1][1]; inner++) {
      if (outer * inner === len) return inner;
    }
  }
  if (dim[1][0] > 0 && dim[1][0] === dim[1][1]) return dim[1][0];
  if (dim[0][0] > 0 && dim[0][0] === dim[0][1]) return Math.trunc(len / dim[0][0]);
  return len;
}

const SIXTY_FOUR = ['int64', 'uint64', 'int64-array', 'uint64-array'];
const THIRTY_TWO = ['int32', 'uint32', 'int32-array', 'uint32-array', 'phandle', 'phandle-array'];
const SIXTEEN = ['int16', 'uint16', 'int16-array', 'uint16-array'];

function drop(s: Set<string>, l: string[]): void {
  for (const x of l) s.delete(x);
}

interface Decoded {
  value: Value;
  layout: Layout;
  /** the integer size in bits, when the value holds integers */
  bits?: number;
}

/** One property's value, decoded as dt-validate's prop_value decodes it. */
export function decodeValue(types: TypeIndex, nodeName: string, name: string, data: Uint8Array): Decoded {
  const len = data.length;
  const layout: Layout = { length: len };
  if (len === 0) return { value: true, layout };
  if (nodeName === 'aliases' || nodeName === '__fixups__') {
    const strs = (ascii(data, len - 1) ?? '').split('\0');
    return { value: strs, layout: { ...layout, strings: stringOffsets(strs) } };
  }
  const candidates = new Set(types.types(name));
  candidates.delete('node');
  if (candidates.size > 1) {
    if (len % 8) drop(candidates, SIXTY_FOUR);
    if (len % 4) drop(candidates, THIRTY_TWO);
    if (len % 2) drop(candidates, SIXTEEN);
    if (len > 4) drop(candidates, ['int32', 'uint32', 'phandle']);
    else drop(candidates, SIXTY_FOUR);
    if (len > 2) drop(candidates, ['int16', 'uint16']);
    else drop(candidates, THIRTY_TWO);
    if (len > 1) drop(candidates, ['int8', 'uint8']);
    else drop(candidates, SIXTEEN);
    candidates.delete('flag');
    if (candidates.has('phandle') && candidates.has('phandle-array')) candidates.delete('phandle');
    for (const w of ['64', '32', '16', '8']) {
      if (candidates.has(`int${w}`) && candidates.has(`uint${w}`)) candidates.delete(`uint${w}`);
    }
  }
  let fmt: string | undefined;
  // what is left of the candidates when the flag test below runs (a single candidate was taken out)
  let remaining = candidates;
  if (candidates.size > 1) {
    if (candidates.has('string') || candidates.has('string-array')) {
      const strs = bytesToStrings(data);
      if (strs) return { value: strs, layout: { ...layout, strings: stringOffsets(strs) } };
      const others = [...candidates].filter((t) => t !== 'string' && t !== 'string-array').sort();
      if (others.length === 0) return { value: RAW_BYTES, layout };
      fmt = others[0];
    } else if (name === 'dma-masters') {
      const v = len === 4 ? readInts(data, 4, false)[0] : 0;
      fmt = len === 4 && v > 0 && v <= 4 ? 'uint32' : 'phandle-array';
    }
  } else if (candidates.size === 1) {
    fmt = [...candidates][0];
    remaining = new Set();
  }
  if (!fmt) {
    // no type known: a printable string, else 32-bit cells, else raw bytes
    const s = ascii(data);
    if (s !== undefined && s.endsWith('\0') && PRINTABLE.test(s.slice(0, -1))) {
      return { value: [s.slice(0, -1)], layout: { ...layout, strings: [0] } };
    }
    if (len % 4 === 0) fmt = 'uint32-array';
    else return { value: RAW_BYTES, layout };
  }
  if (fmt.startsWith('string')) {
    if (data[len - 1] !== 0) return { value: RAW_BYTES, layout };
    let s = '';
    for (let i = 0; i < len - 1; i++) s += String.fromCharCode(data[i]);
    const strs = s.split('\0');
    return { value: strs, layout: { ...layout, strings: stringOffsets(strs) } };
  }
  if (remaining.has('flag')) return { value: RAW_BYTES, layout };
  let f = INT_FORMATS[fmt.split('-')[0]];
  if (!f || len % f.bytes !== 0) {
    // dt-schema falls back to the size the length suggests
    if (len === 4) f = INT_FORMATS.uint32;
    else if (len === 2) f = INT_FORMATS.uint16;
    else if (len === 1) f = INT_FORMATS.uint8;
    else return { value: RAW_BYTES, layout };
  }
  const ints = readInts(data, f.bytes, f.signed);
  const bits = f.bytes * 8;
  layout.size = f.bytes;
  if (fmt.includes('matrix') || fmt === 'phandle' || fmt === 'phandle-array' || fmt === 'address') {
    const dim = types.dim(name);
    if (dim) {
      const st = stride(ints.length, dim) || ints.length;
      const rows: number[][] = [];
      for (let i = 0; i < ints.length; i += st) rows.push(ints.slice(i, i + st));
      return { value: rows, layout, bits };
    }
    return { value: [ints], layout, bits };
  }
  if (!fmt.includes('array') && ints.length === 1) return { value: ints[0], layout, bits };
  return { value: ints, layout, bits };
}

function setValue(n: DecodedNode, name: string, d: Decoded): void {
  n.instance[name] = d.value;
  n.layouts.set(name, d.layout);
  if (d.bits !== undefined) {
    const v = d.value;
    if (typeof v === 'number') {
      let m = SIZES.get(n.instance) as Map<string, number> | undefined;
      if (!m) {
        m = new Map();
        SIZES.set(n.instance, m);
      }
      m.set(name, d.bits);
    } else if (Array.isArray(v)) {
      SIZES.set(v, d.bits);
      for (const row of v) if (Array.isArray(row)) SIZES.set(row, d.bits);
    }
  }
}

/** Replace a property's matrix by new rows (the regrouping passes), keeping the integer size. */
function setRows(n: DecodedNode, name: string, rows: number[][]): void {
  const old = n.instance[name];
  const bits = Array.isArray(old) ? (SIZES.get(old) as number | undefined) : undefined;
  n.instance[name] = rows;
  if (bits !== undefined) {
    SIZES.set(rows, bits);
    for (const r of rows) SIZES.set(r, bits);
  }
}

/** The first row of a matrix value (the passes regroup it), or undefined when it is no matrix. */
function firstRow(v: unknown): number[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || !Array.isArray(v[0])) return undefined;
  const row = v[0] as unknown[];
  return row.every((x) => typeof x === 'number') ? (row as number[]) : undefined;
}

function cellsOf(n: DecodedNode | undefined, name: string): number {
  if (!n) return 0;
  const v = n.instance[name];
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0] as number;
  if (Array.isArray(v) && Array.isArray(v[0]) && typeof v[0][0] === 'number') return v[0][0] as number;
  return 0;
}

const PHANDLE_ARGS: Record<string, string | number | null> = {
  'assigned-clocks': '#clock-cells',
  'assigned-clock-parents': '#clock-cells',
  'cooling-device': '#cooling-cells',
  'interrupts-extended': '#interrupt-cells',
  'interconnects': '#interconnect-cells',
  'mboxes': '#mbox-cells',
  'sound-dai': '#sound-dai-cells',
  'msi-parent': '#msi-cells',
  'msi-ranges': '#interrupt-cells',
  'gpio-ranges': 3,
  'memory-region': null,
};

export class TreeDecoder {
  readonly phandles = new Map<number, DecodedNode>();
  constructor(private readonly types: TypeIndex) {}

  decode(flat: FlatNode[]): DecodedNode[] {
    const out: DecodedNode[] = [];
    for (const f of flat) {
      const n: DecodedNode = { flat: f, instance: {}, layouts: new Map(), children: [] };
      if (f.parent >= 0) {
        n.parent = out[f.parent];
        n.parent.children.push(n);
      }
      // dt-validate skips the overlay bookkeeping nodes and everything below them
      if (f.name.startsWith('__') && f.parent >= 0) {
        out.push(n);
        continue;
      }
      for (let i = 0; i < f.names.length; i++) {
        const d = decodeValue(this.types, f.name, f.names[i], f.values[i]);
        setValue(n, f.names[i], d);
      }
      const ph = n.instance.phandle;
      if (typeof ph === 'number') this.phandles.set(ph, n);
      out.push(n);
    }
    // children follow the properties, in order (a child named like a property replaces it, as in a dict)
    for (const n of out) {
      for (const c of n.children) {
        if (c.flat.name.startsWith('__')) continue;
        n.instance[c.flat.name] = c.instance;
      }
    }
    const root = out[0];
    if (root) {
      this.gpios(root);
      this.interrupts(root, 1);
      this.addresses(root, 2, 1);
      this.phandleArrays(root);
    }
    return out;
  }

  private kids(n: DecodedNode): DecodedNode[] {
    return n.children.filter((c) => !c.flat.name.startsWith('__'));
  }

  private gpios(n: DecodedNode): void {
    if ('gpio-hog' in n.instance) return;
    for (const k of n.flat.names) {
      if (!(k.endsWith('-gpios') || k.endsWith('-gpio') || k === 'gpio' || k === 'gpios') || k.endsWith(',nr-gpios')) continue;
      const val = firstRow(n.instance[k]);
      if (!val) continue;
      const rows: number[][] = [];
      let i = 0;
      while (i < val.length) {
        const ph = val[i];
        let cells = 0;
        if (ph === 0xffffffff) {
          const next = val.indexOf(0xffffffff, i + 1);
          cells = (next >= 0 && next < val.length - 1 ? next : val.length) - (i + 1);
        } else if (ph !== 0) {
          cells = cellsOf(this.phandles.get(ph), '#gpio-cells');
        }
        rows.push(val.slice(i, i + cells + 1));
        i += cells + 1;
      }
      setRows(n, k, rows);
    }
    for (const c of this.kids(n)) this.gpios(c);
  }

  private interrupts(n: DecodedNode, icells: number): void {
    const ip = firstRow(n.instance['interrupt-parent']);
    if (ip) {
      if (ip[0] === 0xffffffff) delete n.instance['interrupt-parent'];
      else icells = cellsOf(this.phandles.get(ip[0]), '#interrupt-cells');
    }
    for (const k of n.flat.names) {
      if (k === 'interrupts') {
        const val = firstRow(n.instance[k]);
        if (!val || icells <= 0) continue;
        const rows: number[][] = [];
        for (let i = 0; i < val.length; i += icells) rows.push(val.slice(i, i + icells));
        setRows(n, k, rows);
      } else if (k === 'interrupt-map') {
        const val = firstRow(n.instance[k]);
        icells = cellsOf(n, '#interrupt-cells');
        if (!val) continue;
        const ac = cellsOf(n, '#address-cells');
        const ph = val[ac + icells];
        const rows: number[][] = [];
        let cells: number;
        if (ph === 0xffffffff) {
          const next = val.indexOf(0xffffffff, ac + icells + 1);
          cells = next >= 0 ? next - (ac + icells) : val.length;
        } else {
          const p = ph === undefined ? undefined : this.phandles.get(ph);
          const pac = p && '#address-cells' in p.instance ? cellsOf(p, '#address-cells') : 0;
          cells = ac + icells + 1 + pac + cellsOf(p, '#interrupt-cells');
        }
        if (cells <= 0) continue;
        for (let i = 0; i < val.length; i += cells) rows.push(val.slice(i, i + cells));
        setRows(n, k, rows);
      }
    }
    for (const c of this.kids(n)) {
      if ('#interrupt-cells' in n.instance) icells = cellsOf(n, '#interrupt-cells');
      this.interrupts(c, icells);
    }
  }

  private addresses(n: DecodedNode, ac: number, sc: number): void {
    for (const k of n.flat.names) {
      if (this.types.types(k).has('address')) {
        const val = firstRow(n.instance[k]);
        if (!val || ac + sc <= 0) continue;
        const rows: number[][] = [];
        for (let i = 0; i < val.length; i += ac + sc) rows.push(val.slice(i, i + ac + sc));
        setRows(n, k, rows);
      } else if (k === 'ranges' || k === 'dma-ranges') {
        const val = firstRow(n.instance[k]);
        const child = cellsOf(n, '#address-cells') + cellsOf(n, '#size-cells');
        if (!val || ac + child <= 0) continue;
        const rows: number[][] = [];
        for (let i = 0; i < val.length; i += ac + child) rows.push(val.slice(i, i + ac + child));
        setRows(n, k, rows);
      }
    }
    const kids = this.kids(n);
    if (kids.length) {
      if ('#address-cells' in n.instance) ac = cellsOf(n, '#address-cells');
      if ('#size-cells' in n.instance) sc = cellsOf(n, '#size-cells');
      for (const c of kids) this.addresses(c, ac, sc);
    }
  }

  /** Cells of one phandle+args group starting at `cells[0]` (0: cannot tell). */
  private argSize(cells: number[], cellName: string | number | null): number {
    if (cells.length === 0) return 0;
    const ph = cells[0];
    if (ph === 0 || cellName === null) return 1;
    if (ph === 0xffffffff) return 0;
    const target = this.phandles.get(ph);
    if (!target) return 0;
    return (typeof cellName === 'number' ? cellName : cellsOf(target, cellName)) + 1;
  }

  private phandleArrays(n: DecodedNode): void {
    for (const k of n.flat.names) {
      if (!this.types.types(k).has('phandle-array') || this.types.hasFixedDim(k)) continue;
      const v = n.instance[k];
      if (!Array.isArray(v) || v.length > 1 || !Array.isArray(v[0])) continue;
      const val = v[0] as number[];
      let cellName: string | number | null;
      if (k in PHANDLE_ARGS) cellName = PHANDLE_ARGS[k];
      else if (k.endsWith('s') && !k.includes('gpio')) {
        cellName = `#${k.slice(0, -1)}-cells`;
        if (this.argSize(val, cellName) === 0) continue;
      } else continue;
      const rows: number[][] = [];
      let i = 0;
      while (i < val.length) {
        let cells = this.argSize(val.slice(i), cellName);
        if (cells === 0) break;
        if (k === 'msi-ranges') cells += 1;
        if (k === 'interconnects') cells += this.argSize(val.slice(i + cells), cellName);
        rows.push(val.slice(i, i + cells));
        i += cells;
      }
      setRows(n, k, rows);
    }
    for (const c of this.kids(n)) this.phandleArrays(c);
  }
}

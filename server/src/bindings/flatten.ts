// The merged tree as a DTB sees it: each node's properties as raw bytes (what dtc writes), children in order.
// dt-schema validates a DTB, so the Linux validator decodes exactly these bytes; the form is plain data
// that can be posted to the bindings worker. Byte offsets map back to source spans (valueSpans).
import type { Span } from '../syntax/ast';
import type { LiveTree, TreeNode, TreeProperty, ValueChunk } from '../tree/types';

export interface FlatNode {
  /** full path ('/' for the root) */
  path: string;
  /** node name with unit address ('/' for the root) */
  name: string;
  /** index of the parent in the node list (-1 for the root) */
  parent: number;
  /** property names, in order */
  names: string[];
  /** property values (DTB bytes), parallel to names */
  values: Uint8Array[];
}

/**
 * The tree packed for posting to a worker: one string of names, one array of structure, one buffer of bytes
 * (a structured clone of three objects instead of thousands).
 */
export interface PackedTree {
  /** node names and property names, each followed by a NUL */
  names: string;
  /** per node: parent index, property count; then per property: value offset, value length */
  layout: Int32Array;
  data: Uint8Array;
}

const encoder = new TextEncoder();

class ByteWriter {
  buf = new Uint8Array(1 << 16);
  len = 0;
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  string(s: string): void {
    this.reserve(s.length * 3 + 1);
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) { ascii = false; break; }
    }
    if (ascii) {
      for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
    } else {
      const e = encoder.encode(s);
      this.buf.set(e, this.len);
      this.len += e.length;
    }
    this.buf[this.len++] = 0;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  chunk(c: ValueChunk): void {
    switch (c.kind) {
      case 'cells': {
        const size = c.bits / 8;
        this.reserve(c.cells.length * size);
        const buf = this.buf;
        let at = this.len;
        for (let i = 0; i < c.cells.length; i++) {
          const v = c.cells[i].value;
          if (size === 4) {
            const n = Number(v);
            buf[at] = (n >>> 24) & 0xff; buf[at + 1] = (n >>> 16) & 0xff; buf[at + 2] = (n >>> 8) & 0xff; buf[at + 3] = n & 0xff;
          } else if (size === 8) {
            const hi = Number(v >> 32n) >>> 0;
            const lo = Number(v & 0xffffffffn) >>> 0;
            buf[at] = hi >>> 24; buf[at + 1] = (hi >>> 16) & 0xff; buf[at + 2] = (hi >>> 8) & 0xff; buf[at + 3] = hi & 0xff;
            buf[at + 4] = lo >>> 24; buf[at + 5] = (lo >>> 16) & 0xff; buf[at + 6] = (lo >>> 8) & 0xff; buf[at + 7] = lo & 0xff;
          } else if (size === 2) {
            const n = Number(v);
            buf[at] = (n >>> 8) & 0xff; buf[at + 1] = n & 0xff;
          } else {
            buf[at] = Number(v) & 0xff;
          }
          at += size;
        }
        this.len = at;
        return;
      }
      case 'string':
        if (c.bytes) this.bytes(c.bytes);
        else this.string(c.value);
        return;
      case 'bytes':
      case 'incbin':
        this.bytes(c.bytes);
        return;
      case 'pathRef':
        this.string(c.ref.target ? pathOf(c.ref.target) : '');
        return;
    }
  }
}

function pathOf(n: TreeNode): string {
  if (!n.parent) return '/';
  const parts: string[] = [];
  for (let p: TreeNode | undefined = n; p && p.parent; p = p.parent) parts.push(p.name);
  return '/' + parts.reverse().join('/');
}

/** The bytes of a property value. */
export function propertyBytes(p: TreeProperty): Uint8Array {
  const w = new ByteWriter();
  for (const c of p.chunks) w.chunk(c);
  return w.buf.slice(0, w.len);
}

/** The tree in DTB form, packed (dtc writes a `phandle` property into every node that has a phandle). */
export function packTree(tree: LiveTree): PackedTree {
  const names: string[] = [];
  const layout: number[] = [];
  const w = new ByteWriter();
  const visit = (n: TreeNode, parent: number, index: number): number => {
    names.push(n.parent ? n.name : '/');
    layout.push(parent);
    const countAt = layout.length;
    layout.push(0);
    let count = 0;
    let hasPhandle = false;
    for (const p of n.properties) {
      names.push(p.name);
      const start = w.len;
      for (const c of p.chunks) w.chunk(c);
      layout.push(start, w.len - start);
      count++;
      if (p.name === 'phandle') hasPhandle = true;
    }
    if (n.phandle !== undefined && !hasPhandle) {
      names.push('phandle');
      const start = w.len;
      w.reserve(4);
      const v = n.phandle;
      w.buf[w.len++] = (v >>> 24) & 0xff; w.buf[w.len++] = (v >>> 16) & 0xff; w.buf[w.len++] = (v >>> 8) & 0xff; w.buf[w.len++] = v & 0xff;
      layout.push(start, 4);
      count++;
    }
    layout[countAt] = count;
    let next = index + 1;
    for (const c of n.children) next = visit(c, index, next);
    return next;
  };
  visit(tree.root, -1, 0);
  return { names: names.join('\0') + '\0', layout: Int32Array.from(layout), data: w.buf.slice(0, w.len) };
}

/** The packed tree as nodes (in the worker). */
export function unpackTree(t: PackedTree): FlatNode[] {
  const names = t.names.split('\0');
  const nodes: FlatNode[] = [];
  let ni = 0;
  let li = 0;
  while (li < t.layout.length) {
    const parent = t.layout[li++];
    const count = t.layout[li++];
    const name = names[ni++];
    const pnames: string[] = [];
    const values: Uint8Array[] = [];
    for (let k = 0; k < count; k++) {
      pnames.push(names[ni++]);
      const start = t.layout[li++];
      const len = t.layout[li++];
      values.push(t.data.subarray(start, start + len));
    }
    const path = parent < 0 ? '/' : nodes[parent].path === '/' ? `/${name}` : `${nodes[parent].path}/${name}`;
    nodes.push({ path, name, parent, names: pnames, values });
  }
  return nodes;
}

/**
 * The source spans of the bytes [start, end) of a property's value: the cells, strings or byte runs that
 * hold them (one span per chunk touched, cells narrowed to the cells touched).
 */
export function valueSpans(p: TreeProperty, start: number, end: number): Span[] {
  const out: Span[] = [];
  let at = 0;
  for (const c of p.chunks) {
    const len = chunkLength(c);
    const cStart = at;
    const cEnd = at + len;
    at = cEnd;
    if (cEnd <= start || cStart >= end) {
      if (!(len === 0 && cStart === start)) continue;
    }
    if (c.kind === 'cells' && c.cells.length) {
      const size = c.bits / 8;
      const first = Math.max(0, Math.floor((start - cStart) / size));
      const last = Math.min(c.cells.length - 1, Math.floor((Math.min(end, cEnd) - 1 - cStart) / size));
      if (last >= first) {
        out.push({ start: c.cells[first].start, end: c.cells[last].end });
        continue;
      }
    }
    out.push({ start: c.start, end: c.end });
  }
  return out;
}

function chunkLength(c: ValueChunk): number {
  switch (c.kind) {
    case 'cells': return c.cells.length * (c.bits / 8);
    case 'string': return c.bytes ? c.bytes.length : encoder.encode(c.value).length + 1;
    case 'bytes':
    case 'incbin': return c.bytes.length;
    case 'pathRef': return (c.ref.target ? encoder.encode(pathOf(c.ref.target)).length : 0) + 1;
  }
}

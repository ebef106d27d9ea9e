// Print a LiveTree back as DTS that dtc compiles to the same blob as the original:
// the merged tree with resolved values. Phandle references become the numeric
// phandle (overlays keep them symbolic so that dtc regenerates __fixups__ and
// __local_fixups__: `&{/full/path}` for local targets, the reference as written
// otherwise), path references become strings, /incbin/ becomes bytes.
import { nodePath, type LiveTree, type TreeNode, type TreeProperty, type ValueChunk } from './types';

const HEX = '0123456789abcdef';

function hexByte(b: number): string {
  return HEX[(b >> 4) & 15] + HEX[b & 15];
}

/** A DTS string literal for bytes (without their trailing NUL). */
export function quoteBytes(bytes: Uint8Array): string {
  const out: string[] = ['"'];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) out.push('\\"');
    else if (b === 0x5c) out.push('\\\\');
    else if (b >= 0x20 && b < 0x7f) out.push(String.fromCharCode(b));
    else if (b === 10) out.push('\\n');
    else if (b === 9) out.push('\\t');
    else out.push('\\x' + hexByte(b));
  }
  out.push('"');
  return out.join('');
}

function isInTree(tree: LiveTree, n: TreeNode): boolean {
  let x: TreeNode = n;
  while (x.parent) x = x.parent;
  return x === tree.root;
}

function chunkText(tree: LiveTree, c: ValueChunk): string {
  switch (c.kind) {
    case 'cells': {
      const items: string[] = [];
      for (const cell of c.cells) {
        if (tree.isPlugin && cell.ref) {
          const t = cell.ref.target;
          if (t && isInTree(tree, t)) items.push(`&{${nodePath(t)}}`);
          else items.push(cell.ref.ref.kind === 'labelRef' ? '&' + cell.ref.ref.name : `&{${cell.ref.ref.path}}`);
        } else {
          items.push('0x' + cell.value.toString(16));
        }
      }
      return (c.bits !== 32 ? `/bits/ ${c.bits} ` : '') + '<' + items.join(' ') + '>';
    }
    case 'string': {
      const bytes = c.bytes ?? new TextEncoder().encode(c.value + '\0');
      // the stored bytes end with the NUL dtc appends
      const body = bytes.length > 0 && bytes[bytes.length - 1] === 0 ? bytes.subarray(0, bytes.length - 1) : bytes;
      return quoteBytes(body);
    }
    case 'bytes':
    case 'incbin': {
      const parts: string[] = [];
      for (let i = 0; i < c.bytes.length; i++) parts.push(hexByte(c.bytes[i]));
      return '[' + parts.join(' ') + ']';
    }
    case 'pathRef': {
      const t = c.ref.target;
      if (t) return quoteBytes(new TextEncoder().encode(nodePath(t)));
      // unresolved (an error was reported): keep the reference so dtc reports it too
      return c.ref.ref.kind === 'labelRef' ? '&' + c.ref.ref.name : `&{${c.ref.ref.path}}`;
    }
  }
}

function labelPrefix(labels: { name: string }[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const l of labels) {
    if (seen.has(l.name)) continue;
    seen.add(l.name);
    out.push(l.name + ': ');
  }
  return out.join('');
}

function emitProperty(tree: LiveTree, p: TreeProperty, indent: string, out: string[]): void {
  const head = indent + labelPrefix(p.labels) + p.name;
  if (p.chunks.length === 0) { out.push(head + ';'); return; }
  out.push(head + ' = ' + p.chunks.map((c) => chunkText(tree, c)).join(', ') + ';');
}

function emitNode(tree: LiveTree, n: TreeNode, indent: string, out: string[]): void {
  const name = n.parent ? n.name : '/';
  out.push(indent + labelPrefix(n.labels) + name + ' {');
  const inner = indent + '\t';
  for (const p of n.properties) emitProperty(tree, p, inner, out);
  for (const c of n.children) {
    out.push('');
    emitNode(tree, c, inner, out);
  }
  out.push(indent + '};');
}

/** The merged tree as DTS source. */
export function emitDts(tree: LiveTree): string {
  const out: string[] = ['/dts-v1/;'];
  if (tree.isPlugin) out.push('/plugin/;');
  out.push('');
  for (const m of tree.memreserves) {
    out.push(`${labelPrefix(m.labels)}/memreserve/ 0x${m.address.toString(16)} 0x${m.size.toString(16)};`);
  }
  if (tree.memreserves.length) out.push('');
  emitNode(tree, tree.root, '', out);
  out.push('');
  return out.join('\n');
}

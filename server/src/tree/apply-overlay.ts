// An overlay (a /plugin/ tree of dtc fragments, built without a base) applied to a base tree the way fdtoverlay
// (libfdt's fdt_overlay_apply) does: the overlay's phandles move past the base's largest; the labels it does not
// define are the base's (an unknown one is an error, as fdtoverlay fails) and take the base node's phandle (a node that had none gets the next free one, as the base compiled with -@ would
// have); each fragment's __overlay__ is merged into its target (`target = <&label>` or `target-path`): an existing
// property is replaced in place, a new one goes first (libfdt inserts at the front, so new ones end up in reverse
// order), a new child goes before the existing children (reversed likewise), an existing child is merged
// recursively. Labels of the overlay's nodes name the merged nodes. The base tree is changed in place.
import { LiveProperty } from './value-reads';
import { withAdded } from '../base/empty';
import type { Diagnostic } from '../base/diagnostics';
import type { SourceMap } from '../preprocess/types';
import { nodePath, type LiveTree, type TreeNode, type TreeProperty } from './types';

function maxPhandle(root: TreeNode): number {
  let max = 0;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.phandle !== undefined && n.phandle > max) max = n.phandle;
    for (const c of n.children) stack.push(c);
  }
  return max;
}

function findPath(root: TreeNode, path: string): TreeNode | undefined {
  if (!path.startsWith('/')) return undefined;
  let n: TreeNode | undefined = root;
  for (const part of path.split('/').filter((s) => s !== '')) {
    n = n.children.find((c) => c.name === part) ?? (part.includes('@') ? undefined : n.children.find((c) => c.name.split('@')[0] === part));
    if (!n) return undefined;
  }
  return n;
}

function setPhandleProperty(n: TreeNode, value: number, at: TreeProperty | undefined): void {
  for (const p of n.properties) {
    if ((p.name === 'phandle' || p.name === 'linux,phandle') && p.chunks.length === 1 && p.chunks[0].kind === 'cells' && p.chunks[0].cells.length === 1) {
      p.chunks[0].cells[0].value = BigInt(value);
      return;
    }
  }
  const span = at?.span ?? { start: 0, end: 0 };
  n.properties.push(new LiveProperty('phandle', [{ kind: 'cells', bits: 32, cells: [{ value: BigInt(value), start: span.start, end: span.start }], start: span.start, end: span.start }],
    [], { start: span.start, end: span.start }, { start: span.start, end: span.start }, [], n));
}

function stringProperty(node: TreeNode, name: string, value: string): TreeProperty {
  const z = { start: 0, end: 0 };
  return new LiveProperty(name, [{ kind: 'string', value, ...z }], [], z, z, [], node);
}

/** Node labels in dtc's order: the tree in pre-order, a node's labels last defined first (dtc prepends them). */
function labelledNodes(root: TreeNode): { node: TreeNode; labels: string[] }[] {
  const out: { node: TreeNode; labels: string[] }[] = [];
  const walk = (n: TreeNode): void => {
    if (n.labels.length) {
      const names: string[] = [];
      for (let k = n.labels.length - 1; k >= 0; k--) if (!names.includes(n.labels[k].name)) names.push(n.labels[k].name);
      out.push({ node: n, labels: names });
    }
    for (const c of n.children) walk(c);
  };
  walk(root);
  return out;
}

/**
 * What dtc -@ adds (the kernel compiles a composite's base and its overlays with it): a phandle for every
 * labelled node (the next unused number, in tree order) and the __symbols__ node (label = path), last child of
 * the root. Returns the __symbols__ node (undefined when there is no label).
 */
export function addSymbols(tree: LiveTree): TreeNode | undefined {
  const used = new Set<number>();
  const walk = [tree.root];
  while (walk.length) {
    const n = walk.pop()!;
    if (n.phandle !== undefined) used.add(n.phandle);
    for (const c of n.children) walk.push(c);
  }
  const list = labelledNodes(tree.root);
  if (list.length === 0) return undefined;
  let next = 1;
  let symbols = tree.root.children.find((c) => c.name === '__symbols__');
  if (!symbols) {
    symbols = { name: '__symbols__', parent: tree.root, children: [], properties: [], labels: [], contributions: [], omitIfNoRef: false };
    tree.root.children.push(symbols);
  }
  for (const { node, labels } of list) {
    for (const l of labels) if (!symbols.properties.some((p) => p.name === l)) symbols.properties.push(stringProperty(symbols, l, nodePath(node)));
    if (node.phandle === undefined) {
      while (used.has(next)) next++;
      node.phandle = next;
      used.add(next);
      setPhandleProperty(node, next, undefined);
      tree.phandles.set(next, node);
    }
  }
  return symbols;
}

/** Apply one overlay tree to the base tree (in place). Problems are returned as diagnostics. */
export function applyOverlay(base: LiveTree, overlay: LiveTree, map: SourceMap): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const report = (code: string, span: { start: number; end: number }, message: string): void => {
    diags.push({ ...map.toFileRange(span.start, span.end), severity: 'error', code, message });
  };
  // the overlay as dtc -@ compiles it: its labelled nodes get phandles (its __symbols__ are merged below)
  const ovSymbols = labelledNodes(overlay.root).filter((x) => x.node !== overlay.root);
  addSymbols(overlay);
  overlay.root.children = overlay.root.children.filter((c) => c.name !== '__symbols__');
  // 1. the overlay's own phandles move past the base's
  let next = maxPhandle(base.root);
  const delta = next;
  const overlayNodes = new Set<TreeNode>();
  const stack = [overlay.root];
  while (stack.length) {
    const n = stack.pop()!;
    overlayNodes.add(n);
    if (n.phandle !== undefined) {
      n.phandle += delta;
      if (n.phandle > next) next = n.phandle;
      setPhandleProperty(n, n.phandle, undefined);
    }
    for (const c of n.children) stack.push(c);
  }
  // 2. references the overlay does not resolve itself are the base's labels (fdtoverlay's fixups, resolved
  //    through the base's symbols before any fragment is applied); local ones take the moved phandle
  for (const rr of overlay.references) {
    if (rr.target || rr.ref.kind !== 'labelRef') continue;
    const e = base.labels.get(rr.ref.name);
    if (e && !e.property) rr.target = e.node;
    else report('unresolved-reference', rr.ref, `label ${rr.ref.name} is neither in the overlay nor in the base tree: fdtoverlay cannot apply it`);
  }
  for (const rr of overlay.references) {
    const t = rr.target;
    if (!t || overlayNodes.has(t)) continue;
    if (t.phandle === undefined) {
      t.phandle = ++next;
      setPhandleProperty(t, t.phandle, undefined);
      base.phandles.set(t.phandle, t);
    }
  }
  const fixCells = (n: TreeNode): void => {
    for (const p of n.properties) {
      for (const c of p.chunks) {
        if (c.kind !== 'cells') continue;
        for (const cell of c.cells) if (cell.ref?.target?.phandle !== undefined) cell.value = BigInt(cell.ref.target.phandle);
      }
    }
    for (const ch of n.children) fixCells(ch);
  };
  fixCells(overlay.root);

  // 3. the fragments, in order
  const moved = new Map<TreeNode, TreeNode>();
  const merge = (target: TreeNode, src: TreeNode): void => {
    moved.set(src, target);
    target.labels = withAdded(target.labels, src.labels);
    for (const c of src.contributions) target.contributions.push(c);
    if (src.phandle !== undefined && target.phandle === undefined) target.phandle = src.phandle;
    for (const p of src.properties) {
      const k = target.properties.findIndex((x) => x.name === p.name);
      const np: TreeProperty = new LiveProperty(p.name, p.chunks, p.labels, p.span, p.nameSpan, k >= 0 ? [...target.properties[k].contributions, ...p.contributions] : p.contributions, target);
      if (k >= 0) target.properties[k] = np;
      else target.properties.unshift(np);
      for (const l of p.labels) {
        const e = base.labels.get(l.name);
        if (!e || e.property) base.labels.set(l.name, { node: target, property: np, span: l });
      }
    }
    for (const c of src.children) {
      let t = target.children.find((x) => x.name === c.name);
      if (!t) {
        t = { name: c.name, parent: target, children: [], properties: [], labels: [], contributions: [], omitIfNoRef: c.omitIfNoRef };
        target.children.unshift(t);
      }
      merge(t, c);
    }
  };
  for (const frag of overlay.root.children) {
    const ov = frag.children.find((c) => c.name === '__overlay__');
    if (!ov) continue;
    const tp = frag.properties.find((p) => p.name === 'target');
    const tpath = frag.properties.find((p) => p.name === 'target-path');
    let target: TreeNode | undefined;
    let what = '';
    if (tp) {
      const c = tp.chunks[0];
      const cell = c && c.kind === 'cells' ? c.cells[0] : undefined;
      target = cell?.ref?.target;
      what = cell?.ref ? (cell.ref.ref.kind === 'labelRef' ? `&${cell.ref.ref.name}` : `&{${cell.ref.ref.path}}`) : 'target';
      if (target && overlayNodes.has(target)) target = undefined;
      // an unknown label was reported above (unresolved-reference)
      if (!target && !(cell?.ref && cell.ref.ref.kind === 'labelRef')) report('overlay-target', tp.span, `overlay target ${what} is not in the base tree`);
    } else if (tpath) {
      const c = tpath.chunks[0];
      const path = c && c.kind === 'string' ? c.value : c && c.kind === 'pathRef' && c.ref.target ? nodePath(c.ref.target) : '';
      what = `"${path}"`;
      target = findPath(base.root, path);
      if (!target) report('overlay-target', tpath.span, `overlay target-path ${what} is not in the base tree`);
    } else {
      report('overlay-target', frag.contributions[0] ?? { start: 0, end: 0 }, `fragment ${frag.name} has no target or target-path`);
    }
    if (target) merge(target, ov);
  }
  // 4. the overlay's symbols, their paths now in the base (fdtoverlay: a new one goes first, a known one is replaced)
  const symbols = base.root.children.find((c) => c.name === '__symbols__');
  if (symbols) {
    for (const { node, labels } of ovSymbols) {
      const n = moved.get(node);
      if (!n) continue;
      for (const l of labels) {
        const k = symbols.properties.findIndex((p) => p.name === l);
        const p = stringProperty(symbols, l, nodePath(n));
        if (k >= 0) symbols.properties[k] = p; else symbols.properties.unshift(p);
      }
    }
  }
  // 5. the overlay's labels name the merged nodes; tables
  for (const [name, e] of overlay.labels) {
    if (e.property) continue;
    const n = moved.get(e.node);
    if (n && !base.labels.has(name)) base.labels.set(name, { node: n, span: e.span });
  }
  for (const rr of overlay.references) {
    if (rr.target && moved.has(rr.target)) rr.target = moved.get(rr.target);
    base.references.push(rr);
  }
  for (const d of overlay.deleted) base.deleted.push(d);
  for (const name of overlay.deleteNames) base.deleteNames.add(name);
  base.phandles.clear();
  const walk = [base.root];
  while (walk.length) {
    const n = walk.pop()!;
    if (n.phandle !== undefined && !base.phandles.has(n.phandle)) base.phandles.set(n.phandle, n);
    for (const c of n.children) walk.push(c);
  }
  return diags;
}

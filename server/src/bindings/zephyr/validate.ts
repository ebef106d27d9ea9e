// Checking a merged tree against Zephyr bindings the way edtlib does when Zephyr's build generates
// devicetree_generated.h: a binding per node (compatible in order, bus-aware, else the parent's
// child-binding; /zephyr,user infers one), every property declared, required ones present on enabled nodes,
// types as dtlib types them from the source, enum/const, deprecated, phandle-arrays parsed with the
// providers' #<space>-cells (through *-map nexus nodes) and named by their bindings' <space>-cells, *-names
// lengths, reg/ranges sizes, interrupts, pinctrl-N, compatible syntax and vendor prefixes. edtlib stops at
// the first error; every problem is reported here.
import type { Diagnostic, Severity } from '../../base/diagnostics';
import type { SourceMap } from '../../preprocess/types';
import type { Span } from '../../syntax/ast';
import type { LiveTree, TreeNode, TreeProperty } from '../../tree/types';
import { propertyBytes } from '../flatten';
import { nodeNameSpan } from '../report';
import { ZBinding, type ZephyrBindings, type ZPropSpec } from './binding';

type DtType = 'EMPTY' | 'BYTES' | 'NUM' | 'NUMS' | 'STRING' | 'STRINGS' | 'PATH' | 'PHANDLE' | 'PHANDLES' | 'PHANDLES_AND_NUMS' | 'COMPOUND';

interface ZProp {
  p: TreeProperty;
  type: DtType;
  bytes: Uint8Array;
}

interface ZNode {
  t: TreeNode;
  path: string;
  name: string;
  parent?: ZNode;
  props: Map<string, ZProp>;
  compats: string[];
  binding?: ZBinding;
  busNode?: ZNode;
}

/** dtlib's type of a property, from how its value was written. */
function dtType(p: TreeProperty, len: number): DtType {
  const types: string[] = [];
  for (const c of p.chunks) {
    if (c.kind === 'cells') {
      types.push(`u${c.bits}`);
      for (const cell of c.cells) if (cell.ref) types.push('ph');
    } else if (c.kind === 'string') types.push('s');
    else if (c.kind === 'pathRef') types.push('path');
    else types.push('u8');
  }
  if (types.length === 0) return 'EMPTY';
  const set = new Set(types);
  if (types.length === 1 && types[0] === 'u8') return 'BYTES';
  if (types.length === 1 && types[0] === 'u32') return len === 4 ? 'NUM' : 'NUMS';
  if (set.size === 1 && set.has('u32')) return 'NUMS';
  if (set.size === 1 && set.has('s')) return types.length === 1 ? 'STRING' : 'STRINGS';
  if (types.length === 1 && types[0] === 'path') return 'PATH';
  if (types.length === 2 && types[0] === 'u32' && types[1] === 'ph' && len === 4) return 'PHANDLE';
  if (set.size === 2 && set.has('u32') && set.has('ph')) {
    return len === 4 * types.filter((x) => x === 'ph').length ? 'PHANDLES' : 'PHANDLES_AND_NUMS';
  }
  return 'COMPOUND';
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function toNum(b: Uint8Array): number {
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

function strings(b: Uint8Array): string[] {
  return new TextDecoder().decode(b).split('\0').slice(0, -1);
}

const OK_STATUS = ['ok', 'okay', 'disabled', 'reserved', 'fail', 'fail-sss'];
const DEFAULT_TYPES: Record<string, string> = {
  compatible: 'string-array', status: 'string', ranges: 'compound', reg: 'array', 'reg-names': 'string-array', label: 'string',
  interrupts: 'array', 'interrupts-extended': 'compound', 'interrupt-names': 'string-array', 'interrupt-controller': 'boolean',
};
const COMPAT_RE = /^[a-zA-Z][a-zA-Z0-9,+\-._]+$/;

const TYPE_SYNTAX: Record<string, string> = {
  int: '< (number) >', array: '< (number) (number) ... >', 'uint8-array': '[ (byte) (byte) ... ]', string: '"string"',
  'string-array': '"string", "string", ...', phandle: '< &foo >', phandles: '< &foo &bar ... >', path: '&foo or "/path"',
  'phandle-array': '< &foo ... &bar 1 ... &baz 2 3 >',
};

export class ZephyrValidator {
  private readonly out: Diagnostic[] = [];
  private nodes: ZNode[] = [];
  private readonly byTree = new Map<TreeNode, ZNode>();
  private bindings = new Map<string, ZBinding>();

  constructor(private readonly z: ZephyrBindings, private readonly tree: LiveTree, private readonly map: SourceMap) {}

  private report(code: string, severity: Severity, node: ZNode, span: Span | undefined, message: string, property?: string): void {
    const s = span ?? nodeNameSpan(node.t) ?? { start: 0, end: 0 };
    const r = this.map.toFileRange(s.start, s.end);
    const d: Diagnostic = { ...r, severity, code, message, node: node.path };
    if (property !== undefined) d.property = property;
    this.out.push(d);
  }

  private err(code: string, node: ZNode, message: string, prop?: ZProp | string, span?: Span): void {
    const p = typeof prop === 'string' ? undefined : prop;
    this.report(code, 'error', node, span ?? (p ? p.p.nameSpan : undefined), message, typeof prop === 'string' ? prop : prop?.p.name);
  }

  private valueSpan(p: ZProp): Span {
    const c = p.p.chunks;
    return c.length ? { start: c[0].start, end: c[c.length - 1].end } : p.p.nameSpan;
  }

  /** The binding the last validate() matched to a node. */
  bindingOf(t: TreeNode): ZBinding | undefined {
    return this.byTree.get(t)?.binding;
  }

  validate(): Diagnostic[] {
    // nodes in pre-order, with dtlib's view of their properties
    const visit = (t: TreeNode, parent: ZNode | undefined, path: string): void => {
      const props = new Map<string, ZProp>();
      for (const p of t.properties) {
        const bytes = propertyBytes(p);
        props.set(p.name, { p, bytes, type: dtType(p, bytes.length) });
      }
      const n: ZNode = { t, path, name: t.parent ? t.name : '/', parent, props, compats: [] };
      this.nodes.push(n);
      this.byTree.set(t, n);
      for (const c of t.children) visit(c, n, path === '/' ? `/${c.name}` : `${path}/${c.name}`);
    };
    visit(this.tree.root, undefined, '/');
    const compats = new Set<string>();
    for (const n of this.nodes) {
      const c = n.props.get('compatible');
      if (c && (c.type === 'STRING' || c.type === 'STRINGS')) for (const s of strings(c.bytes)) compats.add(s);
    }
    const reg = this.z.register(compats);
    this.bindings = reg.bindings;
    for (const e of reg.errors) this.out.push({ file: e.file, start: e.offset, end: e.end ?? e.offset, severity: 'error', code: 'binding-load-error', message: e.message });
    for (const n of this.nodes) this.checkStatusAndRanges(n);
    for (const n of this.nodes) {
      const c = n.props.get('compatible');
      if (c) {
        if (c.type === 'STRING' || c.type === 'STRINGS') n.compats = strings(c.bytes);
        else this.err('binding-type', n, `compatible must be strings ("a", "b"), not ${c.type.toLowerCase()}`, c, this.valueSpan(c));
      }
      n.busNode = this.busNode(n);
      n.binding = this.bindingFor(n);
      this.checkRegs(n);
      this.checkRanges(n);
    }
    for (const n of this.nodes) {
      this.checkProps(n);
      this.checkInterrupts(n);
      this.checkPinctrl(n);
      this.checkCompatibles(n);
      this.checkUnitAddress(n);
    }
    return this.out;
  }

  private checkStatusAndRanges(n: ZNode): void {
    const st = n.props.get('status');
    if (st) {
      if (st.type !== 'STRING') this.err('binding-type', n, `status must be a string, not ${st.type.toLowerCase()}`, st, this.valueSpan(st));
      else if (!OK_STATUS.includes(strings(st.bytes)[0])) this.err('binding-value', n, `unknown status "${strings(st.bytes)[0]}": expected one of ${OK_STATUS.join(', ')}`, st, this.valueSpan(st));
    }
    const r = n.props.get('ranges');
    if (r && r.type !== 'EMPTY' && r.type !== 'NUMS') this.err('binding-type', n, `ranges must be empty or cells (ranges = < ... >), not ${r.type.toLowerCase()}`, r, this.valueSpan(r));
  }

  private busNode(n: ZNode): ZNode | undefined {
    if (!n.parent) return undefined;
    if (n.compats.includes('fixed-partitions')) return undefined;
    if (n.parent.binding && n.parent.binding.buses.length) return n.parent;
    return n.parent.busNode;
  }

  private bindingFor(n: ZNode): ZBinding | undefined {
    if (n.path === '/zephyr,user') return this.inferred(n);
    if (n.compats.length) {
      const onBuses = n.busNode?.binding?.buses ?? [];
      for (const c of n.compats) {
        for (const bus of onBuses) {
          const b = this.bindings.get(`${c}\0${bus}`);
          if (b) return b;
        }
        const b = this.bindings.get(`${c}\0`);
        if (b) return b;
      }
      return undefined;
    }
    return n.parent?.binding?.childBinding;
  }

  /** /zephyr,user: a binding made from the properties it has. */
  private inferred(n: ZNode): ZBinding {
    const typeOf: Record<DtType, string> = {
      EMPTY: 'boolean', BYTES: 'uint8-array', NUM: 'int', NUMS: 'array', STRING: 'string', STRINGS: 'string-array',
      PHANDLE: 'phandle', PHANDLES: 'phandles', PHANDLES_AND_NUMS: 'phandle-array', PATH: 'path', COMPOUND: 'compound',
    };
    const props: Record<string, unknown> = {};
    for (const [name, p] of n.props) props[name] = { type: typeOf[p.type] };
    return new ZBinding(undefined, { description: 'inferred', properties: props }, this.z, false, false);
  }

  private cells(n: ZNode | undefined, name: string, dflt: number): number {
    const p = n?.props.get(name);
    return p && p.bytes.length === 4 ? u32(p.bytes, 0) : dflt;
  }

  /** The value split into groups of `size` bytes, or an error when it does not divide. */
  private slices(n: ZNode, p: ZProp, size: number, hint: string): Uint8Array[] | undefined {
    if (size <= 0 || p.bytes.length % size) {
      this.err('binding-item-count', n, `${p.p.name} has ${p.bytes.length} bytes, not a multiple of ${hint}`, p, this.valueSpan(p));
      return undefined;
    }
    const out: Uint8Array[] = [];
    for (let i = 0; i < p.bytes.length; i += size) out.push(p.bytes.subarray(i, i + size));
    return out;
  }

  private checkRegs(n: ZNode): void {
    const p = n.props.get('reg');
    if (!p || !n.parent) return;
    const ac = this.cells(n.parent, '#address-cells', 2);
    const sc = this.cells(n.parent, '#size-cells', 1);
    const groups = this.slices(n, p, 4 * (ac + sc), `4 * (#address-cells = ${ac} + #size-cells = ${sc})`);
    if (!groups) return;
    for (const g of groups) {
      if (sc !== 0 && toNum(g.subarray(4 * ac)) === 0 && !this.isPci(n)) {
        this.err('binding-value', n, 'zero-sized reg entry (use a size of 1, or #size-cells = <0>)', p, this.valueSpan(p));
        break;
      }
    }
    this.checkNames(n, 'reg', groups.length);
  }

  private isPci(n: ZNode): boolean {
    return !!n.busNode?.binding?.buses.includes('pcie');
  }

  private checkRanges(n: ZNode): void {
    const p = n.props.get('ranges');
    if (!p || !n.parent || p.type !== 'NUMS') return;
    const child = this.cells(n, '#address-cells', 2);
    const parent = this.cells(n.parent, '#address-cells', 2);
    const size = this.cells(n, '#size-cells', 1);
    const entry = child + parent + size;
    if (entry === 0) {
      if (p.bytes.length) this.err('binding-item-count', n, 'ranges should be empty: #address-cells, the parent\'s #address-cells and #size-cells are all 0', p, this.valueSpan(p));
      return;
    }
    this.slices(n, p, 4 * entry, `4 * (${child} + ${parent} + ${size})`);
  }

  private checkNames(n: ZNode, base: string, count: number): void {
    const names = n.props.get(`${base}-names`);
    if (!names) return;
    if (names.type !== 'STRING' && names.type !== 'STRINGS') {
      this.err('binding-type', n, `${base}-names must be strings ("a", "b"), not ${names.type.toLowerCase()}`, names, this.valueSpan(names));
      return;
    }
    const k = strings(names.bytes).length;
    if (k !== count) this.err('binding-item-count', n, `${k} name${k === 1 ? '' : 's'} for ${count} ${base} entr${count === 1 ? 'y' : 'ies'}`, names, this.valueSpan(names));
  }

  private checkProps(n: ZNode): void {
    const b = n.binding;
    const where = b?.path ? b.path.replace(/^.*\/dts\/bindings\//, '') : 'the binding';
    if (b && b.props.size) {
      for (const spec of b.props.values()) this.checkProp(n, spec, where);
      for (const [name, p] of n.props) {
        if (name.endsWith('-controller') || name.startsWith('#') || name.startsWith('pinctrl-') ||
          ['compatible', 'status', 'ranges', 'phandle', 'interrupt-parent', 'interrupts-extended', 'device_type'].includes(name)) continue;
        if (!b.props.has(name)) this.err('binding-unknown-property', n, `${name} is not declared in ${where} (the Zephyr build fails)`, p);
      }
    } else {
      for (const name of n.props.keys()) {
        const type = DEFAULT_TYPES[name];
        if (type) this.checkValue(n, { name, type, required: false, deprecated: false }, 'the default property types');
      }
    }
  }

  private checkProp(n: ZNode, spec: ZPropSpec, where: string): void {
    const p = n.props.get(spec.name);
    if (p && spec.deprecated) this.report('binding-deprecated', 'warning', n, p.p.nameSpan, `${spec.name} is deprecated in ${where}`, spec.name);
    if (!p) {
      if (spec.required && this.status(n) === 'okay') this.err('binding-missing-required', n, `${spec.name} is missing (required by ${where})`, spec.name, nodeNameSpan(n.t));
      return;
    }
    const val = this.checkValue(n, spec, where);
    if (val === undefined) return;
    if (spec.enum && !spec.enum.some((e) => sameValue(e, val))) {
      this.err('binding-value', n, `${showVal(val)} is not allowed: expected one of ${spec.enum.map(showVal).join(', ')} (${where})`, p, this.valueSpan(p));
    }
    if (spec.const !== undefined && !sameValue(spec.const, val)) {
      this.err('binding-value', n, `${showVal(val)} is not allowed: expected ${showVal(spec.const)} (${where})`, p, this.valueSpan(p));
    }
  }

  /** The value as edtlib reads it for the binding's type (undefined when the type does not fit). */
  private checkValue(n: ZNode, spec: ZPropSpec, where: string): unknown {
    const p = n.props.get(spec.name);
    if (!p) return undefined;
    const wrong = (): undefined => {
      this.err('binding-type', n, `${spec.name} must be written ${spec.name} = ${TYPE_SYNTAX[spec.type ?? ''] ?? spec.type} (type ${spec.type} in ${where})`, p, this.valueSpan(p));
      return undefined;
    };
    switch (spec.type) {
      case 'boolean':
        if (p.type !== 'EMPTY') {
          this.err('binding-type', n, `${spec.name} is a boolean (type: boolean in ${where}): write "${spec.name};" without a value`, p, this.valueSpan(p));
          return undefined;
        }
        return true;
      case 'int':
        return p.type === 'NUM' ? u32(p.bytes, 0) : wrong();
      case 'array':
        if (p.type !== 'NUM' && p.type !== 'NUMS') return wrong();
        return Array.from({ length: p.bytes.length / 4 }, (_, i) => u32(p.bytes, 4 * i));
      case 'uint8-array':
        return p.type === 'BYTES' ? [...p.bytes] : wrong();
      case 'string':
        return p.type === 'STRING' ? strings(p.bytes)[0] : wrong();
      case 'string-array':
        return p.type === 'STRING' || p.type === 'STRINGS' ? strings(p.bytes) : wrong();
      case 'phandle':
        return p.type === 'PHANDLE' ? this.phandleTarget(n, p) : wrong();
      case 'phandles':
        return p.type === 'PHANDLE' || p.type === 'PHANDLES' || (p.type === 'NUMS' && !p.bytes.length) ? null : wrong();
      case 'path':
        return p.type === 'PATH' || p.type === 'STRING' ? null : wrong();
      case 'phandle-array':
        if (p.type !== 'PHANDLE' && p.type !== 'PHANDLES' && p.type !== 'PHANDLES_AND_NUMS') return wrong();
        this.phandleArray(n, p, spec.specifierSpace ?? (spec.name.endsWith('gpios') ? 'gpio' : spec.name.slice(0, -1)));
        return null;
      default:
        return null;
    }
  }

  private phandleTarget(n: ZNode, p: ZProp): null {
    void n;
    void p;
    return null;
  }

  private nodeOfPhandle(ph: number): ZNode | undefined {
    const t = this.tree.phandles.get(ph);
    return t ? this.byTree.get(t) : undefined;
  }

  /** A phandle-array: groups by each provider's #<space>-cells, mapped through nexus nodes, named by its binding. */
  private phandleArray(n: ZNode, p: ZProp, space: string): void {
    const cellsName = `#${space}-cells`;
    let at = 0;
    let groups = 0;
    const b = p.bytes;
    while (at < b.length) {
      if (b.length - at < 4) { this.err('binding-item-count', n, `${p.p.name} ends in the middle of a cell`, p, this.valueSpan(p)); return; }
      const ph = u32(b, at);
      at += 4;
      groups++;
      const target = this.nodeOfPhandle(ph);
      if (!target) continue;
      const cp = target.props.get(cellsName);
      if (!cp) { this.err('binding-constraint', n, `${target.name} lacks ${cellsName} (needed by ${p.p.name})`, p, this.valueSpan(p)); return; }
      const count = cp.bytes.length === 4 ? u32(cp.bytes, 0) : 0;
      if (b.length - at < 4 * count) { this.err('binding-item-count', n, `${p.p.name}: ${target.name} takes ${count} cell${count === 1 ? '' : 's'} (${cellsName}), fewer are given`, p, this.valueSpan(p)); return; }
      const spec = b.subarray(at, at + 4 * count);
      at += 4 * count;
      const mapped = this.mapThrough(n, target, spec, space, p);
      if (!mapped) return;
      this.namedCells(n, mapped.node, mapped.spec, space, p);
    }
    this.checkNames(n, space, groups);
  }

  /** edtlib's _map: follow `<space>-map` of nexus nodes to the real provider. */
  private mapThrough(n: ZNode, parent: ZNode, spec: Uint8Array, space: string, p: ZProp, depth = 0): { node: ZNode; spec: Uint8Array } | undefined {
    const map = parent.props.get(`${space}-map`);
    if (!map || depth > 16) return { node: parent, spec };
    const mask = parent.props.get(`${space}-map-mask`);
    let masked = spec;
    if (mask) {
      if (mask.bytes.length !== spec.length) { this.err('binding-constraint', n, `${space}-map-mask of ${parent.name} has ${mask.bytes.length} bytes, the specifier ${spec.length}`, p, this.valueSpan(p)); return undefined; }
      masked = spec.map((x, i) => x & mask.bytes[i]);
    }
    const raw = map.bytes;
    let at = 0;
    while (at < raw.length) {
      const entry = raw.subarray(at, at + spec.length);
      at += spec.length;
      if (raw.length - at < 4) break;
      const mp = this.nodeOfPhandle(u32(raw, at));
      at += 4;
      if (!mp) { this.err('binding-constraint', n, `${space}-map of ${parent.name} names an unknown phandle`, p, this.valueSpan(p)); return undefined; }
      const cp = mp.props.get(`#${space}-cells`);
      if (!cp) { this.err('binding-constraint', n, `${mp.name} lacks #${space}-cells (in ${space}-map of ${parent.name})`, p, this.valueSpan(p)); return undefined; }
      const len = 4 * (cp.bytes.length === 4 ? u32(cp.bytes, 0) : 0);
      let parentSpec = raw.subarray(at, at + len);
      at += len;
      if (entry.length === masked.length && entry.every((x, i) => x === masked[i])) {
        const thru = parent.props.get(`${space}-map-pass-thru`);
        if (thru && thru.bytes.length === spec.length) {
          const res = spec.map((x, i) => (x & thru.bytes[i]) | (0xff & ~thru.bytes[i]));
          const merged = new Uint8Array(Math.max(res.length, parentSpec.length));
          const ps = new Uint8Array(merged.length);
          ps.set(parentSpec, merged.length - parentSpec.length);
          const cs = new Uint8Array(merged.length);
          cs.set(spec, merged.length - spec.length);
          const pt = new Uint8Array(merged.length);
          pt.set(thru.bytes, merged.length - thru.bytes.length);
          for (let i = 0; i < merged.length; i++) merged[i] = (cs[i] & pt[i]) | (ps[i] & ~pt[i] & 0xff);
          parentSpec = merged.subarray(merged.length - parentSpec.length);
          void res;
        }
        return this.mapThrough(n, mp, parentSpec, space, p, depth + 1);
      }
    }
    this.err('binding-constraint', n, `the specifier of ${p.p.name} does not appear in ${space}-map of ${parent.name}`, p, this.valueSpan(p));
    return undefined;
  }

  private namedCells(n: ZNode, controller: ZNode, spec: Uint8Array, space: string, p: ZProp): void {
    const cb = controller.binding;
    if (!cb) {
      this.err('binding-constraint', n, `${space} controller ${controller.name} has no binding (needed to name the cells of ${p.p.name})`, p, this.valueSpan(p));
      return;
    }
    const names = cb.specifierCells.get(space) ?? [];
    if (names.length !== spec.length / 4) {
      this.err('binding-constraint', n, `the binding of ${controller.name} names ${names.length} ${space} cell${names.length === 1 ? '' : 's'} (${space}-cells), the specifier has ${spec.length / 4}`, p, this.valueSpan(p));
    }
  }

  private status(n: ZNode): string {
    const st = n.props.get('status');
    if (!st || st.type !== 'STRING') return 'okay';
    const s = strings(st.bytes)[0];
    return s === 'ok' ? 'okay' : s;
  }

  private interruptParent(n: ZNode): ZNode | undefined {
    for (let cur: ZNode | undefined = n; cur; cur = cur.parent) {
      const ip = cur.props.get('interrupt-parent');
      if (ip) return ip.bytes.length === 4 ? this.nodeOfPhandle(u32(ip.bytes, 0)) : undefined;
    }
    return undefined;
  }

  private checkInterrupts(n: ZNode): void {
    const ext = n.props.get('interrupts-extended');
    let count = 0;
    if (ext) {
      const b = ext.bytes;
      let at = 0;
      while (at + 4 <= b.length) {
        const target = this.nodeOfPhandle(u32(b, at));
        at += 4;
        if (!target) { this.err('binding-constraint', n, 'interrupts-extended has an empty element', ext, this.valueSpan(ext)); return; }
        const ic = target.props.get('#interrupt-cells');
        if (!ic) { this.err('binding-constraint', n, `${target.name} lacks #interrupt-cells`, ext, this.valueSpan(ext)); return; }
        const k = ic.bytes.length === 4 ? u32(ic.bytes, 0) : 0;
        const spec = b.subarray(at, at + 4 * k);
        at += 4 * k;
        count++;
        this.interruptController(n, target, spec, ext);
      }
    } else {
      const ints = n.props.get('interrupts');
      if (!ints) return;
      const parent = this.interruptParent(n);
      if (!parent) { this.err('binding-constraint', n, 'interrupts without an interrupt-parent on the node or an ancestor', ints, this.valueSpan(ints)); return; }
      const ic = parent.props.get('#interrupt-cells');
      if (!ic) { this.err('binding-constraint', n, `${parent.name} lacks #interrupt-cells`, ints, this.valueSpan(ints)); return; }
      const k = ic.bytes.length === 4 ? u32(ic.bytes, 0) : 0;
      const groups = this.slices(n, ints, 4 * k, `4 * #interrupt-cells (= ${k})`);
      if (!groups) return;
      count = groups.length;
      for (const g of groups) this.interruptController(n, parent, g, ints);
    }
    this.checkNames(n, 'interrupt', count);
  }

  private interruptController(n: ZNode, parent: ZNode, spec: Uint8Array, p: ZProp): void {
    if (parent.props.has('interrupt-controller') || !parent.props.has('interrupt-map')) {
      if (!parent.props.has('interrupt-controller') && !parent.props.has('interrupt-map')) {
        this.err('binding-constraint', n, `${parent.name} is no interrupt-controller (and has no interrupt-map)`, p, this.valueSpan(p));
        return;
      }
      this.namedCells(n, parent, spec, 'interrupt', p);
    }
  }

  private checkPinctrl(n: ZNode): void {
    const list = [...n.props.keys()].filter((k) => /^pinctrl-[0-9]+/.test(k)).sort();
    list.forEach((name, i) => {
      if (name !== `pinctrl-${i}`) this.err('binding-constraint', n, `pinctrl-${i} is missing: pinctrl-N must count up from 0`, n.props.get(name));
    });
    if (list.length) this.checkNames(n, 'pinctrl', list.length);
  }

  private checkCompatibles(n: ZNode): void {
    const c = n.props.get('compatible');
    if (!c) return;
    for (const compat of n.compats) {
      if (!COMPAT_RE.test(compat)) this.err('binding-value', n, `compatible "${compat}" must match ${COMPAT_RE.source}`, c, this.valueSpan(c));
      if (compat.includes(',') && this.z.vendors.size && n.path !== '/') {
        const vendor = compat.split(',')[0];
        if (!this.z.vendors.has(vendor)) this.report('binding-unknown-compatible', 'warning', n, this.valueSpan(c), `"${compat}" has an unknown vendor prefix ${vendor} (not in vendor-prefixes.txt)`, 'compatible');
      }
    }
  }

  private checkUnitAddress(n: ZNode): void {
    const p = n.props.get('reg');
    const at = n.name.indexOf('@');
    if (!p || at < 0 || !n.parent || this.isPci(n)) return;
    const ac = this.cells(n.parent, '#address-cells', 2);
    if (ac === 0 || p.bytes.length < 4 * ac) return;
    const first = toNum(p.bytes.subarray(0, 4 * ac));
    const unit = parseInt(n.name.slice(at + 1).split(',')[0], 16);
    if (Number.isNaN(unit) || unit === first) return;
    this.report('binding-value', 'warning', n, this.valueSpan(p), `the unit address does not match the first reg address 0x${first.toString(16)} (Zephyr warns)`, 'reg');
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function showVal(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'number') return v > 9 ? `0x${v.toString(16)}` : String(v);
  if (Array.isArray(v)) return `<${v.map(showVal).join(' ')}>`;
  return String(v);
}

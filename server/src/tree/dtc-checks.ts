// Phase 2 of the merge, dtc's checks in checks.c's order: duplicate node and property names, the
// `name` property clean-up, duplicate labels, explicit phandles, phandle references (generated
// phandles numbered in tree pre-order, skipping used values, a `phandle` property appended), path
// references, /omit-if-no-ref/.
import type { LabelDef, ResolvedRef } from './types';
import { resolveReference } from './query';
import { DNode, DProp, forEachDuplicate, phandleIsValid, span, textEncoder, type Span } from './dnodes';
import type { MergeState } from './merge-state';

export function runChecks(mg: MergeState): void {
  if (!mg.root) mg.root = new DNode('');
  const root = mg.root;
  // the checks up to omit_unused_nodes delete no node: one pre-order list of the live nodes serves them all
  const liveList: DNode[] = [];
  mg.forEachLive((n) => { liveList.push(n); });
  const each = (fn: (n: DNode) => void): void => {
    for (let k = 0; k < liveList.length; k++) fn(liveList[k]);
  };

  // duplicate_node_names: a later sibling (deleted entries included, as dtc) of a live child
  each((n) => {
    forEachDuplicate(n.children, false, (c, first) => {
      n.dups = true;
      const extra = c.deleteEntry ? ' (a /delete-node/ in the same node body as the node is not applied)' : '';
      mg.report('duplicate-node', mg.nodeNameSpan(c), `Duplicate node name '${c.name}'${extra}`,
        [{ span: mg.nodeNameSpan(first), message: `'${c.name}' first defined here` }]);
    });
  });
  // duplicate_property_names
  each((n) => {
    forEachDuplicate(n.props, true, (p, first) => {
      n.dups = true;
      mg.report('duplicate-property', p.nameSpan, `Duplicate property name '${p.name}'`,
        [{ span: first.nameSpan, message: `'${p.name}' first defined here` }]);
    });
  });
  // name_is_string + name_properties: a correct `name` property is removed
  let namesAreStrings = true;
  each((n) => {
    const p = n.props.find((x) => !x.deleted && x.name === 'name');
    if (!p) return;
    const b = mg.propBytes(p);
    if (!(b.length > 0 && b[b.length - 1] === 0 && b.indexOf(0) === b.length - 1)) namesAreStrings = false;
  });
  if (namesAreStrings) {
    each((n) => {
      const i = n.props.findIndex((x) => x.name === 'name');
      if (i < 0) return;
      const b = mg.propBytes(n.props[i]);
      const at = n.name.indexOf('@');
      const base = at >= 0 ? n.name.slice(0, at) : n.name;
      const enc = textEncoder.encode(base);
      if (b.length === enc.length + 1 && enc.every((x, k) => b[k] === x)) n.props.splice(i, 1);
      else {
        const p = n.props[i];
        const shown = new TextDecoder().decode(b.subarray(0, Math.max(0, b.length - 1)));
        mg.report('name-property', p.nameSpan, `"name" property is incorrect ("${shown}" instead of base node name "${base}")`);
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
  mg.nodeLabelOwner = nodeOwner;

  // duplicate_label
  const describe = (node: DNode, prop?: DProp, mark?: LabelDef): string =>
    `${mark ? 'value of ' : ''}${prop ? `'${prop.name}' in ` : ''}${mg.dpath(node)}`;
  const ownerOf = (name: string): { node: DNode; prop?: DProp; mark?: LabelDef; span: Span } | undefined => {
    const n = nodeOwner.get(name);
    if (n) {
      const l = n.labels.find((x) => x.name === name);
      return { node: n, span: l && l.defs[0] ? l.defs[0] : mg.nodeNameSpan(n) };
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
      mg.report('duplicate-label', at, `Duplicate label '${name}' on ${describe(node, prop, mark)} and ${describe(o.node, o.prop, o.mark)}`,
        [{ span: o.span, message: `'${name}' also defined here` }]);
    }
  };
  each((n) => {
    for (let lIndex = 0, lList = n.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!l.deleted) checkLabel(l.name, l.defs[l.defs.length - 1] ?? mg.nodeNameSpan(n), n); }
    for (let pIndex = 0, pList = n.props; pIndex < pList.length; pIndex++) {
      const p = pList[pIndex];
      if (p.deleted) continue;
      for (let lIndex = 0, lList = p.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!l.deleted) checkLabel(l.name, l.defs[l.defs.length - 1] ?? p.nameSpan, n, p); }
      for (let mIndex = 0, mList = p.valueLabels; mIndex < mList.length; mIndex++) { const m = mList[mIndex]; checkLabel(m.name, m, n, p, m); }
    }
  });

  // explicit_phandles
  each((n) => {
    const ph = checkPhandleProp(mg, n, 'phandle');
    const lph = checkPhandleProp(mg, n, 'linux,phandle');
    if (!ph && !lph) return;
    const at = n.props.find((x) => !x.deleted && x.name === (ph ? 'phandle' : 'linux,phandle'));
    const atSpan = at ? at.span : mg.nodeNameSpan(n);
    if (ph && lph && ph !== lph) mg.report('phandle-error', atSpan, `Mismatching 'phandle' and 'linux,phandle' properties`);
    const value = ph || lph;
    const other = mg.phandleMap.get(value);
    if (other && other !== n) {
      mg.report('phandle-error', atSpan, `Duplicated phandle 0x${value.toString(16)} (seen before at ${mg.dpath(other)})`);
      return;
    }
    n.phandle = value;
    mg.phandleMap.set(value, n);
  });

  // phandle_references
  each((n) => {
    for (let pIndex = 0, pList = n.props; pIndex < pList.length; pIndex++) {
      const p = pList[pIndex];
      if (p.deleted) continue;
      for (let mIndex = 0, mList = p.phRefs; mIndex < mList.length; mIndex++) {
        const m = mList[mIndex];
        const target = mg.getNodeByRef(m.refStr);
        if (!target) {
          unresolvedValueRef(mg, m.rr, m.refStr, true);
          m.cell.value = 0xffffffffn;
          continue;
        }
        // (a node's phandle does not change once it has one: one bigint per node, not per reference)
        if (target.phandleCell === undefined) target.phandleCell = BigInt(getNodePhandle(mg, target));
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
        const target = mg.getNodeByRef(m.refStr);
        if (!target) { unresolvedValueRef(mg, m.rr, m.refStr, false); continue; }
        m.path = mg.dpath(target);
        mg.pathChunkPaths.set(m.chunk, m.path);
        target.referenced = true;
        m.node = target;
      }
    }
  });
  // omit_unused_nodes
  mg.forEachLive((n) => {
    if (n !== root && n.omit && !n.referenced) {
      mg.recordNodeDeletion(n, n.omitSpan ?? mg.nodeNameSpan(n));
      mg.deleteNode(n);
    }
  });
}

function unresolvedValueRef(mg: MergeState, rr: ResolvedRef, refStr: string, phandleRef: boolean): void {
  if (mg.isPlugin && phandleRef) {
    if (refStr.includes('/')) {
      mg.report('unresolved-reference', rr.ref, `Can't generate fixup for reference to path &{${refStr}}`);
      return;
    }
    if (mg.ctx.base) {
      const t = resolveReference(mg.ctx.base, refStr);
      if (t) rr.target = t;
      else mg.report('unresolved-reference', rr.ref, `Reference to non-existent node or label "${refStr}" (not in the overlay, nor in the base tree)`);
    }
    return; // a fixup: legal in an overlay
  }
  mg.report('unresolved-reference', rr.ref, `Reference to non-existent node or label "${refStr}"`);
}

function checkPhandleProp(mg: MergeState, n: DNode, name: string): number {
  const p = n.props.find((x) => !x.deleted && x.name === name);
  if (!p) return 0;
  const b = mg.propBytes(p);
  if (b.length !== 4) {
    mg.report('phandle-error', p.span, `Bad length (${b.length}) ${name} property`);
    return 0;
  }
  if (p.phRefs.length > 0) {
    const m = p.phRefs[0];
    if (mg.getNodeByRef(m.refStr) !== n) mg.report('phandle-error', p.span, `${name} is a reference to another node`);
    return 0;
  }
  const v = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  if (!phandleIsValid(v)) {
    mg.report('phandle-error', p.span, `Bad value (0x${v.toString(16)}) in ${name} property`);
    return 0;
  }
  return v;
}

function getNodePhandle(mg: MergeState, n: DNode): number {
  if (phandleIsValid(n.phandle)) return n.phandle;
  while (mg.phandleMap.has(mg.nextPhandle)) mg.nextPhandle++;
  const ph = mg.nextPhandle;
  n.phandle = ph;
  mg.phandleMap.set(ph, n);
  if (!n.props.some((x) => !x.deleted && x.name === 'phandle')) {
    const at = mg.nodeNameSpan(n);
    const p = new DProp('phandle', span(at), span(at));
    p.chunks.push({ kind: 'cells', start: at.start, end: at.start, bits: 32, cells: [{ start: at.start, end: at.start, value: BigInt(ph) }] });
    n.props.push(p);
  }
  return ph;
}
// Phase 3 of the merge: the live (not deleted) part of the working tree becomes the public LiveTree
// (TreeNode objects, label and phandle tables, resolved references).
import type { LabelDef, LiveTree, ResolvedRef, TreeNode, TreeProperty } from './types';
import { resolveReference } from './query';
import { DNode, phandleIsValid, SMALL_LIST, type DLabel, type PathMarker, type PhandleMarker } from './dnodes';
import type { MergeState } from './merge-state';
import { LiveProperty } from './value-reads';
import { noItems, withAdded } from '../base/empty';

// ---- conversion to the public tree ----------------------------------------
export function toLiveTree(mg: MergeState): LiveTree {
  const valueLabels = new Map<TreeProperty, LabelDef[]>();
  const references: ResolvedRef[] = [];
  // the value references of live properties (their targets are set once every node has its live one)
  const marks: (PhandleMarker | PathMarker)[] = [];
  const rootD = mg.root ?? new DNode('');

  const liveLabelDefs = (labels: DLabel[]): LabelDef[] => {
    // (no labels: the shared empty list, see base/empty.ts; adding to it replaces it)
    if (labels.length === 0) return noItems();
    const out: LabelDef[] = [];
    for (let lIndex = 0, lList = labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; if (!l.deleted) out.push(...l.defs); }
    // (a copy to its size: pushing reserved 16 slots)
    return out.length ? out.sort((a, b) => a.start - b.start).slice() : noItems();
  };
  const newNode = (d: DNode, parent?: TreeNode): TreeNode => ({
    name: d.name, parent, children: [], properties: [], labels: noItems(), contributions: [], omitIfNoRef: d.omit,
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
        existing.labels = withAdded(existing.labels, liveLabelDefs(p.labels));
        existing.contributions.push(...p.contributions);
        valueLabels.set(existing, p.valueLabels);
        continue;
      }
      // (the DProp dies here: its contribution list is handed over)
      const tp: TreeProperty = new LiveProperty(p.name, p.chunks, liveLabelDefs(p.labels), p.span, p.nameSpan, p.contributions, t);
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
  for (let sIndex = 0, sList = mg.stmtRefs; sIndex < sList.length; sIndex++) {
    const s = sList[sIndex];
    if (s.orphan) {
      if (mg.ctx.base) {
        const t = resolveReference(mg.ctx.base, s.refStr);
        if (t) s.rr.target = t;
        else mg.report('unresolved-reference', s.rr.ref, `Path ${s.refStr} not found in the base tree`);
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
    root, memreserves: mg.memreserves, isPlugin: mg.isPlugin, labels, phandles, references,
    deleted: mg.deleted, deleteNames: mg.deleteNames, diagnostics: mg.diagnostics,
  };
}
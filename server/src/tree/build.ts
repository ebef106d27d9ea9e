// Phase 1 of the merge, dtc's parser actions (dtc-parser.y, livetree.c): every node body becomes a
// fresh node (build_node: properties and children as written, `/delete-property/` and
// `/delete-node/` entries kept, same-named duplicates kept); later `/ { }` and `&ref { }` bodies are
// merged into the tree with merge_nodes semantics; top-level `/delete-node/ &ref;` and
// `/omit-if-no-ref/ &ref;` act on the tree built so far; overlays get dtc's fragments.
import * as paths from '../base/paths';
import type * as ast from '../syntax/ast';
import { decodeDtsString, fitsBits, U64_MASK } from './eval';
import type { Cell, Contribution, ResolvedRef, ValueChunk } from './types';
import { DNode, DProp, isRefRelative, own, ownContributions, ownRef, plainAscii, refString, span, textDecoder, textEncoder, type Span } from './dnodes';
import { MAX_NODE_DEPTH, type MergeState } from './merge-state';
import { RefCell } from './value-reads';

// ---- building nodes from bodies (build_node) ----------------------------
function buildNode(mg: MergeState, body: ast.NodeBody, name: string, depth: number, contribution: Contribution): DNode {
  const node = new DNode(name, contribution);
  for (let itemIndex = 0, itemList = body.items; itemIndex < itemList.length; itemIndex++) {
    const item = itemList[itemIndex];
    switch (item.kind) {
      case 'property':
        node.props.push(buildProp(mg, item));
        break;
      case 'deleteProperty': {
        mg.deleteNames.add(item.name);
        const p = new DProp(item.name, span(item), span(item.nameSpan), { kind: 'deletion', start: item.start, end: item.end, nameSpan: span(item.nameSpan) });
        p.deleted = true;
        node.props.push(p);
        break;
      }
      case 'node': {
        // a huge node body (one statement) is cancellable too: poll every 256 nodes, skip the rest once cancelled
        if (mg.cancelled || ((++mg.nodeTicks & 255) === 0 && mg.checkCancelled(item.nameSpan))) break;
        const contrib: Contribution = { kind: 'definition', start: item.start, end: item.end, nameSpan: span(item.nameSpan) };
        let child: DNode;
        if (depth + 1 > MAX_NODE_DEPTH) {
          mg.report('resource-limit', item.nameSpan, `Node nesting deeper than ${MAX_NODE_DEPTH} levels: the contents of this node are ignored`);
          child = new DNode(item.name, contrib);
        } else {
          child = buildNode(mg, item.body, item.name, depth + 1, contrib);
        }
        for (let lIndex = 0, lList = item.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; mg.addLabel(child, l.name, [{ name: l.name, start: l.start, end: l.end }], child); }
        if (item.omitIfNoRef) { child.omit = true; child.omitSpan = span(item); }
        child.parent = node;
        node.children.push(child);
        break;
      }
      case 'deleteNode': {
        if (item.name === undefined) break; // the reference form only exists at top level
        mg.deleteNames.add(item.name);
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

export function buildProp(mg: MergeState, def: ast.PropertyDef): DProp {
  // the parser's name spans are plain { start, end } objects nobody mutates: shared, not copied
  const p = new DProp(def.name, span(def), span(def.nameSpan), { kind: 'definition', start: def.start, end: def.end, nameSpan: span(def.nameSpan) });
  for (let lIndex = 0, lList = def.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; mg.addLabel(p, l.name, [{ name: l.name, start: l.start, end: l.end }]); }
  if (!def.value) return p;
  for (let partIndex = 0, partList = def.value; partIndex < partList.length; partIndex++) {
    const part = partList[partIndex];
    for (let lIndex = 0, lList = part.labelsBefore; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; own(p, 'valueLabels').push({ name: l.name, start: l.start, end: l.end }); }
    const chunk = buildChunk(mg, part.component, p);
    // (a one-element literal: a push onto [] reserves 16 slots, and most values are one chunk)
    if (chunk) { if (p.chunks.length === 0) p.chunks = [chunk]; else p.chunks.push(chunk); }
    for (let lIndex = 0, lList = part.labelsAfter; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; own(p, 'valueLabels').push({ name: l.name, start: l.start, end: l.end }); }
  }
  return p;
}

function buildChunk(mg: MergeState, c: ast.ValueComponent, p: DProp): ValueChunk | undefined {
  switch (c.kind) {
    case 'string': {
      // (no byte copy: `bytes` is optional, for the strings whose bytes are not value + NUL)
      if (plainAscii(c.raw)) return { kind: 'string', start: c.start, end: c.end, value: c.raw };
      const d = decodeDtsString(c.raw);
      if (d.problem) mg.report('value-error', c, d.problem);
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
          const v = mg.evalInt(item.expr);
          if (v <= mask) { cells[n++] = { start: item.start, end: item.end, value: v }; continue; } // fits: unchanged
          if (!fitsBits(v, b)) {
            // dtc 1.7/1.8 warn and truncate (dtc-parser.y "Value ... truncated to ...")
            mg.report('value-truncated', item, `Value 0x${v.toString(16)} does not fit a ${b}-bit array element: truncated to 0x${(v & mask).toString(16)}`);
          }
          cells[n++] = { start: item.start, end: item.end, value: v & mask };
        } else {
          if (b !== 32) {
            // reported by the parser (syntax-error), like dtc's parser does
            cells[n++] = { start: item.start, end: item.end, value: mask };
            continue;
          }
          const rr: ResolvedRef = { ref: ownRef(item.ref) };
          const cell: Cell = new RefCell(item.start, item.end, 0xffffffffn, rr);
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
      const rr: ResolvedRef = { ref: ownRef(c.ref) };
      const chunk = { kind: 'pathRef' as const, start: c.start, end: c.end, ref: rr };
      own(p, 'pathRefs').push({ chunk, rr, refStr: refString(c.ref) });
      return chunk;
    }
    case 'incbin':
      return { kind: 'incbin', start: c.start, end: c.end, path: c.path, bytes: readIncbin(mg, c) };
    default:
      return undefined;
  }
}

function readIncbin(mg: MergeState, c: ast.ValueComponent & { kind: 'incbin' }): Uint8Array {
  const offset = c.offset ? mg.evalInt(c.offset) : 0n;
  const length = c.length ? mg.evalInt(c.length) : undefined;
  const candidates: string[] = [];
  if (c.path.startsWith('/')) candidates.push(paths.normalize(c.path));
  else {
    let from: string | undefined;
    try { from = mg.ctx.map.locate(c.pathSpan.start).file; } catch { from = undefined; }
    if (from) candidates.push(paths.resolve(paths.dirname(from), c.path));
    const rootDir = paths.resolve(paths.dirname(mg.ctx.root), c.path);
    if (!candidates.includes(rootDir)) candidates.push(rootDir);
  }
  let bytes: Uint8Array | undefined;
  let failure = '';
  for (let fIndex = 0, fList = candidates; fIndex < fList.length; fIndex++) {
    const f = fList[fIndex];
    const r = mg.ctx.fs.readBytes(f);
    if (r.ok) { bytes = r.bytes; break; }
    if (!failure) failure = r.message;
  }
  if (!bytes) {
    mg.report('incbin-error', c.pathSpan, `Couldn't open "${c.path}": ${failure || 'no such file'}`);
    return new Uint8Array(0);
  }
  const size = BigInt(bytes.length);
  if (offset > size) {
    mg.report('incbin-error', c.offset ?? c, `Offset ${offset} is beyond the end of "${c.path}" (${size} bytes)`);
    return new Uint8Array(0);
  }
  if (length === undefined) return bytes.slice(Number(offset));
  if (length === U64_MASK) return bytes.slice(Number(offset)); // (size_t)-1: to the end of the file, as dtc
  if (offset + length > size) {
    mg.report('incbin-error', c.length ?? c, `"${c.path}" has only ${size - offset} bytes after offset ${offset}, ${length} requested`);
    return bytes.slice(Number(offset));
  }
  return bytes.slice(Number(offset), Number(offset + length));
}

// ---- merging (merge_nodes and friends) ----------------------------------
function mergeNodes(mg: MergeState, old: DNode, nw: DNode): void {
  old.deleted = false;
  for (let cIndex = 0, cList = nw.contributions; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; old.contributions.push(c.kind === 'definition' ? { ...c, kind: 'extension' } : c); }
  for (let lIndex = 0, lList = nw.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; mg.addLabel(old, l.name, l.defs, old); }
  for (let npIndex = 0, npList = nw.props; npIndex < npList.length; npIndex++) {
    const np = npList[npIndex];
    if (np.deleted) {
      const c = np.contributions[0];
      deletePropertyByName(mg, old, np.name, c ?? np.span, c ? c.nameSpan : np.nameSpan);
      continue;
    }
    const hit = old.props.find((op) => op.name === np.name);
    if (hit) {
      for (let lIndex = 0, lList = np.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; mg.addLabel(hit, l.name, l.defs); }
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
      deleteNodeByName(mg, old, nc.name, nc.deleteEntry ?? c ?? { start: 0, end: 0 }, c ? c.nameSpan : { start: 0, end: 0 });
      continue;
    }
    const hit = old.children.find((oc) => oc.name === nc.name);
    if (hit) mergeNodes(mg, hit, nc);
    else { nc.parent = old; old.children.push(nc); }
  }
}

function deletePropertyByName(mg: MergeState, node: DNode, name: string, directive: Span, nameSpan: Span): void {
  const p = node.props.find((x) => x.name === name);
  if (!p) return; // dtc ignores a /delete-property/ of a missing property
  const contrib: Contribution = { kind: 'deletion', start: directive.start, end: directive.end, nameSpan: span(nameSpan) };
  if (!p.deleted) {
    mg.deleted.push({ path: mg.propPath(node, name), kind: 'property', contributions: ownContributions(p.contributions), deletedBy: span(directive) });
  }
  p.deleted = true;
  for (let lIndex = 0, lList = p.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; l.deleted = true; }
  p.contributions.push(contrib);
  node.contributions.push({ ...contrib, nameSpan: span(contrib.nameSpan) });
}

function deleteNodeByName(mg: MergeState, parent: DNode, name: string, directive: Span, nameSpan: Span): void {
  const c = parent.children.find((x) => x.name === name);
  if (!c) return; // dtc ignores a /delete-node/ of a missing child
  mg.recordNodeDeletion(c, directive);
  mg.deleteNode(c);
  parent.contributions.push({ kind: 'deletion', start: directive.start, end: directive.end, nameSpan: span(nameSpan) });
}

function addOrphan(mg: MergeState, st: ast.RefNodeStatement, refStr: string): void {
  if (!mg.root) mg.root = new DNode('');
  const frag = new DNode(`fragment@${mg.fragmentCounter++}`);
  const contrib: Contribution = { kind: 'extension', start: st.start, end: st.end, nameSpan: span(st.ref) };
  frag.contributions.push(contrib);
  const prop = new DProp(refStr.startsWith('/') ? 'target-path' : 'target', span(st.ref), span(st.ref));
  if (refStr.startsWith('/')) {
    const enc = textEncoder.encode(refStr);
    const bytes = new Uint8Array(enc.length + 1);
    bytes.set(enc);
    prop.chunks.push({ kind: 'string', start: st.ref.start, end: st.ref.end, value: refStr, bytes });
    mg.stmtRefs.push({ rr: { ref: ownRef(st.ref) }, refStr, orphan: true });
  } else {
    const rr: ResolvedRef = { ref: ownRef(st.ref) };
    const cell: Cell = new RefCell(st.ref.start, st.ref.end, 0xffffffffn, rr);
    prop.chunks.push({ kind: 'cells', start: st.ref.start, end: st.ref.end, bits: 32, cells: [cell] });
    own(prop, 'phRefs').push({ cell, rr, refStr });
  }
  frag.props.push(prop);
  const body = buildNode(mg, st.body, '__overlay__', 2, { ...contrib, nameSpan: span(contrib.nameSpan) });
  for (let lIndex = 0, lList = st.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; mg.addLabel(body, l.name, [{ name: l.name, start: l.start, end: l.end }], body); }
  body.parent = frag;
  frag.children.push(body);
  frag.parent = mg.root;
  mg.root.children.push(frag);
}

// ---- phase 1: statements ------------------------------------------------
export function processStatements(mg: MergeState, file: ast.DtsFile): void {
  const steps = processStatementsSteps(mg, file);
  while (!steps.next().done) { /* statement by statement */ }
}

/** The same, one top-level statement per step (the caller may pause between them: buildTreeSteps). */
export function* processStatementsSteps(mg: MergeState, file: ast.DtsFile): Generator<boolean, void, void> {
  mg.isPlugin = file.statements.some((s) => s.kind === 'plugin');
  for (let stIndex = 0, stList = file.statements; stIndex < stList.length; stIndex++) {
    if (stIndex > 0) yield false;
    const st = stList[stIndex];
    if (mg.checkCancelled(st)) return;
    switch (st.kind) {
      case 'memreserve': {
        const address = mg.evalInt(st.address);
        const size = mg.evalInt(st.size);
        mg.memreserves.push({ address, size, labels: st.labels.map((l) => ({ name: l.name, start: l.start, end: l.end })), span: span(st) });
        break;
      }
      case 'rootNode': {
        const nameSpan = st.labels.length ? { start: st.labels[st.labels.length - 1].end, end: st.body.start } : { start: st.start, end: Math.min(st.start + 1, st.end) };
        const kind = mg.root ? 'extension' : 'definition';
        const body = buildNode(mg, st.body, '', 0, { kind, start: st.start, end: st.end, nameSpan });
        if (!mg.root) {
          mg.root = body;
          for (let lIndex = 0, lList = st.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; mg.addLabel(body, l.name, [{ name: l.name, start: l.start, end: l.end }], body); }
        } else {
          for (let lIndex = 0, lList = st.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; mg.addLabel(mg.root, l.name, [{ name: l.name, start: l.start, end: l.end }], mg.root); }
          mergeNodes(mg, mg.root, body);
        }
        break;
      }
      case 'refNode':
        processRefNode(mg, st);
        break;
      case 'deleteNodeRef': {
        const refStr = refString(st.ref);
        const target = mg.getNodeByRef(refStr);
        if (!target) {
          mg.report('delete-not-found', st.ref, `Label or path ${refStr} not found`);
          break;
        }
        mg.recordNodeDeletion(target, st);
        mg.deleteNode(target);
        if (target.parent) target.parent.contributions.push({ kind: 'deletion', start: st.start, end: st.end, nameSpan: span(st.ref) });
        break;
      }
      case 'omitIfNoRef': {
        const refStr = refString(st.ref);
        const target = mg.getNodeByRef(refStr);
        if (!target) {
          mg.report('unresolved-reference', st.ref, `Label or path ${refStr} not found`);
          break;
        }
        target.omit = true;
        target.omitSpan = span(st);
        mg.stmtRefs.push({ rr: { ref: ownRef(st.ref) }, target, refStr, orphan: false });
        break;
      }
      default:
        break;
    }
  }
}

function processRefNode(mg: MergeState, st: ast.RefNodeStatement): void {
  const refStr = refString(st.ref);
  const relative = isRefRelative(refStr);
  const extContribution = (): Contribution => ({ kind: 'extension', start: st.start, end: st.end, nameSpan: span(st.ref) });
  if (!mg.root) {
    // dtc: `&ref { }` before any `/ { }`: a fragment in a plugin, an error otherwise
    if (!mg.isPlugin) mg.report('unresolved-reference', st.ref, `Label or path ${refStr} not found`);
    else if (relative) mg.report('unresolved-reference', st.ref, `Label-relative reference ${refStr} not supported in plugin`);
    addOrphan(mg, st, refStr);
    return;
  }
  const mergeInto = (target: DNode): void => {
    const body = buildNode(mg, st.body, target.name, mg.depthOf(target), extContribution());
    for (let lIndex = 0, lList = st.labels; lIndex < lList.length; lIndex++) { const l = lList[lIndex]; mg.addLabel(target, l.name, [{ name: l.name, start: l.start, end: l.end }], target); }
    mergeNodes(mg, target, body);
    mg.stmtRefs.push({ rr: { ref: ownRef(st.ref) }, target, refStr, orphan: false });
  };
  if (st.labels.length > 0) {
    if (mg.isPlugin && relative) mg.report('unresolved-reference', st.ref, `Label-relative reference ${refStr} not supported in plugin`);
    const target = mg.getNodeByRef(refStr);
    if (target) mergeInto(target);
    else mg.report('unresolved-reference', st.ref, `Label or path ${refStr} not found`);
    return;
  }
  if (st.ref.kind === 'pathRef') {
    if (mg.isPlugin) {
      if (relative) mg.report('unresolved-reference', st.ref, `Label-relative reference ${refStr} not supported in plugin`);
      addOrphan(mg, st, refStr);
      return;
    }
    const target = mg.getNodeByRef(refStr);
    if (target) mergeInto(target);
    else mg.report('unresolved-reference', st.ref, `Label or path ${refStr} not found`);
    return;
  }
  const target = mg.getNodeByRef(refStr);
  if (target) mergeInto(target);
  else if (mg.isPlugin) addOrphan(mg, st, refStr);
  else mg.report('unresolved-reference', st.ref, `Label or path ${refStr} not found`);
}
// The supplier graph stage of an analysis (model/graph.ts). A keystroke's patched tree keeps the last analysis'
// graph, moved with it, unless the build read what the patch changed: then only the properties whose edges that
// changes are decoded again (model/graph-patch.ts), or the graph is built again. A graph built for the incremental
// merge records what it read (tree/value-reads.ts) and which decodings read each cell count.
import { buildSupplierGraph, patchPropertyEdges, type CellsReaders } from './model/graph';
import { patchCellsEdges, patchDelta, patchPropertiesShape, patchRenamedEdges, type GraphDelta } from './model/graph-patch';
import type { IommuModel } from './model/iommu';
import type { SupplierGraph } from './model/types';
import type { MergeMemo, PatchResult } from './tree/incremental';
import type { LiveTree, TreeProperty } from './tree/types';
import { Reads, readsLookups, readsShape, trackReads, type ShapeChange } from './tree/value-reads';

/** How the graph stage went, counted by the host (AnalysisHost.incrementalStats). */
export interface GraphCounters {
  /** a changed value's edges decoded again in place (same shape, other arguments) */
  edgePatches: number;
  /** a changed cell count: the properties that read it decoded again */
  cellsPatches: number;
  /** properties decoded again: a value whose edges changed shape, a label's references, a renamed property */
  shapePatches: number;
  /** reshapes whose graph was kept: its build read none of what changed */
  shapeKeeps: number;
}

/**
 * A patch renamed, added or removed properties or nodes, or changed references or a label (PatchResult.reshaped):
 * the memo's graph stays when its build read none of it (shape), the properties it names are decoded again below
 * when the build read their names only by walking their own node's properties (walkedOnly), else it goes (built
 * again). No shape: it goes.
 */
export function graphAfterReshape(memo: MergeMemo, patched: PatchResult, counters: GraphCounters): void {
  const shape = patched.shape;
  const r = memo.graphReads;
  if (!shape || !r) { memo.graph = undefined; return; }
  const s = patched.graphShape ?? shape;
  if (!readsShape(r, s)) { if (memo.graph) counters.shapeKeeps++; return; }
  if (memo.cellsReaders && walkedOnly(r, s)) { memo.graphRenamed = [...s.props]; return; }
  const lookedUp = memo.cellsReaders && lookupReaders(memo.cellsReaders, r, s);
  if (lookedUp) memo.graphRedecode = [...new Set([...(memo.graphRedecode ?? []), ...lookedUp])];
  else memo.graph = undefined;
}

/**
 * dtc's numbering made again gave phandle numbers the build looked up (raw values in phandle position: half-typed
 * cells, decompiled source) to other nodes, and the build read nothing else `s` changed: the properties whose
 * decoding looked those numbers up (readers), to be decoded again (graphRedecode), or undefined (built again) when
 * a looked-up number has no reader recorded.
 */
function lookupReaders(readers: CellsReaders, r: Reads, s: ShapeChange): TreeProperty[] | undefined {
  if (!s.lookups || !s.lookups.size || !r.phandles || readsShape(r, { ...s, lookups: undefined })) return undefined;
  const out = new Set<TreeProperty>();
  for (const k of s.lookups) {
    if (!r.phandles.has(k)) continue;
    const props = readers.get(k);
    if (!props) return undefined;
    for (const p of props) out.add(p);
  }
  return out.size ? [...out] : undefined;
}

/**
 * Did the build read what `s` changed only by walking the properties of their own node (a supplier binding's names
 * picked by rule, `clocks` renamed `clocksx`), never by looking a name up (`interrupt-parent`, `#clock-cells`: other
 * properties' decoding reads them) nor a node's name, path or a renumbered cell? Then decoding those properties
 * again is what a new build does: the walk of another node reads none of them, and a walk's picks are made property by
 * property. Properties that left the tree make the decoding give up (the graph is built again). A phandle looked up
 * whose node changed (dtc's numbering made again) can change any decoding: built again (or, when the build recorded
 * who looked it up, those decoded again: lookupReaders).
 */
function walkedOnly(r: Reads, s: ShapeChange): boolean {
  if (s.node || (s.renumbered && s.renumbered.size) || s.props.length === 0 || readsLookups(r, s)) return false;
  for (const n of s.names) {
    // (looked up: `interrupt-parent`, the cell counts. A remote-endpoint's edge is its port parent's, but only its
    // own decoding makes it, and that reads the port's names as it goes)
    if (r.names?.has(n)) return false;
  }
  return true;
}

/**
 * The graph of this analysis: the memo's (moved), with what the patch changed decoded again (graphChanged: a value
 * the build read; graphRedecode: the references of a changed label; graphRenamed: renamed properties), or built
 * (recording its reads for a memo).
 * `reshaped`: the kept graph has other edges than before, as if built again; `kept`: the last graph as it was;
 * `delta`: of a reshaped graph, the edges its patches took out and put in (checks/index.ts graphDeltaMatters).
 */
export function graphStage(memo: MergeMemo | undefined, patched: PatchResult | undefined, tree: LiveTree, model: IommuModel, settleTreeNow: () => void, counters: GraphCounters): { graph: SupplierGraph; kept: boolean; reshaped: boolean; delta?: GraphDelta } {
  // a patched tree showing the same values, or another value of a property the graph did not read, has the same
  // edges, moved with it; a value the graph read has its edges decoded again (patchPropertyEdges: the same shape, new
  // arguments); a cell count (`#clock-cells`) that changed: the properties whose decoding read it are decoded again;
  // a value whose edges changed shape: that property alone (model/graph-patch.ts); the graph then has other edges,
  // as if built again, for the checks. Else the graph is built again.
  let reshaped = false;
  const delta: GraphDelta = { removed: [], added: [] };
  let deltaKnown = true;
  const took = (g: SupplierGraph): void => {
    const d = patchDelta(g);
    if (d) { delta.removed.push(...d.removed); delta.added.push(...d.added); } else deltaKnown = false;
  };
  if (memo && patched && memo.graph && memo.graphChanged) {
    settleTreeNow();
    const changed = memo.graphChanged;
    memo.graphChanged = undefined;
    const m = memo;
    if (patchPropertyEdges(m.graph!, tree, model, changed)) counters.edgePatches++;
    else {
      const cells = changed.name.startsWith('#');
      const g = m.cellsReaders && m.graphReads
        ? trackReads(m.graphReads, () => cells
          ? patchCellsEdges(m.graph!, tree, model, changed, m.cellsReaders!)
          : patchPropertiesShape(m.graph!, tree, model, [changed], m.cellsReaders!))
        : undefined;
      if (g) { m.graph = g; reshaped = true; took(g); if (cells) counters.cellsPatches++; else counters.shapePatches++; } else m.graph = undefined;
    }
  }
  // a label changed: the properties holding the references by its names (patchPropertiesShape); properties renamed
  // (graphAfterReshape): decoded again under their names now (patchRenamedEdges)
  const redo = (props: TreeProperty[], patch: typeof patchPropertiesShape): void => {
    settleTreeNow();
    const m = memo!;
    const g = m.cellsReaders && m.graphReads ? trackReads(m.graphReads, () => patch(m.graph!, tree, model, props, m.cellsReaders!)) : undefined;
    if (g) { m.graph = g; reshaped = true; took(g); counters.shapePatches++; } else m.graph = undefined;
  };
  // (taken once: the memo's next patch sets them again)
  const redecode = memo?.graphRedecode;
  const renamed = memo?.graphRenamed;
  if (memo) { memo.graphRedecode = undefined; memo.graphRenamed = undefined; }
  if (memo && patched && memo.graph && redecode?.length) redo(redecode, patchPropertiesShape);
  if (memo && patched && memo.graph && renamed?.length) redo(renamed, patchRenamedEdges);
  const kept = !!(memo && patched && memo.graph) && !reshaped;
  if (memo && patched && memo.graph) return { graph: memo.graph, kept, reshaped, delta: reshaped && deltaKnown ? delta : undefined };
  if (memo) {
    settleTreeNow();
    const reads = new Reads();
    const readers: CellsReaders = new Map();
    const graph = trackReads(reads, () => buildSupplierGraph(tree, model, readers));
    memo.graph = graph;
    memo.graphReads = reads;
    memo.cellsReaders = readers;
    return { graph, kept, reshaped };
  }
  return { graph: buildSupplierGraph(tree, model), kept, reshaped };
}

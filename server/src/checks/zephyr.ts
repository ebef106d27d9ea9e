// Supplier checks of Zephyr trees, in Zephyr's terms. Zephyr has no probe deferral and no fw_devlink: every
// enabled node (its own status "okay") gets a device object at build time, devices initialise once, by init level
// and priority (the build's check_init_priorities compares those with the devicetree dependencies), and a driver
// takes a supplier with DEVICE_DT_GET(), which for a node without a device fails to link
// (`undefined reference to __device_dts_ord_N`, N the node's dependency ordinal). A dependency cycle stops the
// build (gen_defines.py: "cycle in devicetree involving ..."). Zephyr has no IOMMU subsystem: the Linux IOMMU
// checks do not run on Zephyr trees.
import type { SupplierEdge } from '../model/types';
import { nodeRef, propStrings } from '../model/tree-util';
import { getProperty, type TreeNode } from '../tree/types';
import { checkCells } from './cells';
import { message, Reporter, type CheckContext } from './context';

/** Zephyr: a node is enabled when its own status is "okay" (or absent). */
function zephyrEnabled(n: TreeNode): boolean {
  const s = propStrings(n, 'status')[0];
  return s === undefined || s === 'okay' || s === 'ok';
}

export function checkZephyrSuppliers(ctx: CheckContext, r: Reporter): void {
  const seen = new Set<object>();
  for (const e of ctx.graph.edges) {
    if (e.kind !== 'property' || !e.property) continue;
    if (e.binding === 'remote-endpoint' || e.binding === 'iommus' || e.binding === 'iommu-map') continue;
    if (!zephyrEnabled(e.consumer) || zephyrEnabled(e.supplier)) continue;
    // a clock controller's clocks are its parent inputs, not something its driver takes
    if (e.binding === 'clocks' && getProperty(e.consumer, '#clock-cells')) continue;
    if (seen.has(e.property) && e.binding === 'interrupts') continue;
    seen.add(e.property);
    const status = getProperty(e.supplier, 'status');
    r.report(
      'supplier-disabled',
      e.span,
      message(
        `${e.property.name} supplier ${nodeRef(e.supplier)} is disabled`,
        `Zephyr creates no device for it: a driver of ${nodeRef(e.consumer)} that takes it with DEVICE_DT_GET() fails to link (undefined reference to __device_dts_ord_N); Zephyr does not defer, devices initialise once by init level and priority`,
      ),
      [r.related(status?.span, `${nodeRef(e.supplier)} is disabled here`)],
    );
  }
}

/** Dependency cycles as Zephyr's build sees them: phandle edges and child -> parent edges, every status. */
export function checkZephyrCycles(ctx: CheckContext, r: Reporter): void {
  const ids = new Map<TreeNode, number>();
  const nodes: TreeNode[] = [];
  const id = (n: TreeNode): number => {
    let k = ids.get(n);
    if (k === undefined) { k = nodes.length; nodes.push(n); ids.set(n, k); }
    return k;
  };
  const out: SupplierEdge[][] = [];
  for (const e of ctx.graph.edges) {
    if (e.ignoreForCycles || e.consumer === e.supplier) continue;
    const a = id(e.consumer);
    id(e.supplier);
    (out[a] ??= []).push(e);
  }
  // Tarjan's strongly connected components, iteratively
  const index = new Int32Array(nodes.length).fill(-1);
  const low = new Int32Array(nodes.length);
  const onStack = new Uint8Array(nodes.length);
  const stack: number[] = [];
  let counter = 0;
  for (let s = 0; s < nodes.length; s++) {
    if (index[s] >= 0) continue;
    const work: [number, number][] = [[s, 0]];
    index[s] = low[s] = counter++;
    stack.push(s);
    onStack[s] = 1;
    while (work.length) {
      const top = work[work.length - 1];
      const [v, i] = top;
      const edges = out[v] ?? [];
      if (i < edges.length) {
        top[1]++;
        const w = ids.get(edges[i].supplier)!;
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length) { const u = work[work.length - 1][0]; low[u] = Math.min(low[u], low[v]); }
      if (low[v] !== index[v]) continue;
      const comp: number[] = [];
      let w: number;
      do { w = stack.pop()!; onStack[w] = 0; comp.push(w); } while (w !== v);
      if (comp.length < 2) continue;
      const inComp = new Set(comp);
      const first = comp.map((k) => (out[k] ?? []).find((e) => e.kind === 'property' && inComp.has(ids.get(e.supplier)!))).find((e) => e !== undefined);
      if (!first) continue;
      const names = comp.map((k) => nodeRef(nodes[k])).sort();
      r.report(
        'dependency-cycle',
        first.span,
        message(
          `dependency cycle: ${names.join(', ')}`,
          `Zephyr's build stops: gen_defines.py reports "cycle in devicetree involving" these nodes (devices are ordered by their devicetree dependencies, and check_init_priorities checks init priorities against that order)`,
        ),
      );
    }
  }
}

/** The cell checks with Zephyr's consequence in place of the kernel's (the fact stays as the cell check states it). */
export function checkZephyrCells(ctx: CheckContext, r: Reporter): void {
  const inner = new Reporter(ctx.map);
  checkCells(ctx, inner);
  for (const d of inner.out) {
    const cut = d.message.indexOf('. ');
    const fact = cut >= 0 ? d.message.slice(0, cut) : d.message;
    const detail = d.code === 'missing-cells-property'
      ? "Zephyr's edtlib cannot split the specifier without it and stops the build"
      : "Zephyr's edtlib splits the property by each controller's cells count, so the entries after this one are misread (or the build stops when the cells run out)";
    r.out.push({ ...d, message: message(fact, detail) });
  }
}

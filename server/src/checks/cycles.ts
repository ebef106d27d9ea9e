// dependency-cycle (Tarjan SCC over the mandatory supplier graph, linear time) and
// iommu-probe-deadlock (an IOMMU whose mandatory supplier chain reaches a device
// behind that IOMMU, H1/H3).
//
// Edges that block probing: parent edges (a child device exists only once its
// parent is populated) and property edges of non-optional bindings. Not hazards,
// following fw_devlink (drivers/of/property.c, drivers/base/core.c):
//  - optional bindings (iommus, iommu-map, dmas): no fwnode link unless fw_devlink.strict;
//  - post-init-providers (FWLINK_FLAG_IGNORE) and remote-endpoint graph links;
//  - a node consuming its own descendant (pinctrl hogs, a PMIC using its regulator
//    child): the supplier's device is found through the consumer itself;
//  - edges touching a node that can never become a device (it or an ancestor is disabled);
//  - cycles made only of clocks links (orphan clocks are reparented by the clock framework).
import type { SupplierEdge } from '../model/types';
import { getProperty, type TreeNode } from '../tree/types';
import { noteNode } from '../tree/value-reads';
import { hasRegulatorProperty, isAncestorOrSelf, nodeNameSpan, nodeRef } from '../model/tree-util';
import { message, type CheckContext, type Reporter } from './context';
import { kernelWords, outcomeWords } from './probe-words';

interface MandatoryGraph {
  nodes: TreeNode[];
  id: Map<TreeNode, number>;
  out: SupplierEdge[][];
  /** the supplier's id of each edge in `out` */
  to: number[][];
}

/** A link that blocks probing (see the top of this file): the edges of the mandatory graph. */
function mandatoryLink(e: SupplierEdge, isOn: (n: TreeNode) => boolean): boolean {
  const prop = e.kind === 'property';
  if (prop && (e.optional || e.ignoreForCycles)) return false;
  if (!isOn(e.consumer) || !isOn(e.supplier)) return false;
  return !(prop && isAncestorOrSelf(e.consumer, e.supplier));
}

function mandatoryGraph(ctx: CheckContext): MandatoryGraph {
  const nodes: TreeNode[] = [];
  const id = new Map<TreeNode, number>();
  const isOn = (n: TreeNode) => ctx.enabledInTree(n);
  const out: SupplierEdge[][] = [];
  const to: number[][] = [];
  const idOf = (n: TreeNode) => {
    let k = id.get(n);
    if (k === undefined) {
      k = nodes.length;
      nodes.push(n);
      id.set(n, k);
      out.push([]);
      to.push([]);
    }
    return k;
  };
  for (let eIndex = 0, eList = ctx.graph.edges; eIndex < eList.length; eIndex++) {
    const e = eList[eIndex];
    if (!mandatoryLink(e, isOn)) continue;
    const c = idOf(e.consumer);
    const w = idOf(e.supplier);
    out[c].push(e);
    to[c].push(w);
  }
  return { nodes, id, out, to };
}

/** Iterative Tarjan: strongly connected components with more than one node. */
function tarjan(g: MandatoryGraph): number[][] {
  const n = g.nodes.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const sccs: number[][] = [];
  let counter = 0;
  const callStack: { v: number; i: number }[] = [];
  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue;
    callStack.push({ v: s, i: 0 });
    index[s] = low[s] = counter++;
    stack.push(s);
    onStack[s] = 1;
    while (callStack.length) {
      const frame = callStack[callStack.length - 1];
      const v = frame.v;
      const edges = g.to[v];
      if (frame.i < edges.length) {
        const w = edges[frame.i];
        frame.i++;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callStack.push({ v: w, i: 0 });
        } else if (onStack[w]) {
          if (index[w] < low[v]) low[v] = index[w];
        }
        continue;
      }
      callStack.pop();
      if (callStack.length) {
        const p = callStack[callStack.length - 1].v;
        if (low[v] < low[p]) low[p] = low[v];
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1) sccs.push(comp);
      }
    }
  }
  return sccs;
}

/** Shortest path of edges from `from` to `to`, following only edges accepted by `allow`. */
function findPath(g: MandatoryGraph, from: number, to: number, allow: (w: number) => boolean, limit = 100000): SupplierEdge[] | undefined {
  const prev = new Map<number, SupplierEdge>();
  const seen = new Set<number>([from]);
  const queue = [from];
  for (let qi = 0; qi < queue.length && qi < limit; qi++) {
    const v = queue[qi];
    if (v === to) break;
    for (let eIndex = 0, eList = g.out[v]; eIndex < eList.length; eIndex++) {
      const e = eList[eIndex];
      const w = g.id.get(e.supplier)!;
      if (seen.has(w) || !allow(w)) continue;
      seen.add(w);
      prev.set(w, e);
      queue.push(w);
    }
  }
  if (!seen.has(to)) return undefined;
  const path: SupplierEdge[] = [];
  for (let v = to; v !== from; ) {
    const e = prev.get(v)!;
    path.push(e);
    v = g.id.get(e.consumer)!;
  }
  return path.reverse();
}

function describePath(first: SupplierEdge, rest: SupplierEdge[]): string {
  const parts = [nodeRef(first.consumer), `-${edgeLabel(first)}->`, nodeRef(first.supplier)];
  for (let eIndex = 0, eList = rest; eIndex < eList.length; eIndex++) { const e = eList[eIndex]; parts.push(`-${edgeLabel(e)}->`, nodeRef(e.supplier)); }
  return parts.join(' ');
}

function edgeLabel(e: SupplierEdge): string {
  return e.kind === 'parent' ? 'parent' : e.property?.name ?? e.binding;
}

function hasProp(n: TreeNode, name: string): boolean {
  return getProperty(n, name) !== undefined;
}

/**
 * Links the kernel binds after the consumer has probed, so they cannot block a cycle:
 *  - a clock provider's own input clocks (orphan clocks are reparented when the parent registers);
 *  - interconnect paths (bandwidth is voted at run time; memory-client paths such as Tegra's
 *    "dma-mem" are only read when DMA is configured);
 *  - a regulator's supply (regulator_resolve_supply() resolves it when the supply registers);
 *  - a pin controller's bank supplies (requested when a pin of the bank is first used);
 *  - a PHY provider's clocks, resets and supplies (taken in phy_init()/phy_power_on(), called
 *    by the consumer's driver after both have probed).
 */
function isLateBound(e: SupplierEdge): boolean {
  if (e.kind !== 'property') return false;
  const c = e.consumer;
  const supply = e.binding === '*-supply';
  if (e.binding === 'clocks' && hasProp(c, '#clock-cells')) return true;
  if (e.binding === 'interconnects') return true;
  if (supply) {
    if (hasRegulatorProperty(c)) return true;
    noteNode(c);
    if (c.parent) noteNode(c.parent);
    if (/regulator/.test(c.name) || (c.parent && /regulator/.test(c.parent.name))) return true;
    if (hasProp(c, 'gpio-controller') || /pinctrl|pinmux/.test(c.name)) return true;
  }
  if (hasProp(c, '#phy-cells') && (supply || e.binding === 'clocks' || e.binding === 'resets')) return true;
  return false;
}

/**
 * What a run of checkCycles keeps for graphMatters: the component of each node in one (of more than one node), and
 * the nodes the deadlock searches visited. A link taken out that no search went through and that is inside no
 * component leaves the findings as they were; one put in too, when it closes no cycle. (Whether an IOMMU or a device
 * behind it is searched at all does not change with such a link: every available node but / has its mandatory
 * parent link, so both are in the mandatory graph unless one is disabled, and a status the check read runs it again.)
 */
interface CyclesMemo {
  component: Map<TreeNode, number>;
  searched: Set<TreeNode>;
}

export function checkCycles(ctx: CheckContext, r: Reporter): void {
  const g = mandatoryGraph(ctx);
  const sccs = tarjan(g);
  const memo: CyclesMemo = { component: new Map(), searched: new Set() };
  sccs.forEach((comp, k) => { for (const v of comp) memo.component.set(g.nodes[v], k); });
  r.memo = memo;
  for (let compIndex = 0, compList = sccs; compIndex < compList.length; compIndex++) {
    const comp = compList[compIndex];
    const inComp = new Set(comp);
    const reported = new Set<string>();
    for (let vIndex = 0, vList = comp; vIndex < vList.length; vIndex++) {
      const v = vList[vIndex];
      for (let eIndex = 0, eList = g.out[v]; eIndex < eList.length; eIndex++) {
        const e = eList[eIndex];
        if (e.kind !== 'property' || !e.property) continue;
        const w = g.id.get(e.supplier)!;
        if (!inComp.has(w)) continue;
        const key = `${e.property.span.start}:${w}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const back = findPath(g, w, v, (x) => inComp.has(x)) ?? [];
        // clock providers feeding each other: the common clock framework registers a clock whose
        // parent is missing as an orphan and reparents it when the parent appears, so a cycle
        // made only of clocks (and parent) links is resolved by design
        if ([e, ...back].every((x) => x.kind === 'parent' || x.binding === 'clocks')) continue;
        // a cycle with a link the kernel resolves after probe is relaxed by fw_devlink and then works
        if ([e, ...back].some(isLateBound)) continue;
        const cycle = describePath(e, back);
        r.report(
          'dependency-cycle',
          e.span,
          message(
            `dependency cycle: ${cycle}`,
            `a driver that needs another's resource at probe time defers until that one probes, so the cycle can block probing; fw_devlink relaxes the links of a cycle and no longer orders these devices ("Fixed dependency cycle(s)")`,
          ),
          [r.related(nodeNameSpan(e.supplier), `${nodeRef(e.supplier)} (next in the cycle)`)],
        );
      }
    }
  }
  checkIommuDeadlocks(ctx, r, g, memo);
}

/** H1/H3: an IOMMU needs (transitively, through mandatory links) a device that sits behind it. */
function checkIommuDeadlocks(ctx: CheckContext, r: Reporter, g: MandatoryGraph, memo: CyclesMemo): void {
  const consumersOf = new Map<TreeNode, SupplierEdge[]>();
  for (let eIndex = 0, eList = ctx.graph.edges; eIndex < eList.length; eIndex++) {
    const e = eList[eIndex];
    if (e.binding !== 'iommus') continue;
    if (e.consumer === e.supplier) continue;
    const l = consumersOf.get(e.supplier);
    if (l) l.push(e); else consumersOf.set(e.supplier, [e]);
  }
  for (const [iommu, uses] of consumersOf) {
    const x = g.id.get(iommu);
    if (x === undefined) continue; // disabled, or no mandatory links at all
    const targets = new Map<number, SupplierEdge>();
    for (let uIndex = 0, uList = uses; uIndex < uList.length; uIndex++) {
      const u = uList[uIndex];
      const c = g.id.get(u.consumer);
      if (c !== undefined && !targets.has(c)) targets.set(c, u);
    }
    if (!targets.size) continue;
    // BFS over mandatory suppliers from the IOMMU
    const prev = new Map<number, SupplierEdge>();
    const seen = new Set<number>([x]);
    const queue = [x];
    let hit: number | undefined;
    for (let qi = 0; qi < queue.length && hit === undefined; qi++) {
      for (let eIndex = 0, eList = g.out[queue[qi]]; eIndex < eList.length; eIndex++) {
        const e = eList[eIndex];
        const w = g.id.get(e.supplier)!;
        if (seen.has(w)) continue;
        seen.add(w);
        prev.set(w, e);
        if (targets.has(w)) { hit = w; break; }
        queue.push(w);
      }
    }
    for (const v of seen) memo.searched.add(g.nodes[v]);
    if (hit === undefined) continue;
    const path: SupplierEdge[] = [];
    for (let v = hit; v !== x; ) {
      const e = prev.get(v)!;
      path.push(e);
      v = g.id.get(e.consumer)!;
    }
    path.reverse();
    const use = targets.get(hit)!;
    const first = path[0];
    const chain = describePath(first, path.slice(1));
    const dev = nodeRef(use.consumer);
    const self = nodeRef(iommu);
    const inside = path.every((e) => e.kind === 'parent');
    // what the kernel in force does with it (model/probe): fw_devlink=off, or fw_devlink.strict=1 with a
    // supplier the IOMMU driver never requests, lets both probe: then there is no deadlock to report
    const rep = ctx.probe();
    const xr = rep.byNode.get(iommu);
    const dr = rep.byNode.get(use.consumer);
    if (xr && dr && xr.outcome === 'probes' && dr.outcome === 'probes' && dr.iommu === iommu) continue;
    const cl = ctx.kernel.cmdline;
    const how = !(cl.fwDevlink === 'on' || cl.fwDevlink === 'rpm')
      ? `fw_devlink=${cl.fwDevlink} makes no links`
      : cl.fwDevlinkStrict
        ? 'fw_devlink.strict=1 links iommus too and relaxes the cycle ("Fixed dependency cycle(s)"), but the IOMMU still waits for what its probe needs'
        : 'fw_devlink cannot see the cycle: it ignores iommus and iommu-map unless fw_devlink.strict=1';
    // the prediction when both are device nodes; the generic consequence otherwise
    const outcome = xr && dr
      ? `${self} ${outcomeWords(xr)}, ${dev} ${outcomeWords(dr)} (under ${kernelWords(ctx.kernel)})`
      : `both wait until the deferred-probe timeout, then ${dev} DMAs untranslated`;
    const msg = inside
      ? message(
          `probe deadlock: ${self} sits inside ${dev}, which is behind it`,
          `${outcome}: the IOMMU is created only once ${dev} probes, and ${dev} defers until the IOMMU registers (of_dma_configure)`,
        )
      : message(
          `probe deadlock: ${self} needs ${dev}, which is behind it`,
          `through ${chain}; ${outcome}: ${dev} defers until the IOMMU registers (of_dma_configure, until the deferred-probe timeout, which restarts at every driver registration); ${how}`,
        );
    // reported at every link the user can change: each property of the chain and the iommus entry
    const places = [{ span: use.span, what: `iommus of ${dev}` }, ...path.filter((e) => e.kind === 'property').map((e) => ({ span: e.span, what: `${e.property?.name ?? e.binding} of ${nodeRef(e.consumer)}` }))];
    for (const e of path) {
      if (e.kind !== 'property') continue;
      r.report('iommu-probe-deadlock', e.span, msg, places.filter((p) => p.span !== e.span).map((p) => r.related(p.span, p.what)), { node: e.consumer, property: e.property?.name });
    }
    // an IOMMU inside its consumer: at the IOMMU's node (move it) as well as at the iommus entry
    if (inside) r.report('iommu-probe-deadlock', first.span, msg, [r.related(use.span, `iommus of ${dev}`)], { node: iommu });
    r.report('iommu-probe-deadlock', use.span, msg, places.slice(1).map((p) => r.related(p.span, p.what)), { node: use.consumer, property: 'iommus' });
  }
}

// (the cycles are those of the mandatory links, the deadlocks start from iommus entries: a keystroke that takes out or
// puts in neither changes nothing here, unless a deadlock's words read the probe report)
// and of a mandatory link, with the last run's memo (CyclesMemo): one a deadlock search went through, one inside a
// component, or one put in whose supplier reaches its consumer through mandatory links (a new cycle)
checkCycles.graphMatters = (ctx: CheckContext, e: SupplierEdge, added: boolean, memo: unknown): boolean => {
  if (e.binding === 'iommus') return true;
  const isOn = (n: TreeNode) => ctx.enabledInTree(n);
  if (!mandatoryLink(e, isOn)) return false;
  const m = memo as CyclesMemo | undefined;
  if (!m || m.searched.has(e.consumer)) return true;
  const k = m.component.get(e.consumer);
  if (k !== undefined && k === m.component.get(e.supplier)) return true;
  return added && reaches(ctx, e.supplier, e.consumer, isOn);
};

/** Does `from` reach `to` through mandatory links (the graph as it is now)? */
function reaches(ctx: CheckContext, from: TreeNode, to: TreeNode, isOn: (n: TreeNode) => boolean): boolean {
  const seen = new Set<TreeNode>([from]);
  const queue = [from];
  for (let qi = 0; qi < queue.length; qi++) {
    for (const e of ctx.graph.suppliersOf(queue[qi])) {
      if (!mandatoryLink(e, isOn)) continue;
      if (e.supplier === to) return true;
      if (seen.has(e.supplier)) continue;
      seen.add(e.supplier);
      queue.push(e.supplier);
    }
  }
  return false;
}

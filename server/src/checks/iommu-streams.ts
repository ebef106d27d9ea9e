// iommu-stream-conflict: two masters with one stream ID on an IOMMU whose driver gives a stream
// to one device only (the model's duplicateStreamIds "reject": arm-smmu-v3, whose
// arm_smmu_insert_master fails with "stream N already in tree from dev X", -EINVAL, so the
// master that probes second probes without its IOMMU). arm-smmu (v2) shares the stream map entry
// and puts both masters in one IOMMU group: no diagnostic. Masters: iommus specifiers, PCI
// endpoints described under a host bridge with iommu-map, and the RIDs an iommu-map row maps
// (a PCI device with that RID gets the stream). Reported at every place the user can change:
// each iommus specifier and the iommu-map row.
import type { SupplierEdge } from '../model/types';
import type { Span } from '../syntax/ast';
import type { TreeNode, TreeProperty } from '../tree/types';
import { getProperty } from '../tree/types';
import { phandleTarget } from '../model/graph';
import { findIommuFamily } from '../model/iommu';
import { pciRid } from '../model/probe/simulate';
import { compatibles, hex, nodeRef, propCells, propStrings } from '../model/tree-util';
import { message, type CheckContext, type Reporter } from './context';

interface Master {
  /** the device node (an iommus consumer or a PCI endpoint); undefined for a RID range no node describes */
  node?: TreeNode;
  iommu: TreeNode;
  sid: number;
  /** where the stream is written: the iommus specifier or the iommu-map row */
  span: Span;
  kind: 'iommus' | 'pci' ;
  /** for PCI: the host, the row, the RID */
  host?: TreeNode;
  row?: number;
  rid?: number;
  map?: TreeProperty;
}

export function bdf(rid: number): string {
  const h = (v: number, w: number) => v.toString(16).padStart(w, '0');
  return `${h(rid >> 8, 2)}:${h((rid >> 3) & 0x1f, 2)}.${rid & 7}`;
}

export function checkIommuStreams(ctx: CheckContext, r: Reporter): void {
  if (ctx.flavour === 'zephyr') return; // Linux IOMMU drivers' behaviour
  const rejects = (iommu: TreeNode) => findIommuFamily(ctx.model, compatibles(iommu))?.family.duplicateStreamIds?.policy === 'reject';
  const masters = new Map<TreeNode, Master[]>();
  const add = (m: Master) => {
    const l = masters.get(m.iommu);
    if (l) l.push(m); else masters.set(m.iommu, [m]);
  };
  const rows: { host: TreeNode; map: TreeProperty; row: number; iommu: TreeNode; idBase: number; outBase: number; len: number; span: Span }[] = [];
  for (const e of ctx.graph.edges) {
    if (e.binding !== 'iommus' || !e.args.length || !ctx.enabledInTree(e.consumer) || !ctx.enabledInTree(e.supplier) || !rejects(e.supplier)) continue;
    add({ node: e.consumer, iommu: e.supplier, sid: Number(e.args[0].value & 0xffffffffn), span: e.span, kind: 'iommus' });
  }
  // iommu-map rows of PCI host bridges (the nodes the graph has iommu-map edges from)
  const hosts = new Set<TreeNode>();
  for (const e of ctx.graph.edges) if (e.binding === 'iommu-map') hosts.add(e.consumer);
  for (const n of hosts) {
    const map = getProperty(n, 'iommu-map');
    if (!map || !ctx.enabledInTree(n) || propStrings(n, 'device_type')[0] !== 'pci') continue;
    const cells = propCells(map);
    if (!cells || cells.length === 0 || cells.length % 4) continue;
    for (let row = 0; row * 4 < cells.length; row++) {
      const iommu = phandleTarget(ctx.tree, cells[row * 4 + 1]);
      if (!iommu || !ctx.enabledInTree(iommu) || !rejects(iommu)) continue;
      rows.push({
        host: n, map, row, iommu, idBase: Number(cells[row * 4].value & 0xffffffffn), outBase: Number(cells[row * 4 + 2].value & 0xffffffffn),
        len: Number(cells[row * 4 + 3].value & 0xffffffffn), span: { start: cells[row * 4].start, end: cells[row * 4 + 3].end },
      });
    }
    const maskProp = getProperty(n, 'iommu-map-mask');
    const mask = maskProp ? Number((propCells(maskProp)?.[0]?.value ?? 0xffffffffn) & 0xffffffffn) : 0xffffffff;
    for (const ep of n.children) {
      if (!ctx.enabledInTree(ep)) continue;
      const rid = pciRid(ep);
      if (rid === undefined) continue;
      const id = (rid & mask) >>> 0;
      const row = rows.find((x) => x.host === n && id >= x.idBase && id < x.idBase + x.len);
      if (row) add({ node: ep, iommu: row.iommu, sid: id - row.idBase + row.outBase, span: row.span, kind: 'pci', host: n, row: row.row, rid, map });
    }
  }
  const loser = (a: TreeNode | undefined, b: TreeNode | undefined): TreeNode | undefined => {
    const rep = ctx.probe();
    for (const n of [a, b]) {
      const d = n && rep.byNode.get(n);
      if (d && d.reasons.some((x) => /already in tree/.test(x))) return n;
    }
    return undefined;
  };
  const consequence = (iommu: TreeNode, sid: number, a: TreeNode | undefined, b: TreeNode | undefined) => {
    const l = loser(a, b);
    const who = l ? `${nodeRef(l)} is predicted to probe second` : 'whichever of the two probes second';
    return `${nodeRef(iommu)} (arm-smmu-v3) gives a stream to one device: ${who} and runs without its IOMMU, its DMA aborted by the SMMU (arm_smmu_insert_master: "stream ${sid} already in tree from dev …", -EINVAL)`;
  };
  for (const [iommu, list] of masters) {
    const bySid = new Map<number, Master[]>();
    for (const m of list) {
      const l = bySid.get(m.sid);
      if (l) l.push(m); else bySid.set(m.sid, [m]);
    }
    for (const [sid, ms] of bySid) {
      const nodes = new Set(ms.map((m) => m.node));
      if (nodes.size < 2) continue;
      for (const m of ms) {
        const other = ms.find((x) => x.node !== m.node)!;
        const what = other.kind === 'pci' ? `${nodeRef(other.node!)}'s (PCI ${bdf(other.rid!)} through iommu-map of ${nodeRef(other.host!)})` : `${nodeRef(other.node!)}'s`;
        const fact = m.kind === 'pci'
          ? `iommu-map row ${m.row} gives stream ${hex(sid)} on ${nodeRef(iommu)} to ${nodeRef(m.node!)} (PCI ${bdf(m.rid!)}), and it is also ${what}`
          : `stream ${hex(sid)} on ${nodeRef(iommu)} is also ${what}`;
        r.report('iommu-stream-conflict', m.span, message(fact, consequence(iommu, sid, m.node, other.node)), [r.related(other.span, other.kind === 'pci' ? `iommu-map row ${other.row} of ${nodeRef(other.host!)}` : `iommus of ${nodeRef(other.node!)}`)],
          m.kind === 'pci' ? { node: m.host, property: 'iommu-map' } : { node: m.node, property: 'iommus' });
      }
    }
    // an iommus stream inside the output range of an iommu-map row that no described endpoint takes
    for (const m of list) {
      if (m.kind !== 'iommus') continue;
      if ((bySid.get(m.sid) ?? []).some((x) => x.kind === 'pci')) continue;
      const row = rows.find((x) => x.iommu === iommu && m.sid >= x.outBase && m.sid < x.outBase + x.len);
      if (!row) continue;
      const rid = m.sid - row.outBase + row.idBase;
      r.report(
        'iommu-stream-conflict',
        m.span,
        message(
          `stream ${hex(m.sid)} on ${nodeRef(iommu)} is also the stream iommu-map row ${row.row} of ${nodeRef(row.host)} gives PCI RID ${hex(rid)} (${bdf(rid)})`,
          `if a PCI device ${bdf(rid)} exists, ${consequence(iommu, m.sid, m.node, undefined)}`,
        ),
        [r.related(row.span, `iommu-map row ${row.row} of ${nodeRef(row.host)}`)],
        { node: m.node, property: 'iommus' },
      );
    }
  }
}

// (it reads iommus and iommu-map entries only, and the probe report only for a stream given twice)
checkIommuStreams.graphMatters = (_ctx: CheckContext, e: SupplierEdge): boolean => e.binding === 'iommus' || e.binding === 'iommu-map';

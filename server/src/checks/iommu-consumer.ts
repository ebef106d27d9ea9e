// Consumer-side IOMMU checks: iommu-mixed-drivers, iommu-xlate-denied (iommu-modular-timeout: kernel-config.ts).
import type { SupplierEdge } from '../model/types';
import type { TreeNode } from '../tree/types';
import { noteNode } from '../tree/value-reads';
import { findIommuFamily, type IommuMatch } from '../model/iommu';
import { compatibles, nodeNameSpan, nodeRef } from '../model/tree-util';
import { message, type CheckContext, type Reporter } from './context';

export function checkIommuConsumers(ctx: CheckContext, r: Reporter): void {
  const byConsumer = new Map<TreeNode, SupplierEdge[]>();
  for (let eIndex = 0, eList = ctx.graph.edges; eIndex < eList.length; eIndex++) {
    const e = eList[eIndex];
    if (e.binding !== 'iommus') continue;
    const l = byConsumer.get(e.consumer);
    if (l) l.push(e); else byConsumer.set(e.consumer, [e]);
  }
  const famCache = new Map<TreeNode, IommuMatch | undefined>();
  const famOf = (n: TreeNode) => {
    if (!famCache.has(n)) famCache.set(n, findIommuFamily(ctx.model, compatibles(n)));
    return famCache.get(n);
  };
  for (const [consumer, edges] of byConsumer) {
    const self = nodeRef(consumer);
    // one consumer, IOMMUs of different drivers: iommu_fwspec_init rejects a second ops (-EINVAL)
    let first: { e: SupplierEdge; m: IommuMatch } | undefined;
    for (let eIndex = 0, eList = edges; eIndex < eList.length; eIndex++) {
      const e = eList[eIndex];
      const m = famOf(e.supplier);
      if (!m || !m.family.driver) continue;
      if (!first) {
        first = { e, m };
        continue;
      }
      if (m.family.driver.name !== first.m.family.driver!.name) {
        r.report(
          'iommu-mixed-drivers',
          e.span,
          message(
            `IOMMUs of two drivers: ${nodeRef(first.e.supplier)} (${first.m.family.driver!.name}) and ${nodeRef(e.supplier)} (${m.family.driver.name})`,
            `the kernel drops the whole iommus list of ${self}, which then DMAs untranslated (iommu_fwspec_init: -EINVAL)`,
          ),
          [r.related(first.e.span, `first IOMMU: ${nodeRef(first.e.supplier)}`), r.related(nodeNameSpan(e.supplier), nodeRef(e.supplier))],
        );
        break;
      }
    }
    if (!ctx.enabledInTree(consumer)) continue;
    // R-Car Gen3/Gen4 and RZ/G2 IPMMU allow-list (ipmmu_device_is_allowed)
    for (let eIndex = 0, eList = edges; eIndex < eList.length; eIndex++) {
      const e = eList[eIndex];
      const m = famOf(e.supplier);
      const al = m?.family.xlateAllowList;
      if (!m || !al || !compatibles(e.supplier).some((c) => al.appliesTo.includes(c))) continue;
      noteNode(consumer);
      const at = consumer.name.indexOf('@');
      const unit = at >= 0 ? consumer.name.slice(at + 1) : '';
      const base = at >= 0 ? consumer.name.slice(0, at) : consumer.name;
      const allowed = al.allowedUnitAddresses.includes(unit.toLowerCase()) && (!al.allowedNodeNamePrefix || base === al.allowedNodeNamePrefix);
      if (allowed) continue;
      r.report(
        'iommu-xlate-denied',
        e.span,
        message(
          `${self} is not on the ${m.family.driver?.name ?? m.family.id} allow-list`,
          `on R-Car Gen3/Gen4 and RZ/G2 it DMAs untranslated despite this iommus entry (ipmmu_of_xlate: -ENODEV)`,
        ),
      );
      break;
    }
  }
}

// (it reads iommus entries only)
checkIommuConsumers.graphMatters = (_ctx: CheckContext, e: SupplierEdge): boolean => e.binding === 'iommus';

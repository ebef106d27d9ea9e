// Checks that need the kernel configuration in force (kernel/environment.ts):
//  - iommu-driver-not-built: an enabled IOMMU whose driver's Kconfig symbol is off. Nothing binds
//    it, so it never registers; of_iommu_xlate returns -EPROBE_DEFER for its consumers until the
//    deferred-probe timeout (driver_deferred_probe_check_state), then they probe untranslated.
//  - iommu-modular-timeout: the IOMMU's driver is a module (=m). fw_devlink ignores iommus and
//    iommu-map unless fw_devlink.strict=1, so a consumer waits only through of_iommu_xlate's
//    -EPROBE_DEFER, until the timeout, which restarts at every driver registration
//    (drivers/base/dd.c deferred_probe_extend_timeout); a module loaded later finds its consumers
//    probed untranslated, and they are never moved into a group (bus_iommu_probe only takes devices
//    that still have an iommu fwspec). Without a configuration nothing is reported.
// Reported at every place the user can change: each consumer's iommus entry or iommu-map row, and
// (not built) the IOMMU's compatible.
import type { SupplierEdge } from '../model/types';
import type { TreeNode } from '../tree/types';
import { getProperty } from '../tree/types';
import { describeSymbol } from '../kernel/kconfig';
import { findIommuFamily, type IommuFamily } from '../model/iommu';
import { iommuDriverState } from '../model/probe/drivers';
import { compatibles, nodeRef } from '../model/tree-util';
import { message, type CheckContext, type Reporter } from './context';
import { kernelWords } from './probe-words';

export function checkKernelConfig(ctx: CheckContext, r: Reporter): void {
  const env = ctx.kernel;
  if (!env.config || ctx.flavour === 'zephyr') return; // the Linux kernel's configuration: Linux trees only
  const byIommu = new Map<TreeNode, { family: IommuFamily; edges: SupplierEdge[] }>();
  for (const e of ctx.graph.edges) {
    if (e.binding !== 'iommus' && e.binding !== 'iommu-map') continue;
    if (!ctx.enabledInTree(e.consumer) || !ctx.enabledInTree(e.supplier)) continue;
    let g = byIommu.get(e.supplier);
    if (!g) {
      const m = findIommuFamily(ctx.model, compatibles(e.supplier));
      if (!m || !m.driverMatched || !m.family.driver) continue;
      g = { family: m.family, edges: [] };
      byIommu.set(e.supplier, g);
    }
    g.edges.push(e);
  }
  const timeout = env.deferredProbeTimeout;
  const under = `under ${kernelWords(env)}`;
  for (const [iommu, { family, edges }] of byIommu) {
    const d = family.driver!;
    const state = iommuDriverState(family, env);
    const sym = describeSymbol(env.config, d.kconfig);
    const x = nodeRef(iommu);
    if (state === 'not-built' || state === 'blacklisted') {
      const why = state === 'blacklisted' ? `its module is in module_blacklist=` : sym;
      const after = timeout < 0
        ? `waits forever (deferred_probe_timeout=${timeout}: no timer)`
        : `waits until the deferred-probe timeout (${timeout} s after the last driver registration), then probes without an IOMMU and DMAs untranslated`;
      const consumers = [...new Set(edges.map((e) => e.consumer))];
      for (const e of edges) {
        r.report('iommu-driver-not-built', e.span, message(`${x}'s driver ${d.name} is not built (${why})`, `${nodeRef(e.consumer)}${e.binding === 'iommu-map' ? ` (and every device this iommu-map row maps)` : ''} ${after}: the IOMMU never registers, so of_iommu_xlate returns -EPROBE_DEFER until then (${under})`), [r.related(getProperty(iommu, 'compatible')?.span, `compatible of ${x}`)], { node: e.consumer, property: e.property?.name });
      }
      const comp = getProperty(iommu, 'compatible');
      if (comp) {
        const n = consumers.length;
        r.report('iommu-driver-not-built', comp.span, message(`driver ${d.name} is not built (${why})`, `${n === 1 ? '1 enabled device' : `${n} enabled devices`} behind ${x} ${after} (${under})`), edges.slice(0, 50).map((e) => r.related(e.span, `${e.binding} of ${nodeRef(e.consumer)}`)), { node: iommu, property: 'compatible' });
      }
      continue;
    }
    if (state !== 'module' && state !== 'late-module') continue;
    if (timeout < 0) continue; // no timer: the consumers wait for the module, however late
    for (const e of edges) {
      const dev = e.binding === 'iommu-map' ? `the devices iommu-map row ${e.index} of ${nodeRef(e.consumer)} maps` : nodeRef(e.consumer);
      const fact = state === 'late-module'
        ? `${x}'s driver ${d.name} is a module loaded after the deferred-probe timeout`
        : `${x}'s driver ${d.name} is a module (${sym})`;
      const detail = state === 'late-module'
        ? `${dev} probe without it and stay untranslated: a device that probed without its IOMMU is never added to a group later (${under})`
        : `if it loads after the deferred-probe timeout (${timeout} s after the last driver registration), ${dev} ${e.binding === 'iommu-map' ? 'have' : 'has'} already probed without it and stay${e.binding === 'iommu-map' ? '' : 's'} untranslated: fw_devlink ignores ${e.binding} unless fw_devlink.strict=1, and a device that probed without its IOMMU is never added to a group later (${under})`;
      r.report('iommu-modular-timeout', e.span, message(fact, detail), [], { node: e.consumer, property: e.property?.name });
    }
  }
}

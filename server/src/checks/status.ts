// supplier-disabled and supplier-never-probes: an enabled consumer (node and every
// ancestor available) whose supplier is disabled, or can never become a device.
import type { SupplierEdge } from '../model/types';
import type { TreeNode } from '../tree/types';
import { getProperty } from '../tree/types';
import { compatibles, describeNode, disabledAncestor, isAvailable, isEnabledInTree } from '../model/tree-util';
import type { CheckContext, Reporter } from './context';

/** Providers registered from early init by compatible (CLK_OF_DECLARE, IRQCHIP_DECLARE, ...) exist without a device. */
const EARLY_INIT_COMPATIBLES = new Set(['fixed-clock', 'fixed-factor-clock']);

export function checkSupplierStatus(ctx: CheckContext, r: Reporter): void {
  const enabledCache = new Map<TreeNode, boolean>();
  const enabled = (n: TreeNode) => {
    let v = enabledCache.get(n);
    if (v === undefined) {
      v = isEnabledInTree(n);
      enabledCache.set(n, v);
    }
    return v;
  };
  const seen = new Set<object>();
  for (const e of ctx.graph.edges) {
    if (e.kind !== 'property' || !e.property) continue;
    if (e.binding === 'remote-endpoint') continue; // graph links to an unused port are normal; fw_devlink skips them
    if (!enabled(e.consumer)) continue;
    // dmas is optional for fw_devlink and drivers fall back to PIO without a channel (an upstream idiom)
    if (e.optional && e.binding !== 'iommus' && e.binding !== 'iommu-map') continue;
    // a clock controller's clocks are its parent inputs: the clock framework keeps a clock whose
    // parent never registers as an orphan, so listing an unused (disabled) input is harmless
    if (e.binding === 'clocks' && getProperty(e.consumer, '#clock-cells')) continue;
    const sup = e.supplier;
    if (!isAvailable(sup)) {
      if (e.binding === 'interrupts') {
        if (seen.has(e.property)) continue; // one report per interrupts property
        seen.add(e.property);
      }
      reportDisabled(ctx, r, e);
      continue;
    }
    const anc = disabledAncestor(sup);
    if (!anc) continue;
    if (e.binding === 'interrupts' || e.binding === 'interrupt-map') continue; // irqchips may be set up by IRQCHIP_DECLARE
    if (compatibles(sup).some((c) => EARLY_INIT_COMPATIBLES.has(c))) continue;
    const self = describeNode(e.consumer);
    const what = e.binding === 'iommus' || e.binding === 'iommu-map'
      ? `of_iommu_xlate checks only the IOMMU's own status, so ${self} defers until the deferred-probe timeout and then DMAs untranslated`
      : `fw_devlink creates no link to it and the consumer's driver waits for a supplier that never probes`;
    const statusProp = getProperty(anc, 'status');
    r.report(
      'supplier-never-probes',
      e.span,
      `${e.property.name} of ${self} names ${describeNode(sup)}, which is inside disabled ${describeNode(anc)}: it is never created as a device; ${what}`,
      [r.related(statusProp?.span, `${describeNode(anc)} is disabled here`)],
    );
  }
}

function reportDisabled(ctx: CheckContext, r: Reporter, e: SupplierEdge): void {
  const self = describeNode(e.consumer);
  const sup = describeNode(e.supplier);
  const prop = e.property!;
  let msg: string;
  if (e.binding === 'iommus') {
    msg = `${self} is enabled but its IOMMU ${sup} is disabled: of_iommu_xlate fails (-ENODEV), the kernel drops the whole iommus list and the device DMAs untranslated`;
  } else if (e.binding === 'iommu-map') {
    msg = `iommu-map row ${e.index} of enabled ${self} targets disabled IOMMU ${sup}: IDs mapped by this row get no IOMMU (of_iommu_xlate fails) and those devices DMA untranslated`;
  } else if (e.optional) {
    msg = `${self} is enabled but its ${prop.name} supplier ${sup} is disabled: the driver gets no such resource (fw_devlink treats ${e.binding} as optional)`;
  } else {
    msg = `${self} is enabled but its ${prop.name} supplier ${sup} is disabled: the supplier never probes, so the consumer's driver defers waiting for it (or runs without it if the resource is optional)`;
  }
  const statusProp = getProperty(e.supplier, 'status');
  r.report('supplier-disabled', e.span, msg, [r.related(statusProp?.span, `${sup} is disabled here`)]);
  void ctx;
}

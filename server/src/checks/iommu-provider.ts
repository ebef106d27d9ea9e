// Provider-side IOMMU checks: iommu-unknown, iommu-no-driver, iommu-missing-fallback,
// iommu-cells-model, iommu-legacy-binding, iommu-probe-once.
import type { TreeNode } from '../tree/types';
import { getProperty } from '../tree/types';
import { findIommuFamily } from '../model/iommu';
import { compatibles, nodeNameSpan, nodeRef, readU32 } from '../model/tree-util';
import { message, type CheckContext, type Reporter } from './context';

export function checkIommuProviders(ctx: CheckContext, r: Reporter): void {
  const stack: TreeNode[] = [ctx.tree.root];
  while (stack.length) {
    const node = stack.pop()!;
    for (let cIndex = 0, cList = node.children; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; stack.push(c); }
    const mm = getProperty(node, 'mmu-masters');
    if (mm) {
      r.report(
        'iommu-legacy-binding',
        mm.span,
        message('legacy "mmu-masters" binding: use "iommus" on each master', 'Linux parses it only with ARM_SMMU_LEGACY_DT_BINDINGS=y and a built-in arm-smmu driver'),
      );
    }
    const cellsProp = getProperty(node, '#iommu-cells');
    if (!cellsProp) continue;
    const comps = compatibles(node);
    const compProp = getProperty(node, 'compatible');
    const where = compProp ? compProp.span : cellsProp.span;
    const m = findIommuFamily(ctx.model, comps);
    const self = nodeRef(node);
    if (!m) {
      const what = comps.length ? `compatible ${comps.map((c) => `"${c}"`).join(', ')}` : 'no compatible';
      r.report(
        'iommu-unknown',
        where,
        message(`unknown IOMMU: ${what} is not in the IOMMU model (Linux ${ctx.model.kernel})`, `no kernel IOMMU driver is known to serve ${self}, so its consumers cannot be checked`),
      );
      continue;
    }
    const fam = m.family;
    if (!fam.driver) {
      r.report(
        'iommu-no-driver',
        where,
        message(`"${m.compatible}" has no IOMMU driver in Linux ${ctx.model.kernel}`, `the consumers of ${self} defer until the deferred-probe timeout, then DMA untranslated`),
      );
    } else if (!m.driverMatched) {
      const fb = (m.missingFallbacks ?? []).map((c) => `"${c}"`).join(' or ');
      r.report(
        'iommu-missing-fallback',
        where,
        message(`"${m.compatible}" must be followed by ${fb}`, `the ${fam.driver.name} driver does not match "${m.compatible}" alone, so ${self} never probes`),
      );
    }
    const cells = readU32(node, '#iommu-cells');
    if (cells !== undefined && !fam.iommuCells.includes(cells)) {
      const c0 = cellsProp.chunks[0];
      const span = c0 && c0.kind === 'cells' && c0.cells.length ? c0.cells[0] : cellsProp.span;
      const allowed = fam.iommuCells.map((n) => `<${n}>`).join(' or ');
      r.report(
        'iommu-cells-model',
        span,
        `#iommu-cells = <${cells}> is not valid for "${m.compatible}": ${fam.id} takes ${allowed}${fam.cellNames.length ? ` (${fam.cellNames.slice(0, Math.max(...fam.iommuCells)).join(', ')})` : ''}`,
        [r.related(compProp?.span, `compatible of ${self}`)],
      );
    }
    if (fam.driver && !fam.driver.canDeferProbe && ctx.enabledInTree(node)) {
      const sups = ctx.graph
        .suppliersOf(node)
        .filter((e) => e.kind === 'property' && !e.optional && !e.ignoreForCycles);
      if (sups.length) {
        const names = [...new Set(sups.map((e) => `${e.binding} → ${nodeRef(e.supplier)}`))].join(', ');
        r.report(
          'iommu-probe-once',
          nodeNameSpan(node) ?? cellsProp.span,
          message(
            `${self} cannot defer probe but has suppliers (${names})`,
            `if one is not ready at ${fam.driver.initLevel ?? 'its initcall'}, the IOMMU never probes and its masters DMA untranslated (the ${fam.driver.name} driver registers with ${fam.driver.registration})`,
          ),
          sups.slice(0, 4).map((e) => r.related(e.span, `${e.binding} supplier ${nodeRef(e.supplier)}`)),
        );
      }
    }
  }
}

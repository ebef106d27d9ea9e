// iommu-map-format: iommu-map = <id-base &iommu iommu-base length>... and iommu-map-mask,
// as of_map_id (drivers/of/base.c) reads them.
import type { TreeNode } from '../tree/types';
import { getProperty, phandleNode } from '../tree/types';
import { hex, nodeRef, propCells } from '../model/tree-util';
import { message, type CheckContext, type Reporter } from './context';

export function checkIommuMaps(ctx: CheckContext, r: Reporter): void {
  const stack: TreeNode[] = [ctx.tree.root];
  while (stack.length) {
    const node = stack.pop()!;
    for (let cIndex = 0, cList = node.children; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; stack.push(c); }
    const map = getProperty(node, 'iommu-map');
    const maskProp = getProperty(node, 'iommu-map-mask');
    if (!map && !maskProp) continue;
    const self = nodeRef(node);
    let mask = 0xffffffffn;
    if (maskProp) {
      const mc = propCells(maskProp);
      if (!mc || mc.length !== 1) {
        r.report(
          'iommu-map-format',
          maskProp.span,
          message(`iommu-map-mask must be one 32-bit cell, got ${mc ? `${mc.length} cells` : 'a value that is not < > cells'}`, 'of_map_id reads only the first cell'),
        );
        if (mc && mc.length) mask = mc[0].value & 0xffffffffn;
      } else mask = mc[0].value & 0xffffffffn;
    }
    if (!map) continue;
    const cells = propCells(map);
    if (!cells) {
      r.report('iommu-map-format', map.span, `iommu-map must be < > cells: <id-base &iommu iommu-base length>...`);
      continue;
    }
    if (cells.length === 0 || cells.length % 4 !== 0) {
      r.report(
        'iommu-map-format',
        map.span,
        message(
          `iommu-map has ${cells.length} cells, not a multiple of 4`,
          `rows are <id-base &iommu iommu-base length>; no ID of ${self} is translated (of_map_id: "Bad iommu-map length")`,
        ),
      );
      continue;
    }
    for (let row = 0; row * 4 < cells.length; row++) {
      const idBase = cells[row * 4];
      const ph = cells[row * 4 + 1];
      // a raw number that is a node's phandle is a reference for the kernel (of_map_id: of_find_node_by_phandle);
      // raw-phandles.ts suggests &label for it
      const isRef = !!ph.ref || (ph.value !== 0n && phandleNode(ctx.tree, ph.value) !== undefined);
      if (!isRef) {
        r.report(
          'iommu-map-format',
          ph,
          message(`row ${row}: expected an IOMMU phandle, got ${hex(ph.value)}`, 'the 2nd cell of <id-base &iommu iommu-base length> is the IOMMU'),
        );
      }
      const idv = idBase.value & 0xffffffffn;
      if ((idv & ~mask & 0xffffffffn) !== 0n) {
        r.report(
          'iommu-map-format',
          idBase,
          message(`row ${row}: id-base ${hex(idv)} has bits outside iommu-map-mask ${hex(mask)}`, 'the kernel rejects the translation (of_map_id: "mask ignores id-base", -EFAULT)'),
          [r.related(maskProp?.span, `iommu-map-mask of ${self}`)],
        );
      }
    }
  }
}
// it reads neither ctx.graph nor ctx.probe (a raw number in phandle position counts by the tree's phandles): a cell
// count that changed, whose readers' edges are decoded again, leaves its findings (checks/index.ts)
checkIommuMaps.graphFree = true;

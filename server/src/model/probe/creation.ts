// Which device nodes become devices, and how (Linux 6.12 drivers/of/platform.c):
// of_platform_populate() walks the root's children and, below a node that matches
// of_default_bus_match_table (simple-bus, simple-mfd, isa, arm,amba-bus), their children;
// it needs a compatible (strict), skips unavailable nodes (of_device_is_available) and nodes an
// early initialiser marked OF_POPULATED; an "arm,primecell" node becomes an AMBA device
// (of_amba_device_create). Children of a PCI host bridge are PCI devices the host's driver
// enumerates (drivers/pci/of.c gives them the node whose reg matches); children of other devices
// are created by their parent's driver (I2C, SPI, MFD, ... controllers populate their nodes).
// of_platform_default_populate_init() also populates /firmware and some /reserved-memory nodes.
import type { KernelEnvironment } from '../../kernel/environment';
import { nodePath as nodeRef, type TreeNode } from '../../tree/types';
import { noteNode } from '../../tree/value-reads';
import { compatibles, isAvailable, propStrings } from '../tree-util';
import { BUS_COMPATIBLES, SKIPPED_COMPATIBLES, earlyInit } from './drivers';
import type { DeviceBus } from './types';

export interface Creation {
  node: TreeNode;
  /** populate: created at boot; pci / parent-driver: created when `creator` probes; never: never a device */
  how: 'populate' | 'pci' | 'parent-driver' | 'never';
  bus?: DeviceBus;
  creator?: TreeNode;
  /** why it is never created, or how it is */
  why: string;
}

/** of_platform_default_populate_init: reserved-memory regions that become devices */
const RESERVED_MEMORY_DEVICES = new Set(['phram', 'qcom,rmtfs-mem', 'qcom,cmd-db', 'qcom,smem', 'ramoops', 'nvmem-rmem', 'google,open-dice']);

function isPciHost(n: TreeNode): boolean {
  return propStrings(n, 'device_type')[0] === 'pci';
}

function statusText(n: TreeNode): string {
  const s = propStrings(n, 'status')[0] ?? 'disabled';
  return `status = "${s}"`;
}

/** Every device node (a node with a compatible, or a PCI endpoint node) in tree order, with how it becomes a device. */
export function deviceCreation(root: TreeNode, env: KernelEnvironment): Creation[] {
  const out: Creation[] = [];
  type Ctx = { kind: 'populate' } | { kind: 'never'; why: string } | { kind: 'pci'; host: TreeNode } | { kind: 'parent'; parent: TreeNode };
  const walk = (node: TreeNode, ctx: Ctx, depth: number) => {
    if (depth > 4096) return;
    for (const c of node.children) {
      const comps = compatibles(c);
      const devNode = comps.length > 0 || ctx.kind === 'pci';
      if (ctx.kind === 'never') {
        if (devNode) out.push({ node: c, how: 'never', why: ctx.why });
        walk(c, ctx, depth + 1);
        continue;
      }
      if (!isAvailable(c)) {
        const why = `${statusText(c)}: the kernel never creates a device for it`;
        if (devNode) out.push({ node: c, how: 'never', why });
        walk(c, { kind: 'never', why: `inside ${nodeRef(c)}, which has ${statusText(c)}` }, depth + 1);
        continue;
      }
      if (ctx.kind === 'pci') {
        out.push({ node: c, how: 'pci', bus: 'pci', creator: ctx.host, why: `a PCI device: created when the PCI host bridge ${nodeRef(ctx.host)} probes and enumerates its bus (if the device is present)` });
        walk(c, ctx, depth + 1);
        continue;
      }
      if (ctx.kind === 'parent') {
        if (devNode) {
          out.push({ node: c, how: 'parent-driver', bus: 'child', creator: ctx.parent, why: `created by the driver of ${nodeRef(ctx.parent)} when it probes (I2C, SPI, MFD, ... controllers populate their child nodes; of_platform_populate does not descend into ${nodeRef(ctx.parent)})` });
          walk(c, { kind: 'parent', parent: c }, depth + 1);
        } else walk(c, ctx, depth + 1);
        continue;
      }
      // of_platform_populate
      const atRoot = node.parent === undefined;
      if (comps.length === 0) {
        if (atRoot) noteNode(c);
        if (atRoot && c.name === 'firmware') {
          walk(c, { kind: 'populate' }, depth + 1); // of_platform_default_populate_init populates /firmware
          continue;
        }
        if (atRoot && c.name === 'reserved-memory') {
          for (const r of c.children) {
            const rc = compatibles(r);
            if (!rc.length) continue;
            if (!isAvailable(r)) out.push({ node: r, how: 'never', why: `${statusText(r)}: the kernel never creates a device for it` });
            else if (rc.some((x) => RESERVED_MEMORY_DEVICES.has(x))) out.push({ node: r, how: 'populate', bus: 'platform', why: 'a reserved-memory region of_platform_default_populate_init makes a device' });
            else out.push({ node: r, how: 'never', why: 'a reserved-memory region: the kernel reserves it, it is no device (only ramoops, phram, nvmem-rmem, ... regions are)' });
          }
          continue;
        }
        walk(c, { kind: 'never', why: `${nodeRef(c)} has no compatible, so of_platform_populate does not descend into it` }, depth + 1);
        continue;
      }
      if (comps.some((x) => SKIPPED_COMPATIBLES.has(x))) {
        out.push({ node: c, how: 'never', why: 'of_platform_populate skips it (of_skipped_node_table)' });
        walk(c, { kind: 'never', why: `inside ${nodeRef(c)}, which of_platform_populate skips` }, depth + 1);
        continue;
      }
      const early = earlyInit(c, env);
      if (early) {
        out.push({ node: c, how: 'never', why: `initialised early by ${early.macro}: ${early.why}` });
        walk(c, { kind: 'never', why: `inside ${nodeRef(c)}, which ${early.macro} initialised (no device, and its children are not populated)` }, depth + 1);
        continue;
      }
      const amba = comps.includes('arm,primecell');
      out.push({ node: c, how: 'populate', bus: amba ? 'amba' : 'platform', why: amba ? 'an AMBA device created by of_platform_populate' : 'a platform device created by of_platform_populate' });
      if (!amba && comps.some((x) => BUS_COMPATIBLES.has(x))) walk(c, { kind: 'populate' }, depth + 1);
      else if (isPciHost(c)) walk(c, { kind: 'pci', host: c }, depth + 1);
      else walk(c, { kind: 'parent', parent: c }, depth + 1);
    }
  };
  walk(root, { kind: 'populate' }, 0);
  return out;
}

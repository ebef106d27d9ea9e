// The probe simulation: what Linux 6.12 does with every device node of a tree under a kernel
// configuration and command line. It replays boot in the kernel's order:
//  1. initcalls: built-in drivers register in initcall level, then drivers/Makefile link order;
//     each tries its devices at once. A device that defers waits: deferred probing is off until
//     late_initcall (drivers/base/dd.c driver_deferred_probe_enable);
//  2. late_initcall: the deferred devices are retried after every successful probe;
//  3. coldplug: modules (=m) load, as udev loads them from the initramfs;
//  4. the deferred-probe timeout fires (drivers/base/dd.c deferred_probe_timeout_work_func; 10 s
//     after the last driver registration with CONFIG_MODULES, at once without): of_iommu and genpd
//     stop waiting (driver_deferred_probe_check_state returns -ETIMEDOUT), fw_devlink relaxes links
//     to suppliers no driver matched (fw_devlink_drivers_done);
//  5. modules loaded after the timeout (the lateModules option).
// A device's probe (drivers/base/dd.c really_probe) waits for its fw_devlink suppliers
// (device_links_check_suppliers), configures DMA and its IOMMU (of_dma_configure ->
// of_iommu_configure, drivers/iommu/of_iommu.c), attaches its power domain (platform_probe ->
// dev_pm_domain_attach, genpd) and then runs the driver, which requests its resources.
import type { KernelEnvironment } from '../../kernel/environment';
import type { Cell, LiveTree, TreeNode } from '../../tree/types';
import { getProperty, nodePath } from '../../tree/types';
import { phandleTarget } from '../graph';
import { findIommuFamily, type IommuFamily, type IommuModel } from '../iommu';
import { compatibles, hex, isAvailable, isEnabledInTree, propCells } from '../tree-util';
import type { SupplierEdge, SupplierGraph } from '../types';
import { deviceCreation, type Creation } from './creation';
import { earlyInit, iommuDriverState, lookupDriver, type DriverLookup } from './drivers';
import type { Blocker, DeviceResult, ProbeOutcome, ProbeReport } from './types';

type Phase = 'initcalls' | 'late_initcall' | 'coldplug' | 'timeout' | 'late-modules';

interface Link {
  edge: SupplierEdge;
  /** the device whose probe ends the wait (the supplier node's device, or its nearest ancestor device) */
  sup: Dev | undefined;
  relaxed: boolean;
  /** relaxed at the deferred-probe timeout (the supplier has no driver) */
  relaxedAtTimeout?: boolean;
}

interface Dev {
  c: Creation;
  node: TreeNode;
  lookup: DriverLookup;
  status: 'absent' | 'pending' | 'deferred' | 'probed' | 'failed' | 'never';
  reasons: string[];
  blockers: Blocker[];
  iommu: TreeNode | null;
  wantsIommu: boolean;
  untranslated?: { iommu?: TreeNode; why: string };
  links: Link[];
  deferWhy?: string;
  failWhy?: string;
  seq: number;
  /** the IOMMU family this device registers as (an IOMMU node) */
  iommuFamily?: IommuFamily;
}

export interface SimulationInput {
  tree: LiveTree;
  graph: SupplierGraph;
  model: IommuModel;
  env: KernelEnvironment;
}


export function simulateProbe(input: SimulationInput): ProbeReport {
  return new Simulation(input).run();
}

class Simulation {
  private readonly devs: Dev[] = [];
  private readonly byNode = new Map<TreeNode, Dev>();
  private phase: Phase = 'initcalls';
  private timedOut = false;
  private seq = 0;
  private readonly deferredQueue: Dev[] = [];
  /** per IOMMU node: stream ID -> the device holding it */
  private readonly streams = new Map<TreeNode, Map<number, Dev>>();
  private readonly env: KernelEnvironment;
  private readonly strict: boolean;
  private readonly linksOn: boolean;

  constructor(private readonly input: SimulationInput) {
    this.env = input.env;
    const cl = input.env.cmdline;
    this.linksOn = cl.fwDevlink === 'on' || cl.fwDevlink === 'rpm';
    this.strict = this.linksOn && cl.fwDevlinkStrict;
  }

  run(): ProbeReport {
    const { tree, model, env } = this.input;
    for (const c of deviceCreation(tree.root, env)) {
      const lookup: DriverLookup = c.how === 'never' ? { kind: 'none', why: c.why } : lookupDriver(c.node, model, env);
      const d: Dev = {
        c, node: c.node, lookup, status: c.how === 'never' ? 'never' : c.how === 'populate' ? 'pending' : 'absent',
        reasons: [], blockers: [], iommu: null, wantsIommu: this.wantsIommu(c), links: [], seq: 0,
      };
      const fam = getProperty(c.node, '#iommu-cells') ? findIommuFamily(model, compatibles(c.node)) : undefined;
      if (fam && fam.driverMatched) d.iommuFamily = fam.family;
      this.devs.push(d);
      this.byNode.set(c.node, d);
    }
    for (const d of this.devs) if (d.status !== 'never') d.links = this.linksOf(d);
    this.relaxCycles();

    // 1. initcalls: built-in drivers in registration order
    const builtin = this.devs.filter((d) => this.driverState(d) === 'built-in' || this.driverState(d) === 'assumed');
    builtin.sort((a, b) => this.order(a) - this.order(b) || this.devs.indexOf(a) - this.devs.indexOf(b));
    for (const d of builtin) this.attempt(d);
    // 2. late_initcall: deferred probing starts
    this.phase = 'late_initcall';
    this.retryDeferred();
    if (env.deferredProbeTimeout === 0) this.fireTimeout(); // !CONFIG_MODULES or deferred_probe_timeout=0: at the end of initcalls
    // 3. modules loaded at boot
    this.phase = 'coldplug';
    for (const d of this.sortedBy('module')) { this.attempt(d); this.retryDeferred(); }
    // 4. the deferred-probe timeout
    if (env.deferredProbeTimeout > 0) this.fireTimeout();
    // 5. modules loaded after it
    this.phase = 'late-modules';
    for (const d of this.sortedBy('late-module')) { this.attempt(d); this.retryDeferred(); }
    return this.finish();
  }

  private fireTimeout(): void {
    if (this.timedOut) return;
    this.phase = 'timeout';
    this.timedOut = true;
    // fw_devlink_drivers_done: links to suppliers no driver matched are relaxed
    for (const d of this.devs) {
      for (const l of d.links) {
        if (l.relaxed || !l.sup || l.sup.status === 'probed') continue;
        if (!this.driverCanMatch(l.sup)) { l.relaxed = true; l.relaxedAtTimeout = true; }
      }
    }
    this.retryDeferred();
  }

  private sortedBy(state: string): Dev[] {
    const l = this.devs.filter((d) => this.driverState(d) === state);
    return l.sort((a, b) => this.order(a) - this.order(b) || this.devs.indexOf(a) - this.devs.indexOf(b));
  }

  private order(d: Dev): number {
    return d.lookup.kind === 'match' ? d.lookup.match.order : 7500;
  }

  /** The state of the device's driver ('none' when no driver can bind it). */
  private driverState(d: Dev): string {
    if (d.lookup.kind === 'none') return 'none';
    if (d.lookup.kind === 'unknown') return 'assumed';
    return d.lookup.match.info.state;
  }

  private driverAvailable(d: Dev): boolean {
    const s = this.driverState(d);
    if (s === 'built-in' || s === 'assumed') return true;
    if (s === 'module') return this.phase === 'coldplug' || this.phase === 'timeout' || this.phase === 'late-modules';
    if (s === 'late-module') return this.phase === 'late-modules';
    return false;
  }

  private driverCanMatch(d: Dev): boolean {
    const s = this.driverState(d);
    if (s === 'none' || s === 'not-built' || s === 'blacklisted') return false;
    if (s === 'late-module') return this.phase === 'late-modules';
    return d.status !== 'never' && d.status !== 'absent';
  }

  private wantsIommu(c: Creation): boolean {
    if (getProperty(c.node, 'iommus')) return true;
    if (c.bus === 'pci' && c.creator && getProperty(c.creator, 'iommu-map')) return true;
    return false;
  }

  /** The device whose probe ends a wait for `n`: its own device, or its nearest ancestor that is one. */
  private deviceFor(n: TreeNode): Dev | undefined {
    for (let p: TreeNode | undefined = n; p && p.parent; p = p.parent) {
      const d = this.byNode.get(p);
      if (d) return d;
    }
    return undefined;
  }

  /** fw_devlink links of a device (drivers/of/property.c of_link_property, of_link_to_phandle). */
  private linksOf(d: Dev): Link[] {
    if (!this.linksOn) return [];
    const out: Link[] = [];
    const visit = (n: TreeNode, depth: number) => {
      for (const e of this.input.graph.suppliersOf(n)) {
        if (e.kind !== 'property' || !e.property) continue;
        if (e.ignoreForCycles) continue; // post-init-providers (FWLINK_FLAG_IGNORE), graph endpoints
        if (e.optional && !this.strict) continue; // iommus, iommu-map, dmas: skipped unless fw_devlink.strict=1
        if (e.binding === 'interrupts' || e.binding === 'interrupt-map') {
          if (this.isEarly(e.supplier)) continue;
        }
        const s = e.supplier;
        if (s === d.node || isAncestorOf(s, d.node) || isAncestorOf(d.node, s)) continue;
        if (!isEnabledInTree(s)) continue; // of_link_to_phandle: no link to an unavailable supplier
        if (this.isEarly(s)) continue; // an early-initialised provider's fwnode is marked initialised
        out.push({ edge: e, sup: this.deviceFor(s), relaxed: false });
      }
      // fw_devlink links a device to the suppliers of its child nodes that get no device of their own
      if (depth < 64) for (const ch of n.children) if (!this.byNode.has(ch)) visit(ch, depth + 1);
    };
    visit(d.node, 0);
    return out;
  }

  private isEarly(n: TreeNode): boolean {
    for (let p: TreeNode | undefined = n; p && p.parent; p = p.parent) if (earlyInit(p, this.env)) return true;
    return false;
  }

  /** __fw_devlink_relax_cycles: links that form a cycle stop blocking ("Fixed dependency cycle(s)"). */
  private relaxCycles(): void {
    const nodes = this.devs.filter((d) => d.links.length);
    const index = new Map<Dev, number>();
    const low = new Map<Dev, number>();
    const onStack = new Set<Dev>();
    const stack: Dev[] = [];
    let counter = 0;
    const comp = new Map<Dev, number>();
    let compId = 0;
    const strong = (v: Dev) => {
      // iterative Tarjan
      const work: { v: Dev; i: number }[] = [{ v, i: 0 }];
      index.set(v, counter); low.set(v, counter); counter++; stack.push(v); onStack.add(v);
      while (work.length) {
        const f = work[work.length - 1];
        if (f.i < f.v.links.length) {
          const w = f.v.links[f.i++].sup;
          if (!w) continue;
          if (!index.has(w)) {
            index.set(w, counter); low.set(w, counter); counter++; stack.push(w); onStack.add(w);
            work.push({ v: w, i: 0 });
          } else if (onStack.has(w)) low.set(f.v, Math.min(low.get(f.v)!, index.get(w)!));
          continue;
        }
        work.pop();
        if (work.length) { const p = work[work.length - 1].v; low.set(p, Math.min(low.get(p)!, low.get(f.v)!)); }
        if (low.get(f.v) === index.get(f.v)) {
          let w: Dev;
          do { w = stack.pop()!; onStack.delete(w); comp.set(w, compId); } while (w !== f.v);
          compId++;
        }
      }
    };
    for (const d of nodes) if (!index.has(d)) strong(d);
    for (const d of nodes) for (const l of d.links) if (l.sup && l.sup !== d && comp.get(l.sup) === comp.get(d)) l.relaxed = true;
  }

  /** The supplier (a provider node) is registered: early-initialised, or its device (or the ancestor device that registers it) probed. */
  private registered(n: TreeNode): boolean {
    if (this.isEarly(n)) return true;
    const d = this.deviceFor(n);
    if (!d) return false;
    if (d.lookup.kind === 'unknown') return d.status === 'probed';
    return d.status === 'probed';
  }

  /** The IOMMU node has registered its iommu_device (iommu_fwspec_init finds it). */
  private iommuRegistered(x: TreeNode): boolean {
    const d = this.byNode.get(x);
    if (!d || d.status !== 'probed' || !d.iommuFamily) return false;
    if (d.lookup.kind === 'match' && d.lookup.match.family) return true; // the node's own driver is the IOMMU driver
    // an IOMMU driver bound on top of the transport (virtio-iommu over virtio-pci / virtio-mmio)
    const s = iommuDriverState(d.iommuFamily, this.env);
    if (s === 'built-in' || s === 'assumed') return true;
    if (s === 'module') return this.phase !== 'initcalls' && this.phase !== 'late_initcall';
    if (s === 'late-module') return this.phase === 'late-modules';
    return false;
  }

  private retryDeferred(): void {
    if (this.phase === 'initcalls') return;
    for (let guard = 0; guard < 10000; guard++) {
      let progress = false;
      for (const d of [...this.deferredQueue]) {
        if (d.status !== 'deferred') continue;
        const before = d.status;
        this.attempt(d);
        if (d.status !== before) progress = true;
      }
      if (!progress) return;
    }
  }

  private defer(d: Dev, why: string, blockers: Blocker[]): void {
    if (d.status !== 'deferred') {
      d.status = 'deferred';
      const i = this.deferredQueue.indexOf(d);
      if (i >= 0) this.deferredQueue.splice(i, 1);
      this.deferredQueue.push(d);
    }
    d.deferWhy = why;
    d.blockers = blockers;
  }

  private attempt(d: Dev): void {
    if (d.status !== 'pending' && d.status !== 'deferred') return;
    if (d.lookup.kind === 'none') return;
    if (!this.driverAvailable(d)) return;
    // device_links_check_suppliers
    const waiting = d.links.filter((l) => !l.relaxed && (!l.sup || l.sup.status !== 'probed'));
    if (waiting.length) {
      const l = waiting[0];
      const sup = l.sup ? nodePath(l.sup.node) : nodePath(l.edge.supplier);
      this.defer(d, `fw_devlink: waits for ${sup} (${l.edge.property!.name}${l.sup && l.sup.node !== l.edge.supplier ? `, which registers ${nodePath(l.edge.supplier)}` : ''})`, waiting.map((w) => ({ node: w.edge.supplier, via: w.edge.property!.name })));
      return;
    }
    // of_dma_configure -> of_iommu_configure
    let iommu: TreeNode | null = null;
    let untranslated: Dev['untranslated'];
    let ids: number[] = [];
    if (d.c.bus === 'platform' || d.c.bus === 'amba' || d.c.bus === 'pci') {
      const r = this.resolveIommu(d);
      if (r.kind === 'defer') {
        if (this.timedOut && this.env.deferredProbeTimeout >= 0) {
          untranslated = { iommu: r.iommu, why: `${r.why}; at the deferred-probe timeout of_iommu_xlate stops waiting ("deferred probe timeout, ignoring dependency") and the device probes without it` };
        } else {
          this.defer(d, r.why, [{ node: r.iommu, via: r.via }]);
          return;
        }
      } else if (r.kind === 'fail') untranslated = { iommu: r.iommu, why: r.why };
      else if (r.kind === 'ok') {
        // arm-smmu-v3: arm_smmu_insert_master rejects a stream ID another master holds
        const fam = this.byNode.get(r.iommu)?.iommuFamily;
        const table = this.streams.get(r.iommu) ?? new Map<number, Dev>();
        const clash = fam?.duplicateStreamIds?.policy === 'reject' ? r.ids.find((s) => table.has(s) && table.get(s) !== d) : undefined;
        if (clash !== undefined) {
          untranslated = { iommu: r.iommu, why: `${fam!.driver!.name} rejects stream ${clash} ("stream ${clash} already in tree from dev ${nodePath(table.get(clash)!.node)}": arm_smmu_insert_master returns -EINVAL), so the device probes without its IOMMU` };
        } else {
          iommu = r.iommu;
          ids = r.ids;
        }
      }
    }
    // platform_probe / amba_probe -> dev_pm_domain_attach (genpd)
    if (d.c.bus === 'platform' || d.c.bus === 'amba') {
      for (const e of this.input.graph.suppliersOf(d.node)) {
        if (e.binding !== 'power-domains' || e.kind !== 'property') continue;
        if (!isEnabledInTree(e.supplier) || this.registered(e.supplier)) continue;
        if (this.timedOut && this.env.deferredProbeTimeout >= 0) {
          d.status = 'failed';
          d.failWhy = `its power domain ${nodePath(e.supplier)} never registered: at the deferred-probe timeout genpd_dev_pm_attach returns -ETIMEDOUT and the probe fails with error -110`;
          this.note(d, untranslated, iommu);
          return;
        }
        this.defer(d, `genpd: its power domain ${nodePath(e.supplier)} is not registered yet (dev_pm_domain_attach returns -EPROBE_DEFER until the deferred-probe timeout)`, [{ node: e.supplier, via: 'power-domains' }]);
        return;
      }
    }
    // the driver requests its resources
    const missing = this.missingResources(d);
    if (missing) {
      this.defer(d, missing.why, [{ node: missing.edge.supplier, via: missing.edge.property!.name }]);
      return;
    }
    // bound
    d.status = 'probed';
    d.seq = ++this.seq;
    this.note(d, untranslated, iommu);
    if (iommu) {
      const table = this.streams.get(iommu) ?? new Map<number, Dev>();
      for (const s of ids) if (!table.has(s)) table.set(s, d);
      this.streams.set(iommu, table);
    }
    for (const c of this.devs) {
      if (c.status === 'absent' && c.c.creator === d.node) {
        c.status = 'pending';
        if (this.driverAvailable(c)) this.attempt(c);
      }
    }
    if (this.phase !== 'initcalls') this.retryDeferred();
  }

  private note(d: Dev, untranslated: Dev['untranslated'], iommu: TreeNode | null): void {
    d.iommu = iommu;
    d.untranslated = untranslated;
  }

  /** A supplier the driver requests at probe that is not registered (these lookups keep returning -EPROBE_DEFER; only pinctrl honours the timeout). */
  private missingResources(d: Dev): { edge: SupplierEdge; why: string } | undefined {
    const entry = d.lookup.kind === 'match' ? d.lookup.match.entry : undefined;
    const fam = d.lookup.kind === 'match' ? d.lookup.match.family : undefined;
    let consumes: string[] | undefined = entry?.consumes;
    if (fam) consumes = fam.driver?.name === 'arm-smmu' ? ['clocks'] : [];
    const nodes = [d.node];
    if (entry?.childBindings) for (const ch of d.node.children) if (!this.byNode.has(ch)) nodes.push(ch);
    for (const n of nodes) {
      for (const e of this.input.graph.suppliersOf(n)) {
        if (e.kind !== 'property' || !e.property || e.optional || e.ignoreForCycles) continue;
        if (e.binding === 'interrupts' || e.binding === 'interrupt-map' || e.binding === 'power-domains' || e.binding === 'remote-endpoint') continue;
        if (consumes ? !consumes.includes(e.binding) : false) continue;
        if (consumes === undefined && d.lookup.kind !== 'unknown' && !entry) continue;
        const s = e.supplier;
        if (s === d.node || isAncestorOf(d.node, s)) continue;
        if (/^pinctrl-\d$/.test(e.binding)) {
          if (this.timedOut || this.registered(s) || !isEnabledInTree(s)) continue;
        }
        if (isEnabledInTree(s) && this.registered(s)) continue;
        const state = !isAvailable(s) ? 'is disabled' : !isEnabledInTree(s) ? 'sits inside a disabled node' : 'has not registered';
        return { edge: e, why: `the driver requests ${e.property.name} from ${nodePath(s)}, which ${state}: the lookup returns -EPROBE_DEFER (and keeps doing so: it does not honour the deferred-probe timeout)` };
      }
    }
    return undefined;
  }

  /** of_iommu_configure for this device (drivers/iommu/of_iommu.c). */
  private resolveIommu(d: Dev):
    | { kind: 'none' }
    | { kind: 'ok'; iommu: TreeNode; ids: number[] }
    | { kind: 'defer'; iommu: TreeNode; via: string; why: string }
    | { kind: 'fail'; iommu?: TreeNode; why: string } {
    const { tree } = this.input;
    if (d.c.bus === 'pci') {
      const host = d.c.creator!;
      const map = getProperty(host, 'iommu-map');
      if (!map) return { kind: 'none' };
      const rid = pciRid(d.node);
      if (rid === undefined) return { kind: 'fail', why: `its reg gives no PCI requester ID` };
      const cells = propCells(map) ?? [];
      if (cells.length % 4 !== 0 || cells.length === 0) {
        return { kind: 'fail', why: `iommu-map of ${nodePath(host)} has ${cells.length} cells, not 4-cell rows: of_map_id fails ("Bad iommu-map length") and the device probes without an IOMMU` };
      }
      const maskCells = getProperty(host, 'iommu-map-mask');
      const mask = maskCells ? Number((propCells(maskCells)?.[0]?.value ?? 0xffffffffn) & 0xffffffffn) : 0xffffffff;
      const id = (rid & mask) >>> 0;
      for (let r = 0; r * 4 < cells.length; r++) {
        const base = Number(cells[r * 4].value & 0xffffffffn);
        const len = Number(cells[r * 4 + 3].value & 0xffffffffn);
        if ((base & ~mask) >>> 0) {
          return { kind: 'fail', why: `iommu-map row ${r} of ${nodePath(host)}: id-base ${hex(base)} has bits outside iommu-map-mask: of_map_id fails (-EFAULT)` };
        }
        if (id < base || id >= base + len) continue;
        const target = phandleTarget(tree, cells[r * 4 + 1]);
        const outBase = Number(cells[r * 4 + 2].value & 0xffffffffn);
        const sid = id - base + outBase;
        if (!target) return { kind: 'fail', why: `iommu-map row ${r} of ${nodePath(host)} names no node (of_map_id fails)` };
        return this.xlate(d, target, [sid], `iommu-map row ${r} of ${nodePath(host)} (RID ${hex(rid)} -> stream ${hex(sid)} on ${nodePath(target)})`, 'iommu-map');
      }
      return { kind: 'fail', why: `no iommu-map row of ${nodePath(host)} covers its RID ${hex(id)} ("no iommu-map translation for id ${hex(id)}"): its DMA bypasses the IOMMU` };
    }
    const prop = getProperty(d.node, 'iommus');
    if (!prop) return { kind: 'none' };
    const cells = propCells(prop) ?? [];
    // of_parse_phandle_with_args per index, then of_iommu_xlate; the first failing xlate drops the whole list
    const entries: { target: TreeNode; args: Cell[] }[] = [];
    let parseError: string | undefined;
    for (let i = 0; i < cells.length; ) {
      const ph = cells[i];
      if (!ph.ref && ph.value === 0n) break; // an empty entry: -ENOENT ends the list
      const target = phandleTarget(tree, ph);
      if (!target) { parseError = `iommus entry ${entries.length}: no node has phandle ${hex(ph.value)} ("could not find phandle")`; break; }
      const cp = getProperty(target, '#iommu-cells');
      const cc = cp ? propCells(cp) : undefined;
      if (!cc || !cc.length) { parseError = `iommus entry ${entries.length}: ${nodePath(target)} has no #iommu-cells ("could not get #iommu-cells")`; break; }
      const n = Number(cc[0].value & 0xffffffffn);
      if (i + 1 + n > cells.length) { parseError = `iommus entry ${entries.length}: "#iommu-cells = ${n} found ${cells.length - i - 1}"`; break; }
      entries.push({ target, args: cells.slice(i + 1, i + 1 + n) });
      i += 1 + n;
    }
    if (!entries.length) return { kind: 'fail', why: `${parseError ?? 'iommus has no entry'}: of_iommu_configure finds no IOMMU and the device probes without one` };
    let result: ReturnType<Simulation['xlate']> | undefined;
    const ids: number[] = [];
    for (const [k, en] of entries.entries()) {
      const r = this.xlate(d, en.target, en.args.length ? [Number(en.args[0].value & 0xffffffffn)] : [], `iommus entry ${k} (${nodePath(en.target)}${en.args.length ? ` ${en.args.map((a) => hex(a.value)).join(' ')}` : ''})`, 'iommus');
      if (r.kind !== 'ok') {
        if (r.kind === 'fail' && entries.length > 1) return { ...r, why: `${r.why}; one failing entry drops the whole iommus list` };
        return r;
      }
      if (result && result.kind === 'ok' && result.iommu !== r.iommu) {
        const a = this.byNode.get(result.iommu)?.iommuFamily?.driver?.name;
        const b = this.byNode.get(r.iommu)?.iommuFamily?.driver?.name;
        if (a !== b) return { kind: 'fail', iommu: r.iommu, why: `iommus names IOMMUs of different drivers (${a}, ${b}): iommu_fwspec_init rejects the second (-EINVAL) and the whole list is dropped` };
      }
      if (!result) result = r;
      ids.push(...r.ids);
    }
    return result && result.kind === 'ok' ? { kind: 'ok', iommu: result.iommu, ids } : { kind: 'none' };
  }

  private xlate(d: Dev, target: TreeNode, ids: number[], what: string, via: string):
    | { kind: 'ok'; iommu: TreeNode; ids: number[] }
    | { kind: 'defer'; iommu: TreeNode; via: string; why: string }
    | { kind: 'fail'; iommu?: TreeNode; why: string } {
    if (!isAvailable(target)) {
      return { kind: 'fail', iommu: target, why: `${what}: the IOMMU is disabled, so of_iommu_xlate fails (-ENODEV) and the device probes without it, DMAing untranslated (nothing in dmesg)` };
    }
    if (this.iommuRegistered(target)) return { kind: 'ok', iommu: target, ids };
    const t = this.byNode.get(target);
    let why = `${what}: the IOMMU has not registered yet, so of_iommu_xlate returns -EPROBE_DEFER`;
    if (!t || t.status === 'never') why = `${what}: ${nodePath(target)} never becomes a device${t ? ` (${t.c.why})` : ''}, but of_iommu_xlate checks only its own status, so it returns -EPROBE_DEFER`;
    else if (t.lookup.kind === 'none') why = `${what}: no driver binds ${nodePath(target)} (${t.lookup.why}), so the IOMMU never registers and of_iommu_xlate returns -EPROBE_DEFER`;
    else if (t.lookup.kind === 'unknown') why = `${what}: no Linux 6.12 driver the model knows matches "${compatibles(target)[0] ?? ''}", so the IOMMU does not register and of_iommu_xlate returns -EPROBE_DEFER`;
    else if (t.lookup.match.info.state === 'not-built') why = `${what}: ${t.lookup.match.info.name} is not built (CONFIG_${t.lookup.match.info.kconfig} is not set), so the IOMMU never registers and of_iommu_xlate returns -EPROBE_DEFER`;
    void d;
    return { kind: 'defer', iommu: target, via, why };
  }

  private finish(): ProbeReport {
    const devices: DeviceResult[] = [];
    const byNode = new Map<TreeNode, DeviceResult>();
    for (const d of this.devs) {
      const r = this.result(d);
      devices.push(r);
      byNode.set(d.node, r);
    }
    return { devices, byNode, environment: this.env.description };
  }

  private result(d: Dev): DeviceResult {
    const reasons: string[] = [];
    let outcome: ProbeOutcome;
    const driver = d.lookup.kind === 'match' ? d.lookup.match.info : undefined;
    if (d.c.how !== 'populate' && d.c.how !== 'never') reasons.push(d.c.why);
    if (d.status === 'never') {
      outcome = 'never-created';
      reasons.push(d.c.why);
    } else if (d.status === 'absent') {
      outcome = 'never-created';
      const cr = d.c.creator ? this.byNode.get(d.c.creator) : undefined;
      reasons.push(`${nodePath(d.c.creator!)} never probes${cr ? ` (${this.shortOutcome(cr)})` : ''}, so this device is never created`);
    } else if (d.lookup.kind === 'none') {
      outcome = 'no-driver';
      reasons.push(`a device, but no driver binds it: ${d.lookup.why}`);
    } else if (d.lookup.kind === 'match' && (driver!.state === 'not-built' || driver!.state === 'blacklisted')) {
      outcome = 'no-driver';
      reasons.push(driver!.state === 'blacklisted'
        ? `its driver ${driver!.name} is a module listed in module_blacklist=, so it never loads`
        : `its driver ${driver!.name} is not built (${this.symbolText(driver!.kconfig)})`);
    } else {
      if (driver) reasons.push(this.driverText(driver));
      if (d.status === 'probed') {
        if (d.untranslated) {
          outcome = 'probes-untranslated';
          reasons.push(d.untranslated.why);
          const x = d.untranslated.iommu;
          const xd = x ? this.byNode.get(x) : undefined;
          if (x && xd?.iommuFamily?.duplicateStreamIds?.unattachedStreams?.startsWith('abort') && this.iommuRegistered(x)) {
            reasons.push(`${nodePath(x)} probes and aborts the transactions of a stream no domain is attached to (arm_smmu_init_initial_stes), and a device that probed without its IOMMU is never attached later: its DMA faults`);
          } else if (x && this.iommuRegistered(x)) {
            reasons.push(`${nodePath(x)} registers later, but a device that probed without its IOMMU is not moved into an IOMMU group afterwards`);
          }
        } else {
          outcome = 'probes';
          if (d.iommu) reasons.push(`behind ${nodePath(d.iommu)}`);
          else if (d.wantsIommu) outcome = 'probes-untranslated';
        }
      } else if (d.status === 'failed') {
        outcome = 'fails';
        reasons.push(d.failWhy ?? 'its probe fails');
      } else {
        outcome = 'waits-forever';
        reasons.push(d.deferWhy ?? 'it stays deferred');
        if (this.env.deferredProbeTimeout < 0 && /of_iommu_xlate/.test(d.deferWhy ?? '')) reasons.push(`deferred_probe_timeout=${this.env.deferredProbeTimeout}: no timer, so the IOMMU dependency is never ignored`);
      }
      if (d.lookup.kind === 'unknown') {
        reasons.unshift(`no driver the model knows matches "${d.lookup.compatible ?? ''}"; if one is built: ${outcome}`);
        outcome = 'unknown';
      }
    }
    if (d.links.some((l) => l.relaxed && !l.relaxedAtTimeout)) {
      const cyc = d.links.filter((l) => l.relaxed && !l.relaxedAtTimeout).map((l) => `${nodePath(l.edge.supplier)} (${l.edge.property!.name})`);
      reasons.push(`fw_devlink relaxes its link${cyc.length > 1 ? 's' : ''} to ${cyc.join(', ')}: a dependency cycle ("Fixed dependency cycle(s)")`);
    }
    return {
      // (the path made when asked: a check that uses the report reads no node's name through it)
      node: d.node, get path() { return nodePath(d.node); }, outcome, iommu: outcome === 'probes' ? d.iommu : null, reasons, blockers: outcome === 'waits-forever' ? d.blockers : [],
      bus: d.c.bus, driver, wantsIommu: d.wantsIommu,
      dmaBlocked: outcome === 'probes-untranslated' && reasons.some((r) => /its DMA faults/.test(r)) ? true : undefined,
      registersIommu: d.iommuFamily && d.status === 'probed' ? this.iommuRegistered(d.node) : undefined,
    };
  }

  private shortOutcome(d: Dev): string {
    if (d.status === 'never') return d.c.why;
    if (d.status === 'failed') return d.failWhy ?? 'its probe fails';
    if (d.status === 'deferred') return d.deferWhy ?? 'deferred';
    if (d.lookup.kind === 'none') return 'no driver binds it';
    return 'no driver binds it';
  }

  private symbolText(kconfig: string | undefined): string {
    if (!kconfig) return 'no Kconfig symbol';
    const c = this.env.config;
    if (!c) return `CONFIG_${kconfig}`;
    const v = c.tristate(kconfig);
    return v === 'default' ? `CONFIG_${kconfig} is not in ${c.source}` : `CONFIG_${kconfig} is not set in ${c.source}`;
  }

  private driverText(i: NonNullable<DeviceResult['driver']>): string {
    const k = i.kconfig ? `CONFIG_${i.kconfig}` : '';
    switch (i.state) {
      case 'built-in': return `driver ${i.name} (${k}=y)`;
      case 'module': return `driver ${i.name} (${k}=m: a module, assumed loaded at boot, before the deferred-probe timeout)`;
      case 'late-module': return `driver ${i.name} (${k}=m, loaded after the deferred-probe timeout)`;
      case 'assumed': return `driver ${i.name} (assumed built: no kernel configuration)`;
      default: return `driver ${i.name}`;
    }
  }
}

function isAncestorOf(a: TreeNode, n: TreeNode): boolean {
  for (let p = n.parent; p; p = p.parent) if (p === a) return true;
  return false;
}

/** A PCI node's requester ID: bus/device/function from the first reg cell (phys.hi: 00000000 bbbbbbbb dddddfff rrrrrrrr). */
export function pciRid(n: TreeNode): number | undefined {
  const reg = getProperty(n, 'reg');
  const c = reg ? propCells(reg) : undefined;
  if (!c || !c.length) return undefined;
  return Number((c[0].value >> 8n) & 0xffffn);
}

// The oracle's record format (test/oracle/<case>/kernel.json) and the parser of a boot's
// console output into it. The outcome of each device is classified from what the kernel
// reported alone (sysfs, devices_deferred, dmesg), never from the project's own analysis.

export type Outcome = 'probes' | 'probes-untranslated' | 'waits-forever' | 'fails' | 'never-created' | 'no-driver' | 'unknown';

/** test/oracle/<case>/case.json */
export interface OracleCase {
  name: string;
  description: string;
  /** which QEMU machine + device list (scripts/kernel-oracle.ts BASES) the case's tree was made for */
  base: string;
  /** extra kernel command line (QEMU's -append; /chosen/bootargs is rewritten by QEMU) */
  cmdline?: string;
  /** modules /init loads at once (as udev's coldplug would) */
  modules?: string[];
  /** modules /init loads late: `after` seconds after the boot modules (the last driver registration) */
  lateModules?: { names: string[]; after: number };
  /** the deferred-probe timeout in force (s), for the report time */
  timeout?: number;
  /** seconds after the last driver registration at which /init reports (default: the timeout + 8) */
  reportAfter?: number;
  /** what the case checks: a hazard rule, an issue finding, or a control */
  checks: string[];
}

export interface OracleDevice {
  /** the Devicetree node (of_node), e.g. /smmuv3@9050000 */
  node: string;
  bus: string;
  /** the kernel's device name, e.g. 9050000.smmuv3 or 0000:00:01.0 */
  name: string;
  driver: string | null;
  iommuGroup: number | null;
  /** the node of the IOMMU the device is behind */
  iommu: string | null;
  /** the node (or its PCI host bridge) asks for an IOMMU: iommus, or iommu-map on the host */
  wantsIommu: boolean;
  /** still in devices_deferred when the report ran: the reason the kernel gives */
  deferred: string | null;
  /** "probe with driver X failed with error -N" */
  failed: string | null;
  waitingForSupplier: number | null;
  outcome: Outcome;
}

export interface OracleRecord {
  case: string;
  kernel: string;
  qemu: string;
  /** the whole kernel command line the case booted with */
  append: string;
  /** uptime when /init reported */
  reportedAt: number;
  devices: OracleDevice[];
  /** device links: "supplier--consumer" and their status */
  links: { link: string; status: string; syncStateOnly: boolean }[];
  /** the DMA smoke test: a read from each virtio RNG (hwrng name -> ok | failed) */
  hwrng: Record<string, 'ok' | 'failed'>;
  /** modules loaded and when */
  insmod: { module: string; at: number }[];
  /** the dmesg lines about IOMMUs, deferral, device links and probe failures */
  dmesg: string[];
}

const RELEVANT = /iommu|smmu|defer|supplier|phandle|stream|dependency|probe|translation|fw_devlink|device link|timed? ?out|virtio|pci 0000|of_dma|ignoring|cycle|genpd|power domain|psci/i;
const NOISE = /^\[[\s\d.]+\] (Booting Linux|Kernel command line|psci: |Unknown kernel command line|random: |Run \/init|Freeing|cpu\w*: |CPU\d|smp: |SMP: |alternatives|Memory: |rcu: |Dentry|Inode|pid_max|Mount|devtmpfs|clocksource|NET: |audit|hw-breakpoint|ASID|EFI|Serial:|printk:|ACPI|software IO TLB|cma|DMA: |Zone|On node|Built \d|mem auto-init|SLUB|ftrace|Running RCU|Trampoline|NR_IRQS|GIC|arch_timer|sched_clock|Console|Calibrating|LSM|landlock|Yama|AppArmor|TOMOYO|Unpacking|Initialise|workingset|zbud|Key type|Asymmetric|Block layer|io scheduler|PCI: CLS|PCI: pci_cache|thermal|cpuidle|kvm|hyp|smccc|spectre|ARMv8|Detected|Machine model|OF: reserved|NUMA|Faking|node \d|Fallback|Policy|percpu|pcpu|Dynamic Preempt|Spectre)/;

export function parseOracleOutput(text: string, c: OracleCase, meta: { kernel: string; qemu: string; append: string }): OracleRecord {
  const lines = text.replace(/\r/g, '').split('\n');
  const devs: OracleDevice[] = [];
  const deferred = new Map<string, string>();
  const links: OracleRecord['links'] = [];
  const dmesg: string[] = [];
  const insmod: OracleRecord['insmod'] = [];
  const wants = new Set<string>();
  const nodes: { path: string; compatible: boolean }[] = [];
  const hwrng: OracleRecord['hwrng'] = {};
  let reportedAt = 0;
  const raw: { bus: string; name: string; of: string; drv: string; grp: string; iom: string; wfs: string; parent: string }[] = [];
  for (const l of lines) {
    if (l.startsWith('@@DEV|')) {
      const [, bus, name, of, drv, grp, iom, wfs, parent] = l.split('|');
      raw.push({ bus, name, of, drv, grp, iom, wfs, parent });
    } else if (l.startsWith('@@DEFER|')) {
      const m = /^@@DEFER\|(\S+)\s*(.*)$/.exec(l);
      if (m) deferred.set(m[1], m[2].trim());
    } else if (l.startsWith('@@LINK|')) {
      const [, link, status, sso] = l.split('|');
      links.push({ link, status, syncStateOnly: sso === '1' });
    } else if (l.startsWith('@@DMESG|')) {
      const d = l.slice(8);
      if (RELEVANT.test(d) && !NOISE.test(d)) dmesg.push(d);
    } else if (l.startsWith('@@INSMOD ')) {
      const [, m, at] = l.split(' ');
      insmod.push({ module: m, at: Number(at) });
    } else if (l.startsWith('@@HWRNG|')) {
      const [, name, st] = l.split('|');
      hwrng[name] = st === 'ok' ? 'ok' : 'failed';
    }
    else if (l.startsWith('@@REPORT ')) reportedAt = Number(l.split(' ')[1]);
    else if (l.startsWith('@@WANTS|')) wants.add(l.slice(8));
    else if (l.startsWith('@@NODE|')) {
      const [, p, comp] = l.split('|');
      nodes.push({ path: p, compatible: comp === '1' });
    }
  }
  const failures = new Map<string, string>();
  for (const d of dmesg) {
    // really_probe: "<driver> <device>: probe with driver <driver> failed with error -N"
    const m = /\] \S+ (\S+): probe with driver (\S+) failed with error (-\d+)/.exec(d);
    if (m) failures.set(m[1], `${m[2]}: ${m[3]}`);
  }
  const seen = new Set<string>();
  for (const r of raw) {
    if (r.of === '-' || seen.has(r.of)) continue; // a device without a node (PCI host bridge, virtio children) or a second device of one node
    seen.add(r.of);
    const driver = r.drv === '-' ? null : r.drv;
    const group = r.grp === '-' ? null : Number(r.grp);
    const iommu = r.iom === '-' ? null : r.iom;
    const def = deferred.get(r.name) ?? null;
    const failed = failures.get(r.name) ?? null;
    const wantsIommu = wants.has(r.of);
    let outcome: Outcome;
    if (driver) outcome = group === null && wantsIommu ? 'probes-untranslated' : 'probes';
    else if (def !== null) outcome = 'waits-forever';
    else if (failed) outcome = 'fails';
    else outcome = 'no-driver';
    devs.push({
      node: r.of, bus: r.bus, name: r.name, driver, iommuGroup: group, iommu, wantsIommu, deferred: def, failed,
      waitingForSupplier: r.wfs === '-' ? null : Number(r.wfs), outcome,
    });
  }
  for (const n of nodes) {
    if (!n.compatible || seen.has(n.path)) continue;
    devs.push({ node: n.path, bus: '-', name: '-', driver: null, iommuGroup: null, iommu: null, wantsIommu: wants.has(n.path), deferred: null, failed: null, waitingForSupplier: null, outcome: 'never-created' });
  }
  devs.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return { case: c.name, kernel: meta.kernel, qemu: meta.qemu, append: meta.append, reportedAt, devices: devs, links, hwrng, insmod, dmesg };
}

// The probe report: what Linux 6.12 does with every device node under a kernel configuration
// and command line (see simulate.ts).
import type { TreeNode } from '../../tree/types';

/** The contract of `dts-check --probe-report --format json` (README). */
export type ProbeOutcome = 'probes' | 'probes-untranslated' | 'waits-forever' | 'fails' | 'never-created' | 'no-driver' | 'unknown';

export type DeviceBus = 'platform' | 'amba' | 'pci' | 'child';

export interface DriverInfo {
  /** the driver name the kernel binds (sysfs), e.g. arm-smmu-v3 */
  name: string;
  kconfig?: string;
  module?: string;
  file?: string;
  /** built-in, a module loaded at boot (udev's coldplug), a module loaded after the deferred-probe timeout,
   * a module that never loads (module_blacklist), not built, or assumed built (no configuration) */
  state: 'built-in' | 'module' | 'late-module' | 'blacklisted' | 'not-built' | 'assumed';
}

export interface Blocker {
  /** the supplier the device waits for */
  node: TreeNode;
  /** the property that names it */
  via: string;
}

export interface DeviceResult {
  node: TreeNode;
  path: string;
  outcome: ProbeOutcome;
  /** the IOMMU the device ends up behind (null: none) */
  iommu: TreeNode | null;
  /** the chain of reasons, in the order they happen */
  reasons: string[];
  /** suppliers it still waits for (waits-forever), or waited for */
  blockers: Blocker[];
  bus?: DeviceBus;
  driver?: DriverInfo;
  /** the node (or its PCI host bridge's iommu-map) asks for an IOMMU */
  wantsIommu: boolean;
  /** untranslated while its IOMMU is active and blocks unattached streams: its DMA faults */
  dmaBlocked?: boolean;
  /** the node is a registered IOMMU (probed with its IOMMU driver) */
  registersIommu?: boolean;
}

export interface ProbeReport {
  devices: DeviceResult[];
  byNode: Map<TreeNode, DeviceResult>;
  /** "configuration: …; command line: …" */
  environment: string;
}

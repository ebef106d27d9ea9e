// Which Linux 6.12 driver binds a node, and whether the configuration in force provides it.
// drivers.json holds the drivers known by compatible; IOMMU drivers come from the IOMMU model.
import type { KernelEnvironment } from '../../kernel/environment';
import type { TreeNode } from '../../tree/types';
import { findIommuFamily, type IommuFamily, type IommuModel } from '../iommu';
import { compatibles } from '../tree-util';
import data from './drivers.json';
import type { DriverInfo } from './types';

export interface DriverEntry {
  compatibles: string[];
  prefix?: boolean;
  bus?: string;
  driver: string;
  kconfig: string;
  requires?: string[];
  module?: string;
  dir?: string;
  initcall?: string;
  file?: string;
  /** supplier bindings the probe requests (undefined: all mandatory ones) */
  consumes?: string[];
  /** the driver reads its child nodes' bindings too (gpio-keys buttons, LEDs) */
  childBindings?: boolean;
  pciHost?: boolean;
  onlyBus?: string[];
  /** what a defconfig that does not list the symbol gets: 'y', or the symbol whose y makes it y */
  kconfigDefault?: string;
  notes?: string;
}

const DRIVERS = data.drivers as DriverEntry[];
const byCompatible = new Map<string, DriverEntry>();
const prefixes: DriverEntry[] = [];
for (const d of DRIVERS) {
  if (d.prefix) prefixes.push(d);
  else for (const c of d.compatibles) if (!byCompatible.has(c)) byCompatible.set(c, d);
}
const EARLY = new Map<string, (typeof data.earlyInit)[number]>();
for (const e of data.earlyInit) for (const c of e.compatibles) EARLY.set(c, e);
const NO_DRIVER = new Map<string, string>();
for (const e of data.noPlatformDriver) for (const c of e.compatibles) NO_DRIVER.set(c, e.why);
export const BUS_COMPATIBLES: ReadonlySet<string> = new Set(data.busCompatibles.compatibles);
export const SKIPPED_COMPATIBLES: ReadonlySet<string> = new Set(data.skippedCompatibles.compatibles);
const LINK_ORDER = new Map<string, number>(data.linkOrder.map((d, i) => [d, i]));
const INITCALL_LEVEL: Record<string, number> = { pure: 0, core: 1, postcore: 2, arch: 3, subsys: 4, fs: 5, rootfs: 6, device: 7, late: 8 };

/** An early-initialised provider (CLK_OF_DECLARE, IRQCHIP_DECLARE): its node never becomes a platform device. */
export function earlyInit(node: TreeNode, env: KernelEnvironment): { macro: string; why: string } | undefined {
  for (const c of compatibles(node)) {
    const e = EARLY.get(c);
    if (!e) continue;
    if (env.config && symbolValue(env, e.kconfig, e.kconfigDefault) !== 'y') return undefined;
    return { macro: e.macro, why: e.why };
  }
  return undefined;
}

export interface DriverMatch {
  entry?: DriverEntry;
  /** the IOMMU family when the node's own driver is the IOMMU driver (arm-smmu-v3, ...) */
  family?: IommuFamily;
  info: DriverInfo;
  /** order key of the driver's registration among built-in drivers */
  order: number;
}

export type DriverLookup =
  | { kind: 'match'; match: DriverMatch }
  /** no driver can bind, and why */
  | { kind: 'none'; why: string }
  /** the model does not know the compatible */
  | { kind: 'unknown'; compatible?: string };

/** y / m / n of a symbol; a defconfig's unlisted symbol takes `dflt` ('y', or y when that symbol is y), else off. */
function symbolValue(env: KernelEnvironment, sym: string, dflt: string | undefined): 'y' | 'm' | 'n' {
  const t = env.config!.tristate(sym);
  if (t !== 'default') return t;
  if (!dflt) return 'n';
  if (dflt === 'y') return 'y';
  return env.config!.tristate(dflt) === 'y' ? 'y' : 'n';
}

function state(env: KernelEnvironment, kconfig: string | undefined, requires: string[] | undefined, module: string | undefined, dflt?: string): DriverInfo['state'] {
  if (!env.config || !kconfig) return 'assumed';
  let v: string = 'y';
  for (const [i, s] of [kconfig, ...(requires ?? [])].entries()) {
    const t = symbolValue(env, s, i === 0 ? dflt : undefined);
    if (t !== 'y' && t !== 'm') return 'not-built';
    if (t === 'm') v = 'm';
  }
  if (v === 'y') return 'built-in';
  if (!env.modules) return 'not-built';
  const mod = module?.replace(/-/g, '_');
  if (mod && env.cmdline.moduleBlacklist.includes(mod)) return 'blacklisted';
  if ((mod && env.lateModules.has(mod)) || env.lateModules.has(kconfig) || env.lateModules.has('CONFIG_' + kconfig)) return 'late-module';
  return 'module';
}

/** The state of an IOMMU family's driver under the environment (for an IOMMU registered on top of a transport: virtio-iommu). */
export function iommuDriverState(family: IommuFamily, env: KernelEnvironment): DriverInfo['state'] {
  const d = family.driver;
  if (!d) return 'not-built';
  return state(env, d.kconfig, undefined, moduleOf(d.kconfig), d.kconfigDefault);
}

/** Module name of a tristate IOMMU driver (drivers/iommu/Makefile objects). */
function moduleOf(kconfig: string): string | undefined {
  return IOMMU_MODULES[kconfig];
}
const IOMMU_MODULES: Record<string, string> = {
  ARM_SMMU: 'arm_smmu', ARM_SMMU_V3: 'arm_smmu_v3', APPLE_DART: 'apple_dart', MTK_IOMMU: 'mtk_iommu', MTK_IOMMU_V1: 'mtk_iommu_v1',
  SPRD_IOMMU: 'sprd_iommu', VIRTIO_IOMMU: 'virtio_iommu',
};

function orderKey(initcall: string | undefined, dir: string | undefined): number {
  const lvl = INITCALL_LEVEL[initcall ?? 'device'] ?? 7;
  return lvl * 1000 + (dir !== undefined ? LINK_ORDER.get(dir) ?? 500 : 500);
}

/** The driver that binds `node` (the first compatible string any known driver matches decides). */
export function lookupDriver(node: TreeNode, model: IommuModel, env: KernelEnvironment): DriverLookup {
  const comps = compatibles(node);
  for (let i = 0; i < comps.length; i++) {
    const c = comps[i];
    const why = NO_DRIVER.get(c);
    if (why) return { kind: 'none', why };
    let e = byCompatible.get(c);
    if (!e) e = prefixes.find((p) => p.compatibles.some((x) => c.startsWith(x)));
    if (e) {
      if (e.onlyBus?.includes(c) && i !== 0) {
        return { kind: 'none', why: `${e.file}: a "${c}" node binds only when "${c}" is its first compatible (ONLY_BUS); this node's first is "${comps[0]}"` };
      }
      const info: DriverInfo = { name: e.driver, kconfig: e.kconfig, module: e.module, file: e.file, state: state(env, e.kconfig, e.requires, e.module, e.kconfigDefault) };
      return { kind: 'match', match: { entry: e, info, order: orderKey(e.initcall, e.dir) } };
    }
    const fm = findIommuFamily(model, [c, ...comps.slice(i + 1)]);
    if (fm && fm.compatible === c && !fm.family.matchedByVirtioId) {
      const d = fm.family.driver;
      if (!d) return { kind: 'none', why: `no Linux 6.12 driver matches ${fm.family.id} ("${c}")` };
      if (!fm.driverMatched) {
        return { kind: 'none', why: `${d.file} matches ${fm.missingFallbacks?.map((x) => `"${x}"`).join(' or ')}, which the compatible list lacks` };
      }
      const info: DriverInfo = { name: d.name, kconfig: d.kconfig, module: moduleOf(d.kconfig), file: d.file, state: state(env, d.kconfig, undefined, moduleOf(d.kconfig), d.kconfigDefault) };
      const dir = 'iommu';
      const lvl = /core_initcall/.test(d.registration) ? 'core' : /subsys_initcall/.test(d.registration) ? 'subsys' : /arch_initcall/.test(d.registration) ? 'arch' : 'device';
      return { kind: 'match', match: { family: fm.family, info, order: orderKey(lvl, dir) } };
    }
  }
  return { kind: 'unknown', compatible: comps[0] };
}

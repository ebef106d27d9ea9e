// The IOMMU-model facts the editor features display (hover, completion, code
// actions), read from the model the Analysis carries (embedded or overridden).
import type { Analysis } from '../analysis';
import type { TreeNode } from '../tree/types';
import { findIommuFamily } from '../model/iommu';
import { compatibles } from './util';

export interface IommuFacts {
  family: string;
  /** the node compatible that matched */
  compatible: string;
  iommuCells: number[];
  cellNames: string[];
  cellMeaning?: string;
  binding?: string;
  driverName?: string;
  kconfig?: string;
  /** tristate Kconfig: may be built as a module */
  modular?: boolean;
  initLevel?: string;
  canDefer?: boolean;
  hasDriver: boolean;
  /** a driver's of_match_table matches one of the node's compatibles */
  driverMatched: boolean;
  missingFallbacks?: string[];
}

export function iommuFactsForCompatibles(a: Analysis, compats: string[]): IommuFacts | undefined {
  const m = findIommuFamily(a.model, compats);
  if (!m) return undefined;
  const f = m.family;
  const d = f.driver ?? undefined;
  return {
    family: f.id,
    compatible: m.compatible,
    iommuCells: f.iommuCells ?? [],
    cellNames: f.cellNames ?? [],
    cellMeaning: f.cellMeaning,
    binding: f.binding,
    driverName: d?.name,
    kconfig: d?.kconfig,
    modular: d?.tristate,
    initLevel: d?.initLevel ?? undefined,
    canDefer: d?.canDeferProbe,
    hasDriver: !!d,
    driverMatched: m.driverMatched,
    missingFallbacks: m.missingFallbacks,
  };
}

export function iommuFactsForNode(a: Analysis, n: TreeNode): IommuFacts | undefined {
  return iommuFactsForCompatibles(a, compatibles(n));
}

/** Every compatible the model knows, sorted. */
export function iommuCompatibles(a: Analysis): Array<{ compatible: string; family: string }> {
  const out: Array<{ compatible: string; family: string }> = [];
  for (const f of a.model.families) for (const c of f.compatibles ?? []) out.push({ compatible: c, family: f.id });
  out.sort((x, y) => (x.compatible < y.compatible ? -1 : x.compatible > y.compatible ? 1 : 0));
  return out;
}

/** Cell names of common bindings (argument cells after the phandle) when the count matches. */
const BINDING_CELL_NAMES: Record<string, Record<number, string[]>> = {
  clocks: { 1: ['clock ID'], 2: ['clock controller', 'clock ID'] },
  resets: { 1: ['reset ID'], 2: ['reset bank', 'reset ID'] },
  'power-domains': { 1: ['power domain ID'], 2: ['power domain ID', 'performance state'] },
  gpios: { 1: ['line'], 2: ['line', 'flags'], 3: ['bank', 'line', 'flags'] },
  '*-gpios': { 1: ['line'], 2: ['line', 'flags'], 3: ['bank', 'line', 'flags'] },
  '*-gpio': { 1: ['line'], 2: ['line', 'flags'], 3: ['bank', 'line', 'flags'] },
  interconnects: { 1: ['endpoint ID'], 2: ['endpoint ID', 'path tag'] },
  mboxes: { 1: ['channel'], 2: ['channel', 'flags'], 3: ['channel', 'type', 'flags'] },
  dmas: { 1: ['request line'], 2: ['channel', 'request line'] },
  phys: { 1: ['PHY mode/ID'] },
  pwms: { 2: ['channel', 'period (ns)'], 3: ['channel', 'period (ns)', 'flags'] },
  'iommu-map': { 3: ['RID base', 'output base', 'length'] },
  'interrupts-extended': { 2: ['interrupt', 'flags'], 3: ['type', 'number', 'flags'] },
  'io-channels': { 1: ['channel'] },
  'nvmem-cells': { 1: ['cell argument'] },
  hwlocks: { 1: ['lock ID'] },
};

/** Names for the argument cells of a specifier (length = count), or undefined when unknown. */
export function cellNamesFor(a: Analysis, binding: string, supplier: TreeNode, count: number): string[] | undefined {
  if (binding === 'iommus') {
    const f = iommuFactsForNode(a, supplier);
    if (f && f.cellNames.length >= count) return f.cellNames.slice(0, count);
    return undefined;
  }
  if (binding === 'iommu-map') {
    const f = iommuFactsForNode(a, supplier);
    const base = BINDING_CELL_NAMES['iommu-map'][3];
    if (count === 3) return [base[0], f && f.cellNames.length ? `${f.cellNames[0]} base` : base[1], base[2]];
  }
  if ((binding === 'interrupts' || binding === 'interrupts-extended') && compatibles(supplier).some((c) => /^arm,(gic|cortex-a\d+-gic|arm11mp-gic)/.test(c))) {
    // the Arm GIC binding: SPI/PPI type, interrupt number, trigger flags (+ PPI partition)
    const gic = ['type (0 SPI, 1 PPI)', 'interrupt', 'flags', 'PPI partition'];
    if (count >= 3 && count <= 4) return gic.slice(0, count);
  }
  const t = BINDING_CELL_NAMES[binding];
  return t?.[count];
}

// The one rules module of the embedded IOMMU model. iommu-model.json and
// supplier-bindings.json are data (Linux 6.12); this module loads them,
// validates a user's override file as data, and answers lookups.
import type { Diagnostic } from '../base/diagnostics';
import modelData from './iommu-model.json';
import bindingData from './supplier-bindings.json';
import type { NameMatcher } from '../tree/value-reads';

export interface IommuDriver {
  name: string;
  file: string;
  kconfig: string;
  /** tristate: the driver may be a module loaded after the deferred-probe timeout */
  tristate: boolean;
  registration: string;
  initLevel?: string | null;
  /** false for builtin_platform_driver_probe drivers (probe-once, sun50i) */
  canDeferProbe: boolean;
  /** the driver implements .of_xlate (otherwise of_iommu_xlate returns -ENODEV) */
  ofXlate: boolean;
  dependsOn?: string;
  /** what a defconfig that does not list the symbol gets: 'y', or the symbol whose y makes it y (APPLE_DART: ARCH_APPLE) */
  kconfigDefault?: string;
}

export interface IommuFamily {
  id: string;
  /** every compatible string of the binding (SoC-specific and generic) */
  compatibles: string[];
  /** the strings the driver's of_match_table matches */
  driverCompatibles: string[];
  /** SoC-specific string -> fallbacks of which one must follow it for the driver to match */
  needsFallback?: Record<string, string[]>;
  /** matched by virtio device ID rather than compatible */
  matchedByVirtioId?: boolean;
  /** allowed #iommu-cells values */
  iommuCells: number[];
  /** meaning of each specifier cell, in order (only the first #iommu-cells apply) */
  cellNames: string[];
  cellMeaning?: string;
  /** null: no kernel driver (e.g. nvidia,tegra20-mc-gart) */
  driver: IommuDriver | null;
  extraDependencies?: { property: string | null; description: string }[];
  binding?: string;
  notes?: string;
  xlateAllowList?: { description: string; appliesTo: string[]; allowedUnitAddresses: string[]; allowedNodeNamePrefix?: string };
  /** what the driver does with a stream ID two masters name: reject the second (arm-smmu-v3) or share it (arm-smmu) */
  duplicateStreamIds?: { policy: 'reject' | 'share'; source: string; unattachedStreams?: string };
}

export interface SupplierBinding {
  /** display name: 'clocks', '*-supply', 'pinctrl-0', ... */
  name: string;
  /** exact property names */
  names?: string[];
  /** suffix match ('-supply', '-gpio', '-gpios'); the name must be longer than the suffix */
  suffix?: string;
  excludeSuffix?: string;
  /** null: a plain phandle list (0 argument cells) */
  cellsProperty: string | null;
  /** a missing cells property means 0 (msi-parent) */
  cellsOptional?: boolean;
  /** fw_devlink skips it unless fw_devlink.strict=1 */
  optional: boolean;
  /** FWLINK_FLAG_IGNORE (post-init-providers) */
  ignore?: boolean;
  decoder?: 'iommu-map' | 'interrupts' | 'interrupt-map' | 'remote-endpoint';
  skipIfNodeHas?: string;
  notes?: string;
}

export interface CellCheckBinding {
  name: string;
  names: string[];
  cellsProperty: string;
}

/** Kernel facts used by the supplier-status checks (supplier-bindings.json "statusRules"). */
export interface StatusRules {
  /** nodes no driver binds to: they are driven by the node that names them through ownerProperty */
  componentNodes: { compatiblePrefix: string; ownerProperty: string; notes?: string }[];
  /** consumers whose only kernel user is created by the supplier's own driver once it registers */
  providerCreatedConsumers: { supplierCompatible: string; binding: string; notes?: string }[];
}

export interface IommuModel {
  kernel: string;
  families: IommuFamily[];
  nonIommuNodes: { id: string; compatibles: string[]; notes?: string }[];
  /** fw_devlink supplier bindings, kernel table order */
  bindings: SupplierBinding[];
  /** phandle+args properties dtc checks that are no fw_devlink binding */
  extraCellChecks: CellCheckBinding[];
  /** optional so that hand-built models stay valid; the built-in model always has it */
  statusRules?: StatusRules;
  /** compatible -> family */
  byCompatible: Map<string, IommuFamily>;
}

export interface IommuMatch {
  family: IommuFamily;
  /** the node's compatible that selected the family (the most specific known one) */
  compatible: string;
  /** a driver matches one of the node's compatibles */
  driverMatched: boolean;
  /** when not driver-matched: the fallbacks the selecting string needs */
  missingFallbacks?: string[];
}

const OVERRIDE_FILE = '<iommu model override>';

function overrideError(message: string): Diagnostic {
  return { file: OVERRIDE_FILE, start: 0, end: 0, severity: 'error', code: 'iommu-model-invalid', message };
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate one family object; returns the errors (empty when valid). */
function validateFamily(f: unknown, where: string): string[] {
  const errs: string[] = [];
  if (!isObject(f)) return [`${where}: must be an object`];
  if (typeof f.id !== 'string' || !f.id) errs.push(`${where}: "id" must be a non-empty string`);
  if (!isStringArray(f.compatibles) || f.compatibles.length === 0) errs.push(`${where}: "compatibles" must be a non-empty array of strings`);
  if (f.driverCompatibles !== undefined && !isStringArray(f.driverCompatibles)) errs.push(`${where}: "driverCompatibles" must be an array of strings`);
  if (!Array.isArray(f.iommuCells) || f.iommuCells.length === 0 || !f.iommuCells.every((n) => Number.isInteger(n) && n >= 0 && n <= 16))
    errs.push(`${where}: "iommuCells" must be a non-empty array of integers 0..16`);
  if (f.cellNames !== undefined && !isStringArray(f.cellNames)) errs.push(`${where}: "cellNames" must be an array of strings`);
  if (f.needsFallback !== undefined) {
    if (!isObject(f.needsFallback) || !Object.values(f.needsFallback).every(isStringArray))
      errs.push(`${where}: "needsFallback" must map compatible strings to arrays of strings`);
  }
  if (f.driver !== undefined && f.driver !== null) {
    const d = f.driver;
    if (!isObject(d)) errs.push(`${where}: "driver" must be an object or null`);
    else {
      if (typeof d.name !== 'string') errs.push(`${where}: "driver.name" must be a string`);
      for (const k of ['tristate', 'canDeferProbe', 'ofXlate']) {
        if (d[k] !== undefined && typeof d[k] !== 'boolean') errs.push(`${where}: "driver.${k}" must be true or false`);
      }
    }
  }
  return errs;
}

function normalizeFamily(f: Record<string, unknown>): IommuFamily {
  const d = f.driver as Record<string, unknown> | null | undefined;
  return {
    id: f.id as string,
    compatibles: f.compatibles as string[],
    driverCompatibles: (f.driverCompatibles as string[] | undefined) ?? [],
    needsFallback: f.needsFallback as Record<string, string[]> | undefined,
    matchedByVirtioId: f.matchedByVirtioId === true,
    iommuCells: f.iommuCells as number[],
    cellNames: (f.cellNames as string[] | undefined) ?? [],
    cellMeaning: typeof f.cellMeaning === 'string' ? f.cellMeaning : undefined,
    driver: d
      ? {
          name: d.name as string,
          file: typeof d.file === 'string' ? d.file : '',
          kconfig: typeof d.kconfig === 'string' ? d.kconfig : '',
          tristate: d.tristate === true,
          registration: typeof d.registration === 'string' ? d.registration : '',
          initLevel: typeof d.initLevel === 'string' ? d.initLevel : null,
          canDeferProbe: d.canDeferProbe !== false,
          ofXlate: d.ofXlate !== false,
          dependsOn: typeof d.dependsOn === 'string' ? d.dependsOn : undefined,
          kconfigDefault: typeof d.kconfigDefault === 'string' ? d.kconfigDefault : undefined,
        }
      : null,
    extraDependencies: Array.isArray(f.extraDependencies) ? (f.extraDependencies as IommuFamily['extraDependencies']) : [],
    binding: typeof f.binding === 'string' ? f.binding : undefined,
    notes: typeof f.notes === 'string' ? f.notes : undefined,
    xlateAllowList: isObject(f.xlateAllowList) ? (f.xlateAllowList as unknown as IommuFamily['xlateAllowList']) : undefined,
    duplicateStreamIds: isObject(f.duplicateStreamIds) ? (f.duplicateStreamIds as unknown as IommuFamily['duplicateStreamIds']) : undefined,
  };
}

function index(families: IommuFamily[]): Map<string, IommuFamily> {
  const m = new Map<string, IommuFamily>();
  for (const f of families) for (const c of f.compatibles) if (!m.has(c)) m.set(c, f);
  return m;
}

let builtin: IommuModel | undefined;

function builtinModel(): IommuModel {
  if (builtin) return builtin;
  const families = (modelData.families as unknown[]).map((f) => normalizeFamily(f as Record<string, unknown>));
  builtin = {
    kernel: modelData.kernel,
    families,
    nonIommuNodes: modelData.nonIommuNodes,
    bindings: bindingData.bindings as SupplierBinding[],
    extraCellChecks: bindingData.extraCellChecks,
    statusRules: bindingData.statusRules,
    byCompatible: index(families),
  };
  return builtin;
}

/**
 * Load the embedded model, merged with a user's override (parsed JSON):
 * `{ "kernel"?: string, "families": [ { "id", "compatibles", "iommuCells", ... } ] }`.
 * A family whose id exists replaces the built-in one; others are added. An invalid
 * override never throws: its errors become 'iommu-model-invalid' diagnostics and the
 * valid families are still used.
 */
export function loadIommuModel(override?: unknown): { model: IommuModel; diagnostics: Diagnostic[] } {
  const base = builtinModel();
  if (override === undefined || override === null) return { model: base, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  if (!isObject(override)) {
    diagnostics.push(overrideError('IOMMU model override must be a JSON object with a "families" array; ignored'));
    return { model: base, diagnostics };
  }
  if (override.kernel !== undefined && typeof override.kernel !== 'string') diagnostics.push(overrideError('IOMMU model override: "kernel" must be a string'));
  const fams = override.families;
  if (fams === undefined) {
    diagnostics.push(overrideError('IOMMU model override: missing "families" array; ignored'));
    return { model: base, diagnostics };
  }
  if (!Array.isArray(fams)) {
    diagnostics.push(overrideError('IOMMU model override: "families" must be an array; ignored'));
    return { model: base, diagnostics };
  }
  const families = [...base.families];
  fams.forEach((f, i) => {
    const where = `IOMMU model override: families[${i}]${isObject(f) && typeof f.id === 'string' ? ` ("${f.id}")` : ''}`;
    const errs = validateFamily(f, where);
    if (errs.length) {
      for (const e of errs) diagnostics.push(overrideError(e + '; entry ignored'));
      return;
    }
    const nf = normalizeFamily(f as Record<string, unknown>);
    const at = families.findIndex((x) => x.id === nf.id);
    if (at >= 0) families[at] = nf;
    else families.push(nf);
  });
  // an overriding family's compatibles take precedence
  const byCompatible = new Map<string, IommuFamily>();
  const overridden = new Set(fams.filter(isObject).map((f) => f.id));
  for (const f of families) if (overridden.has(f.id)) for (const c of f.compatibles) byCompatible.set(c, f);
  for (const f of families) for (const c of f.compatibles) if (!byCompatible.has(c)) byCompatible.set(c, f);
  return {
    model: { ...base, kernel: typeof override.kernel === 'string' ? override.kernel : base.kernel, families, byCompatible },
    diagnostics,
  };
}

/** The family of a node's compatible list: the most specific (first) known string decides. */
export function findIommuFamily(model: IommuModel, compatibles: readonly string[]): IommuMatch | undefined {
  for (let cIndex = 0, cList = compatibles; cIndex < cList.length; cIndex++) {
    const c = cList[cIndex];
    const family = model.byCompatible.get(c);
    if (!family) continue;
    const driverMatched = family.driver !== null && (family.matchedByVirtioId === true || compatibles.some((x) => family.driverCompatibles.includes(x)));
    const m: IommuMatch = { family, compatible: c, driverMatched };
    if (!driverMatched && family.driver !== null) m.missingFallbacks = family.needsFallback?.[c] ?? family.driverCompatibles;
    return m;
  }
  return undefined;
}

export function allowedIommuCells(family: IommuFamily): number[] {
  return family.iommuCells;
}

/** Names of the specifier cells for a given #iommu-cells value. */
export function iommuCellNames(family: IommuFamily, cells: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < cells; i++) out.push(family.cellNames[i] ?? `cell ${i}`);
  return out;
}

/** The supplier binding that a property name belongs to (kernel table order; first match wins). */
export function bindingForProperty(model: IommuModel, name: string): SupplierBinding | undefined {
  // the last model asked is nearly always the one asked again (one lookup per property of every analysis)
  let cache = model.bindings === lastBindings ? lastCache : bindingCache.get(model.bindings);
  if (!cache) {
    cache = new Map();
    bindingCache.set(model.bindings, cache);
  }
  lastBindings = model.bindings;
  lastCache = cache;
  const hit = cache.get(name);
  if (hit !== undefined) return hit ?? undefined;
  let found: SupplierBinding | undefined;
  for (let bIndex = 0, bList = model.bindings; bIndex < bList.length; bIndex++) {
    const b = bList[bIndex];
    if (b.names?.includes(name)) { found = b; break; }
    if (b.suffix && name.length > b.suffix.length && name.endsWith(b.suffix)) {
      if (b.excludeSuffix && name.endsWith(b.excludeSuffix)) continue;
      found = b;
      break;
    }
  }
  cache.set(name, found ?? null);
  return found;
}
const bindingCache = new WeakMap<SupplierBinding[], Map<string, SupplierBinding | null>>();

/**
 * The names of the model's supplier bindings as a rule (tree/value-reads.ts NameMatcher), one function per model:
 * what a walk that picks properties by binding records. (Also the extra cell checks' names: the cells check picks by both.)
 */
export function bindingMatcher(model: IommuModel): NameMatcher {
  let m = matchers.get(model);
  if (!m) {
    const extra = new Set(model.extraCellChecks.flatMap((x) => x.names));
    m = (name: string) => bindingForProperty(model, name) !== undefined || extra.has(name);
    matchers.set(model, m);
  }
  return m;
}
const matchers = new WeakMap<IommuModel, NameMatcher>();
let lastBindings: SupplierBinding[] | undefined;
let lastCache: Map<string, SupplierBinding | null> | undefined;

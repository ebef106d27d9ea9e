// Checks over the live tree and the supplier graph. One file per family of diagnostics.
import type { Diagnostic, PositionedDiagnostic } from '../base/diagnostics';
import { drain, Slicer } from '../base/slice';
import type { TreeProperty } from '../tree/types';
import { trackReads } from '../tree/value-reads';
import { checkCells } from './cells';
import { checkContext, Reporter, type CheckContext, type CheckInput } from './context';
import { checkCycles } from './cycles';
import { checkIommuConsumers } from './iommu-consumer';
import { checkIommuMaps } from './iommu-map';
import { checkIommuProviders } from './iommu-provider';
import { checkIommuStreams } from './iommu-streams';
import { checkKernelConfig } from './kernel-config';
import { checkRawPhandles } from './raw-phandles';
import { checkSupplierStatus } from './status';
import { checkZephyrCells, checkZephyrCycles, checkZephyrSuppliers } from './zephyr';

export type { CheckContext, CheckInput } from './context';

const CHECKS: ((ctx: CheckContext, r: Reporter) => void)[] = [
  checkCells,
  checkIommuMaps,
  checkIommuProviders,
  checkIommuConsumers,
  checkSupplierStatus,
  checkCycles,
  checkRawPhandles,
  checkIommuStreams,
  checkKernelConfig,
];

/** Zephyr trees: the cell checks, then supplier checks in Zephyr's terms (checks/zephyr.ts); no Linux IOMMU checks. */
const ZEPHYR_CHECKS: ((ctx: CheckContext, r: Reporter) => void)[] = [checkZephyrCells, checkZephyrSuppliers, checkZephyrCycles];

export function runChecks(input: CheckInput): Diagnostic[] {
  return drain(runChecksSteps(input));
}

/** The same, in time slices of `sliceMs`: yields between two checks once a slice is used up. */
export function* runChecksSteps(input: CheckInput, sliceMs = Infinity): Generator<string, Diagnostic[], void> {
  const ctx = checkContext(input);
  const r = new Reporter(ctx.map);
  const slicer = sliceMs === Infinity ? undefined : new Slicer(sliceMs);
  for (const check of checksOf(input.flavour)) {
    if (slicer && slicer.due()) { yield 'checks'; slicer.restart(); }
    runOne(check, ctx, r);
  }
  return r.out;
}

type Check = (ctx: CheckContext, r: Reporter) => void;

function checksOf(flavour: CheckInput['flavour']): Check[] {
  return flavour === 'zephyr' ? ZEPHYR_CHECKS : CHECKS;
}

function runOne(check: Check, ctx: CheckContext, r: Reporter): void {
  try {
    check(ctx, r);
  } catch (e) {
    // a defect in one check must not take the others (or the editor) down
    r.out.push({
      file: ctx.tree.root.contributions[0] ? ctx.map.toFileRange(0, 0).file : '',
      start: 0,
      end: 0,
      severity: 'error',
      code: 'internal-error',
      message: `internal error in ${check.name}: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}

/** One check's findings, with their positions when all have one (`movable`), and the property values it read. */
export interface CheckRun {
  out: Diagnostic[];
  positioned: PositionedDiagnostic[];
  movable: boolean;
  reads: Set<TreeProperty>;
}

/**
 * The checks one by one, each with its findings and the values it read (tree/value-reads.ts), for the
 * language server's incremental analyses: a keystroke that changes one value runs again only the checks
 * that read it. `only`: the indexes of the checks to run (the others' entries stay undefined). Each check
 * gets a context of its own, so that what it takes from the memoised queries (enabledInTree) counts as
 * read by it; the findings, concatenated in order, are runChecks'.
 */
export function* runChecksEach(input: CheckInput, sliceMs = Infinity, only?: ReadonlySet<number>): Generator<string, (CheckRun | undefined)[], void> {
  const list = checksOf(input.flavour);
  const runs: (CheckRun | undefined)[] = list.map(() => undefined);
  const slicer = sliceMs === Infinity ? undefined : new Slicer(sliceMs);
  for (let i = 0; i < list.length; i++) {
    if (only && !only.has(i)) continue;
    if (slicer && slicer.due()) { yield 'checks'; slicer.restart(); }
    const ctx = checkContext(input);
    const positioned: PositionedDiagnostic[] = [];
    const r = new Reporter(ctx.map, positioned);
    const reads = new Set<TreeProperty>();
    trackReads(reads, () => runOne(list[i], ctx, r));
    const movable = positioned.length === r.out.length && positioned.every((x) => !x.diag.related || x.related);
    runs[i] = { out: r.out, positioned, movable, reads };
  }
  return runs;
}

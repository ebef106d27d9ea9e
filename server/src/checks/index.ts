// Checks over the live tree and the supplier graph. One file per family of diagnostics.
import type { Diagnostic, PositionedDiagnostic } from '../base/diagnostics';
import { drain, Slicer } from '../base/slice';
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

/** `positioned`: when given, every diagnostic is also recorded there with its positions in the preprocessed text. */
export function runChecks(input: CheckInput, positioned?: PositionedDiagnostic[]): Diagnostic[] {
  return drain(runChecksSteps(input, positioned));
}

/** The same, in time slices of `sliceMs`: yields between two checks once a slice is used up. */
export function* runChecksSteps(input: CheckInput, positioned?: PositionedDiagnostic[], sliceMs = Infinity): Generator<string, Diagnostic[], void> {
  const ctx = checkContext(input);
  const r = new Reporter(ctx.map, positioned);
  const slicer = sliceMs === Infinity ? undefined : new Slicer(sliceMs);
  for (const check of input.flavour === 'zephyr' ? ZEPHYR_CHECKS : CHECKS) {
    if (slicer && slicer.due()) { yield 'checks'; slicer.restart(); }
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
  return r.out;
}

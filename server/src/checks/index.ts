// Checks over the live tree and the supplier graph. One file per family of diagnostics.
import type { Diagnostic, PositionedDiagnostic } from '../base/diagnostics';
import { drain, Slicer } from '../base/slice';
import type { GraphDelta } from '../model/graph-patch';
import type { SupplierEdge } from '../model/types';
import type { TreeProperty } from '../tree/types';
import { addReads, Reads, readsShape, trackReads, type ShapeChange } from '../tree/value-reads';
import { remap } from '../tree/incremental';
import { checkCells } from './cells';
import { checkContext, Reporter, type CheckContext, type CheckInput, type UnitCheck } from './context';
import { checkCycles } from './cycles';
import { checkIommuConsumers } from './iommu-consumer';
import { checkIommuMaps } from './iommu-map';
import { checkIommuProviders } from './iommu-provider';
import { checkIommuStreams } from './iommu-streams';
import { checkKernelConfig } from './kernel-config';
import { checkRawPhandles } from './raw-phandles';
import { checkSupplierStatus } from './status';
import { checkZephyrCells, checkZephyrCycles, checkZephyrSuppliers } from './zephyr';

export type { CheckContext, CheckInput, UnitCheck } from './context';

const CHECKS: Check[] = [
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
const ZEPHYR_CHECKS: Check[] = [checkZephyrCells, checkZephyrSuppliers, checkZephyrCycles];

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

type Check = ((ctx: CheckContext, r: Reporter) => void) & { units?: UnitCheck<unknown>['units']; graphFree?: boolean; graphMatters?: EdgeFilter };

/**
 * Of a check that reads the graph: the edges it can report or be changed by (the test its own loop applies first, e.g.
 * dependency-cycle's mandatory links). A graph patch whose edges, taken out or put in (`added`), all fail it leaves the
 * check's findings as they were, unless the check read the probe report (made from every edge). `memo`: what the
 * check's last run kept for this test (Reporter.memo), undefined when it kept nothing.
 */
export type EdgeFilter = (ctx: CheckContext, e: SupplierEdge, added: boolean, memo: unknown) => boolean;

function checksOf(flavour: CheckInput['flavour']): Check[] {
  return flavour === 'zephyr' ? ZEPHYR_CHECKS : CHECKS;
}

/**
 * One check; a check made of units unit by unit, as runChecksEach runs it, so that a defect in one unit is
 * reported the same way by both (an internal error for that unit, the others checked).
 */
function runOne(check: Check, ctx: CheckContext, r: Reporter): void {
  const units = check.units;
  if (!units) { tryOne(check, ctx, r, () => check(ctx, r)); return; }
  for (const unit of tryOne(check, ctx, r, () => units.list(ctx)) ?? []) tryOne(check, ctx, r, () => units.one(ctx, r, unit));
}

/** One check's findings, with their positions when all have one (`movable`), and the property values it read. */
export interface CheckRun {
  out: Diagnostic[];
  positioned: PositionedDiagnostic[];
  movable: boolean;
  reads: Reads;
  /** a check made of units (UnitCheck): each unit's findings and reads, and what listing them read */
  units?: UnitRun[];
  listReads?: Reads;
  /** the check reads neither the supplier graph nor the probe report (UnitCheck.graphFree) */
  graphFree?: boolean;
  /** its units come from the graph and can be listed again after a graph patch (UnitCheck units.relist) */
  relistable?: boolean;
  /** what the check kept of this run for its graphMatters test (Reporter.memo) */
  memo?: unknown;
}

/** Did a run that read `r` read what a keystroke changed? (a value: `r.has(prop)`; names: tree/value-reads.ts readsShape) */
export type ReadTest = (r: Reads) => boolean;

/** The test for a keystroke that changed the value of `prop`, or (`shape`) renamed, added or removed properties. */
export function readTest(prop: TreeProperty | undefined, shape: ShapeChange | undefined): ReadTest {
  if (shape) return (r) => readsShape(r, shape);
  return (r) => prop !== undefined && r.has(prop);
}

/** One unit of a UnitCheck: its findings (positioned, in order) and the values it read. */
export interface UnitRun {
  unit: unknown;
  positioned: PositionedDiagnostic[];
  reads: Reads;
}

/**
 * The checks one by one, each with its findings and the values it read (tree/value-reads.ts), for the
 * language server's incremental analyses: a keystroke that changes one value runs again only the checks
 * that read it (and of a UnitCheck, only the units that read it: rerunUnits). `only`: the indexes of the
 * checks to run (the others' entries stay undefined). Each check gets a context of its own, so that what it
 * takes from the memoised queries (enabledInTree) counts as read by it (a UnitCheck's units share one that
 * memoises nothing); the findings, concatenated in order, are runChecks'.
 */
export function* runChecksEach(input: CheckInput, sliceMs = Infinity, only?: ReadonlySet<number>): Generator<string, (CheckRun | undefined)[], void> {
  const list = checksOf(input.flavour);
  const runs: (CheckRun | undefined)[] = list.map(() => undefined);
  const slicer = sliceMs === Infinity ? undefined : new Slicer(sliceMs);
  for (let i = 0; i < list.length; i++) {
    if (only && !only.has(i)) continue;
    if (slicer && slicer.due()) { yield 'checks'; slicer.restart(); }
    const check = list[i];
    const ctx = checkContext(input, !check.units);
    const positioned: PositionedDiagnostic[] = [];
    const r = new Reporter(ctx.map, positioned);
    const reads = new Reads();
    if (check.units) {
      const listReads = new Reads();
      const units = trackReads(listReads, () => tryOne(check, ctx, r, () => check.units!.list(ctx))) ?? [];
      const runsOf: UnitRun[] = [];
      addReads(reads, listReads);
      for (const unit of units) {
        const u = runUnit(check, ctx, unit, r);
        addReads(reads, u.reads);
        runsOf.push(u);
      }
      runs[i] = { out: r.out, positioned, movable: movable(r.out, positioned), reads, units: runsOf, listReads, graphFree: check.graphFree, relistable: !!check.units.relist };
      continue;
    }
    trackReads(reads, () => runOne(check, ctx, r));
    runs[i] = { out: r.out, positioned, movable: movable(r.out, positioned), reads, graphFree: check.graphFree, memo: r.memo };
  }
  return runs;
}

function movable(out: Diagnostic[], positioned: PositionedDiagnostic[]): boolean {
  return positioned.length === out.length && positioned.every((x) => !x.diag.related || x.related);
}

/** One unit of a UnitCheck, reported into `r` (whose positioned list gets its findings too); `ctx` memoises nothing. */
function runUnit(check: Check, ctx: CheckContext, unit: unknown, r: Reporter): UnitRun {
  const reads = new Reads();
  const from = r.positionedCount;
  trackReads(reads, () => tryOne(check, ctx, r, () => check.units!.one(ctx, r, unit)));
  return { unit, positioned: r.positionedSince(from), reads };
}

/** fn, with an exception reported as the check's internal error (a defect in one check must not take the others down). */
function tryOne<T>(check: Check, ctx: CheckContext, r: Reporter, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    r.out.push({
      file: ctx.tree.root.contributions[0] ? ctx.map.toFileRange(0, 0).file : '',
      start: 0,
      end: 0,
      severity: 'error',
      code: 'internal-error',
      message: `internal error in ${check.name}: ${e instanceof Error ? e.message : String(e)}`,
    });
    return undefined;
  }
}

/**
 * A UnitCheck's run put together unit by unit after a keystroke (rerunUnits, relistUnits): a unit kept gives its
 * findings as they were, moved with the tree; a unit run again gives new ones. `reads` grows by what those read.
 */
class UnitsAgain {
  readonly out: Diagnostic[] = [];
  readonly positioned: PositionedDiagnostic[] = [];
  readonly runs: UnitRun[] = [];
  movable = true;
  constructor(private readonly check: Check, private readonly ctx: CheckContext, readonly reads: Reads) {}

  keep(u: UnitRun): void {
    for (const x of u.positioned) { this.positioned.push(x); this.out.push(remap(x, this.ctx.map)); }
    this.runs.push(u);
  }

  run(unit: unknown): void {
    const r = new Reporter(this.ctx.map, []);
    const now = runUnit(this.check, this.ctx, unit, r);
    if (!movable(r.out, now.positioned)) this.movable = false;
    addReads(this.reads, now.reads);
    for (const x of now.positioned) this.positioned.push(x);
    for (const d of r.out) this.out.push(d);
    this.runs.push(now);
  }

  result(last: CheckRun, listReads: Reads | undefined): CheckRun {
    return { out: this.out, positioned: this.positioned, movable: this.movable, reads: this.reads, units: this.runs, listReads, graphFree: last.graphFree, relistable: last.relistable };
  }
}

/**
 * A UnitCheck's last run (`last`, check `index`, its positioned findings moved with the tree) after a keystroke
 * changed what `hit` says a unit read (the value of a property, a property's name): the units that read it run again,
 * the others keep their findings. Returns the new run: its `out` has the findings of every unit, mapped to the files
 * (the kept ones through `input.map`).
 */
export function rerunUnits(input: CheckInput, index: number, last: CheckRun, hit: ReadTest): CheckRun {
  // (the reads only grow, and the last run is replaced by this one: its record is grown in place, not copied)
  const again = new UnitsAgain(checksOf(input.flavour)[index], checkContext(input, false), last.reads);
  for (const u of last.units!) {
    if (hit(u.reads)) again.run(u.unit); else again.keep(u);
  }
  return again.result(last, last.listReads);
}

/**
 * A UnitCheck whose units come from the graph (units.relist; `last` its run, index `index`, positioned findings
 * moved with the tree) after a graph patch for the value of a property (a cell count whose readers' edges were decoded
 * again, or a property whose edges changed shape: model/graph-patch.ts):
 * the units are listed again, and each that checks what a unit of the last run checked (the same key, `same`)
 * keeps that unit's findings unless it read what changed (`hit`); the others run. The findings come in the new list's order.
 */
export function relistUnits(input: CheckInput, index: number, last: CheckRun, hit: ReadTest): CheckRun {
  const check = checksOf(input.flavour)[index];
  const relist = check.units!.relist!;
  const ctx = checkContext(input, false);
  const r = new Reporter(ctx.map, []);
  const listReads = new Reads();
  const units = trackReads(listReads, () => tryOne(check, ctx, r, () => check.units!.list(ctx)));
  if (!units) return { out: r.out, positioned: [], movable: false, reads: listReads, units: [], listReads, graphFree: last.graphFree, relistable: true };
  const before = new Map<unknown, UnitRun>();
  for (const u of last.units!) before.set(relist.key(u.unit), u);
  const again = new UnitsAgain(check, ctx, new Reads());
  addReads(again.reads, listReads);
  for (const unit of units) {
    const old = before.get(relist.key(unit));
    if (old && !hit(old.reads) && relist.same(old.unit, unit)) {
      addReads(again.reads, old.reads);
      again.keep({ unit, positioned: old.positioned, reads: old.reads });
    } else again.run(unit);
  }
  return again.result(last, listReads);
}

/**
 * After a graph patch (`delta`: the edges it took out and put in), can check `index`'s last run (`last`) have other
 * findings? Yes unless the check says which edges matter to it (graphMatters) and none of the delta's does, and it
 * read no probe report. What the test reads of the tree (a supplier's status) is added to the run's reads: a later
 * keystroke that changes it runs the check again.
 */
export function graphDeltaMatters(input: CheckInput, index: number, last: CheckRun, delta: GraphDelta | undefined): boolean {
  const matters = checksOf(input.flavour)[index].graphMatters;
  if (!delta || !matters || last.reads.probe) return true;
  const ctx = checkContext(input, false);
  return trackReads(last.reads, () => delta.removed.some((e) => matters(ctx, e, false, last.memo)) || delta.added.some((e) => matters(ctx, e, true, last.memo)));
}

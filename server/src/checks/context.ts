// Shared context and helpers of the checks.
import { defaultSeverity, type Diagnostic, type PositionedDiagnostic, type RelatedInformation } from '../base/diagnostics';
import { defaultKernelEnvironment, type KernelEnvironment } from '../kernel/environment';
import type { IommuModel } from '../model/iommu';
import { simulateProbe } from '../model/probe/simulate';
import type { ProbeReport } from '../model/probe/types';
import type { SupplierGraph } from '../model/types';
import type { SourceMap } from '../preprocess/types';
import type { Span } from '../syntax/ast';
import { isEnabledInTree } from '../model/tree-util';
import { nodePath, type LiveTree, type TreeNode } from '../tree/types';
import { noteGraph, noteProbe } from '../tree/value-reads';
import type { Flavour } from '../workspace/flavour';

/** What runChecks is given. */
export interface CheckInput {
  tree: LiveTree;
  graph: SupplierGraph;
  model: IommuModel;
  map: SourceMap;
  /** the kernel the predictions assume (default: no configuration, empty command line) */
  kernel?: KernelEnvironment;
  /** the probe report under that kernel (default: simulated on first use) */
  probe?: () => ProbeReport;
  /** the tree's flavour (workspace/flavour.ts): Zephyr trees get Zephyr wording (no probe deferral, IOMMU) */
  flavour?: Flavour;
}

/** What every check sees: the input plus queries shared (and memoised) across the checks of one run. */
export interface CheckContext extends CheckInput {
  /** the node and every ancestor are available (memoised isEnabledInTree) */
  enabledInTree(n: TreeNode): boolean;
  kernel: KernelEnvironment;
  probe: () => ProbeReport;
}

/**
 * The context of one check. `memo` false: the queries are not memoised (the units of a UnitCheck share one
 * context, and what each reads must be recorded around it, not taken from another unit's answer).
 */
export function checkContext(input: CheckInput, memo = true): CheckContext {
  const cache = new Map<TreeNode, boolean>();
  const kernel = input.kernel ?? defaultKernelEnvironment();
  let report: ProbeReport | undefined;
  const made = input.probe ?? (() => (report ??= simulateProbe({ tree: input.tree, graph: input.graph, model: input.model, env: kernel })));
  // (a check that reads the graph, or the probe report made from it, is recorded as one: Reads.graph)
  const probe = (): ProbeReport => { noteProbe(); return made(); };
  const graph = input.graph;
  return {
    ...input,
    get graph(): SupplierGraph { noteGraph(); return graph; },
    kernel,
    probe,
    enabledInTree(n: TreeNode): boolean {
      if (!memo) return isEnabledInTree(n);
      let v = cache.get(n);
      if (v === undefined) {
        v = isEnabledInTree(n);
        cache.set(n, v);
      }
      return v;
    },
  };
}

/**
 * A check made of independent units (e.g. one per property it looks at), each reading the tree on its own:
 * `list` gives them in the order of the findings from the tree's shape (no value read), `one` checks one. The
 * language server's keystroke runs again only the units that read the value it changed (checks/index.ts).
 */
export interface UnitCheck<U> {
  (ctx: CheckContext, r: Reporter): void;
  units: {
    list(ctx: CheckContext): U[];
    one(ctx: CheckContext, r: Reporter, unit: U): void;
    /**
     * A check whose units come from the supplier graph: after a graph patch (a cell count changed and its readers'
     * edges were decoded again, or one property's edges changed shape) the units are listed again, and a unit with
     * the `key` of an earlier one that is `same` (it checks the same edges) keeps that one's findings unless a value
     * it read changed (checks/index.ts relistUnits).
     */
    relist?: { key(u: U): unknown; same(a: U, b: U): boolean };
  };
  /** it reads neither ctx.graph nor ctx.probe: a graph built again leaves its findings where no value it read changed */
  graphFree?: boolean;
}

/**
 * A UnitCheck named `name` from its units: run whole, it checks every unit `list` gives with `one`, in order.
 */
export function unitCheck<U>(name: string, units: UnitCheck<U>['units'], graphFree?: boolean): UnitCheck<U> {
  const whole = {
    [name](ctx: CheckContext, r: Reporter): void {
      for (const u of units.list(ctx)) units.one(ctx, r, u);
    },
  }[name];
  return Object.assign(whole, graphFree ? { units, graphFree } : { units });
}

export class Reporter {
  readonly out: Diagnostic[] = [];
  /**
   * What a check keeps of its run for its graphMatters test after the next graph patch (checks/index.ts EdgeFilter;
   * the cycles check: the nodes of its components and those its deadlock searches visited)
   */
  memo?: unknown;
  /** where each related information was made (for `positioned`) */
  private readonly relatedAt = new WeakMap<RelatedInformation, { start: number; end: number }>();
  /** `positioned`: when given, every diagnostic is also recorded with its positions in the preprocessed text */
  constructor(private readonly map: SourceMap, private readonly positioned?: PositionedDiagnostic[]) {}

  /** how many positioned findings there are so far */
  get positionedCount(): number {
    return this.positioned?.length ?? 0;
  }

  /** the positioned findings from index `from` on */
  positionedSince(from: number): PositionedDiagnostic[] {
    return this.positioned ? this.positioned.slice(from) : [];
  }
  related(span: Span | undefined, message: string): RelatedInformation | undefined {
    if (!span) return undefined;
    const r = { ...this.map.toFileRange(span.start, span.end), message };
    if (this.positioned) this.relatedAt.set(r, { start: span.start, end: span.end });
    return r;
  }
  /** `about`: the node (and property) the diagnostic is about, for the JSON output's node/property fields */
  report(code: string, span: Span, message: string, related: (RelatedInformation | undefined)[] = [], about?: { node?: TreeNode; property?: string }): void {
    const r = this.map.toFileRange(span.start, span.end);
    const d: Diagnostic = { ...r, severity: defaultSeverity(code), code, message };
    const rel = related.filter((x): x is RelatedInformation => !!x);
    if (rel.length) d.related = rel;
    if (about?.node) d.node = nodePath(about.node);
    if (about?.property) d.property = about.property;
    this.out.push(d);
    if (this.positioned) {
      const at = rel.map((x) => this.relatedAt.get(x));
      // a related information made elsewhere has no known position: such a diagnostic cannot be moved
      this.positioned.push({ diag: d, start: span.start, end: span.end, related: at.every((x) => x) ? (at as { start: number; end: number }[]) : undefined });
    }
  }
}

/**
 * A diagnostic message in the project's style (docs/message-style.md): the key fact first, short
 * ("&smmu expects 1 cell, got 2"), then what follows from it, with kernel internals (functions,
 * error codes, Kconfig symbols) last. Each part is a clause; the detail becomes a second sentence.
 */
export function message(fact: string, detail?: string): string {
  if (!detail) return fact;
  // a plain word starts the sentence with a capital; an identifier (of_iommu_xlate, &smmu, -ENODEV) stays as written
  const d = /^[a-z]+(?=[\s,:;])/.test(detail) ? detail.charAt(0).toUpperCase() + detail.slice(1) : detail;
  return `${fact}. ${d}`;
}

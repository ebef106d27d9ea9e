// Shared context and helpers of the checks.
import { defaultSeverity, type Diagnostic, type RelatedInformation } from '../base/diagnostics';
import type { IommuModel } from '../model/iommu';
import type { SupplierGraph } from '../model/types';
import type { SourceMap } from '../preprocess/types';
import type { Span } from '../syntax/ast';
import type { LiveTree } from '../tree/types';

export interface CheckContext {
  tree: LiveTree;
  graph: SupplierGraph;
  model: IommuModel;
  map: SourceMap;
}

export class Reporter {
  readonly out: Diagnostic[] = [];
  constructor(private readonly map: SourceMap) {}
  related(span: Span | undefined, message: string): RelatedInformation | undefined {
    if (!span) return undefined;
    return { ...this.map.toFileRange(span.start, span.end), message };
  }
  report(code: string, span: Span, message: string, related: (RelatedInformation | undefined)[] = []): void {
    const r = this.map.toFileRange(span.start, span.end);
    const d: Diagnostic = { ...r, severity: defaultSeverity(code), code, message };
    const rel = related.filter((x): x is RelatedInformation => !!x);
    if (rel.length) d.related = rel;
    this.out.push(d);
  }
}

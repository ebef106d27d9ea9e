// Document links: the file name of every resolved include directive in a file.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import { getIndex, uniqRanges } from './locate';

export interface DocumentLink {
  range: FileRange;
  /** absolute path of the included file */
  target: string;
}

export function getDocumentLinks(a: Analysis, file: string): DocumentLink[] {
  const out: DocumentLink[] = [];
  const seen = new Set<number>();
  for (const inc of getIndex(a).includesByFile.get(file) ?? []) {
    if (!inc.resolved || seen.has(inc.range.start)) continue;
    seen.add(inc.range.start);
    out.push({ range: inc.range, target: inc.resolved });
  }
  return out;
}

export { uniqRanges };

// Document highlight: the other places in this file that name what is under the cursor: a node's
// labels, definitions and every reference to it (labels and names as writes, references as reads);
// a property's settings; a macro's uses.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import { getIndex, locate, uniqRanges } from './locate';
import { nodeSites, propertySites } from './definition';
import { referencesOfNode, targetNode } from './references';

export interface Highlight extends FileRange {
  kind: 'read' | 'write' | 'text';
}

export function getDocumentHighlights(a: Analysis, file: string, offset: number): Highlight[] {
  const loc = locate(a, file, offset);
  if (!loc) return [];
  const inFile = (rs: FileRange[]) => uniqRanges(rs.filter((r) => r.file === file));
  if (loc.kind === 'macro' && loc.macro) {
    const name = loc.macro.name;
    const uses = getIndex(a).macrosByFile.get(file) ?? [];
    return uses.filter((m) => m.name === name).map((m) => ({ file, start: m.range.start, end: m.range.start + name.length, kind: 'text' as const }));
  }
  if (loc.kind === 'propertyName' && loc.property) {
    return inFile(propertySites(a, loc.property)).map((r) => ({ ...r, kind: 'write' as const }));
  }
  const n = targetNode(loc);
  if (!n) return [];
  const writes = inFile([...n.labels.map((l) => a.pp.map.toFileRange(l.start, l.start + l.name.length)), ...nodeSites(a, n)]);
  const w = new Set(writes.map((r) => `${r.start}:${r.end}`));
  const reads = inFile(referencesOfNode(a, n, false)).filter((r) => !w.has(`${r.start}:${r.end}`));
  return [...writes.map((r) => ({ ...r, kind: 'write' as const })), ...reads.map((r) => ({ ...r, kind: 'read' as const }))].sort((x, y) => x.start - y.start);
}

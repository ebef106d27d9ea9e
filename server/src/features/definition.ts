// Go to definition: references and labels -> every contributing site of the
// merged node; include directives -> the included file; macro uses -> #define.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type { Contribution, TreeNode, TreeProperty } from '../tree/types';
import { locate, uniqRanges } from './locate';

export function getDefinition(a: Analysis, file: string, offset: number): FileRange[] {
  const loc = locate(a, file, offset);
  if (!loc) return [];
  switch (loc.kind) {
    case 'include':
      return loc.include?.resolved ? [{ file: loc.include.resolved, start: 0, end: 0 }] : [];
    case 'macro': {
      const d = loc.macro?.definition?.location;
      return d ? [d] : [];
    }
    case 'reference':
      return loc.node ? fromSite(a, nodeSites(a, loc.node), definitionSites(a, loc.node), file, offset) : [];
    case 'nodeName':
      return loc.node ? nodeSites(a, loc.node) : [];
    case 'label': {
      if (loc.property && loc.label && a.tree.labels.get(loc.label.name)?.property === loc.property) return propertySites(a, loc.property);
      return loc.node ? nodeSites(a, loc.node) : [];
    }
    case 'propertyName':
      return loc.property ? propertySites(a, loc.property) : [];
    default:
      return [];
  }
}

/**
 * From the reference that opens an override (`&label { … }`, `&{/path} { … }`): the node's
 * definition, not the override the cursor is on; from a `&label` in a value: every site.
 */
function fromSite(a: Analysis, all: FileRange[], defs: FileRange[], file: string, offset: number): FileRange[] {
  const here = all.find((r) => r.file === file && r.start <= offset && offset <= r.end);
  if (!here) return all;
  const away = (rs: FileRange[]) => rs.filter((r) => r !== here && !(r.file === here.file && r.start === here.start));
  const d = away(defs);
  if (d.length) return d;
  const other = away(all);
  return other.length ? other : [here];
}

/** The name range of each `definition` contribution (not the `&label { … }` extensions). */
function definitionSites(a: Analysis, n: TreeNode): FileRange[] {
  return contributionSites(a, n.contributions.filter((c) => c.kind === 'definition'));
}

/** The name (or reference) range of every definition and extension, in merge order (deletions left out). */
function contributionSites(a: Analysis, contributions: Contribution[]): FileRange[] {
  const out: FileRange[] = [];
  for (const c of contributions) {
    if (c.kind === 'deletion') continue;
    out.push(a.pp.map.toFileRange(c.nameSpan.start, c.nameSpan.end));
  }
  return uniqRanges(out);
}

/** The name (or reference) range of every definition and extension of a node, in merge order. */
export function nodeSites(a: Analysis, n: TreeNode): FileRange[] {
  return contributionSites(a, n.contributions);
}

export function propertySites(a: Analysis, p: TreeProperty): FileRange[] {
  return contributionSites(a, p.contributions);
}

// The node (and property) a diagnostic is about, found from its range: the innermost property or node
// definition of the tree whose source range contains it. Binding diagnostics name theirs when they are made;
// the CLI's JSON output fills in the others with this.
import type { Diagnostic } from '../base/diagnostics';
import type { SourceMap } from '../preprocess/types';
import type { LiveTree, TreeNode } from './types';

interface Entry { file: string; start: number; end: number; node: string; property?: string }

function entries(tree: LiveTree, map: SourceMap): Entry[] {
  const out: Entry[] = [];
  const visit = (n: TreeNode, path: string): void => {
    for (const c of n.contributions) {
      if (c.kind === 'deletion') continue;
      const r = map.toFileRange(c.start, c.end);
      out.push({ ...r, node: path });
    }
    for (const p of n.properties) {
      for (const c of p.contributions.length ? p.contributions : [{ start: p.span.start, end: p.span.end }]) {
        const r = map.toFileRange(c.start, c.end);
        out.push({ ...r, node: path, property: p.name });
      }
    }
    for (const c of n.children) visit(c, path === '/' ? `/${c.name}` : `${path}/${c.name}`);
  };
  visit(tree.root, '/');
  return out;
}

/** Fill in `node` / `property` of the diagnostics that lack them (in place); null where no node contains one. */
export function locateDiagnostics(diags: Diagnostic[], tree: LiveTree, map: SourceMap): void {
  const todo = diags.filter((d) => d.node === undefined);
  if (todo.length === 0) return;
  const all = entries(tree, map);
  const byFile = new Map<string, Entry[]>();
  for (const e of all) {
    let l = byFile.get(e.file);
    if (!l) byFile.set(e.file, (l = []));
    l.push(e);
  }
  for (const d of todo) {
    let best: Entry | undefined;
    for (const e of byFile.get(d.file) ?? []) {
      if (e.start > d.start || e.end < d.end) continue;
      // the innermost: the shortest range; a property before the node it sits in
      if (!best || e.end - e.start < best.end - best.start || (e.end - e.start === best.end - best.start && e.property && !best.property)) best = e;
    }
    if (best) {
      d.node = best.node;
      if (best.property !== undefined) d.property = best.property;
    }
  }
}

// Binding findings (node path, property, byte range) as diagnostics on the exact source range: the cell
// group or string at fault, the property, the child node's name, or the node's name for what is missing.
import { defaultSeverity, type Diagnostic, type Severity } from '../base/diagnostics';
import type { SourceMap } from '../preprocess/types';
import type { Span } from '../syntax/ast';
import type { LiveTree, TreeNode, TreeProperty } from '../tree/types';
import { valueSpans } from './flatten';

export interface BindingFinding {
  node: string;
  property?: string;
  code: string;
  message: string;
  start?: number;
  end?: number;
  severity?: Severity;
  /** the binding file that says so, and where (for related information) */
  binding?: { file: string; start: number; end: number };
}

/** The nodes of a tree by full path, looked up on demand (see nodesByPath). */
export interface NodesByPath {
  get(path: string): TreeNode | undefined;
}

/**
 * The nodes of `tree` by full path, found by walking down from the root on each lookup (each node's children by
 * name made once per lookup table). Not kept with the tree: a keystroke's patch renames, adds and removes nodes of
 * the same tree in place (tree/reshape.ts, tree/body-patch.ts), and a table kept from before would miss them.
 */
export function nodesByPath(tree: LiveTree): NodesByPath {
  const kids = new Map<TreeNode, Map<string, TreeNode>>();
  const childNamed = (n: TreeNode, name: string): TreeNode | undefined => {
    let m = kids.get(n);
    if (!m) {
      m = new Map();
      // (a later child of the same name wins, as a walk that sets every path in order would have it)
      for (const c of n.children) m.set(c.name, c);
      kids.set(n, m);
    }
    return m.get(name);
  };
  return {
    get(path: string): TreeNode | undefined {
      if (!path.startsWith('/')) return undefined;
      let n: TreeNode | undefined = tree.root;
      if (path === '/') return n;
      for (const name of path.slice(1).split('/')) {
        n = childNamed(n, name);
        if (!n) return undefined;
      }
      return n;
    },
  };
}

/** Where a node's name is written (its first definition; the root's `/`). */
export function nodeNameSpan(n: TreeNode): Span | undefined {
  const def = n.contributions.find((c) => c.kind === 'definition') ?? n.contributions[0];
  return def?.nameSpan;
}

function valueSpan(p: TreeProperty): Span {
  if (p.chunks.length === 0) return p.nameSpan;
  return { start: p.chunks[0].start, end: p.chunks[p.chunks.length - 1].end };
}

function findingSpan(f: BindingFinding, node: TreeNode): Span | undefined {
  const prop = f.property !== undefined ? node.properties.find((p) => p.name === f.property) : undefined;
  if (!prop || f.code === 'binding-missing-required') return nodeNameSpan(node);
  if (f.code === 'binding-unknown-property' || f.code === 'binding-deprecated') return prop.nameSpan;
  if (f.start !== undefined && f.end !== undefined) {
    const spans = valueSpans(prop, f.start, f.end);
    if (spans.length) return { start: spans[0].start, end: spans[spans.length - 1].end };
  }
  return valueSpan(prop);
}

/**
 * Diagnostics of findings against the current tree (findings of nodes no longer there are dropped). `at`: where a
 * span of the tree lies in the analysed text (the language server's tree whose spans move later: Analysis.spanNow).
 */
export function reportFindings(findings: BindingFinding[], tree: LiveTree, map: SourceMap, nodes: NodesByPath = nodesByPath(tree), at?: (s: Span, node: TreeNode) => Span): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const node = nodes.get(f.node);
    if (!node) continue;
    const found = findingSpan(f, node);
    if (!found) continue;
    const span = at ? at(found, node) : found;
    const r = map.toFileRange(span.start, span.end);
    // the same fault found by two schemas (the node's binding and a generic one): reported once
    const key = `${r.file}\0${r.start}\0${r.end}\0${f.code}\0${f.node}\0${f.property}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const d: Diagnostic = { ...r, severity: f.severity ?? defaultSeverity(f.code), code: f.code, message: f.message, node: f.node };
    if (f.property !== undefined) d.property = f.property;
    if (f.binding) d.related = [{ ...f.binding, message: 'the binding' }];
    out.push(d);
  }
  return out;
}

// Document outline (nodes and properties written in one file) and workspace
// symbols (labels and node paths of every open context).
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type * as ast from '../syntax/ast';
import { getIndex, labelEnd, nodeNameRange } from './locate';
import { nodePath } from './util';

export type DocSymbolKind = 'node' | 'property' | 'label' | 'reference' | 'root';

export interface DocSymbol {
  name: string;
  detail: string;
  kind: DocSymbolKind;
  range: FileRange;
  selectionRange: FileRange;
  children: DocSymbol[];
}

const MAX_DETAIL = 60;

function within(outer: FileRange, inner: FileRange): boolean {
  return outer.file === inner.file && outer.start <= inner.start && inner.end <= outer.end;
}

export function getDocumentSymbols(a: Analysis, file: string): DocSymbol[] {
  const idx = getIndex(a);
  const map = a.pp.map;
  const text = a.pp.text;
  const top: DocSymbol[] = [];
  const seen = new Set<string>();

  const valueDetail = (p: ast.PropertyDef): string => {
    if (!p.value || !p.value.length) return '';
    const s = text.slice(p.value[0].start, p.value[p.value.length - 1].end).replace(/\s+/g, ' ');
    return s.length > MAX_DETAIL ? s.slice(0, MAX_DETAIL - 1) + '…' : s;
  };

  const mk = (name: string, detail: string, kind: DocSymbolKind, span: ast.Span, nameSpan: ast.Span): DocSymbol | undefined => {
    const sel = map.toFileRange(nameSpan.start, nameSpan.end);
    if (sel.file !== file) return undefined;
    const key = `${kind}\0${sel.start}\0${sel.end}`;
    if (seen.has(key)) return undefined; // a file included twice
    seen.add(key);
    let range = map.toFileRange(span.start, span.end);
    if (!within(range, sel)) range = sel;
    return { name, detail, kind, range, selectionRange: sel, children: [] };
  };

  const walkBody = (body: ast.NodeBody, into: DocSymbol[], depth: number): void => {
    if (depth > 256) return;
    for (const it of body.items) {
      if (it.kind === 'property') {
        const s = mk(it.name, valueDetail(it), 'property', it, it.nameSpan);
        if (s) into.push(s);
      } else if (it.kind === 'node') {
        const s = mk(it.name, it.labels.map((l) => l.name).join(' '), 'node', it, it.nameSpan);
        if (s) into.push(s);
        walkBody(it.body, s ? s.children : into, depth + 1);
      }
    }
  };

  for (const st of a.ast.statements) {
    if (st.kind === 'rootNode') {
      const from = st.labels.length ? st.labels[st.labels.length - 1].end : st.start;
      const slash = text.indexOf('/', from);
      const nameSpan = slash >= 0 && slash < st.body.start ? { start: slash, end: slash + 1 } : { start: st.start, end: st.start + 1 };
      const s = mk('/', st.labels.map((l) => l.name).join(' '), 'root', st, nameSpan);
      if (s) top.push(s);
      walkBody(st.body, s ? s.children : top, 0);
    } else if (st.kind === 'refNode') {
      const r = st.ref;
      const name = r.kind === 'labelRef' ? `&${r.name}` : `&{${r.path}}`;
      const target = idx.refAt.get(r.start)?.target;
      const s = mk(name, target ? nodePath(target) : 'unresolved', 'reference', st, r);
      if (s) top.push(s);
      walkBody(st.body, s ? s.children : top, 0);
    }
  }
  return top;
}

export interface WorkspaceSymbol {
  name: string;
  kind: 'label' | 'node';
  location: FileRange;
  container: string;
}

const MAX_WORKSPACE_SYMBOLS = 2000;

/** Case-insensitive substring match (the client filters further). */
function matches(name: string, q: string): boolean {
  return !q || name.toLowerCase().includes(q);
}

export function getWorkspaceSymbols(analyses: Analysis[], query: string): WorkspaceSymbol[] {
  const q = query.toLowerCase();
  const out: WorkspaceSymbol[] = [];
  const seen = new Set<string>();
  const add = (s: WorkspaceSymbol): boolean => {
    const k = `${s.kind}\0${s.name}\0${s.location.file}\0${s.location.start}`;
    if (seen.has(k)) return true;
    seen.add(k);
    out.push(s);
    return out.length < MAX_WORKSPACE_SYMBOLS;
  };
  for (const a of analyses) {
    for (const [name, ent] of a.tree.labels) {
      if (!matches(name, q)) continue;
      const container = ent.property ? `${nodePath(ent.node)}:${ent.property.name}` : nodePath(ent.node);
      if (!add({ name, kind: 'label', location: a.pp.map.toFileRange(ent.span.start, labelEnd(a, ent.span)), container })) return out;
    }
    for (const n of getIndex(a).allNodes) {
      if (!n.parent) continue;
      const path = nodePath(n);
      if (!matches(path, q)) continue;
      const loc = nodeNameRange(a, n);
      if (!loc) continue;
      if (!add({ name: path, kind: 'node', location: loc, container: nodePath(n.parent) })) return out;
    }
  }
  return out;
}

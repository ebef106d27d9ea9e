// The binding part of completion: the properties a node's binding allows (required ones first), the values
// its enum allows, and the documented compatible strings.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type { BindingDocs } from '../bindings/docs';
import type { TreeNode } from '../tree/types';
import type { CompletionItem } from './completion';
import { propertyDocMarkdown } from './binding-hover';
import { locate } from './locate';

const MAX_ITEMS = 500;

function nodeAt(a: Analysis, file: string, offset: number): TreeNode | undefined {
  const loc = locate(a, file, offset);
  if (!loc) return undefined;
  if (loc.kind === 'node' || loc.kind === 'refNode' || loc.kind === 'rootNode') return loc.node;
  return loc.property?.node ?? loc.enclosingNode ?? loc.node;
}

/** `offset` in the buffer, `analysedOffset` the same place in the text the analysis saw. */
export function bindingCompletions(a: Analysis, docs: BindingDocs | undefined, file: string, offset: number, analysedOffset: number, text: string): CompletionItem[] {
  if (!docs) return [];
  let ls = offset;
  while (ls > 0 && text.charCodeAt(ls - 1) !== 10 && text.charCodeAt(ls - 1) !== 13) ls--;
  const before = text.slice(ls, offset);
  const range = (start: number): FileRange => ({ file, start, end: offset });
  const out: CompletionItem[] = [];

  // a string value: compatible strings, or the values of the property's enum
  let m = /([#A-Za-z0-9_,.+?-]+)\s*=\s*(?:[^;"]*"[^"]*"\s*,\s*)*[^;"]*"([^"]*)$/.exec(before);
  if (m) {
    const [, prop, typed] = m;
    if (prop === 'compatible') {
      for (const c of docs.compatibles()) {
        if (!c.startsWith(typed)) continue;
        out.push({ label: c, kind: 'value', detail: 'documented compatible', range: range(offset - typed.length) });
        if (out.length >= MAX_ITEMS) break;
      }
      return out;
    }
    const n = nodeAt(a, file, analysedOffset);
    const d = n ? docs.propertyDoc(n, prop) : undefined;
    for (const v of d?.enum ?? []) {
      if (typeof v === 'string' && v.startsWith(typed)) out.push({ label: v, kind: 'value', detail: `allowed by the binding`, range: range(offset - typed.length) });
    }
    return out;
  }
  // a cell value: the integers of the property's enum
  m = /([#A-Za-z0-9_,.+?-]+)\s*=\s*<\s*$/.exec(before);
  if (m) {
    const n = nodeAt(a, file, analysedOffset);
    const d = n ? docs.propertyDoc(n, m[1]) : undefined;
    for (const v of d?.enum ?? []) if (typeof v === 'number') out.push({ label: String(v), kind: 'value', detail: 'allowed by the binding', range: range(offset) });
    return out;
  }
  // a property name at the start of a statement
  m = /^\s*([#A-Za-z0-9_,.+?-]*)$/.exec(before);
  if (m) {
    const typed = m[1];
    const n = nodeAt(a, file, analysedOffset);
    const b = n ? docs.nodeBinding(n) : undefined;
    if (!n || !b) return out;
    const present = new Set(n.properties.map((p) => p.name));
    const names = [...b.properties.keys()].filter((p) => !present.has(p) && p.startsWith(typed) && !/[\^$*()[\]]/.test(p));
    names.sort((x, y) => Number(b.required.includes(y)) - Number(b.required.includes(x)) || (x < y ? -1 : x > y ? 1 : 0));
    for (const p of names) {
      const d = b.properties.get(p)!;
      const flag = d.type === 'flag' || d.type === 'boolean';
      out.push({
        label: p,
        kind: 'property',
        detail: `${b.required.includes(p) ? 'required · ' : ''}${d.type ?? 'property'} (${b.name})`,
        documentation: propertyDocMarkdown(d, undefined),
        insertText: flag ? `${p};` : `${p} = `,
        range: range(offset - typed.length),
      });
    }
  }
  return out;
}

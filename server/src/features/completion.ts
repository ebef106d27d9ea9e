// Completion: labels after '&', node paths in '&{', property names and the values
// the model knows (IOMMU compatibles, status, #iommu-cells), macros in cell
// lists, and include paths inside #include <...> / "..." / /include/ "...".
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import { dirname, join } from '../base/paths';
import type { TreeNode } from '../tree/types';
import { getIndex, locate } from './locate';
import { iommuCompatibles, iommuFactsForNode } from './model-info';
import { compatibles, nodePath } from './util';

export type CompletionKind = 'label' | 'node' | 'property' | 'value' | 'file' | 'folder' | 'macro' | 'keyword';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  insertText?: string;
  documentation?: string;
  /** the text the item replaces (file offsets): the partial word before the cursor */
  range?: FileRange;
}

const MAX_ITEMS = 1000;

const STATUS_VALUES: Array<[string, string]> = [
  ['okay', 'the device is operational'],
  ['disabled', 'the device is not operational now, but may become so'],
  ['reserved', 'operational, but used by other software (e.g. firmware)'],
  ['fail', 'the device has a serious error and is not expected to work'],
  ['fail-sss', 'as fail; sss is an error condition'],
];

const COMMON_PROPERTIES: Array<[string, string]> = [
  ['compatible', 'compatible = "";'],
  ['reg', 'reg = <>;'],
  ['status', 'status = "okay";'],
  ['interrupts', 'interrupts = <>;'],
  ['interrupt-parent', 'interrupt-parent = <&>;'],
  ['clocks', 'clocks = <&>;'],
  ['clock-names', 'clock-names = "";'],
  ['resets', 'resets = <&>;'],
  ['power-domains', 'power-domains = <&>;'],
  ['iommus', 'iommus = <&>;'],
  ['iommu-map', 'iommu-map = <>;'],
  ['dmas', 'dmas = <&>;'],
  ['pinctrl-0', 'pinctrl-0 = <&>;'],
  ['pinctrl-names', 'pinctrl-names = "default";'],
  ['#address-cells', '#address-cells = <1>;'],
  ['#size-cells', '#size-cells = <1>;'],
  ['ranges', 'ranges;'],
  ['dma-ranges', 'dma-ranges;'],
  ['phandle', 'phandle = <>;'],
  ['#iommu-cells', '#iommu-cells = <1>;'],
  ['#clock-cells', '#clock-cells = <1>;'],
  ['#reset-cells', '#reset-cells = <1>;'],
  ['#power-domain-cells', '#power-domain-cells = <1>;'],
  ['#interrupt-cells', '#interrupt-cells = <2>;'],
  ['interrupt-controller', 'interrupt-controller;'],
  ['dma-coherent', 'dma-coherent;'],
];

export function getCompletions(a: Analysis, file: string, offset: number, text: string): CompletionItem[] {
  offset = Math.max(0, Math.min(offset, text.length));
  let ls = offset;
  while (ls > 0 && text.charCodeAt(ls - 1) !== 10 && text.charCodeAt(ls - 1) !== 13) ls--;
  const before = text.slice(ls, offset);
  const range = (start: number): FileRange => ({ file, start, end: offset });

  // include paths
  let m = /^\s*#\s*include\s*([<"])([^>"]*)$/.exec(before) ?? /\/include\/\s*(")([^"]*)$/.exec(before);
  if (m) return includeCompletions(a, file, m[1] === '<', m[2], offset);

  // &{/path
  m = /&\{([^}\s]*)$/.exec(before);
  if (m) {
    const typed = m[1];
    const out: CompletionItem[] = [];
    for (const n of getIndex(a).allNodes) {
      if (!n.parent) continue;
      const p = nodePath(n);
      if (!p.startsWith(typed)) continue;
      out.push({ label: p, kind: 'node', detail: compatibles(n)[0], range: range(offset - typed.length) });
      if (out.length >= MAX_ITEMS) break;
    }
    return out;
  }

  // &label
  m = /&([A-Za-z0-9_]*)$/.exec(before);
  if (m) {
    const typed = m[1];
    const out: CompletionItem[] = [];
    for (const [name, ent] of a.tree.labels) {
      if (!name.startsWith(typed)) continue;
      const compat = compatibles(ent.node)[0];
      out.push({
        label: name,
        kind: 'label',
        detail: ent.property ? `${nodePath(ent.node)}:${ent.property.name}` : nodePath(ent.node),
        documentation: compat ? `compatible: ${compat}` : undefined,
        range: range(offset - typed.length),
      });
    }
    out.sort((x, y) => (x.label < y.label ? -1 : x.label > y.label ? 1 : 0));
    return out.slice(0, MAX_ITEMS);
  }

  // inside a string value: name = ... "partial
  m = /([#A-Za-z0-9_,.+?-]+)\s*=\s*(?:[^;"]*"[^"]*"\s*,\s*)*[^;"]*"([^"]*)$/.exec(before);
  if (m) return stringValueCompletions(a, m[1], m[2], range(offset - m[2].length));

  // a cell list value: name = <... partial
  m = /([#A-Za-z0-9_,.+?-]+)\s*=\s*[^;]*<[^>]*?([A-Za-z_][A-Za-z0-9_]*)?$/.exec(before);
  if (m) {
    const typed = m[2] ?? '';
    const out: CompletionItem[] = [];
    if (m[1] === '#iommu-cells') {
      const n = nodeAtCursor(a, file, toAnalysedOffset(a, file, offset, text));
      const f = n ? iommuFactsForNode(a, n) : undefined;
      if (f) for (const v of f.iommuCells) out.push({ label: String(v), kind: 'value', detail: `allowed by ${f.family}`, documentation: f.cellMeaning, range: range(offset) });
    }
    if (typed) {
      for (const [name, def] of a.pp.macros) {
        if (!name.startsWith(typed) || name.startsWith('__')) continue;
        out.push({ label: name, kind: 'macro', detail: def.params ? `${name}(${def.params.join(', ')})` : def.body, range: range(offset - typed.length) });
        if (out.length >= MAX_ITEMS) break;
      }
    }
    return out;
  }

  // property (or child node) name at the start of a statement
  m = /^\s*([#A-Za-z0-9_,.+?-]*)$/.exec(before);
  if (m) return propertyNameCompletions(a, file, toAnalysedOffset(a, file, offset, text), m[1], range(offset - m[1].length));
  return [];
}

/**
 * The buffer being edited may differ from the text the analysis saw: map a buffer
 * offset to the analysed text (unchanged prefix and suffix; inside the edited
 * region, the start of the edit).
 */
export function toAnalysedOffset(a: Analysis, file: string, offset: number, text: string): number {
  const orig = a.fileText(file);
  if (orig === undefined || orig === text) return offset;
  const max = Math.min(orig.length, text.length);
  let p = 0;
  while (p < max && orig.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && orig.charCodeAt(orig.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  if (offset <= p) return offset;
  if (offset >= text.length - s) return offset - (text.length - orig.length);
  return p;
}

function nodeAtCursor(a: Analysis, file: string, offset: number): TreeNode | undefined {
  const loc = locate(a, file, offset);
  if (!loc) return undefined;
  if (loc.kind === 'node' || loc.kind === 'refNode' || loc.kind === 'rootNode') return loc.node;
  return loc.property?.node ?? loc.enclosingNode ?? loc.node;
}

function stringValueCompletions(a: Analysis, prop: string, typed: string, range: FileRange): CompletionItem[] {
  const out: CompletionItem[] = [];
  if (prop === 'status') {
    for (const [v, doc] of STATUS_VALUES) if (v.startsWith(typed)) out.push({ label: v, kind: 'value', documentation: doc, range });
  } else if (prop === 'compatible') {
    const seen = new Set<string>();
    for (const c of iommuCompatibles(a)) {
      if (!c.compatible.startsWith(typed) || seen.has(c.compatible)) continue;
      seen.add(c.compatible);
      out.push({ label: c.compatible, kind: 'value', detail: `IOMMU (${c.family})`, range });
    }
    for (const n of getIndex(a).allNodes) {
      for (const c of compatibles(n)) {
        if (!c.startsWith(typed) || seen.has(c)) continue;
        seen.add(c);
        out.push({ label: c, kind: 'value', detail: 'used in this context', range });
      }
    }
  }
  return out.slice(0, MAX_ITEMS);
}

function propertyNameCompletions(a: Analysis, file: string, offset: number, typed: string, range: FileRange): CompletionItem[] {
  const n = nodeAtCursor(a, file, offset);
  const present = new Set(n ? n.properties.map((p) => p.name) : []);
  const out: CompletionItem[] = [];
  const seen = new Set<string>();
  const facts = n ? iommuFactsForNode(a, n) : undefined;
  if (facts && !present.has('#iommu-cells') && '#iommu-cells'.startsWith(typed)) {
    const v = facts.iommuCells.length === 1 ? String(facts.iommuCells[0]) : '';
    out.push({
      label: '#iommu-cells',
      kind: 'property',
      detail: `${facts.family}: ${facts.iommuCells.join(' or ')}`,
      insertText: `#iommu-cells = <${v}>;`,
      documentation: facts.cellMeaning,
      range,
    });
    seen.add('#iommu-cells');
  }
  for (const [name, snippet] of COMMON_PROPERTIES) {
    if (seen.has(name) || present.has(name) || !name.startsWith(typed)) continue;
    seen.add(name);
    out.push({ label: name, kind: 'property', insertText: snippet, range });
  }
  // property names used elsewhere in this context
  for (const m of getIndex(a).allNodes) {
    for (const p of m.properties) {
      if (seen.has(p.name) || present.has(p.name) || !p.name.startsWith(typed)) continue;
      seen.add(p.name);
      out.push({ label: p.name, kind: 'property', detail: 'used in this context', range });
      if (out.length >= MAX_ITEMS) return out;
    }
  }
  return out;
}

function includeCompletions(a: Analysis, file: string, angle: boolean, typed: string, offset: number): CompletionItem[] {
  const fs = a.fs;
  if (!fs) return [];
  const slash = typed.lastIndexOf('/');
  const dirPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
  const namePart = typed.slice(slash + 1);
  const bases = angle ? a.includePaths : [dirname(file), ...a.includePaths];
  const out: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const base of bases) {
    const dir = join(base, dirPart);
    for (const entry of fs.listDir(dir)) {
      if (!entry.startsWith(namePart) || entry.startsWith('.') || seen.has(entry)) continue;
      const st = fs.stat(join(dir, entry));
      if (st === 'directory') {
        seen.add(entry);
        out.push({ label: entry + '/', kind: 'folder', detail: dir, range: { file, start: offset - namePart.length, end: offset } });
      } else if (st === 'file' && /\.(h|dtsi|dts|dtso)$/.test(entry)) {
        seen.add(entry);
        out.push({ label: entry, kind: 'file', detail: join(dir, entry), range: { file, start: offset - namePart.length, end: offset } });
      }
      if (out.length >= MAX_ITEMS) return out;
    }
  }
  out.sort((x, y) => (x.kind !== y.kind ? (x.kind === 'folder' ? -1 : 1) : x.label < y.label ? -1 : 1));
  return out;
}

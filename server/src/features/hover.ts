// Hover: facts about what is under the cursor, as Markdown.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import { bindingForProperty } from '../model/iommu';
import type { SupplierEdge } from '../model/types';
import type * as ast from '../syntax/ast';
import type { DeletedItem, TreeNode, TreeProperty } from '../tree/types';
import { getIndex, locate, type Located } from './locate';
import { cellNamesFor, iommuFactsForNode } from './model-info';
import { probeHoverSection } from './probe';
import { cellsProperties, compatibles, hex, nodePath, statusOf, whereText } from './util';

export interface HoverResult {
  markdown: string;
  range: FileRange;
}

export function getHover(a: Analysis, file: string, offset: number): HoverResult | undefined {
  const loc = locate(a, file, offset);
  if (!loc) return undefined;
  const parts: string[] = [];
  switch (loc.kind) {
    case 'macro': {
      if (loc.macro) parts.push(macroHover(a, loc));
      if (loc.edge) parts.push(specifierText(a, loc.edge));
      break;
    }
    case 'include': {
      const inc = loc.include!;
      parts.push(inc.resolved ? `\`${inc.resolved}\`` : `\`${inc.spelled}\` was not found on the include path`);
      break;
    }
    case 'reference': {
      if (!loc.node) {
        const r = idxRef(loc);
        parts.push(`Unresolved reference \`${r}\``);
        break;
      }
      parts.push(nodeHover(a, loc.node, loc.edge));
      break;
    }
    case 'label': {
      if (loc.property && loc.label && a.tree.labels.get(loc.label.name)?.property === loc.property) {
        parts.push(`Label \`${loc.label.name}\` on property \`${loc.property.name}\` of \`${nodePath(loc.property.node)}\``);
      } else if (loc.node) {
        parts.push(nodeHover(a, loc.node, undefined));
      } else if (loc.label) {
        parts.push(`Label \`${loc.label.name}\``);
      }
      break;
    }
    case 'nodeName': {
      if (loc.node) parts.push(nodeHover(a, loc.node, undefined));
      else if (loc.deleted) parts.push(deletedText(a, loc.deleted));
      break;
    }
    case 'propertyName': {
      if (loc.property) parts.push(propertyHover(a, loc.property));
      else if (loc.deleted) parts.push(deletedText(a, loc.deleted));
      break;
    }
    case 'cell': {
      if (loc.edge) parts.push(specifierText(a, loc.edge));
      else {
        const item = getIndex(a).items[loc.item].data as ast.CellItem;
        if (item.kind === 'expr' && item.expr.kind === 'number') {
          const v = item.expr.value;
          parts.push(`\`${hex(v)}\` = \`${v.toString(10)}\``);
        }
      }
      break;
    }
    default:
      return undefined;
  }
  if (!parts.length) return undefined;
  return { markdown: parts.join('\n\n---\n\n'), range: loc.range };
}

/** A node or property a delete directive removed: its path and where the directive is. */
function deletedText(a: Analysis, d: DeletedItem): string {
  const by = a.pp.map.toFileRange(d.deletedBy.start, d.deletedBy.end);
  return `\`${d.path}\` — deleted at ${whereText(a, by)}`;
}

function idxRef(loc: Located): string {
  const r = loc.ref?.ref;
  if (!r) return '&?';
  return r.kind === 'labelRef' ? `&${r.name}` : `&{${r.path}}`;
}

function macroHover(a: Analysis, loc: Located): string {
  const m = loc.macro!;
  const d = m.definition;
  const lines: string[] = [];
  if (d) {
    const sig = d.params ? `${d.name}(${[...d.params, ...(d.variadic ? ['...'] : [])].join(', ')})` : d.name;
    lines.push('```c\n#define ' + sig + (d.body ? ' ' + d.body : '') + '\n```');
  } else {
    lines.push('```c\n' + m.name + '\n```');
  }
  lines.push(`Expands to: \`${displayExpansion(m.expansion)}\``);
  if (d?.location) lines.push(`Defined in ${whereText(a, d.location)}`);
  return lines.join('\n\n');
}

/** An expansion as a person would write it: no leading or doubled blanks, none before `,` `)` or after `(`. */
export function displayExpansion(x: string): string {
  return x.replace(/\s+/g, ' ').trim().replace(/ ([,)])/g, '$1').replace(/\( /g, '(');
}

function distinct(nodes: TreeNode[]): number {
  return new Set(nodes).size;
}

/** Property (non-parent) suppliers and consumers of a node. */
export function propertyEdges(a: Analysis, n: TreeNode): { suppliers: SupplierEdge[]; consumers: SupplierEdge[] } {
  return {
    suppliers: a.graph.suppliersOf(n).filter((e) => e.kind === 'property'),
    consumers: a.graph.consumersOf(n).filter((e) => e.kind === 'property'),
  };
}

/**
 * The hover of a node, made of sections (each a function of the node and, when the cursor is on a
 * specifier's reference, its edge; undefined leaves the section out). Other stages add their section
 * to this list (one line each) rather than editing the others.
 */
const NODE_SECTIONS: Array<(a: Analysis, n: TreeNode, edge: SupplierEdge | undefined) => string | undefined> = [
  nodeSection,
  (a, _n, edge) => (edge ? specifierText(a, edge) : undefined),
  iommuSection,
  linksSection,
  (a, n) => compactSection(probeHoverSection(a, n)),
];

/** A section's bullet list on the line of its heading ("heading · item · item"), so the hover stays short. */
function compactSection(md: string | undefined): string | undefined {
  if (!md) return md;
  const out: string[] = [];
  for (const line of md.split('\n')) {
    if (!line.trim()) continue;
    const item = /^\s*[-*] (.*)$/.exec(line);
    if (item && out.length) out[out.length - 1] += ` · ${item[1]}`;
    else out.push(line);
  }
  return out.join('  \n');
}

export function nodeHover(a: Analysis, n: TreeNode, edge: SupplierEdge | undefined): string {
  const out: string[] = [];
  for (const section of NODE_SECTIONS) {
    const s = section(a, n, edge);
    if (s) out.push(s);
  }
  return out.join('\n\n');
}

/** The node as DTS: labels, name, path (and phandle) as a comment, compatible, #xxx-cells, a status other than okay. */
function nodeSection(a: Analysis, n: TreeNode): string {
  const head = [...n.labels.map((l) => l.name + ': '), n.parent ? n.name : '/'].join('');
  const lines = [`${head} {${n.parent ? `  // ${nodePath(n)}${n.phandle !== undefined ? `, phandle ${hex(n.phandle)}` : ''}` : ''}`];
  const compat = compatibles(n);
  if (compat.length) lines.push(`\tcompatible = ${compat.map((c) => JSON.stringify(c)).join(', ')};`);
  for (const c of cellsProperties(n)) lines.push(`\t${c.name} = <${c.value ?? '?'}>;`);
  const status = statusOf(n);
  if (status !== 'okay' && status !== 'ok') lines.push(`\tstatus = "${status}";`);
  lines.push('};');
  return '```dts\n' + lines.join('\n') + '\n```';
}

/** One line of IOMMU driver facts from the model. */
function iommuSection(a: Analysis, n: TreeNode): string | undefined {
  const f = iommuFactsForNode(a, n);
  if (!f) return undefined;
  const cells = f.cellNames.length ? `cells: ${f.cellNames.join(', ')}` : `#iommu-cells ${f.iommuCells.join(' or ')}`;
  if (!f.hasDriver) return `**IOMMU** ${f.family}: no kernel driver · ${cells}`;
  const parts = [
    `**IOMMU** ${f.driverName} driver`,
    `CONFIG_${f.kconfig} (${f.modular ? 'tristate' : 'built-in only'})`,
    f.initLevel ?? '',
    f.canDefer ? 'can defer' : 'cannot defer probe',
    cells,
  ].filter(Boolean);
  let text = parts.join(' · ');
  if (!f.driverMatched && f.missingFallbacks?.length) text += `  \nNo driver matches without ${f.missingFallbacks.map((c) => `"${c}"`).join(' or ')}`;
  return text;
}

function linksSection(a: Analysis, n: TreeNode): string {
  const { suppliers, consumers } = propertyEdges(a, n);
  return `Suppliers: ${distinct(suppliers.map((e) => e.supplier))} · Consumers: ${distinct(consumers.map((e) => e.consumer))}`;
}

/** The argument cells of a specifier as the source writes them: a macro by name with its value, a number as is. */
function argsAsWritten(a: Analysis, e: SupplierEdge): Array<{ text: string; value: bigint; macro: boolean }> {
  const out: Array<{ text: string; value: bigint; macro: boolean }> = [];
  for (const c of e.args) {
    const r = a.pp.map.toFileRange(c.start, c.end);
    const src = a.fileText(r.file)?.slice(r.start, r.end).replace(/\s+/g, ' ').trim();
    const macro = !!src && !/^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/.test(src) && src.length <= 60 && !!a.pp.map.macroAt(c.start);
    out.push({ text: macro ? src! : hex(c.value), value: c.value, macro });
  }
  return out;
}

/** "**iommus[0]** → apps_smmu: stream ID 0x100, SMR mask 0x0"; a cell written as a macro: "clock ID GCC_UFS_PHY_AXI_CLK = 0x8a" */
export function specifierText(a: Analysis, e: SupplierEdge): string {
  const args = argsAsWritten(a, e);
  const names = cellNamesFor(a, e.binding, e.supplier, args.length);
  const cells = args.length === 0
    ? 'no argument cells'
    : args.map((c, i) => {
      const v = c.macro ? `${c.text} = ${hex(c.value)}` : c.text;
      return names ? `${names[i]} ${v}` : `cell ${i + 1} ${v}`;
    }).join(', ');
  const prop = e.property ? e.property.name : e.binding;
  const who = e.supplier.labels[0]?.name ?? nodePath(e.supplier);
  return `**${prop}[${e.index}]** → ${who}: ${cells}`;
}

export function propertyHover(a: Analysis, p: TreeProperty): string {
  const lines: string[] = [];
  lines.push(`Property \`${p.name}\` of \`${nodePath(p.node)}\``);
  const sets = p.contributions.filter((c) => c.kind !== 'deletion');
  const where: string[] = [];
  sets.forEach((c, i) => {
    const r = a.pp.map.toFileRange(c.nameSpan.start, c.nameSpan.end);
    where.push(`${i === 0 ? 'defined in' : 'overridden in'} ${whereText(a, r)}`);
  });
  if (where.length) {
    const s = where.join(', ');
    lines.push(s[0].toUpperCase() + s.slice(1));
  }
  const b = bindingForProperty(a.model, p.name);
  if (b) {
    const edges = getIndex(a).edgesByProperty.get(p) ?? [];
    const n = distinct(edges.map((e) => e.supplier));
    lines.push(`Supplier binding \`${b.name}\`${b.cellsProperty ? ` (\`${b.cellsProperty}\`)` : ''}${b.optional ? ', optional for fw_devlink' : ''}: ${n} supplier${n === 1 ? '' : 's'}`);
  }
  return lines.join('\n\n');
}

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
  lines.push(`Expands to: \`${m.expansion}\``);
  if (d?.location) lines.push(`Defined in ${whereText(a, d.location)}`);
  return lines.join('\n\n');
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

export function nodeHover(a: Analysis, n: TreeNode, edge: SupplierEdge | undefined): string {
  const lines: string[] = [];
  const head = [...n.labels.map((l) => l.name + ': '), n.parent ? n.name : '/'].join('');
  lines.push('```dts\n' + head + '\n```');
  const info: string[] = [];
  info.push(`Path: \`${nodePath(n)}\``);
  if (n.labels.length) info.push(`Labels: ${n.labels.map((l) => '`' + l.name + '`').join(', ')}`);
  const compat = compatibles(n);
  if (compat.length) info.push(`Compatible: ${compat.map((c) => '`' + c + '`').join(', ')}`);
  info.push(`Status: \`${statusOf(n)}\``);
  for (const c of cellsProperties(n)) info.push(`\`${c.name} = <${c.value ?? '?'}>\``);
  if (n.phandle !== undefined) info.push(`Phandle: \`${hex(n.phandle)}\``);
  lines.push(info.join('  \n'));
  if (edge) lines.push(specifierText(a, edge));
  const f = iommuFactsForNode(a, n);
  if (f) {
    const iommu: string[] = [];
    iommu.push(`**IOMMU** (model family \`${f.family}\`, matched \`${f.compatible}\`)`);
    if (f.hasDriver) {
      iommu.push(`Driver: \`${f.driverName}\`, Kconfig \`CONFIG_${f.kconfig}\` — ${f.modular ? 'tristate (built-in or module)' : 'bool (built-in only)'}`);
      if (f.initLevel) iommu.push(`Registered at: ${f.initLevel}`);
      iommu.push(`Can defer probe: ${f.canDefer ? 'yes' : 'no'}`);
      if (!f.driverMatched && f.missingFallbacks?.length) iommu.push(`No driver matches: needs a fallback compatible (${f.missingFallbacks.map((c) => '`' + c + '`').join(' or ')})`);
    } else {
      iommu.push('No kernel driver');
    }
    iommu.push(`Allowed \`#iommu-cells\`: ${f.iommuCells.join(', ')}${f.cellNames.length ? ` (${f.cellNames.join(', ')})` : ''}`);
    lines.push(iommu.join('  \n'));
  }
  const { suppliers, consumers } = propertyEdges(a, n);
  lines.push(`Suppliers: ${distinct(suppliers.map((e) => e.supplier))} · Consumers: ${distinct(consumers.map((e) => e.consumer))}`);
  const probe = probeHoverSection(a, n);
  if (probe) lines.push(probe);
  return lines.join('\n\n');
}

/** "**iommus[0]** → `apps_smmu`: stream ID 0x100, SMR mask 0x0" */
export function specifierText(a: Analysis, e: SupplierEdge): string {
  const args = e.args.map((c) => c.value);
  const names = cellNamesFor(a, e.binding, e.supplier, args.length);
  const cells = args.length === 0
    ? 'no argument cells'
    : args.map((v, i) => (names ? `${names[i]} ${hex(v)}` : `cell ${i + 1} = ${hex(v)}`)).join(', ');
  const prop = e.property ? e.property.name : e.binding;
  const who = e.supplier.labels[0]?.name ?? nodePath(e.supplier);
  return `**Specifier** \`${prop}[${e.index}]\` → \`${who}\`: ${cells}`;
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

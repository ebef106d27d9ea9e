// The binding section of hover: on a node, its binding (title, description, file); on a property (its name
// or value), what the binding says of it (type, default, allowed values, description).
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type { BindingDocs, NodeBindingDoc, PropertyDoc } from '../bindings/docs';
import type { TreeNode, TreeProperty } from '../tree/types';
import { locate } from './locate';

const MAX_DESCRIPTION = 700;

function short(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = s.replace(/\s*\n\s*\n\s*/g, '\n\n').trim();
  return t.length > MAX_DESCRIPTION ? `${t.slice(0, MAX_DESCRIPTION).replace(/\s+\S*$/, '')} …` : t;
}

function value(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'number') return v > 9 ? `0x${v.toString(16)}` : String(v);
  if (Array.isArray(v)) return `<${v.map(value).join(' ')}>`;
  return String(v);
}

function link(file: string | undefined, name: string): string {
  return file ? `[${name}](file://${encodeURI(file)})` : name;
}

export function nodeBindingMarkdown(b: NodeBindingDoc): string {
  const lines = [`**Binding** ${link(b.file, `\`${b.name}\``)}${b.title ? `: ${b.title}` : ''}`];
  const d = short(b.description);
  if (d) lines.push('', d);
  if (b.required.length) lines.push('', `Required: ${b.required.map((r) => `\`${r}\``).join(', ')}`);
  return lines.join('\n');
}

export function propertyDocMarkdown(d: PropertyDoc, binding: NodeBindingDoc | undefined): string {
  const facts: string[] = [];
  if (d.type) facts.push(`type \`${d.type}\``);
  if (d.required) facts.push('required');
  if (d.deprecated) facts.push('deprecated');
  if (d.default !== undefined) facts.push(`default \`${value(d.default)}\``);
  if (d.const !== undefined) facts.push(`must be \`${value(d.const)}\``);
  if (d.enum && d.enum.length) {
    const shown = d.enum.slice(0, 12).map((x) => `\`${value(x)}\``).join(', ');
    facts.push(`one of ${shown}${d.enum.length > 12 ? `, … (${d.enum.length})` : ''}`);
  }
  const lines = [`**\`${d.name}\`**${facts.length ? ` — ${facts.join(' · ')}` : ''}`];
  const desc = short(d.description);
  if (desc) lines.push('', desc);
  if (d.itemDescriptions && d.itemDescriptions.some((x) => x)) {
    lines.push('', ...d.itemDescriptions.map((x, i) => `${i}. ${x || '—'}`));
  }
  if (binding) lines.push('', `From ${link(d.location?.file ?? binding.file, `\`${binding.name}\``)}`);
  return lines.join('\n');
}

/** The binding section for the node or property at a position (undefined when bindings say nothing). */
export function bindingHover(a: Analysis, docs: BindingDocs | undefined, file: string, offset: number): { markdown: string; range: FileRange } | undefined {
  if (!docs) return undefined;
  const loc = locate(a, file, offset);
  if (!loc) return undefined;
  let prop: TreeProperty | undefined;
  let node: TreeNode | undefined;
  if (loc.kind === 'nodeName' || loc.kind === 'node' || loc.kind === 'rootNode') node = loc.node;
  else if (loc.property && loc.kind !== 'reference' && loc.kind !== 'label') prop = loc.property;
  if (prop) {
    const d = docs.propertyDoc(prop.node, prop.name);
    if (!d) return undefined;
    return { markdown: propertyDocMarkdown(d, docs.nodeBinding(prop.node)), range: loc.range };
  }
  if (node) {
    const b = docs.nodeBinding(node);
    return b ? { markdown: nodeBindingMarkdown(b), range: loc.range } : undefined;
  }
  return undefined;
}

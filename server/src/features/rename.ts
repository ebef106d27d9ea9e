// Rename a label across the context: its definition(s) and every &label and
// &{label/...} use, in every file.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type * as ast from '../syntax/ast';
import { getIndex, locate } from './locate';
import { LABEL_RE } from './util';

export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export type PrepareRenameResult = { range: FileRange; placeholder: string } | { error: string };

/** The label name under the cursor and the range of just the name. */
function labelAt(a: Analysis, file: string, offset: number): { name: string; range: FileRange } | { error: string } | undefined {
  const loc = locate(a, file, offset);
  if (!loc) return undefined;
  if (loc.kind === 'label' && loc.label) {
    const r = nameRange(a, loc.label.start, loc.label.end, loc.label.name);
    return r ? { name: loc.label.name, range: r } : { error: `The label \`${loc.label.name}\` is produced by a macro and cannot be renamed here.` };
  }
  if (loc.kind === 'reference' && loc.ref) {
    const ref = loc.ref.ref;
    const name = ref.kind === 'labelRef' ? ref.name : ref.path.startsWith('/') ? undefined : ref.path.split('/')[0];
    if (!name) return { error: 'A full-path reference names no label.' };
    const r = nameRange(a, ref.start, ref.end, name);
    return r ? { name, range: r } : { error: `The reference to \`${name}\` is produced by a macro and cannot be renamed here.` };
  }
  return undefined;
}

/** File range of `name` inside output span [s, e) when it is written verbatim. */
function nameRange(a: Analysis, s: number, e: number, name: string): FileRange | undefined {
  const i = a.pp.text.indexOf(name, s);
  if (i < 0 || i + name.length > e) return undefined;
  if (a.pp.map.macroAt(i)) return undefined;
  const r = a.pp.map.toFileRange(i, i + name.length);
  const t = a.fileText(r.file);
  if (t === undefined || t.slice(r.start, r.end) !== name) return undefined;
  return r;
}

export function prepareRename(a: Analysis, file: string, offset: number): PrepareRenameResult | undefined {
  const l = labelAt(a, file, offset);
  if (!l) return undefined;
  if ('error' in l) return l;
  return { range: l.range, placeholder: l.name };
}

export function getRenameEdits(a: Analysis, file: string, offset: number, newName: string): TextEdit[] | { error: string } {
  const l = labelAt(a, file, offset);
  if (!l) return { error: 'Only labels can be renamed: place the cursor on a label or an &label reference.' };
  if ('error' in l) return l;
  if (!LABEL_RE.test(newName)) return { error: `\`${newName}\` is not a valid label name (letters, digits and '_', not starting with a digit).` };
  if (newName === l.name) return [];
  const idx = getIndex(a);
  const old = l.name;
  let collides = a.tree.labels.has(newName);
  const edits: TextEdit[] = [];
  const problems: string[] = [];
  const add = (s: number, e: number): void => {
    const r = nameRange(a, s, e, old);
    if (!r) {
      const where = a.pp.map.toFileRange(s, e);
      problems.push(`${where.file}:${where.start}`);
      return;
    }
    edits.push({ file: r.file, start: r.start, end: r.end, newText: newName });
  };
  for (const it of idx.items) {
    if (it.kind === 'label') {
      const lab = it.data as ast.Label;
      if (lab.name === newName) collides = true;
      if (lab.name === old) add(lab.start, lab.end);
    } else if (it.kind === 'reference') {
      const r = it.data as ast.Reference;
      if (r.kind === 'labelRef' ? r.name === old : r.path === old || r.path.startsWith(old + '/')) add(r.start, r.end);
    }
  }
  if (collides) return { error: `The label \`${newName}\` already exists in this context.` };
  if (problems.length) return { error: `\`${old}\` is also used inside macro expansions (${problems.slice(0, 3).join(', ')}); rename it by hand.` };
  // a file included twice yields the same edit twice
  const seen = new Set<string>();
  const out = edits.filter((e) => {
    const k = `${e.file}\0${e.start}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  out.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.start - y.start));
  return out;
}

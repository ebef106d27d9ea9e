// iommu-cells-mismatch, phandle-cells-mismatch, missing-cells-property.
// Specifiers are counted per < > group as written (one specifier per group is
// how users write them, and the chunks keep that structure), which catches what
// dtc misses: a trailing 0 (read by the kernel as an empty entry), a reference
// that lands in argument position, and a non-reference cell in phandle position.
// Each message says what the kernel's of_parse_phandle_with_args makes of the
// whole property (drivers/of/base.c: of_phandle_iterator_next): which index the
// stray cells become and what the binding's kernel users do with it.
import type { Span } from '../syntax/ast';
import type { Cell, TreeNode, TreeProperty, ValueChunk } from '../tree/types';
import { getProperty, phandleNode } from '../tree/types';
import { phandleTarget } from '../model/graph';
import { bindingForProperty, bindingMatcher, findIommuFamily, iommuCellNames } from '../model/iommu';
import { noteMatcher } from '../tree/value-reads';
import { compatibles, explicitPhandleProperty, hex, nodeNameSpan, nodeRef } from '../model/tree-util';
import { message, unitCheck, type CheckContext, type Reporter, type UnitCheck } from './context';

interface CellsBinding {
  name: string;
  cellsProperty: string;
  cellsOptional?: boolean;
}

function cellsBindingFor(ctx: CheckContext, node: TreeNode, name: string): CellsBinding | undefined {
  const b = bindingForProperty(ctx.model, name);
  if (b) {
    if (!b.cellsProperty) return undefined;
    if (b.decoder === 'iommu-map' || b.decoder === 'interrupt-map' || b.decoder === 'remote-endpoint') return undefined;
    if (b.decoder === 'interrupts' && name !== 'interrupts-extended') return undefined;
    if (b.skipIfNodeHas && getProperty(node, b.skipIfNodeHas)) return undefined;
    // gpio hogs carry bare specifiers (no phandle); dtc skips them too
    if (b.cellsProperty === '#gpio-cells' && getProperty(node, 'gpio-hog')) return undefined;
    return { name: b.name, cellsProperty: b.cellsProperty, cellsOptional: b.cellsOptional };
  }
  for (let xIndex = 0, xList = ctx.model.extraCellChecks; xIndex < xList.length; xIndex++) { const x = xList[xIndex]; if (x.names.includes(name)) return { name: x.name, cellsProperty: x.cellsProperty }; }
  return undefined;
}

type CellsChunk = Extract<ValueChunk, { kind: 'cells' }>;

/** One property the cells check looks at, with its binding. */
interface CellsUnit {
  node: TreeNode;
  p: TreeProperty;
  b: CellsBinding;
}

/** The properties the check looks at, in the order of its findings (their names and the tree's shape decide, no value). */
function cellsUnits(ctx: CheckContext): CellsUnit[] {
  const out: CellsUnit[] = [];
  // (every property is picked by its binding's name, or an extra cell check's)
  noteMatcher(bindingMatcher(ctx.model));
  const stack: TreeNode[] = [ctx.tree.root];
  while (stack.length) {
    const node = stack.pop()!;
    for (let pIndex = 0, pList = node.properties; pIndex < pList.length; pIndex++) {
      const p = pList[pIndex];
      const b = cellsBindingFor(ctx, node, p.name);
      if (b) out.push({ node, p, b });
    }
    for (let cIndex = 0, cList = node.children; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; stack.push(c); }
  }
  return out;
}

function checkUnit(ctx: CheckContext, r: Reporter, u: CellsUnit): void {
  checkProperty(ctx, r, u.node, u.p, u.b);
}

// a property's findings depend on its value and its providers' cell counts: a keystroke runs again only the
// properties that read the value it changed (checks/index.ts)
// (it reads the tree and the model, never the graph: a provider's #...-cells changed runs its consumers again)
export const checkCells: UnitCheck<CellsUnit> = unitCheck('checkCells', { list: cellsUnits, one: checkUnit }, true);

function readCells(target: TreeNode, name: string): { value: number; prop: TreeProperty } | undefined {
  const p = getProperty(target, name);
  if (!p) return undefined;
  const c = p.chunks[0];
  if (!c || c.kind !== 'cells' || c.cells.length === 0) return undefined;
  return { value: Number(c.cells[0].value & 0xffffffffn), prop: p };
}

/** How the kernel walks the flattened property: the index of the entry starting at each cell, and where (if anywhere) the walk fails. */
interface KernelWalk {
  entryAt: Map<Cell, number>;
  entries: number;
  fail?: { at: Cell; index: number; why: string };
}

function kernelWalk(ctx: CheckContext, cells: Cell[], b: CellsBinding): KernelWalk {
  const entryAt = new Map<Cell, number>();
  let k = 0;
  let i = 0;
  while (i < cells.length) {
    const ph = cells[i];
    entryAt.set(ph, k);
    if (!ph.ref && ph.value === 0n) {
      i++;
      k++;
      continue;
    }
    const target = ph.ref ? ph.ref.target : phandleNode(ctx.tree, ph.value);
    if (!target) {
      if (ph.ref) return { entryAt, entries: k }; // unresolved reference: reported by the merge stage
      return { entryAt, entries: k, fail: { at: ph, index: k, why: `no node has phandle ${hex(ph.value)} ("could not find phandle")` } };
    }
    const cp = readCells(target, b.cellsProperty);
    if (!cp && !b.cellsOptional) {
      return { entryAt, entries: k, fail: { at: ph, index: k, why: `${nodeRef(target)} has no ${b.cellsProperty}` } };
    }
    const count = cp ? cp.value : 0;
    if (i + 1 + count > cells.length) {
      return { entryAt, entries: k, fail: { at: ph, index: k, why: `the specifier of ${nodeRef(target)} runs past the end of the property` } };
    }
    i += 1 + count;
    k++;
  }
  return { entryAt, entries: k };
}

/** What the kernel users of a binding do with an empty entry (phandle 0) at `index` of a property with `entries` entries. */
function emptyEntryConsequence(binding: string, index: number): string {
  switch (binding) {
    case 'clocks':
      return `devm_clk_get(dev, NULL) reads index 0 only, but of_clk_get_parent_count() counts the empty entry and clk_bulk_get_all() fails on it with -ENOENT`;
    case 'mboxes':
      return `mbox_request_channel(cl, ${index}) fails with -ENOENT ("can't parse \\"mboxes\\" property")`;
    case 'sound-dai':
      return `snd_soc_of_get_dai_link_codecs()/_cpus() count every entry (of_count_phandle_with_args) and fail with -ENOENT on the empty one, so the DAI link is not parsed and a card driver using them (e.g. qcom_snd_parse_of) fails to probe`;
    case 'thermal-sensors':
      return `of_thermal_zone_find() counts every entry and fails with -ENOENT on the empty one, so registering any sensor whose lookup reaches this zone without matching an earlier entry (every sensor of a later zone) fails`;
    case 'mux-controls':
      return `mux_control_get(dev, NULL) reads index 0 only; a request for index ${index} fails with -ENOENT`;
    default:
      return `a driver that requests index ${index}, or counts the entries and requests each one, gets -ENOENT`;
  }
}

/** The kernel's walk failed before reaching this group. */
function neverReached(w: KernelWalk): string {
  return `the kernel never gets here: parsing already fails at index ${w.fail!.index}, ${w.fail!.why} (of_parse_phandle_with_args)`;
}

function ordinal(n: number): string {
  return n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

function checkProperty(ctx: CheckContext, r: Reporter, node: TreeNode, p: TreeProperty, b: CellsBinding): void {
  if (p.chunks.length === 0) return;
  for (let cIndex = 0, cList = p.chunks; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; if (c.kind !== 'cells' || c.bits !== 32) return; } // not a phandle list; other checks own it
  const isIommu = p.name === 'iommus';
  const code = isIommu ? 'iommu-cells-mismatch' : 'phandle-cells-mismatch';
  // decompiled sources (no references at all) write phandles as numbers; elsewhere a raw number that is a
  // node's phandle is a reference too (the kernel resolves it; raw-phandles.ts suggests &label) at the start
  // of a < > group, or when the node sets that phandle explicitly; a number that is only dtc's numbering,
  // after a complete specifier in the same group, stays an extra cell
  const rawPhandles = ctx.tree.references.length === 0;
  let walk: KernelWalk | undefined;
  const kernel = () => {
    if (!walk) {
      const flat: Cell[] = [];
      for (let chIndex = 0, chList = p.chunks as CellsChunk[]; chIndex < chList.length; chIndex++) { const ch = chList[chIndex]; for (let cIndex = 0, cList = ch.cells; cIndex < cList.length; cIndex++) { const c = cList[cIndex]; flat.push(c); } }
      walk = kernelWalk(ctx, flat, b);
    }
    return walk;
  };
  /** What the kernel makes of a non-zero cell it reads in phandle position (a clause). */
  const strayPhandle = (c: Cell): string => {
    const w = kernel();
    const idx = w.entryAt.get(c);
    const reads = `the kernel reads ${hex(c.value)} as the next phandle`;
    if (idx === undefined) return w.fail ? neverReached(w) : reads;
    const t = phandleNode(ctx.tree, c.value);
    if (!t) return `${reads}, which no node has: index ${idx} and every later one fail to parse (of_parse_phandle_with_args: "could not find phandle")`;
    const msg = `${reads} (dtc's phandle of ${nodeRef(t)})`;
    if (w.fail && w.fail.at === c) return `${msg}, which has no ${b.cellsProperty}: index ${idx} and every later one fail to parse (of_parse_phandle_with_args)`;
    if (w.fail) return `${msg} and decodes index ${idx} from it; parsing then fails at index ${w.fail.index}: ${w.fail.why}`;
    return `${msg} and decodes index ${idx} as a specifier of that node`;
  };
  let previousShort = false;
  for (let chunkIndex = 0, chunkList = p.chunks as CellsChunk[]; chunkIndex < chunkList.length; chunkIndex++) {
    const chunk = chunkList[chunkIndex];
    const cells = chunk.cells;
    let pos = 0;
    let spec: { ph: Cell; target: TreeNode; count: number; cellsProp: TreeProperty | undefined; start: number } | undefined;
    let shortHere = false;
    while (pos < cells.length) {
      const c = cells[pos];
      const raw = c.ref ? undefined : phandleTarget(ctx.tree, c);
      const target = c.ref ? c.ref.target : rawPhandles || pos === 0 || (raw && explicitPhandleProperty(raw)) ? raw : undefined;
      if (!c.ref && !target) {
        if (spec) {
          // cells left over after a complete specifier in the same < > group
          const extra = cells.slice(pos);
          const groupSpan: Span = spec.start === 0 ? chunk : { start: spec.ph.start, end: cells[cells.length - 1].end };
          const argc = spec.count + extra.length;
          const trailingZero = extra.every((x) => x.value === 0n);
          const fact = expects(spec.target, spec.count, argc) + cellMeaningNote(ctx, spec.target, spec.count, isIommu);
          let detail: string;
          if (trailingZero && isIommu) detail = 'the kernel reads the trailing 0 as an empty entry and drops the extra cell; dtc does not warn';
          else if (trailingZero) detail = emptyEntryNote(kernel(), p.name, b.name, extra);
          else detail = strayPhandle(extra[0]);
          r.report(code, groupSpan, message(fact, detail), [r.related(spec.cellsProp?.span, `${b.cellsProperty} of ${nodeRef(spec.target)}`)]);
          break;
        }
        if (c.value === 0n) {
          pos++; // an empty entry (phandle 0), e.g. cs-gpios = <0>
          continue;
        }
        if (previousShort && pos === 0) break; // continuation of a specifier already reported as too short
        r.report(code, c, message(`expected a phandle, got ${hex(c.value)}`, strayPhandle(c)));
        break;
      }
      if (!target) break; // unresolved reference: reported by the merge stage
      const cp = readCells(target, b.cellsProperty);
      let count: number;
      if (!cp) {
        if (b.cellsOptional) count = 0;
        else {
          r.report(
            'missing-cells-property',
            c,
            message(`${nodeRef(target)} has no ${b.cellsProperty}`, `the ${p.name} specifier cannot be decoded without it`),
            [r.related(nodeNameSpan(target), `${nodeRef(target)} is defined here`)],
          );
          break;
        }
      } else count = cp.value;
      const available = cells.length - pos - 1;
      // a reference to another provider of this binding in argument position: the specifier is short and
      // the next one was swallowed as arguments (a reference to a node that is no such provider can be a
      // legitimate argument, e.g. ti,omap-mailbox's sub-mailbox phandle)
      let refArg = -1;
      for (let j = 1; j <= Math.min(count, available); j++) {
        const t = cells[pos + j].ref?.target;
        if (t && getProperty(t, b.cellsProperty)) { refArg = j; break; }
      }
      if (available < count || refArg > 0) {
        const groupSpan: Span = pos === 0 ? chunk : { start: c.start, end: cells[cells.length - 1].end };
        const have = refArg > 0 ? refArg - 1 : available;
        const fact = expects(target, count, have) + cellMeaningNote(ctx, target, count, isIommu);
        const related = [r.related(cp?.prop.span, `${b.cellsProperty} of ${nodeRef(target)}`)];
        let detail = '';
        if (refArg > 0) {
          const ref = cells[pos + refArg];
          const refName = ref.ref?.target ? nodeRef(ref.ref.target) : 'the next reference';
          detail = `${refName} lands in argument position`;
          const w = kernel();
          if (w.fail && w.entryAt.get(c) === undefined) {
            r.report(code, groupSpan, message(fact, `${detail}; ${neverReached(w)}`), related);
            shortHere = true;
            break;
          }
          detail += `: the kernel takes its phandle as the ${ordinal(refArg)} argument cell`;
          const next = cells[pos + 1 + count];
          if (next && !next.ref && next.value !== 0n) detail += strayPhandle(next).replace(/^the kernel/, ' and');
          else if (next && !next.ref) detail += ` and reads the 0 after it as an empty entry`;
          else if (!next) {
            const w = kernel();
            detail += w.fail ? `; parsing fails at index ${w.fail.index}: ${w.fail.why}` : '';
          }
        } else {
          const w = kernel();
          const idx = w.entryAt.get(c);
          if (w.fail && idx !== undefined && w.fail.at === c) detail = `index ${idx} and every later one fail to parse: ${w.fail.why} (of_parse_phandle_with_args)`;
          else if (chunk !== p.chunks[p.chunks.length - 1]) detail = 'the kernel takes the missing argument cells from the next < > group';
        }
        r.report(code, groupSpan, message(fact, detail), related);
        shortHere = true;
        break;
      }
      spec = { ph: c, target, count, cellsProp: cp?.prop, start: pos };
      pos += 1 + count;
    }
    previousShort = shortHere;
  }
}

/** A group ends with 0 cells after a complete specifier: each 0 is read as phandle 0, an empty entry (a clause). */
function emptyEntryNote(w: KernelWalk, prop: string, binding: string, zeros: Cell[]): string {
  const idx = w.entryAt.get(zeros[0]);
  const n = zeros.length;
  const what = n === 1 ? 'the trailing 0 as phandle 0, an empty entry' : `the ${n} trailing 0s as ${n} empty entries (phandle 0)`;
  if (idx === undefined) return w.fail ? neverReached(w) : `the kernel reads ${what}`;
  const at = n === 1 ? `index ${idx}` : `indexes ${idx}..${idx + n - 1}`;
  const total = w.fail ? '' : `${prop} has ${w.entries} entries for the kernel and `;
  let msg = `the kernel reads ${what}: ${total}of_parse_phandle_with_args returns -ENOENT for ${at}`;
  if (w.fail || idx + n < w.entries) msg += `, so every later specifier moves up ${n} ind${n === 1 ? 'ex' : 'exes'}`;
  return `${msg}; ${emptyEntryConsequence(binding, idx)}`;
}

/** "&smmu expects 1 cell, got 2": the key fact of a cell-count message. */
function expects(target: TreeNode, count: number, got: number): string {
  return `${nodeRef(target)} expects ${count} cell${count === 1 ? '' : 's'}, got ${got}`;
}

function cellMeaningNote(ctx: CheckContext, target: TreeNode, count: number, isIommu: boolean): string {
  if (!isIommu) return '';
  const m = findIommuFamily(ctx.model, compatibles(target));
  if (!m) return '';
  if (count === 0) return ` (${m.family.id}: no arguments)`;
  return ` (${m.family.id}: ${iommuCellNames(m.family, count).join(', ')})`;
}

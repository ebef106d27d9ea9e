// The parts of an analysis that depend on how the context stacks (workspace/stack.ts): a Linux stack (the base
// and each .dtso preprocessed, parsed and built on its own, the overlays then applied like fdtoverlay, all in
// one text with one source map), the dialect of syntax diagnostics, and the notes about an overlay's base.
import type { Diagnostic } from './base/diagnostics';
import { concatResults } from './preprocess/concat';
import { preprocess } from './preprocess';
import type { PreprocessOptions, PreprocessResult } from './preprocess/types';
import type { DtsFile, SyntaxErrorInfo, TopStatement } from './syntax/ast';
import { ParseCache, parseDts } from './syntax/parse';
import { shiftError, shiftStatement } from './syntax/shift';
import { addSymbols, applyOverlay } from './tree/apply-overlay';
import { buildTree } from './tree/merge';
import type { LiveTree } from './tree/types';
import { isOverlayFile, type StackPlan } from './workspace/stack';

/** A syntax error as a diagnostic; in Zephyr trees a property after a subnode is a warning (dtlib accepts it). */
export function syntaxDiagnostic(e: SyntaxErrorInfo, pp: PreprocessResult, zephyr: boolean): Diagnostic {
  const range = pp.map.toFileRange(e.start, e.end);
  if (e.code === 'properties-after-subnodes') {
    if (zephyr) {
      return {
        ...range, severity: 'warning', code: 'properties-after-subnodes',
        message: "property after a subnode: Zephyr's dtlib accepts this, dtc rejects it (Properties must precede subnodes)",
      };
    }
    return { ...range, severity: 'error', code: 'syntax-error', message: e.message };
  }
  return { ...range, severity: 'error', code: e.code ?? 'syntax-error', message: e.message };
}

/** What the user must know about the stack: an overlay analysed without a base. */
export function stackNotes(plan: StackPlan, root: string, _tree: LiveTree): Diagnostic[] {
  if (!plan.noBase || !isOverlayFile(root)) return [];
  return [{
    file: root, start: 0, end: 0, severity: 'warning', code: 'overlay-no-base',
    message: 'no base found for this overlay: it is analysed alone and its references into the base are not checked ' +
      '(name the board: CLI --board or --overlay, the devicetree.board setting, or Select Board Context)',
  }];
}

/** The base and its overlays, each preprocessed and parsed on its own, the overlays applied like fdtoverlay. */
export function* analyzeOverlayStack(
  plan: StackPlan,
  ppOptions: PreprocessOptions,
  parseCache: ParseCache | undefined,
  stop: () => boolean,
): Generator<string, { pp: PreprocessResult; ast: DtsFile; tree: LiveTree }, void> {
  const files = [plan.base, ...plan.overlays];
  const results = files.map((f) => preprocess(f, ppOptions));
  const { result: pp, offsets } = concatResults(results);
  yield 'preprocess';
  const statements: TopStatement[] = [];
  const errors: SyntaxErrorInfo[] = [];
  const parts: DtsFile[] = [];
  for (let k = 0; k < files.length; k++) {
    const f = parseDts(results[k].text, parseCache, { complete: true, owner: files[k], isCancelled: stop });
    const d = offsets[k];
    const part: DtsFile = d === 0 ? f : { statements: f.statements.map((s) => shiftStatement(s, d)), errors: f.errors.map((e) => shiftError(e, d)) };
    parts.push(part);
    for (const s of part.statements) statements.push(s);
    for (const e of part.errors) errors.push(e);
  }
  yield 'parse';
  const tree = buildTree(parts[0], { map: pp.map, fs: ppOptions.fs, root: plan.base, isCancelled: stop });
  // the base of a stack is compiled with dtc -@ (the kernel does for composite DTBs; fdtoverlay needs it)
  addSymbols(tree);
  for (let k = 1; k < files.length; k++) {
    const ov = buildTree(parts[k], { map: pp.map, fs: ppOptions.fs, root: files[k], isCancelled: stop });
    for (const d of ov.diagnostics) tree.diagnostics.push(d);
    if (!ov.isPlugin) {
      tree.diagnostics.push({
        file: files[k], start: 0, end: 0, severity: 'error', code: 'overlay-target',
        message: `${files[k].slice(files[k].lastIndexOf('/') + 1)} is not an overlay (no '/plugin/;'): fdtoverlay cannot apply it`,
      });
      continue;
    }
    for (const d of applyOverlay(tree, ov, pp.map)) tree.diagnostics.push(d);
  }
  yield 'merge';
  return { pp, ast: { statements, errors }, tree };
}

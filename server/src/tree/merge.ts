// The merge stage: AST -> LiveTree, built the way dtc 1.7 builds its live tree.
//
// The build works in two phases, as dtc does:
//  1. "parser actions" (dtc-parser.y, livetree.c): every node body becomes a fresh
//     node (build_node: its property and child lists kept as written, including
//     `/delete-property/` and `/delete-node/` entries, which are NOT applied inside
//     a fresh body, and including same-named duplicates); later `/ { }` bodies and
//     `&ref { }` bodies are merged into the tree with merge_nodes semantics (a
//     property overrides in place, a child of the same name is merged recursively,
//     delete entries are applied in order). Top-level `/delete-node/ &ref;` and
//     `/omit-if-no-ref/ &ref;` act on the tree built so far.
//  2. "checks" (checks.c, in dtc's order): duplicate node / property names,
//     the `name` property clean-up, duplicate labels, explicit phandles, phandle
//     references (generated phandles numbered in tree pre-order, skipping used
//     values, `phandle` property appended), path references, /omit-if-no-ref/.
// Finally the live (not deleted) part is converted into TreeNode objects.
//
// Deviations, on purpose: checks after a failed prerequisite still run (dtc skips
// them, but it refuses the input anyway), so references are resolved for the
// editor even when the tree has duplicate nodes. Overlays: fragments are built as
// dtc builds them (fragment@N { target = <&label>; __overlay__ { ... } }); the
// __fixups__ / __local_fixups__ nodes dtc writes into the blob are not part of the
// tree. An unresolved label in a /plugin/ is not an error; when ctx.base is given,
// it is resolved against the base tree (ResolvedRef.target then points into the base).
//
// The phases live in their own files: build.ts (1), dtc-checks.ts (2), to-live.ts (the conversion);
// merge-state.ts holds the state and the livetree.c accessors they share, dnodes.ts the working tree.
import type { Diagnostic } from '../base/diagnostics';
import type * as ast from '../syntax/ast';
import type { LiveTree, TreeNode } from './types';
import type { Span } from './dnodes';
import { processStatements, processStatementsSteps } from './build';
import { drain, Slicer } from '../base/slice';
import { runChecks } from './dtc-checks';
import { MergeState, type BuildTreeContext } from './merge-state';
import { toLiveTree } from './to-live';

export { MAX_NODE_DEPTH, type BuildTreeContext } from './merge-state';

function emptyTree(diagnostics: Diagnostic[], isPlugin: boolean): LiveTree {
  const root: TreeNode = { name: '', children: [], properties: [], labels: [], contributions: [], omitIfNoRef: false };
  return { root, memreserves: [], isPlugin, labels: new Map(), phandles: new Map(), references: [], deleted: [], deleteNames: new Set(), diagnostics };
}

/** Build the live tree of a parsed file exactly as dtc builds it. Never throws. */
export function buildTree(file: ast.DtsFile, ctx: BuildTreeContext): LiveTree {
  return drain(buildTreeSteps(file, ctx));
}

/**
 * The same build in time slices of `sliceMs` (the language server's background analyses): it yields between
 * top-level statements once a slice is used up, and between the phases. The AST and the file system it
 * reads must stay the same until it returns.
 */
export function* buildTreeSteps(file: ast.DtsFile, ctx: BuildTreeContext, sliceMs = Infinity): Generator<string, LiveTree, void> {
  const m = new MergeState(ctx);
  try {
    if (sliceMs === Infinity) processStatements(m, file);
    else {
      const slicer = new Slicer(sliceMs);
      for (const done of processStatementsSteps(m, file)) if (!done && slicer.due()) { yield 'merge'; slicer.restart(); }
      yield 'merge';
    }
    runChecks(m);
    if (sliceMs !== Infinity) yield 'merge';
    const tree = toLiveTree(m);
    tree.diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start));
    return tree;
  } catch (e) {
    // (nesting is capped at MAX_NODE_DEPTH: a stack overflow here is a defect like any other exception)
    const msg = `internal error while building the tree: ${e instanceof Error ? e.message : String(e)}`;
    let at: Span = { start: 0, end: 0 };
    const st = file.statements[0];
    if (st) at = { start: st.start, end: st.start };
    try { m.report('resource-limit', at, msg); } catch { /* map failure: give up on the position */ }
    return emptyTree(m.diagnostics, m.isPlugin);
  }
}

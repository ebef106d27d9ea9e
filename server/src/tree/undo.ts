// A keystroke undone after a full merge. Most keystrokes patch the last tree (tree/incremental.ts); the ones that
// cannot be patched (a label that a top-level `&label { … }` names, typed longer: the block no longer applies, and
// the node it extended is merged again) replace the memo with a full merge's. The memo replaced is kept, one per
// parse owner: when a later keystroke gives its text back (the letter deleted again, an undo), it is taken back as it
// was. Nothing has moved it since (a failed patch changes nothing, and its spans were settled first), so its tree,
// supplier graph and checks' findings are those of that text: the analysis goes on as after a patch that changed
// nothing (its diagnostics mapped to the files again). The memo a take-back replaces is kept in its turn, so typing
// the letter again takes that one back. The host drops them at rest (AnalysisHost.releaseAtRest).
import { sameString } from '../base/text';
import type * as ast from '../syntax/ast';
import type { MergeMemo } from './incremental';

/** A memo kept for a keystroke that gives its text back, and the base file its analysis was of. */
export interface UndoMemo {
  memo: MergeMemo;
  base: string;
}

/** Keep `memo` (whose patch failed: unchanged, its spans settled) for `owner`, replacing the one kept before. */
export function keepForUndo(kept: Map<string, UndoMemo>, owner: string, base: string, memo: MergeMemo): void {
  // (a memo that cannot be patched holds what its text alone does not say: /incbin/ data, a diagnostic without position)
  if (!memo.patchable || memo.pendingTree) { kept.delete(owner); return; }
  kept.set(owner, { memo, base });
}

/** The text of the kept memo when it equals `text` (one string for both: the kept tree's names are slices of it), else `text`. */
export function sameText(u: UndoMemo | undefined, text: string): string {
  return u !== undefined && sameString(u.memo.text, text) ? u.memo.text : text;
}

/**
 * The memo kept for `owner` when its text is `text` (and its base `base`): taken back for the parse `now` of that text,
 * the memo `current` (whose patch failed) kept in its place. Undefined when there is none to take back.
 */
export function takeBack(kept: Map<string, UndoMemo>, owner: string, base: string, current: MergeMemo | undefined, now: ast.DtsFile, text: string): MergeMemo | undefined {
  const u = kept.get(owner);
  if (!u || u.base !== base || !sameString(u.memo.text, text) || u.memo === current) return undefined;
  kept.delete(owner);
  if (current) keepForUndo(kept, owner, base, current);
  const m = u.memo;
  // (the parse of the same text: the next keystroke's edit is made from it)
  m.ast = now;
  m.text = text;
  m.graphChanged = undefined;
  m.graphRedecode = undefined;
  m.graphRenamed = undefined;
  return m;
}

// A keystroke undone after a full merge (tree/undo.ts): the tree, graph and findings of the text given back are
// taken back instead of merged again, and the result equals a fresh analysis every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { boardEdits, diffRun } from '../util/incremental-diff';

// `c:` is named by a top-level `&c { … }`: a keystroke in that label cannot be patched (the block's contributions go
// or come), so it is merged in full. The block adds a property, a labelled child with a reference and a supplier edge.
const TEXT = [
  '/dts-v1/;',
  '/ {',
  '\tclk: clock-controller { #clock-cells = <1>; };',
  '\ta: node-a { x = <1>; };',
  '\tuser1 { p = <&a>; clocks = <&clk 1>; };',
  '\tc: node-c { status = "disabled"; };',
  '\tuser2 { p = <&k>; };',
  '};',
  '&c {',
  '\tstatus = "okay";',
  '\tk: kid { clocks = <&clk 2>; q = <&a>; };',
  '};',
  '',
].join('\n');

function board(): { run: ReturnType<typeof diffRun>; edit: ReturnType<typeof boardEdits> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-undo-'));
  const file = path.join(dir, 'board.dts');
  fs.writeFileSync(file, TEXT);
  const run = diffRun({ autoDetectIncludePaths: false });
  assert.equal(run.step(file).diff, undefined);
  return { run, edit: boardEdits(run, file, TEXT) };
}

test('undo: a letter typed in a label a top-level &label { } names is merged in full; deleting it takes the last tree back, = fresh', () => {
  const { edit } = board();
  // typed: the &c block no longer applies (unresolved), user2's &k with it
  let { r, before, after } = edit('\tc: node-c', '\tcx: node-c');
  assert.equal(after.reshapePatches, before.reshapePatches, 'merged in full');
  assert.equal(after.undoRestores, before.undoRestores);
  assert.ok(r.incremental.diagnostics.some((d) => d.code === 'unresolved-reference'), 'the &c block is unresolved');
  // deleted: the tree before it, taken back
  ({ r, before, after } = edit('\tcx: node-c', '\tc: node-c'));
  assert.equal(after.undoRestores, before.undoRestores + 1, 'taken back');
  assert.ok(!r.incremental.diagnostics.some((d) => d.code === 'unresolved-reference'));
  // typed again: the tree the take-back replaced, taken back in its turn; and deleted again
  ({ before, after } = edit('\tc: node-c', '\tcx: node-c'));
  assert.equal(after.undoRestores, before.undoRestores + 1, 'the typed tree taken back');
  ({ before, after } = edit('\tcx: node-c', '\tc: node-c'));
  assert.equal(after.undoRestores, before.undoRestores + 1);
  // the tree taken back is patched by the next keystroke as usual (its memo holds this text's parse)
  ({ before, after } = edit('clocks = <&clk 2>', 'clocks = <&clk 3>'));
  assert.equal(after.mergePatches, before.mergePatches + 1, 'patched after the take-back');
  ({ before, after } = edit('x = <1>', 'x = <7>'));
  assert.equal(after.mergePatches, before.mergePatches + 1);
});

test('undo: keystrokes patched in between, a text that is not given back, and the memos dropped at rest; each = fresh', () => {
  const { run, edit } = board();
  // two letters: the first merged in full, the second patched (no statement names `cx` or `cxy`), both deleted:
  // the second deletion gives the text before the first letter back
  edit('\tc: node-c', '\tcx: node-c');
  let { before, after } = edit('\tcx: node-c', '\tcxy: node-c');
  assert.equal(after.reshapePatches, before.reshapePatches + 1, 'the second letter patched');
  edit('\tcxy: node-c', '\tcx: node-c');
  ({ before, after } = edit('\tcx: node-c', '\tc: node-c'));
  assert.equal(after.undoRestores, before.undoRestores + 1, 'the text before the first letter taken back');
  // a letter typed, another value changed, the letter deleted: not the text kept, so merged in full
  edit('\tc: node-c', '\tcx: node-c');
  edit('x = <1>', 'x = <2>');
  ({ before, after } = edit('\tcx: node-c', '\tc: node-c'));
  assert.equal(after.undoRestores, before.undoRestores, 'another text: merged');
  // dropped at rest: the deletion after it is merged in full
  edit('\tc: node-c', '\tcx: node-c');
  run.host.releaseAtRest();
  ({ before, after } = edit('\tcx: node-c', '\tc: node-c'));
  assert.equal(after.undoRestores, before.undoRestores, 'nothing kept at rest');
});

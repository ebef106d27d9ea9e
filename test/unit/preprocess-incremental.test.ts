// Incremental preprocessing (preprocess/incremental.ts): a keystroke in plain text or in a comment is replayed
// on the last run of its root; anything else runs the preprocessor again. Either way the result must be
// exactly that of a fresh run over the new text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { createPreprocessCache, preprocess } from '../../server/src/preprocess';
import { plainText, quoteState } from '../../server/src/preprocess/incremental';
import { ppSnapshot } from '../util/pp-snapshot';

const DIR = path.resolve(__dirname, '../../../test/fixtures/preprocess/incremental');
const BOARD = path.join(DIR, 'board.dts');
const SOC = path.join(DIR, 'soc.dtsi');
const MACROS = path.join(DIR, 'macros.h');

interface Edit {
  what: string;
  file: string;
  /** the edit is made right after the first occurrence of `after` (after its `nth` occurrence when given) */
  after: string;
  nth?: number;
  insert?: string;
  remove?: number;
  incremental: boolean;
  /** not repeatable (the chain below leaves it out) */
  once?: boolean;
}

function applyEdit(text: string, e: Edit): string {
  let at = -1;
  for (let k = 0; k <= (e.nth ?? 0); k++) at = text.indexOf(e.after, at + 1);
  assert.ok(at >= 0, `fixture has ${JSON.stringify(e.after)}`);
  const p = at + e.after.length;
  return text.slice(0, p) + (e.insert ?? '') + text.slice(p + (e.remove ?? 0));
}

const EDITS: Edit[] = [
  { what: 'a space before a cell list', file: SOC, after: 'reg = ', insert: ' ', incremental: true },
  { what: 'a digit of a value', file: SOC, after: 'REG_BASE 0x', remove: 1, insert: '2', incremental: true },
  { what: 'a letter in a string', file: SOC, after: '"ok', insert: 'x', incremental: true },
  { what: 'a new line between properties', file: SOC, after: '#address-cells = <1>;', insert: '\n', incremental: true },
  { what: 'a deleted character of a node name', file: SOC, after: 'timer@', remove: 1, incremental: true },
  { what: 'text in a block comment', file: SOC, after: 'An example', insert: ' tiny', incremental: true },
  { what: 'a new line in a block comment', file: SOC, after: 'An example', insert: '\n *', incremental: true },
  { what: 'text in a trailing line comment', file: SOC, after: '// trailing', insert: ' text', incremental: true },
  { what: 'text in the first line comment of the file', file: SOC, after: '// SPDX', insert: 'x', incremental: true },
  { what: 'text in a block comment of the board', file: BOARD, after: '/* the', insert: ' example', incremental: true },
  { what: 'a letter in a board string', file: BOARD, after: '"disabled', insert: 'x', incremental: true },
  { what: 'a macro name typed', file: SOC, after: 'values = <1 ', insert: 'LEVEL ', incremental: false },
  { what: 'a directive line', file: SOC, after: 'ranges;\n', insert: '#define Q 1\n', incremental: false },
  { what: 'a comment opened', file: SOC, after: 'values = ', insert: '/*', incremental: false },
  { what: 'a comment closed early', file: SOC, after: 'An example', insert: '*/', incremental: false },
  { what: 'a line comment ended by a new line', file: SOC, after: '// trailing', insert: '\n', incremental: false },
  { what: 'a quote that changes what is a string', file: SOC, after: '"ok', insert: '"', incremental: false },
  { what: 'a line break that ends a string before a comment marker', file: SOC, after: 'label = "a', insert: '\n', incremental: false },
  { what: 'a space between an #include and its file name', file: BOARD, after: '#include', insert: ' ', incremental: true },
  { what: 'a tab indenting an #ifdef (copied to the output as it is)', file: SOC, after: '#define LATE 9\n', insert: '\t', incremental: true },
  { what: 'a space removed between #ifdef and its name', file: SOC, after: '#ifdef ', remove: 1, incremental: true, once: true },
  { what: 'a tab after an #endif', file: SOC, after: '#endif', insert: '\t', incremental: true },
  { what: 'a space after #undef', file: SOC, after: '#undef', insert: ' ', incremental: true },
  { what: 'a space in the #ifndef of an included header', file: MACROS, after: '#ifndef', insert: ' ', incremental: true },
  { what: 'a tab typed before an #include (an indentation: still a directive)', file: BOARD, after: '/dts-v1/;\n', insert: '\t', incremental: true },
  // (soak --schedule --zephyr seed 2: `+x\t#include "nrf_common.dtsi"` kept the include in the replay)
  { what: 'text typed before an #include on its line (the line is no directive then)', file: BOARD, after: '/dts-v1/;\n', insert: '+x\t', incremental: false },
  { what: 'a space inside the file name of an #include', file: BOARD, after: '#include "soc', insert: ' ', incremental: false },
  { what: 'a space that splits the name in an #ifdef', file: SOC, after: '#ifdef  LA', insert: ' ', incremental: false },
  { what: 'a space in a #define', file: SOC, after: '#define LATE', insert: ' ', incremental: false },
  { what: 'a space between # and the directive name', file: SOC, after: '#', nth: 0, insert: ' ', incremental: false },
  { what: 'an invocation opened after a function-like macro name', file: SOC, after: 'odd = IRQ\n\t\t\t\t', insert: '(3)', incremental: false },
  { what: 'a word typed after a function-like macro name', file: SOC, after: 'odd = IRQ\n\t\t\t\t', insert: 'x', incremental: false },
  { what: 'an edit inside a macro invocation', file: SOC, after: 'IRQ(', remove: 1, insert: '7', incremental: false },
  { what: 'a backslash', file: SOC, after: 'values = <1', insert: '\\', incremental: false },
  { what: 'a character after a line comment marker moved into code', file: SOC, after: 'status = "okay"; /', remove: 1, incremental: false },
];

/** Runs of the preprocessor on `root`: with the cache (replays), or fresh. */
function setup(root = BOARD): { fs: OverlayFileSystem; run: (cached: boolean) => ReturnType<typeof preprocess>; cache: ReturnType<typeof createPreprocessCache> } {
  const fs = new OverlayFileSystem(new NodeFileSystem());
  const cache = createPreprocessCache();
  const run = (cached: boolean): ReturnType<typeof preprocess> =>
    preprocess(root, { fs, includePaths: [], defines: { __DTS__: '1' }, cache: cached ? cache : undefined });
  return { fs, run, cache };
}

for (const e of EDITS) {
  test(`edit: ${e.what} -> ${e.incremental ? 'replayed' : 'a full run'}, same result as a fresh run`, () => {
    const { fs, run, cache } = setup();
    run(true);
    const text = nodeFs.readFileSync(e.file, 'utf8');
    fs.setOverlay(e.file, applyEdit(text, e));
    const before = cache.incremental;
    const got = run(true);
    assert.equal(cache.incremental - before, e.incremental ? 1 : 0, 'path taken');
    assert.deepEqual(ppSnapshot(got), ppSnapshot(run(false)));
  });
}

test('a chain of plain edits is replayed edit after edit, each result equal to a fresh run', () => {
  const { fs, run, cache } = setup();
  run(true);
  let soc = nodeFs.readFileSync(SOC, 'utf8');
  let board = nodeFs.readFileSync(BOARD, 'utf8');
  const plain = EDITS.filter((x) => x.incremental && !x.once);
  let replayed = 0;
  for (let i = 0; i < 40; i++) {
    const e = plain[i % plain.length];
    const before = e.file === SOC ? soc : e.file === BOARD ? board : undefined;
    if (before === undefined) continue; // (the chain edits the board and the SoC .dtsi)
    const after = applyEdit(before, e);
    if (after === before) continue; // a digit replaced by itself
    if (e.file === SOC) soc = after; else board = after;
    fs.setOverlay(e.file, after);
    const got = run(true);
    assert.equal(cache.incremental, ++replayed, `edit ${i} (${e.what}) replayed`);
    assert.deepEqual(ppSnapshot(got), ppSnapshot(run(false)), `edit ${i} (${e.what})`);
    // the moved segments are arrays of V8's heap, not typed arrays: those were malloc'd a keystroke at a time, and
    // the holes they left in glibc's main arena stayed resident (BENCHMARKS' twenty-second pass)
    const segs = (got.map as unknown as { segs: { fs: unknown; fe: unknown } }).segs;
    assert.ok(Array.isArray(segs.fs) && Array.isArray(segs.fe), `edit ${i}: the replay's segments are arrays of the heap`);
  }
  assert.ok(replayed >= 30);
});

test('an invocation whose argument list runs to the end of the file: a \')\' typed after it closes the list, as in a fresh run (soak --zephyr seed 5)', () => {
  const dir = nodeFs.mkdtempSync(path.join(require('node:os').tmpdir(), 'pp-unterminated-'));
  try {
    const file = path.join(dir, 'pins.dtsi');
    // (Zephyr's NRF_PSEL, an argument list left open while typing)
    const text = '#define PSEL(fun, port, pin) ((fun << 16) | (port << 5) | pin)\n/ {\n\tpins {\n\t\tpsels = <PSEL(SCK, 0, 31>,\n\t\t\t<PSEL(MOSI, 0, 30)>;\n\t\tlow-power;\n\t};\n};\n';
    nodeFs.writeFileSync(file, text);
    const { fs, run, cache } = setup(file);
    const first = run(true);
    assert.match(first.diagnostics.map((d) => d.message).join('\n'), /unterminated argument list invoking macro "PSEL"/);
    // a ')' typed after the list, in text the first run copied as it is
    const p = text.indexOf('low-power') + 3;
    fs.setOverlay(file, text.slice(0, p) + ')' + text.slice(p));
    const got = run(true);
    assert.equal(cache.incremental, 0, 'a full run');
    assert.deepEqual(ppSnapshot(got), ppSnapshot(run(false)));
    assert.doesNotMatch(got.diagnostics.map((d) => d.message).join('\n'), /unterminated/);
    // closed in its place again: the text after it is plain again, and replayed
    const closed = text.replace('0, 31>', '0, 31)>');
    fs.setOverlay(file, closed);
    run(true);
    const q = closed.indexOf('low-power') + 3;
    fs.setOverlay(file, closed.slice(0, q) + 'x' + closed.slice(q));
    assert.deepEqual(ppSnapshot(run(true)), ppSnapshot(run(false)));
    assert.equal(cache.incremental, 1, 'replayed');
  } finally {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  }
});

test('text deleted up to a \'#\' on its line makes the line a directive: a full run, as fresh', () => {
  const { fs, run, cache } = setup();
  const text = nodeFs.readFileSync(BOARD, 'utf8');
  // `+ #define` is text (cpp copies it); once `+ ` is deleted, LATE is defined again by the board
  const withText = text.replace('/* the board */', '+ #define LATE 7\n/* the board */');
  fs.setOverlay(BOARD, withText);
  run(true);
  const at = withText.indexOf('+ #define');
  fs.setOverlay(BOARD, withText.slice(0, at) + withText.slice(at + 2));
  const before = cache.incremental;
  const got = run(true);
  assert.equal(cache.incremental - before, 0, 'a full run');
  const fresh = run(false);
  assert.deepEqual(ppSnapshot(got), ppSnapshot(fresh));
  assert.match(fresh.text, /late = <7>/, 'the board\'s #define applies');
});

test('a new line is not replayed once __LINE__ was expanded; a space is', () => {
  const file = path.join(DIR, 'line.dts');
  const { fs, run, cache } = setup(file);
  run(true);
  const text = nodeFs.readFileSync(file, 'utf8');
  const p = text.indexOf('first');
  fs.setOverlay(file, text.slice(0, p) + ' ' + text.slice(p));
  assert.deepEqual(ppSnapshot(run(true)), ppSnapshot(run(false)));
  assert.equal(cache.incremental, 1);
  fs.setOverlay(file, text.slice(0, p) + '\n' + text.slice(p));
  const got = run(true);
  assert.equal(cache.incremental, 1, 'full run');
  assert.match(got.text, /line = <6>/);
  assert.deepEqual(ppSnapshot(got), ppSnapshot(run(false)));
});

test('an edit of a file included twice, or of two files at once, runs the preprocessor again', () => {
  const { fs, run, cache } = setup();
  run(true);
  const soc = nodeFs.readFileSync(SOC, 'utf8');
  const board = nodeFs.readFileSync(BOARD, 'utf8');
  fs.setOverlay(SOC, soc.replace('0x100', '0x200'));
  fs.setOverlay(BOARD, board.replace('disabled', 'okay'));
  assert.deepEqual(ppSnapshot(run(true)), ppSnapshot(run(false)));
  assert.equal(cache.incremental, 0, 'two files changed');
  fs.setOverlay(BOARD, board + '#include "soc.dtsi"\n');
  run(true);
  fs.setOverlay(SOC, soc.replace('0x100', '0x300'));
  assert.deepEqual(ppSnapshot(run(true)), ppSnapshot(run(false)));
  assert.equal(cache.incremental, 0, 'soc.dtsi is in the output twice');
});

test('plainText and quoteState: the scanner facts the replay relies on', () => {
  const defined = new Set(['FOO']);
  const t = (s: string): boolean => plainText(s, 0, s.length, defined);
  assert.equal(t('reg = <0x10 1>;'), true);
  assert.equal(t('x = <FOO>;'), false, 'a macro name');
  assert.equal(t('x = <0xFOO>;'), true, 'inside a pp-number');
  assert.equal(t('  #define X'), false, 'a directive');
  assert.equal(t('  #address-cells = <1>;'), true, 'a property name with #');
  assert.equal(t('x;\n#if 1'), false, 'a directive on the next line');
  assert.equal(t('a /* b'), false);
  assert.equal(t('a // b'), false);
  assert.equal(t('a \\'), false);
  assert.equal(quoteState('a = "b', 0, 6), 34);
  assert.equal(quoteState('a = "b"', 0, 7), 0);
  assert.equal(quoteState('"a\nb', 0, 4), 0, 'a literal ends at the end of its line');
  assert.equal(quoteState('"a /* b"', 0, 8), 0, 'a comment marker inside a literal');
  assert.equal(quoteState('a /* b', 0, 6), -1);
  assert.equal(quoteState('"\\"" x', 0, 6), 0, 'an escaped quote');
});

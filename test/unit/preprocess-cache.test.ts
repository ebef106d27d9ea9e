// The include-file cache: reuse by (path, text, consulted macros), invalidation, identical results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { MemoryFileSystem, OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { createPreprocessCache, preprocess } from '../../server/src/preprocess';
import type { PreprocessResult } from '../../server/src/preprocess/types';
import { ppSnapshot as snapshot } from '../util/pp-snapshot';

const FIX = path.resolve(__dirname, '../../../test/fixtures/preprocess');
const fx = (rel: string): string => path.join(FIX, rel);
const nfs = new NodeFileSystem();
const lines = (r: PreprocessResult): string[] => r.text.split('\n').map((l) => l.trim()).filter((l) => l);

test('a cached include gives exactly the same result as a fresh run', () => {
  const cache = createPreprocessCache();
  const opts = { fs: nfs, includePaths: [fx('basic/include')], defines: { __DTS__: '1' } };
  const fresh = preprocess(fx('basic/board.dts'), opts);
  const first = preprocess(fx('basic/board.dts'), { ...opts, cache });
  assert.deepEqual(cache.stats, { hits: 0, misses: 2, entries: 2 });
  const second = preprocess(fx('basic/board.dts'), { ...opts, cache });
  assert.deepEqual({ hits: cache.hits, misses: cache.misses }, { hits: 1, misses: 2 }, 'soc.dtsi (with its header) is reused; the second test.h include is skipped by its guard');
  assert.deepEqual(snapshot(first), snapshot(fresh));
  assert.deepEqual(snapshot(second), snapshot(fresh));
});

test('the cache keys on the macros a file consulted', () => {
  const cache = createPreprocessCache();
  const opts = { fs: nfs, includePaths: [], cache };
  const one = preprocess(fx('cache/one.dts'), opts);
  assert.deepEqual(lines(one), ['node { value = <1>; flag = <(1 << (3))>; };', 'after = <42>;']);
  assert.deepEqual({ hits: cache.hits, misses: cache.misses }, { hits: 0, misses: 2 });
  const two = preprocess(fx('cache/two.dts'), opts);
  assert.deepEqual(lines(two), ['node { value = <2>; flag = <(1 << (3))>; };', 'after = <42>;']);
  // uses.dtsi missed (VALUE differs), defs.h hit (it does not look at VALUE)
  assert.deepEqual({ hits: cache.hits, misses: cache.misses }, { hits: 1, misses: 3 });
  const again = preprocess(fx('cache/one.dts'), opts);
  assert.deepEqual({ hits: cache.hits, misses: cache.misses }, { hits: 2, misses: 3 });
  // macros defined by the cached files are applied on reuse; uses keep their source positions
  assert.deepEqual(lines(again), lines(one));
  assert.equal(again.macros.get('DEFINED_IN_HEADER')?.body, '42');
  assert.deepEqual(again.macroUses.map((u) => [u.name, path.basename(u.range.file), u.range.start, u.expansion]), one.macroUses.map((u) => [u.name, path.basename(u.range.file), u.range.start, u.expansion]));
  assert.deepEqual(snapshot(again), snapshot(one));
});

test('changing an included file (or a file it includes) invalidates the entry', () => {
  const m = new MemoryFileSystem({
    '/p/board.dts': '#include "a.dtsi"\nx = <A B>;\n',
    '/p/a.dtsi': '#include "b.h"\n#define A 1\n',
    '/p/b.h': '#define B 2\n',
  });
  const cache = createPreprocessCache();
  const run = (): PreprocessResult => preprocess('/p/board.dts', { fs: m, includePaths: [], cache });
  assert.deepEqual(lines(run()), ['x = <1 2>;']);
  assert.deepEqual(lines(run()), ['x = <1 2>;']);
  assert.deepEqual({ hits: cache.hits, misses: cache.misses }, { hits: 1, misses: 2 });
  m.set('/p/b.h', '#define B 3\n');
  assert.deepEqual(lines(run()), ['x = <1 3>;']);
  assert.deepEqual({ hits: cache.hits, misses: cache.misses }, { hits: 1, misses: 4 });
  m.set('/p/a.dtsi', '#include "b.h"\n#define A 5\n');
  assert.deepEqual(lines(run()), ['x = <5 3>;']);
  // b.h changed one run ago: a file being edited (and its includers) is processed again, not stored
  assert.deepEqual({ hits: cache.hits, misses: cache.misses }, { hits: 1, misses: 6 });
  // unchanged for three runs: both are stored again, and the next run is a single hit
  for (let i = 0; i < 3; i++) assert.deepEqual(lines(run()), ['x = <5 3>;']);
  const before = { hits: cache.hits, misses: cache.misses };
  assert.deepEqual(lines(run()), ['x = <5 3>;']);
  assert.deepEqual({ hits: cache.hits, misses: cache.misses }, { hits: before.hits + 1, misses: before.misses });
  // a new file that shadows a nested include changes its resolution
  m.set('/p/inc/b.h', '#define B 9\n');
  const r = preprocess('/p/board.dts', { fs: m, includePaths: ['/p/inc'], cache });
  assert.deepEqual(lines(r), ['x = <5 3>;'], 'quote includes search the including directory first');
});

test('cached diagnostics are replayed at their original positions', () => {
  const m = new MemoryFileSystem({
    '/q/board.dts': '#include "bad.dtsi"\n#include "bad.dtsi"\n',
    '/q/bad.dtsi': 'x = <F(1, 2)>;\n#define F(a) a\ny = <F(1, 2)>;\n',
  });
  const cache = createPreprocessCache();
  const r1 = preprocess('/q/board.dts', { fs: m, includePaths: [], cache });
  const r2 = preprocess('/q/board.dts', { fs: m, includePaths: [], cache });
  assert.equal(cache.hits, 2);
  const d = (r: PreprocessResult): unknown => r.diagnostics.map((x) => [x.code, x.file, x.start, x.end]);
  // first inclusion: F is not a macro yet on line 1; second inclusion: both lines are wrong
  const expected = [['macro-error', '/q/bad.dtsi', 35, 42], ['macro-error', '/q/bad.dtsi', 5, 12], ['macro-error', '/q/bad.dtsi', 35, 42]];
  assert.deepEqual(d(r1), expected);
  assert.deepEqual(d(r2), expected);
  assert.match(r2.diagnostics[1].message, /macro "F" passed 2 arguments, but takes just 1/);
});

test('a file being edited is re-processed on every run without storing entries; what it includes is reused', () => {
  const m = new MemoryFileSystem({
    '/e/board.dts': '#include "soc.dtsi"\n',
    '/e/soc.dtsi': '#include "ids.h"\nx = <ID>;\n',
    '/e/ids.h': '#define ID 7\n',
  });
  const cache = createPreprocessCache();
  const run = (): PreprocessResult => preprocess('/e/board.dts', { fs: m, includePaths: [], cache });
  assert.deepEqual(lines(run()), ['x = <7>;']);
  assert.equal(cache.candidates('/e/soc.dtsi').length, 1);
  for (let i = 0; i < 5; i++) {
    // a directive changes with each keystroke: a full run (a plain-text edit would be replayed, see preprocess-incremental)
    m.set('/e/soc.dtsi', `#include "ids.h"\n#define N ${i}\nx = <ID N>;\n`);
    const hits = cache.hits;
    assert.deepEqual(lines(run()), [`x = <7 ${i}>;`]);
    assert.equal(cache.hits, hits + 1, 'ids.h comes from the cache');
    // neither the old text's entry nor one per keystroke is kept for the file being edited
    assert.equal(cache.candidates('/e/soc.dtsi').length, 0);
  }
});

test('a file opened through a symbolic link is the open document now: a cached include that read it by its real path is not reused', () => {
  // /link is a symbolic link to /real; the board is opened by the link, mid.dtsi found beside it is named by its real
  // path (not open), and the soc.dtsi it includes too, until the editor opens /link/soc.dtsi
  const real = (p: string): string => (p.startsWith('/link/') ? '/real/' + p.slice(6) : p);
  class Linked extends MemoryFileSystem {
    override realpath(p: string): string | undefined { return real(p); }
    override readFile(p: string): ReturnType<MemoryFileSystem['readFile']> { return super.readFile(real(p)); }
    override stat(p: string): ReturnType<MemoryFileSystem['stat']> { return super.stat(real(p)); }
  }
  const files: Record<string, string> = {
    '/real/board.dts': '/dts-v1/;\n#include "mid.dtsi"\n',
    '/real/mid.dtsi': '#include "soc.dtsi"\n/ { mid; };\n',
    '/real/soc.dtsi': '/ { soc = <1>; };\n',
  };
  const ofs = new OverlayFileSystem(new Linked(files));
  const cache = createPreprocessCache();
  const board = '/link/board.dts';
  const run = (): PreprocessResult => preprocess(board, { fs: ofs, includePaths: [], cache });
  const first = run();
  assert.deepEqual(first.files, [board, '/real/mid.dtsi', '/real/soc.dtsi']);
  run(); // (mid.dtsi from the cache)
  assert.ok(cache.hits > 0);
  // the editor opens soc.dtsi by the link and edits it: the board reads that text, and names the file by the link
  ofs.setOverlay('/link/soc.dtsi', '/ { soc = <2>; };\n', 1);
  const opened = run();
  assert.deepEqual(opened.files, [board, '/real/mid.dtsi', '/link/soc.dtsi']);
  assert.match(opened.text, /soc = <2>/);
  assert.deepEqual(snapshot(opened), snapshot(preprocess(board, { fs: ofs, includePaths: [] })));
  // closed: the disk's text, by the real path again
  ofs.clearOverlay('/link/soc.dtsi');
  const closed = run();
  assert.deepEqual(closed.files, [board, '/real/mid.dtsi', '/real/soc.dtsi']);
  assert.match(closed.text, /soc = <1>/);
});

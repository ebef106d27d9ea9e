// Preprocessor features Zephyr's build relies on: __VA_OPT__ (expected outputs are GNU cpp 12's, run with
// -x assembler-with-cpp), system include directories (cpp's -isystem: no redefinition warning in a system
// header, macro-redefined elsewhere), and a stack of files in one run (cpp -include).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../server/src/base/fs';
import { createPreprocessCache, preprocess } from '../../server/src/preprocess';
import type { PreprocessResult } from '../../server/src/preprocess/types';

function pp(files: Record<string, string>, root = '/a.dts', extra: Partial<Parameters<typeof preprocess>[1]> = {}): PreprocessResult {
  return preprocess(root, { fs: new MemoryFileSystem(files), includePaths: [], defines: { __DTS__: '1' }, ...extra });
}

/** Output lines, white space squeezed. */
function lines(r: PreprocessResult): string[] {
  return r.text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l !== '');
}

test('__VA_OPT__: present when the variable arguments expand to tokens, with ## on either side (as GNU cpp 12)', () => {
  const r = pp({
    '/a.dts': [
      '#define F(a, ...) f(a __VA_OPT__(,) __VA_ARGS__)',
      '#define G(...) x __VA_OPT__(a ## __VA_ARGS__ ## b) y',
      '#define E(...) [__VA_OPT__()]',
      '#define P(a,...) a ## __VA_OPT__(b) c __VA_OPT__(d) ## a',
      '#define EMPTY',
      '1: F(1) F(1,2) F(1,2,3) F(1,EMPTY)',
      '2: G() G(q) G(q r)',
      '4: E() E(1)',
      '5: P(z) P(z,1) P(,1) P(,)',
    ].join('\n'),
  });
  assert.deepEqual(r.diagnostics, []);
  // cpp: "1: f(1 ) f(1 , 2) f(1 , 2,3) f(1 )" etc.; compared without white space
  assert.deepEqual(lines(r).map((l) => l.replace(/ /g, '')), [
    '1:f(1)f(1,2)f(1,2,3)f(1)',
    '2:xyxaqbyxaqrby',
    '4:[][]',
    '5:zczzbcdzbcdc',
  ]);
});

test('__VA_OPT__ problems are diagnostics, never silently dropped', () => {
  const r = pp({
    '/a.dts': [
      '#define H(x) __VA_OPT__(x)',
      '#define N1(...) __VA_OPT__',
      '#define N2(...) __VA_OPT__(a',
      '#define N3(...) __VA_OPT__(__VA_OPT__(a))',
      '#define N4(...) #__VA_OPT__(a)',
      'H(1)',
    ].join('\n'),
  });
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity, d.message]), [
    ['preprocessor-warning', 'warning', '__VA_OPT__ can only appear in the expansion of a variadic macro (kept as written)'],
    ['macro-error', 'error', '__VA_OPT__ must be followed by an open parenthesis'],
    ['macro-error', 'error', 'unterminated __VA_OPT__'],
    ['macro-error', 'error', '__VA_OPT__ may not appear in a __VA_OPT__ operand'],
    ['macro-error', 'error', "'#' before __VA_OPT__ (stringizing it) is not supported"],
  ]);
  // the non-variadic use is kept as written, as cpp does
  assert.deepEqual(lines(r), ['__VA_OPT__(1)']);
});

test('system include directories: a redefinition in a system header is silent, elsewhere it is macro-redefined', () => {
  const files = {
    '/a.dts': '#include <one.h>\n#include <two.h>\n#include "local.h"\nX Y\n',
    '/sys1/one.h': '#define X 1\n#define Y 1\n',
    '/sys2/two.h': '#define X 2\n#include "three.h"\n',
    '/sys2/three.h': '#define X 3\n',
    '/local.h': '#define Y 2\n',
  };
  const r = pp(files, '/a.dts', { systemIncludePaths: ['/sys1', '/sys2'] });
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.file, d.related?.[0].file]), [['macro-redefined', '/local.h', '/sys1/one.h']]);
  assert.deepEqual(lines(r), ['3 2']);
  // the same directories with -I: every redefinition warns
  const r2 = pp(files, '/a.dts', { includePaths: ['/sys1', '/sys2'] });
  assert.deepEqual(r2.diagnostics.map((d) => [d.code, d.file]), [['macro-redefined', '/sys2/two.h'], ['macro-redefined', '/sys2/three.h'], ['macro-redefined', '/local.h']]);
});

test('a stack in one run (cpp -include): macros carry over, each file keeps its positions, a missing file is reported on itself', () => {
  const files = {
    '/b/board.dts': '#define SPEED 9600\n/ { a = <1>; };',
    '/app/app.overlay': '/ { speed = <SPEED>; };\n',
  };
  const cache = createPreprocessCache();
  const r = pp(files, '/b/board.dts', { stack: ['/app/app.overlay', '/app/missing.overlay'], cache });
  assert.deepEqual(lines(r), ['/ { a = <1>; };', '/ { speed = <9600>; };']);
  const at = r.text.indexOf('speed');
  assert.deepEqual(r.map.toFileRange(at, at + 5), { file: '/app/app.overlay', start: 4, end: 9 });
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.file]), [['include-not-found', '/app/missing.overlay']]);
  assert.deepEqual(r.files, ['/b/board.dts', '/app/app.overlay', '/app/missing.overlay']);
  // the stack is part of the cached run's identity
  const alone = pp(files, '/b/board.dts', { cache });
  assert.deepEqual(lines(alone), ['/ { a = <1>; };']);
});

test("cpp's dynamic macros and the directives it passes on are never dropped silently", () => {
  const r = pp({
    '/a.dts': '#include "h.h"\n#define A 2\n#pragma foo bar\n#ident "x"\nc = <__COUNTER__ __COUNTER__ __INCLUDE_LEVEL__>; f = __BASE_FILE__;\n',
    '/h.h': '#pragma GCC system_header\n#define A 1\n#define A 3\n#pragma whatever\nl = <__INCLUDE_LEVEL__>;\n',
  });
  // the header made itself a system header: its own redefinition and pragma are silent; the root's are not
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.file, d.message]), [
    ['macro-redefined', '/a.dts', '"A" redefined'],
    ['preprocessor-warning', '/a.dts', '#pragma foo bar is ignored (cpp passes it through to dtc, which rejects it)'],
    ['preprocessor-warning', '/a.dts', '#ident is not supported and is ignored'],
  ]);
  assert.deepEqual(lines(r), ['l = <1>;', 'c = <0 1 0>; f = "/a.dts";']);
});

test('a keystroke in a stacked overlay is replayed like one in the root; the board alone keeps its own record', () => {
  const fs = new MemoryFileSystem({
    '/b/board.dts': '#define SPEED 9600\n/ { a = <1>; };\n',
    '/app/app.overlay': '/ { speed = <SPEED>; label = "abc"; };\n',
  });
  const cache = createPreprocessCache();
  const opts = { fs, includePaths: [], defines: { __DTS__: '1' }, cache };
  preprocess('/b/board.dts', { ...opts, stack: ['/app/app.overlay'] });
  preprocess('/b/board.dts', opts);
  fs.set('/app/app.overlay', '/ { speed = <SPEED>; label = "abcd"; };\n');
  const before = cache.incremental;
  const r = preprocess('/b/board.dts', { ...opts, stack: ['/app/app.overlay'] });
  assert.equal(cache.incremental, before + 1);
  const fresh = preprocess('/b/board.dts', { fs, includePaths: [], defines: { __DTS__: '1' }, stack: ['/app/app.overlay'] });
  assert.equal(r.text, fresh.text);
  const at = r.text.indexOf('"abcd"');
  assert.deepEqual(r.map.toFileRange(at, at + 6), fresh.map.toFileRange(at, at + 6));
});

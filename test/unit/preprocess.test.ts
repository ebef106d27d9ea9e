// The preprocessor stage: output text, source map, includes, macros, lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { MemoryFileSystem } from '../../server/src/base/fs';
import { createPreprocessCache, preprocess } from '../../server/src/preprocess';
import type { PreprocessResult } from '../../server/src/preprocess/types';

const FIX = path.resolve(__dirname, '../../../test/fixtures/preprocess');
const fx = (rel: string): string => path.join(FIX, rel);
const src = (rel: string): string => fs.readFileSync(fx(rel), 'utf8');
const nfs = new NodeFileSystem();
const ws = (s: string): string => s.replace(/\s+/g, ' ').trim();

function run(rel: string, includePaths: string[] = []): PreprocessResult {
  return preprocess(fx(rel), { fs: nfs, includePaths: includePaths.map(fx), defines: { __DTS__: '1' } });
}

/** offset of the n-th (0-based) occurrence of needle in hay */
function nth(hay: string, needle: string, n = 0, from = 0): number {
  let i = hay.indexOf(needle, from);
  for (let k = 0; k < n && i >= 0; k++) i = hay.indexOf(needle, i + 1);
  assert.ok(i >= 0, `"${needle}" #${n} not found`);
  return i;
}

test('basic board: includes, macros, raw /include/, passthrough of #address-cells and line markers', () => {
  const r = run('basic/board.dts', ['basic/include']);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(ws(r.text), ws(`/dts-v1/;
/ { soc { uart0: serial@1000 { reg = <0x1000 0x100>; interrupts = <0 (5 + 32) 4>; }; gpio: gpio@2000 { reg = <0x2000 0x100>; }; }; };
/ { model = "Test board"; #address-cells = <1>;
leds { led0: led@0 { gpios = <&gpio 3 1>; clock-names = "core"; }; }; };
&uart0 { status = "okay";
/* raw: #define NOT_A_DIRECTIVE and GPIO_ACTIVE_LOW stay as written */
current-speed = <GPIO_ACTIVE_LOW>;
};`));
  assert.equal(r.root, fx('basic/board.dts'));
  assert.deepEqual(r.files, [fx('basic/board.dts'), fx('basic/soc.dtsi'), fx('basic/include/dt-bindings/test.h'), fx('basic/raw.dtsi')]);
  // the second #include of the guarded header produced nothing and is still listed
  const board = src('basic/board.dts');
  const soc = src('basic/soc.dtsi');
  assert.deepEqual(r.includes.map((i) => [path.basename(i.file), i.kind, i.spelled, i.resolved && path.relative(FIX, i.resolved), i.range.start, i.range.end]), [
    ['board.dts', 'quote', 'soc.dtsi', 'basic/soc.dtsi', nth(board, 'soc.dtsi'), nth(board, 'soc.dtsi') + 8],
    ['soc.dtsi', 'angle', 'dt-bindings/test.h', 'basic/include/dt-bindings/test.h', nth(soc, 'dt-bindings'), nth(soc, 'dt-bindings') + 18],
    ['board.dts', 'angle', 'dt-bindings/test.h', 'basic/include/dt-bindings/test.h', nth(board, 'dt-bindings'), nth(board, 'dt-bindings') + 18],
    ['board.dts', 'dtc', 'raw.dtsi', 'basic/raw.dtsi', nth(board, 'raw.dtsi'), nth(board, 'raw.dtsi') + 8],
  ]);
  const h = src('basic/include/dt-bindings/test.h');
  const low = r.macros.get('GPIO_ACTIVE_LOW')!;
  assert.equal(low.body, '1');
  assert.deepEqual(low.location, { file: fx('basic/include/dt-bindings/test.h'), start: nth(h, 'GPIO_ACTIVE_LOW'), end: nth(h, 'GPIO_ACTIVE_LOW') + 15 });
  const spi = r.macros.get('IRQ_SPI')!;
  assert.deepEqual(spi.params, ['n']);
  assert.equal(spi.body, '0 (n + 32)');
  assert.equal(r.macros.get('__DTS__')!.body, '1');
  assert.equal(r.macros.get('__DTS__')!.location, undefined);
  assert.deepEqual(r.macroUses.map((u) => [u.name, path.basename(u.range.file), u.range.start, u.range.end, u.expansion, u.definition?.name]), [
    ['IRQ_SPI', 'soc.dtsi', nth(soc, 'IRQ_SPI(5)'), nth(soc, 'IRQ_SPI(5)') + 10, '0 (5 + 32)', 'IRQ_SPI'],
    ['IRQ_LEVEL', 'soc.dtsi', nth(soc, 'IRQ_LEVEL'), nth(soc, 'IRQ_LEVEL') + 9, '4', 'IRQ_LEVEL'],
    ['GPIO_ACTIVE_LOW', 'board.dts', nth(board, 'GPIO_ACTIVE_LOW'), nth(board, 'GPIO_ACTIVE_LOW') + 15, '1', 'GPIO_ACTIVE_LOW'],
  ]);
  assert.deepEqual(r.inactiveRanges, []);
});

test('source map: macro output maps to the invocation, argument tokens to themselves, .dtsi text into the .dtsi', () => {
  const r = run('basic/board.dts', ['basic/include']);
  const board = src('basic/board.dts');
  const soc = src('basic/soc.dtsi');
  const BOARD = fx('basic/board.dts');
  const SOC = fx('basic/soc.dtsi');
  // a cell macro in the board maps to the macro name's range in the board file
  const o1 = nth(r.text, '<&gpio 3 1>') + 9;
  assert.equal(r.text[o1], '1');
  const gi = nth(board, 'GPIO_ACTIVE_LOW');
  assert.deepEqual(r.map.toFileRange(o1, o1 + 1), { file: BOARD, start: gi, end: gi + 15 });
  assert.deepEqual(r.map.locate(o1), { file: BOARD, offset: gi });
  assert.equal(r.map.macroAt(o1)?.name, 'GPIO_ACTIVE_LOW');
  assert.equal(r.map.macroAt(o1 - 1), undefined);
  // verbatim text of the .dtsi maps into the .dtsi
  const o2 = nth(r.text, 'serial@1000');
  assert.deepEqual(r.map.toFileRange(o2, o2 + 11), { file: SOC, start: nth(soc, 'serial@1000'), end: nth(soc, 'serial@1000') + 11 });
  // IRQ_SPI(5) -> "0 (5 + 32)": the argument token 5 maps to its own position, the rest to the invocation
  const inv = nth(soc, 'IRQ_SPI(5)');
  const e0 = nth(r.text, '0 (5 + 32)');
  assert.deepEqual(r.map.locate(e0 + 3), { file: SOC, offset: inv + 8 });
  assert.deepEqual(r.map.toFileRange(e0 + 3, e0 + 4), { file: SOC, start: inv + 8, end: inv + 9 });
  assert.deepEqual(r.map.locate(e0 + 7), { file: SOC, offset: inv });
  assert.deepEqual(r.map.toFileRange(e0, e0 + 10), { file: SOC, start: inv, end: inv + 10 });
  assert.equal(r.map.macroAt(e0 + 3)?.name, 'IRQ_SPI');
  // raw /include/ text maps into raw.dtsi
  const raw = src('basic/raw.dtsi');
  const o3 = nth(r.text, 'current-speed');
  assert.deepEqual(r.map.locate(o3), { file: fx('basic/raw.dtsi'), offset: nth(raw, 'current-speed') });
  // a range that starts in the board and ends in raw.dtsi is clipped to the board
  assert.deepEqual(r.map.toFileRange(nth(r.text, '&uart0'), o3 + 5), { file: BOARD, start: nth(board, '&uart0'), end: nth(board, '/include/') });
  // reverse mapping
  assert.deepEqual(r.map.fromFile(BOARD, nth(board, 'model')), [nth(r.text, 'model')]);
  assert.deepEqual(r.map.fromFile(BOARD, nth(board, 'the board')), [], 'comment');
  assert.deepEqual(r.map.fromFile(BOARD, nth(board, '#include') + 3), [], 'directive');
  assert.deepEqual(r.map.fromFile(BOARD, nth(board, '# 12') + 3), [], 'line marker');
  assert.deepEqual(r.map.fromFile(BOARD, gi + 4), [o1], 'inside a macro invocation: the expansion');
  assert.deepEqual(r.map.fromFile(SOC, inv + 8), [e0 + 3], 'argument token');
  assert.deepEqual(r.map.fromFile(fx('nowhere.dtsi'), 0), []);
  // #address-cells is text, the line marker is gone
  assert.ok(r.text.includes('#address-cells = <1>;'));
  assert.ok(!r.text.includes('ignored-line-marker'));
  // end of text maps to the end of the last segment
  assert.equal(r.map.locate(r.text.length).file, BOARD);
});

test('macros: object/function-like, variadic, #, ##, GNU comma, blue paint, asm-mode #, cpp token rules', () => {
  const r = run('macros/macros.dts');
  const lines = r.text.split('\n').map((l) => l.trim()).filter((l) => l);
  assert.deepEqual(lines, [
    'a = <5 5 -1 (5)>;',
    'clock-7 = "x";',
    'bar_lbl: node@5 { ref = &uart; };',
    `s = "a \\"b\\\\n\\" 'c'" "5";`,
    'h = z # 1 #;',
    'c = 0x10 tail head;',
    'one: two, three ; only: ;',
    'g = <1> <1, 2, 3>;',
    'n = a b, c;',
    'pin@3 { reg = <3>; }',
    'my-prop = <1>;',
    'e =  x ;',
    'self = SELF + 1;',
    'ping = PING;',
    'nest = [[1]] [2] ID(3);',
    'multi = [1];',
  ]);
  const s = src('macros/macros.dts');
  const F = fx('macros/macros.dts');
  // recursion: cpp leaves the inner name alone; we say so with a warning at the invocation
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity, d.start, d.end]), [
    ['macro-error', 'warning', nth(s, 'SELF;'), nth(s, 'SELF;') + 4],
    ['macro-error', 'warning', nth(s, 'PING;'), nth(s, 'PING;') + 4],
    ['macro-error', 'warning', nth(s, 'ID(ID)'), nth(s, 'ID(ID)') + 6],
  ]);
  assert.match(r.diagnostics[0].message, /"SELF" refers to itself/);
  assert.match(r.diagnostics[1].message, /"PING" refers to itself/);
  // &MACRO and LABEL(x): keep no space between the tokens
  assert.ok(r.text.includes('ref = &uart;'));
  assert.ok(r.text.includes('bar_lbl: node@5'));
  // a node produced by a macro maps to the invocation; the argument to itself
  const p = nth(r.text, 'pin@3');
  assert.deepEqual(r.map.toFileRange(p, p + 5), { file: F, start: nth(s, 'PIN(3)'), end: nth(s, 'PIN(3)') + 6 });
  const three = nth(r.text, '3', 0, p);
  assert.deepEqual(r.map.locate(three), { file: F, offset: nth(s, 'PIN(3)') + 4 });
  // a property name from a macro argument
  const mp = nth(r.text, 'my-prop');
  assert.deepEqual(r.map.toFileRange(mp, mp + 7), { file: F, start: nth(s, 'my-prop'), end: nth(s, 'my-prop') + 7 });
  // a multi-line invocation is one use
  const use = r.macroUses.find((u) => u.name === 'F' && u.range.start === nth(s, 'F(\n'))!;
  assert.equal(use.range.end, nth(s, ');', 0, nth(s, 'F(\n')) + 1);
  assert.equal(use.expansion, '[1]');
  // the names macro expands inside clock-names (cpp tokenisation)
  assert.equal(r.macroUses.filter((u) => u.name === 'names').length, 1);
  // definitions are normalised
  assert.equal(r.macros.get('VA')!.body, 'fmt: __VA_ARGS__ ;');
  assert.equal(r.macros.get('VA')!.variadic, true);
  assert.deepEqual(r.macros.get('NAMED')!.params, ['x', 'rest']);
});

test('conditionals: #if expressions, #ifdef/#ifndef/#elif/#else, inactive ranges', () => {
  const r = run('cond/cond.dts');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.text.split('\n').map((l) => l.trim()).filter((l) => l), ['yes1;', 'yes2;', 'yes3;', 'yes4;', 'yes5;', 'yes6;', 'yes7;', 'yes8;', 'yes9;']);
  const s = src('cond/cond.dts');
  const ranges = r.inactiveRanges.map((x) => s.slice(x.start, x.end));
  assert.deepEqual(ranges, [
    'no1;\n',
    'no2;\n',
    'no3;\n',
    'no3b;\n',
    '#if 1\nnever;\n#endif\n#error not reported in an inactive group\n',
    'no8;\n',
  ]);
  assert.ok(r.inactiveRanges.every((x) => x.file === fx('cond/cond.dts')));
});

test('defined(X) is true for a macro defined with an empty body (the empty guard), also through the cache', () => {
  const r = run('cond/empty-guard.dts');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.text.split('\n').map((l) => l.trim()).filter((l) => l), ['yes1;', 'yes2;', 'yes3;', 'yes4;', 'yes5;', 'once;']);
  // a header's output reused from the cache for a root that defines the macro empty, then for one that does not
  const mfs = new MemoryFileSystem({
    '/w/empty.dts': '#define EMPTY\n#include "h.h"\n',
    '/w/none.dts': '#include "h.h"\n',
    '/w/h.h': '#if defined(EMPTY)\ndefined_;\n#else\nundefined_;\n#endif\n',
  });
  const cache = createPreprocessCache();
  const out = (root: string): string => ws(preprocess(root, { fs: mfs, includePaths: [], cache }).text);
  assert.deepEqual(['/w/empty.dts', '/w/none.dts', '/w/empty.dts', '/w/none.dts'].map(out), ['defined_;', 'undefined_;', 'defined_;', 'undefined_;']);
});

test('includes: quote vs angle search order, twice-included file, guard, macro include', () => {
  const r = run('includes/board.dts', ['includes/inc']);
  assert.deepEqual(r.text.split('\n').map((l) => l.trim()).filter((l) => l), [
    'self-before;', 'self-after;', 'a;', 'b;', 'c;', 'twice = <COUNT>;', 'twice = <COUNT>;', 'guarded;',
    'angle-include-path;', 'angle-local;', 'twice = <COUNT>;',
  ]);
  const TW = fx('includes/twice.dtsi');
  // a file included three times: three output positions
  const outs = r.map.fromFile(TW, 0);
  assert.equal(outs.length, 3);
  for (const o of outs) assert.ok(r.text.startsWith('twice', o));
  const hdr = r.includes[r.includes.length - 1];
  assert.equal(hdr.spelled, 'twice.dtsi');
  assert.equal(hdr.resolved, TW);
  const b = src('includes/board.dts');
  assert.deepEqual([hdr.range.start, hdr.range.end], [nth(b, 'HDR', 1), nth(b, 'HDR', 1) + 3]);
});

test('include diagnostics: missing, directory, cycles (direct and through three files)', () => {
  const r = run('includes/board.dts', ['includes/inc']);
  const b = src('includes/board.dts');
  const self = src('includes/self.dtsi');
  const c = src('includes/cycle/c.dtsi');
  assert.deepEqual(r.diagnostics.map((d) => [d.code, path.relative(FIX, d.file), d.start, d.end]), [
    ['include-not-found', 'includes/board.dts', nth(b, 'missing.dtsi'), nth(b, 'missing.dtsi') + 12],
    ['include-not-found', 'includes/board.dts', nth(b, 'dir.dtsi'), nth(b, 'dir.dtsi') + 8],
    ['include-error', 'includes/board.dts', nth(b, 'dir.dtsi', 1), nth(b, 'dir.dtsi', 1) + 8],
    ['include-cycle', 'includes/self.dtsi', nth(self, 'self.dtsi'), nth(self, 'self.dtsi') + 9],
    ['include-cycle', 'includes/cycle/c.dtsi', nth(c, 'a.dtsi'), nth(c, 'a.dtsi') + 6],
  ]);
  assert.match(r.diagnostics[0].message, /cannot find include file "missing.dtsi"/);
  assert.match(r.diagnostics[2].message, /is a directory/);
  assert.equal(r.diagnostics[3].message, 'include cycle: self.dtsi -> self.dtsi');
  assert.equal(r.diagnostics[4].message, 'include cycle: a.dtsi -> b.dtsi -> c.dtsi -> a.dtsi');
  const missing = r.includes.find((i) => i.spelled === 'missing.dtsi')!;
  assert.equal(missing.resolved, undefined);
});

test('root file problems become diagnostics', () => {
  const m = new MemoryFileSystem({ '/x/dir/a.dtsi': 'a;' });
  const r1 = preprocess('/x/none.dts', { fs: m, includePaths: [] });
  assert.deepEqual(r1.diagnostics.map((d) => [d.code, d.file, d.start, d.end]), [['include-not-found', '/x/none.dts', 0, 0]]);
  assert.equal(r1.text, '');
  assert.deepEqual(r1.map.locate(0), { file: '/x/none.dts', offset: 0 });
  const r2 = preprocess('/x/dir', { fs: m, includePaths: [] });
  assert.equal(r2.diagnostics[0].code, 'include-error');
});

test('MemoryFileSystem: __FILE__, __LINE__, #include_next, #pragma once, CRLF, continuations', () => {
  const m = new MemoryFileSystem({
    '/w/b.dts': '#include "o.h"\r\n#include "o.h"\r\nf = __FILE__; l = __LINE__;\r\n#include <n.h>\r\n#define LONG(a) \\\r\n  <a \\\r\n   a>\r\nx = LONG(2);\r\n',
    '/w/o.h': '#pragma once\nonce;\n',
    '/w/i1/n.h': 'first;\n#include_next <n.h>\n',
    '/w/i2/n.h': 'second;\n',
  });
  const r = preprocess('/w/b.dts', { fs: m, includePaths: ['/w/i1', '/w/i2'] });
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l), ['once;', 'f = "/w/b.dts"; l = 3;', 'first;', 'second;', 'x = <2 2>;']);
});

test('include depth limit and cancellation stop with resource-limit', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 205; i++) files[`/d/f${i}.dtsi`] = `#include "f${i + 1}.dtsi"\n`;
  files['/d/f205.dtsi'] = 'end;\n';
  const r = preprocess('/d/f0.dtsi', { fs: new MemoryFileSystem(files), includePaths: [] });
  const lim = r.diagnostics.filter((d) => d.code === 'resource-limit');
  assert.equal(lim.length, 1);
  assert.match(lim[0].message, /nested more than 200/);
  assert.equal(lim[0].file, '/d/f200.dtsi');
  assert.deepEqual([lim[0].start, lim[0].end], [10, 19]);

  let calls = 0;
  const c = preprocess(fx('basic/board.dts'), { fs: nfs, includePaths: [fx('basic/include')], isCancelled: () => ++calls > 1 });
  assert.deepEqual(c.diagnostics.map((d) => [d.code, d.message]), [['resource-limit', 'preprocessing was cancelled']]);
});

// Every preprocessor diagnostic: code, severity and exact range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { preprocess } from '../../server/src/preprocess';
import type { PreprocessResult } from '../../server/src/preprocess/types';

const FIX = path.resolve(__dirname, '../../../test/fixtures/preprocess');
const fx = (rel: string): string => path.join(FIX, rel);
const nfs = new NodeFileSystem();

function run(rel: string): { r: PreprocessResult; s: string; at: (needle: string, n?: number) => number } {
  const r = preprocess(fx(rel), { fs: nfs, includePaths: [], defines: { __DTS__: '1' } });
  const s = fs.readFileSync(fx(rel), 'utf8');
  const at = (needle: string, n = 0): number => {
    let i = s.indexOf(needle);
    for (let k = 0; k < n; k++) i = s.indexOf(needle, i + 1);
    assert.ok(i >= 0, needle);
    return i;
  };
  return { r, s, at };
}

const rows = (r: PreprocessResult): unknown[] => r.diagnostics.map((d) => [d.code, d.severity, d.start, d.end]);

test('#define syntax errors, ## at the ends, redefinition, #undef without a name', () => {
  const { r, at } = run('diag/bad-define.dts');
  assert.deepEqual(rows(r), [
    ['macro-error', 'error', 0, 7],
    ['macro-error', 'error', at('3x'), at('3x') + 2],
    ['macro-error', 'error', at('a)'), at('a)') + 1],
    ['macro-error', 'error', at('b)'), at('b)') + 1],
    ['macro-error', 'error', at('##'), at('##') + 2],
    ['macro-error', 'error', at('##', 1), at('##', 1) + 2],
    ['macro-redefined', 'warning', at('H', 1), at('H', 1) + 1],
    ['macro-error', 'error', at('#undef'), at('#undef') + 6],
  ]);
  assert.deepEqual(r.diagnostics.map((d) => d.message), [
    'no macro name given in #define directive',
    'macro names must be identifiers',
    'duplicate macro parameter "a"',
    `expected ',' or ')', found "b"`,
    `'##' cannot appear at either end of a macro expansion`,
    `'##' cannot appear at either end of a macro expansion`,
    '"H" redefined',
    'no macro name given in #undef directive',
  ]);
  assert.deepEqual(r.diagnostics[6].related?.map((x) => [x.start, x.end, x.message]), [[at('H'), at('H') + 1, 'previous definition']]);
  assert.equal(r.macros.get('H')?.body, '(x)');
  assert.equal(r.macros.has('P1'), false);
});

test('wrong argument counts and an unterminated argument list', () => {
  const { r, at } = run('diag/args.dts');
  assert.deepEqual(rows(r), [
    ['macro-error', 'error', at('TWO(1)'), at('TWO(1)') + 6],
    ['macro-error', 'error', at('ONE(1, 2)'), at('ONE(1, 2)') + 9],
    ['macro-error', 'error', at('NONE(1)'), at('NONE(1)') + 7],
    ['macro-error', 'error', at('ONE(1\n'), at('ONE(1\n') + 3],
  ]);
  assert.deepEqual(r.diagnostics.map((d) => d.message), [
    'macro "TWO" requires 2 arguments, but only 1 given',
    'macro "ONE" passed 2 arguments, but takes just 1',
    'macro "NONE" passed 1 arguments, but takes just 0',
    'unterminated argument list invoking macro "ONE"',
  ]);
  // the bad invocations stay as written; empty arguments are fine
  assert.deepEqual(r.text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l), [
    'x = TWO(1);', 'y = ONE(1, 2);', 'w = NONE(1);', 'ok = z ;', 'z = ONE(1',
  ]);
});

test('conditional errors, bad expressions, #error, #warning, unterminated #if', () => {
  const { r, at } = run('diag/cond-errors.dts');
  assert.deepEqual(rows(r), [
    ['preprocessor-error', 'error', 0, 5],
    ['preprocessor-error', 'error', at('#endif'), at('#endif') + 6],
    ['preprocessor-error', 'error', at('#elif'), at('#elif') + 5],
    ['preprocessor-error', 'error', at('+'), at('+') + 1],
    ['preprocessor-error', 'error', at('/ 0'), at('/ 0') + 1],
    ['preprocessor-error', 'error', at('(1'), at('(1') + 1],
    ['preprocessor-error', 'error', at('#ifdef'), at('#ifdef') + 6],
    ['preprocessor-error', 'error', at('#else', 2), at('#else', 2) + 5],
    ['preprocessor-error', 'error', at('#error'), at('#error stop here') + 16],
    ['preprocessor-warning', 'warning', at('#warning'), at('#warning') + 16],
    ['preprocessor-error', 'error', at('#if 1\n', 1), at('#if 1\n', 1) + 3],
  ]);
  const msgs = r.diagnostics.map((d) => d.message);
  assert.equal(msgs[0], '#else without #if');
  assert.equal(msgs[1], '#endif without #if');
  assert.equal(msgs[4], 'division by zero in #if');
  assert.equal(msgs[5], `missing ')' in expression`);
  assert.equal(msgs[7], '#else after #else');
  assert.equal(msgs[8], '#error stop here');
  assert.equal(msgs[9], '#warning careful');
  assert.equal(msgs[10], 'unterminated #if');
});

test('unterminated comment', () => {
  const { r, at } = run('diag/comment.dts');
  assert.deepEqual(rows(r), [['preprocessor-error', 'error', at('/*'), at('/*') + 2]]);
  assert.equal(r.diagnostics[0].message, 'unterminated comment');
  assert.equal(r.text.trim(), 'a = <1>;');
});

test('an exploding expansion stops with resource-limit and leaves the name', () => {
  const { r, at } = run('diag/explode.dts');
  assert.deepEqual(rows(r), [['resource-limit', 'error', at('A11;'), at('A11;') + 3]]);
  assert.match(r.diagnostics[0].message, /macro expansion is too large \(expanding "A11"\)/);
  assert.deepEqual(r.text.split('\n').map((l) => l.trim()).filter((l) => l), ['boom = A11;', 'after = 1;']);
});

test('recursive macros: self and mutual recursion are left unexpanded with a warning', () => {
  const { r, at } = run('macros/macros.dts');
  const rec = r.diagnostics.filter((d) => /refers to itself/.test(d.message));
  assert.deepEqual(rec.map((d) => [d.code, d.severity, d.start, d.end]), [
    ['macro-error', 'warning', at('SELF;'), at('SELF;') + 4],
    ['macro-error', 'warning', at('PING;'), at('PING;') + 4],
    ['macro-error', 'warning', at('ID(ID)'), at('ID(ID)') + 6],
  ]);
});

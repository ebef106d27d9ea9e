// Incremental parsing: statements are memoised by text; an edit re-parses only
// the statements it touches and the result equals a cold parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParseCache, parseDts, settleMoves } from '../../server/src/syntax/parse';
import { splitStatements } from '../../server/src/syntax/scan';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/syntax');
const board = fs.readFileSync(path.join(fixtures, 'incremental-board.dts'), 'utf8');

test('the statement splitter finds every top-level statement', () => {
  const chunks = splitStatements(board);
  const texts: string[] = [];
  for (let i = 0; i < chunks.length; i += 2) texts.push(board.slice(chunks[i], chunks[i + 1]));
  assert.equal(texts.length, 8);
  assert.equal(texts[0], '/dts-v1/;');
  assert.ok(texts[1].startsWith('/ {') && texts[1].endsWith('};'));
  assert.ok(texts[2].startsWith('&uart0 {'));
  assert.ok(texts[7].startsWith('/delete-node/ &spare'));
});

test('a second parse of the same text reuses every statement', () => {
  const cache = new ParseCache();
  const cold = parseDts(board, cache);
  assert.deepEqual(cache.stats, { parsed: 8, reused: 0 });
  const warm = parseDts(board, cache);
  assert.deepEqual(cache.stats, { parsed: 8, reused: 8 });
  assert.deepEqual(warm, cold);
  assert.deepEqual(warm, parseDts(board));
});

test('an edit inside one node re-parses only that statement; offsets of later statements shift', () => {
  const cache = new ParseCache();
  parseDts(board, cache);
  const at = board.indexOf('status = "disabled";', board.indexOf('&i2c1'));
  assert.ok(at > 0);
  const edited = board.slice(0, at) + 'status = "okay"; clock-frequency = <100000>;' + board.slice(at + 'status = "disabled";'.length);
  const before = { ...cache.stats };
  const inc = parseDts(edited, cache);
  assert.deepEqual({ parsed: cache.stats.parsed - before.parsed, reused: cache.stats.reused - before.reused }, { parsed: 1, reused: 7 });
  assert.deepEqual(inc, parseDts(edited));
  assert.deepEqual(inc.errors, []);
  // the statement after the edit moved by the length difference
  const last = inc.statements[inc.statements.length - 1];
  assert.equal(last.start, edited.indexOf('/delete-node/ &spare'));
});

test('an edit that introduces a syntax error keeps the other statements', () => {
  const cache = new ParseCache();
  parseDts(board, cache);
  const at = board.indexOf('<400000>');
  const edited = board.slice(0, at) + '<400000 $>' + board.slice(at + 8);
  const inc = parseDts(edited, cache);
  const p = edited.indexOf('$');
  assert.deepEqual(inc.errors, [{ start: p, end: p + 1, message: "expected label, reference, integer or '>', found '$'" }]);
  assert.deepEqual(inc, parseDts(edited));
  assert.equal(inc.statements.length, 8);
  // undo: the original statement comes back from the cache
  const before = { ...cache.stats };
  assert.deepEqual(parseDts(board, cache), parseDts(board));
  assert.equal(cache.stats.parsed - before.parsed, 0);
});

test('inserting a statement and text before everything shifts all reused statements', () => {
  const cache = new ParseCache();
  parseDts(board, cache);
  const edited = '/* header comment */\n' + board.replace('&uart0 {', '&new_node { x; };\n\n&uart0 {');
  const before = { ...cache.stats };
  const inc = parseDts(edited, cache);
  assert.deepEqual({ parsed: cache.stats.parsed - before.parsed, reused: cache.stats.reused - before.reused }, { parsed: 1, reused: 8 });
  assert.deepEqual(inc, parseDts(edited));
});

test('the same statement text twice in one file gets two correctly placed copies', () => {
  const cache = new ParseCache();
  const t = '/dts-v1/;\n/ { };\n&a { b; };\n&a { b; };\n';
  const f = parseDts(t, cache);
  assert.deepEqual(f, parseDts(t));
  // a first parse reads the text in one run and memoises each distinct statement text once
  assert.deepEqual(cache.stats, { parsed: 3, reused: 0 });
  assert.equal(f.statements[2].start, t.indexOf('&a'));
  assert.equal(f.statements[3].start, t.lastIndexOf('&a'));
  // the next parse takes all four from the cache, the repeated one placed twice
  const g = parseDts(t, cache);
  assert.deepEqual(cache.stats, { parsed: 3, reused: 4 });
  assert.deepEqual(g, f);
  assert.equal(g.statements[2].start, t.indexOf('&a'));
  assert.equal(g.statements[3].start, t.lastIndexOf('&a'));
});

test('a first parse in one run gives the statement-by-statement result, with syntax errors too', () => {
  // no cache: one run of the parser over the whole text; an owner that parsed before (an edit session):
  // chunk by chunk
  const texts = [board, '/dts-v1/;\n/ { a = <1>; };\n&x { b = "s"; };\n', '/dts-v1/;\n/ { a = <1 2; };\n&x { c; };\n'];
  for (const t of texts) {
    const other = new ParseCache();
    parseDts('/dts-v1/;\n/ { unrelated; };\n', other, { owner: 'someone' });
    const whole = parseDts(t);
    const chunked = parseDts(t, other, { owner: 'someone' });
    const again = parseDts(t, other, { owner: 'someone' });
    assert.deepEqual(whole, again);
    assert.deepEqual(whole, chunked);
  }
});

test('an edit whose moves are settled in place moves the owner\'s own statements, never another owner\'s', () => {
  const cache = new ParseCache();
  const edited = board.replace('\tmodel', '\t model');
  // owner a parses the board, owner b takes the same statements at the same offsets from the cache
  const a0 = parseDts(board, cache, { owner: 'a' });
  const b0 = parseDts(board, cache, { owner: 'b' });
  assert.equal(b0.statements[2], a0.statements[2], 'b shares a\'s statements');
  // a's next parse leaves what follows the edit unmoved until it is settled
  const a1 = parseDts(edited, cache, { owner: 'a', deferMoves: true });
  assert.equal(a1.statements[2], a0.statements[2]);
  assert.equal(a1.statements[2].start, board.indexOf('&uart0'), 'not moved yet');
  settleMoves(a1, true);
  // shared with b: copied, b's objects untouched
  assert.notEqual(a1.statements[2], b0.statements[2]);
  assert.deepEqual(a1, parseDts(edited));
  assert.deepEqual(b0, parseDts(board));

  // a statement only a holds is moved where it is (the same object)
  const c = new ParseCache();
  const x0 = parseDts(board, c, { owner: 'x' });
  const last = x0.statements[x0.statements.length - 1];
  const x1 = parseDts(edited, c, { owner: 'x', deferMoves: true });
  settleMoves(x1, true);
  assert.equal(x1.statements[x1.statements.length - 1], last, 'moved in place');
  assert.deepEqual(x1, parseDts(edited));
  // the cache knows where it is now: a lookup of its text at its new offset gives it as it is
  assert.equal(c.lookup(edited.slice(last.start, last.end), last.start, 0)?.statements[0], last);

  // settled as copies (the analysis was abandoned): the last parse stays as it was
  const d = new ParseCache();
  const z0 = parseDts(board, d, { owner: 'z' });
  const z1 = parseDts(edited, d, { owner: 'z', deferMoves: true });
  settleMoves(z1, false);
  assert.deepEqual(z0, parseDts(board));
  assert.deepEqual(z1, parseDts(edited));
  // a deferred parse never settled is settled (as copies) by the owner's next parse
  const z2 = parseDts(edited.replace('\t model', '\t  model'), d, { owner: 'z', deferMoves: true });
  const z3 = parseDts(edited.replace('\t model', '\t   model'), d, { owner: 'z' });
  assert.deepEqual(z2.statements.length, z3.statements.length);
  assert.deepEqual(z3, parseDts(edited.replace('\t model', '\t   model')));
});

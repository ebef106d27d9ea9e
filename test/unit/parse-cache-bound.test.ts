// The ParseCache bounds the text it keeps (memory stays flat over long editing sessions) and never
// drops the statements of an owner's last parse: results stay identical to an uncached parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParseCache, parseDts } from '../../server/src/syntax/parse';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/syntax');
const board = fs.readFileSync(path.join(fixtures, 'incremental-board.dts'), 'utf8');

test('a small text bound evicts stale statements, keeps the owners\' live ones, and results equal a cold parse', () => {
  // bound far below the fixture's size: every parse trims the cache
  const cache = new ParseCache(60000, 200);
  const other = board.replace('/dts-v1/;', '/dts-v1/;\n/memreserve/ 0x1000 0x100;');
  parseDts(other, cache, { owner: 'other.dts' });
  let text = board;
  const spaceAfterStatus = (t: string, from: number): string => {
    const at = t.indexOf('status', from);
    const p = (at < 0 ? t.indexOf('status') : at) + 'status'.length;
    return t.slice(0, p) + ' ' + t.slice(p);
  };
  for (let i = 0; i < 30; i++) {
    // one edit inside a property (the owner's last parse is edited: that item is parsed and stored), or two
    // (the whole text is split into statements again, the edited ones parsed and stored)
    text = spaceAfterStatus(text, (i * 97) % text.length);
    if (i % 2 === 1) text = spaceAfterStatus(text, (i * 389) % text.length);
    const warm = parseDts(text, cache, { owner: 'board.dts' });
    assert.deepEqual(warm, parseDts(text));
  }
  assert.ok(cache.edits >= 15);
  assert.ok(cache.size < 30, `cache holds ${cache.size} entries`);
  // the other owner's statements survived every trim: a parse of its text (by a new owner, so not an edit of
  // a last parse) reuses them, but for the one the board's first edit replaced (the board's parse had taken it at
  // the same offset): its entry went with that edit, whose parse shares and moves its objects (parse-edit.test.ts)
  const before = { ...cache.stats };
  assert.deepEqual(parseDts(other, cache, { owner: 'other-again.dts' }), parseDts(other));
  assert.equal(cache.stats.parsed - before.parsed, 1);
  assert.equal(cache.stats.reused - before.reused, 8);
});

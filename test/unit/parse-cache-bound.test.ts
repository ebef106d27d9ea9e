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
  for (let i = 0; i < 30; i++) {
    const at = text.indexOf('status', (i * 97) % text.length);
    const p = at < 0 ? text.indexOf('status') : at;
    text = text.slice(0, p) + ' ' + text.slice(p);
    const warm = parseDts(text, cache, { owner: 'board.dts' });
    assert.deepEqual(warm, parseDts(text));
  }
  assert.ok(cache.size < 30, `cache holds ${cache.size} entries`);
  // the other owner's statements survived every trim: its re-parse reuses all of them
  const before = { ...cache.stats };
  assert.deepEqual(parseDts(other, cache, { owner: 'other.dts' }), parseDts(other));
  assert.equal(cache.stats.parsed, before.parsed);
  assert.equal(cache.stats.reused - before.reused, 9);
});

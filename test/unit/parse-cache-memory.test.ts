// The parse cache must not keep old versions of the text alive: its keys and the names in its ASTs are
// copies, not views of the (preprocessed) text they were cut from. Before that was so, every edited version
// of a board stayed in memory through the cache entries of its edited statements (measured on four kernel
// boards: ~25 MB more live data after 800 edits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ParseCache, parseDts } from '../../server/src/syntax/parse';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/syntax');
const board = fs.readFileSync(path.join(fixtures, 'incremental-board.dts'), 'utf8');

function gcFunction(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

test('edited versions of a text are not retained by the cache', () => {
  const gc = gcFunction();
  // each version is a new 1 MB string: the board, then a long comment (trivia after the last statement)
  const pad = `\n/* ${'padding '.repeat(131072)} */\n`;
  const cache = new ParseCache();
  let text = board + pad;
  parseDts(text, cache, { owner: 'board.dts' });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 40; i++) {
    // a new statement text every time (a space after a property name), in two places (so not an edit of the
    // last parse, which stores nothing for an item of a small node): the statements' entries are new
    for (const k of [i, i + 3]) {
      const names = [...text.slice(0, board.length + 2 * i).matchAll(/\t *(status|reg|compatible|model) /g)];
      const p = names[k % names.length].index! + names[k % names.length][0].length - 1;
      text = text.slice(0, p) + ' ' + text.slice(p);
    }
    const r = parseDts(text, cache, { owner: 'board.dts' });
    assert.equal(r.errors.length, 0);
  }
  assert.ok(cache.stats.parsed >= 40, `${cache.stats.parsed} statements parsed`);
  text = '';
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  // 40 versions of 1 MB each if they were kept; a copy of each edited statement otherwise
  assert.ok(grown < 10, `heap grew by ${grown.toFixed(1)} MB over 40 edits`);
});

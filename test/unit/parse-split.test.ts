// Huge statements (a SoC .dtsi's `/ { ... };`) are parsed and cached item by item: an edit inside one
// node re-parses only that node, and the result is exactly the one of a parse without cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParseCache, parseDts } from '../../server/src/syntax/parse';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/syntax');
const soc = fs.readFileSync(path.join(fixtures, 'huge-soc.dtsi'), 'utf8');

const opts = { complete: false, owner: 'huge-soc.dtsi' };

/** The fixture with one more space in the body of uart`n`. */
function spaceIn(text: string, n: number): string {
  const at = text.indexOf('status', text.indexOf(`uart${n}:`));
  return text.slice(0, at) + ' ' + text.slice(at);
}

/** The fixture with one more space in the bodies of uart`n` and uart`n + 10`: not one edit of the last parse. */
function spacesIn(text: string, n: number): string {
  return spaceIn(spaceIn(text, n), n + 10);
}

test('a huge statement parsed item by item equals the whole parse', () => {
  const cache = new ParseCache();
  // the first parse of an owner parses whole (nothing to reuse)
  assert.deepEqual(parseDts(soc, cache, opts), parseDts(soc, undefined, opts));
  assert.deepEqual(cache.stats, { parsed: 1, reused: 0 });
  // edits in two places: the statement is parsed item by item (every item is new to the cache here)
  const edited = spacesIn(soc, 50);
  const split = parseDts(edited, cache, opts);
  assert.deepEqual(split, parseDts(edited, undefined, opts));
  assert.deepEqual(split.errors, []);
  assert.equal(split.statements.length, 1);
  // 3 root items + 4 properties and 100 nodes of soc@0 + the whole statement, less soc@0's
  // '#address-cells = <2>;' and '#size-cells = <2>;', the same text as the root's (reused)
  assert.deepEqual(cache.stats, { parsed: 1 + 108 - 2, reused: 2 });
  // the same text again: the owner's last parse as it is; for another owner, the whole statement in one lookup
  const before = { ...cache.stats };
  assert.equal(parseDts(edited, cache, opts), split);
  assert.deepEqual(cache.stats, before);
  assert.deepEqual(parseDts(edited, cache, { ...opts, owner: 'another.dts' }), split);
  assert.deepEqual({ parsed: cache.stats.parsed - before.parsed, reused: cache.stats.reused - before.reused }, { parsed: 0, reused: 1 });
});

test('edits in two nodes re-parse only those nodes; later items move', () => {
  const cache = new ParseCache();
  parseDts(soc, cache, opts);
  const base = spacesIn(soc, 50);
  parseDts(base, cache, opts);
  let edited = base;
  for (const n of [7, 8]) {
    const at = edited.indexOf('status = "disabled";', edited.indexOf(`uart${n}:`));
    edited = edited.slice(0, at) + 'status = "okay";  ' + edited.slice(at + 'status = "disabled";'.length);
  }
  const before = { ...cache.stats };
  const inc = parseDts(edited, cache, opts);
  assert.deepEqual(inc, parseDts(edited, undefined, opts));
  // parsed: the edited uart7 and uart8 nodes, and the new text of the whole statement is stored;
  // reused: every other item of the root body (3; soc@0 itself is split again) and of soc@0 (4 properties + 98 nodes)
  assert.deepEqual({ parsed: cache.stats.parsed - before.parsed, reused: cache.stats.reused - before.reused }, { parsed: 3, reused: 105 });
  const uart9 = edited.indexOf('uart9: serial@');
  const stmt = inc.statements[0];
  assert.ok(stmt.kind === 'rootNode');
  const socNode = stmt.body.items.find((i) => i.kind === 'node' && i.name === 'soc@0');
  assert.ok(socNode && socNode.kind === 'node');
  const n9 = socNode.body.items.find((i) => i.kind === 'node' && i.name === 'serial@1090000');
  assert.equal(n9?.start, uart9);
});

test('a syntax error inside a huge statement gives the diagnostics of the whole parse', () => {
  const cache = new ParseCache();
  parseDts(soc, cache, opts);
  parseDts(spaceIn(soc, 50), cache, opts);
  const at = soc.indexOf('status = "disabled";', soc.indexOf('uart3:'));
  const edited = soc.slice(0, at) + 'status = "okay"' + soc.slice(at + 'status = "disabled";'.length);
  const inc = parseDts(edited, cache, opts);
  assert.deepEqual(inc, parseDts(edited, undefined, opts));
  assert.equal(inc.errors.length, 1);
  assert.equal(inc.errors[0].start, edited.indexOf('\t\t};', at) + 2);
  // a property after a child node (dtc's soft error) too
  const late = soc.replace('\t};\n};\n', '\t};\n\tlate-property;\n};\n');
  const lateParse = parseDts(late, cache, opts);
  assert.deepEqual(lateParse, parseDts(late, undefined, opts));
  assert.deepEqual(lateParse.errors.map((e) => e.message), ['Properties must precede subnodes']);
});

test('a huge statement with many errors recovers item by item: one error per broken item, the rest parsed', () => {
  // break the `interrupts` value of uart10, uart20, ... uart90 (an undefined macro left in the cells)
  let broken = soc;
  const at: number[] = [];
  for (let n = 10; n < 100; n += 10) {
    const i = broken.indexOf('interrupts = <', broken.indexOf(`uart${n}:`)) + 'interrupts = <'.length;
    broken = broken.slice(0, i) + 'GIC_SPI ' + broken.slice(i);
  }
  for (let n = 10; n < 100; n += 10) at.push(broken.indexOf('GIC_SPI', broken.indexOf(`uart${n}:`)));
  const r = parseDts(broken, undefined, opts);
  assert.deepEqual(r.errors.map((e) => [e.start, broken.slice(e.start, e.end)]), at.map((p) => [p, 'GIC_SPI']));
  assert.match(r.errors[0].message, /found 'GIC_SPI'/);
  // every uart node is still in the AST, the broken property of each becomes an error item
  const root = r.statements[0];
  assert.equal(root.kind, 'rootNode');
  const socNode = root.kind === 'rootNode' ? root.body.items.find((x) => x.kind === 'node' && x.name === 'soc@0') : undefined;
  assert.ok(socNode && socNode.kind === 'node');
  assert.equal(socNode.body.items.filter((x) => x.kind === 'node').length, 100);
  const uart10 = socNode.body.items.find((x) => x.kind === 'node' && x.labels.some((l) => l.name === 'uart10'));
  assert.ok(uart10 && uart10.kind === 'node');
  assert.deepEqual(uart10.body.items.map((x) => x.kind === 'property' ? x.name : x.kind).includes('error'), true);
  assert.ok(uart10.body.items.some((x) => x.kind === 'property' && x.name === 'status'));
});

test('typing a property into a huge statement, one character at a time: every state (most with a syntax error) equals the parse without cache, and only the item typed in is parsed again', () => {
  const cache = new ParseCache();
  parseDts(soc, cache, opts);
  // (an error elsewhere first: the items are then parsed one by one, and cached, as a sliced first parse does)
  const i10 = soc.indexOf('interrupts = <', soc.indexOf('uart10:')) + 'interrupts = <'.length;
  parseDts(soc.slice(0, i10) + 'GIC_SPI ' + soc.slice(i10), cache, opts);
  parseDts(soc, cache, opts);
  const at = soc.indexOf('\n', soc.indexOf('status', soc.indexOf('uart42:'))) + 1;
  // (no quote: one left open runs on to the next one, and the whole text is parsed again)
  const line = '\t\t\tvendor,typed = <1 2>, <3>;\n';
  let errorStates = 0;
  const edits = cache.edits;
  for (let k = 1; k <= line.length; k++) {
    const text = soc.slice(0, at) + line.slice(0, k) + soc.slice(at);
    const before = cache.stats.parsed;
    const r = parseDts(text, cache, opts);
    assert.deepEqual(r, parseDts(text, undefined, opts), `after ${JSON.stringify(line.slice(0, k))}`);
    if (r.errors.length) errorStates++;
    // the item typed in (uart42), and the two huge nodes around it (soc@0 and the root statement) at most
    assert.ok(cache.stats.parsed - before <= 4, `after ${JSON.stringify(line.slice(0, k))}: ${cache.stats.parsed - before} parsed`);
  }
  assert.ok(errorStates > 10, `${errorStates} states with a syntax error`);
  // each keystroke edited the last parse (the node typed in parsed again with recovery), errors or not
  assert.equal(cache.edits - edits, line.length);
  // an edit elsewhere while the error is there: the whole text is parsed again (and still equals it)
  const broken = soc.slice(0, at) + '\t\t\tvendor' + soc.slice(at);
  parseDts(broken, cache, opts);
  const elsewhere = broken.replace('uart7:', 'uart7x:');
  const before = cache.edits;
  assert.deepEqual(parseDts(elsewhere, cache, opts), parseDts(elsewhere, undefined, opts));
  assert.equal(cache.edits, before, 'an edit away from the error is not an edit of the last parse');
});

// An owner's next parse is made from its last one when the texts differ in one place inside one item or
// statement, or in the white space between two (parse.ts, reparseEdit). Whatever path is taken, the result
// must be exactly the whole parse of the new text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParseCache, parseDts, settleMoves } from '../../server/src/syntax/parse';
import type { DtsFile, NodeItem } from '../../server/src/syntax/ast';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/syntax');
const board = fs.readFileSync(path.join(fixtures, 'incremental-board.dts'), 'utf8');
const soc = fs.readFileSync(path.join(fixtures, 'huge-soc.dtsi'), 'utf8');

interface Edit {
  what: string;
  after: string;
  insert?: string;
  remove?: number;
  edited: boolean;
}

function apply(text: string, e: Edit): string {
  const at = text.indexOf(e.after);
  assert.ok(at >= 0, `fixture has ${JSON.stringify(e.after)}`);
  const p = at + e.after.length;
  return text.slice(0, p) + (e.insert ?? '') + text.slice(p + (e.remove ?? 0));
}

const EDITS: Edit[] = [
  { what: 'a space between two properties', after: 'model = "Incremental test board";', insert: ' ', edited: true },
  { what: 'a new line between two statements', after: '&uart0 {\n\tstatus = "okay";\n};', insert: '\n', edited: true },
  { what: 'a digit of a value', after: 'reg = <0x100', insert: '8', edited: true },
  { what: 'a string changed', after: 'model = "Incremental', insert: ' new', edited: true },
  { what: 'a property name changed', after: '\tclock-', insert: 'x', edited: true },
  { what: 'a node name changed', after: 'sensor@4', remove: 1, insert: '9', edited: true },
  { what: 'a label changed', after: 'uart0: serial', insert: 'x', edited: true },
  { what: 'the reference of a statement changed', after: '&i2c', remove: 1, insert: '2', edited: true },
  { what: 'spaces after an item', after: 'reg = <0x48>;', insert: '   ', edited: true },
  { what: 'a property value that becomes a list', after: 'current-speed = <115200>', insert: ', <1>', edited: true },
  // (a small statement whose body changed outside one item, across two, or with a syntax error, is parsed again
  // whole, with error recovery as the whole parse recovers it: on its own)
  { what: 'a missing semicolon', after: 'reg = <0x48>', remove: 1, edited: true },
  { what: 'a semicolon that splits an item', after: 'reg = <0x3000', insert: '>; x = <1', edited: true },
  { what: 'a line pasted between two properties', after: '\tclock-frequency = <400000>;\n', insert: '\tpasted = <2>;\n', edited: true },
  { what: 'a new property typed after an item', after: 'reg = <0x48>;', insert: ' x', edited: true },
  { what: 'a property turned into a node before a property', after: '&i2c1 {\n\tstatus', remove: ' = "disabled"'.length, insert: ' { }', edited: true },
  { what: 'a property added after a node', after: '\tclock-frequency = <400000>;\n\n\tsensor@48 {\n\t\treg = <0x48>;\n\t};', insert: '\n\tlate = <1>;', edited: true },
  { what: 'an edit across two items', after: 'reg = <0x1000 0x100>', remove: 12, edited: true },
  // (a statement left without its closing brace or its `;` runs on into the next: the whole text is parsed)
  { what: 'a closing brace deleted', after: '&uart0 {\n\tstatus = "okay";\n', remove: 1, edited: false },
  { what: 'a statement\'s semicolon deleted', after: '&uart0 {\n\tstatus = "okay";\n}', remove: 1, edited: false },
  { what: 'an edit across two statements', after: '&uart0 {\n\tstatus = "okay";\n}', remove: 4, edited: false },
];

const plain = (f: DtsFile): unknown => JSON.parse(JSON.stringify(f, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));

for (const e of EDITS) {
  test(`parse edit: ${e.what} -> ${e.edited ? 'the last parse is edited' : 'a whole parse'}; equal to a cold parse`, () => {
    const cache = new ParseCache();
    parseDts(board, cache, { owner: 'b' });
    const text = apply(board, e);
    const got = parseDts(text, cache, { owner: 'b' });
    assert.equal(cache.edits, e.edited ? 1 : 0, 'path taken');
    assert.deepEqual(plain(got), plain(parseDts(text)));
  });
}

test('an edit keeps the objects before it and moves those after it', () => {
  const cache = new ParseCache();
  const first = parseDts(board, cache, { owner: 'b' });
  const text = apply(board, { what: '', after: 'reg = <0x2000 0x10', insert: '1', edited: true });
  const next = parseDts(text, cache, { owner: 'b' });
  assert.equal(cache.edits, 1);
  const root0 = first.statements[1];
  const root1 = next.statements[1];
  assert.ok(root0.kind === 'rootNode' && root1.kind === 'rootNode');
  // model and compatible: the same objects; the soc node is new (its body changed), moved by one after the edit
  assert.equal(root1.body.items[0], root0.body.items[0]);
  assert.equal(root1.body.items[1], root0.body.items[1]);
  assert.notEqual(root1.body.items[2], root0.body.items[2]);
  assert.equal(root1.end, root0.end + 1);
  assert.equal(next.statements[2].start, first.statements[2].start + 1);
  // nothing is parsed but the edited property
  const soc1 = root1.body.items[2] as NodeItem & { kind: 'node' };
  const soc0 = root0.body.items[2] as NodeItem & { kind: 'node' };
  assert.equal(soc1.body.items[0], soc0.body.items[0], '#address-cells: the same object');
});

test('random edits of a huge statement: every parse equals a cold parse, most are edits of the last one', () => {
  const cache = new ParseCache();
  const owner = 'huge-soc.dtsi';
  let text = soc;
  parseDts(text, cache, { owner, complete: false });
  let seed = 7;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x80000000; };
  const snippets = [' ', '\n', '1', 'x', ';', '}', '{', '"', '0x', '<1>', '&uart1'];
  for (let i = 0; i < 120; i++) {
    const p = Math.floor(rnd() * text.length);
    const before = text;
    text = rnd() < 0.25 ? text.slice(0, p) + text.slice(p + 1) : text.slice(0, p) + snippets[Math.floor(rnd() * (rnd() < 0.7 ? 4 : snippets.length))] + text.slice(p);
    const got = parseDts(text, cache, { owner, complete: false });
    assert.deepEqual(plain(got), plain(parseDts(text, undefined, { complete: false })), `edit ${i} at ${p}`);
    if (got.errors.length) text = before; // back to a valid text (the next parse is a whole one)
  }
  assert.ok(cache.edits >= 40, `${cache.edits} edits of the last parse`);
});

test('the cache holds the moved statements, not a second copy of the old ones', () => {
  const cache = new ParseCache();
  const first = parseDts(board, cache, { owner: 'b' });
  const text = apply(board, { what: '', after: 'clock-frequency = <40000', insert: '1', edited: true });
  const edited = parseDts(text, cache, { owner: 'b' });
  assert.equal(cache.edits, 1);
  const k = edited.statements.findIndex((st) => st.kind === 'refNode' && st.ref.kind === 'labelRef' && st.ref.name === 'i2c1');
  assert.ok(k > 0 && k < edited.statements.length - 2);
  // another owner parsing the same text looks every statement up: before the edited one, the objects of the
  // first parse; after it, the objects the edit moved (a copy at the old place would double the memory of an
  // edited board)
  const again = parseDts(text, cache, { owner: 'another' });
  for (let j = 0; j < k; j++) assert.equal(again.statements[j], first.statements[j], `statement ${j}`);
  for (let j = k + 1; j < edited.statements.length; j++) assert.equal(again.statements[j], edited.statements[j], `statement ${j}`);
});

test('edits of items keep the cache from growing: an item of a small node is not stored, a replaced one of a huge node goes', () => {
  const cache = new ParseCache();
  let text = board;
  parseDts(text, cache, { owner: 'b' });
  const size = cache.size;
  for (let i = 0; i < 12; i++) {
    text = text.replace(/reg = <0x1000 0x\d+>/, `reg = <0x1000 0x${200 + i}>`);
    parseDts(text, cache, { owner: 'b' });
  }
  assert.equal(cache.edits, 12);
  assert.ok(cache.size <= size, `${cache.size} entries, ${size} before the edits`);
  // a huge node (soc@0 of huge-soc.dtsi): its items have entries (the split parse looks them up); an edited
  // item (a renamed uart node) is stored, the one it replaced dropped
  let big = soc;
  parseDts(big, cache, { owner: 'soc', complete: false });
  big = big.replace(/serial@1070000/, 'serial@1070001');
  parseDts(big, cache, { owner: 'soc', complete: false });
  const bigSize = cache.size;
  for (let i = 2; i < 14; i++) {
    big = big.replace(/serial@10700[0-9a-f]{2}/, `serial@10700${i.toString(16).padStart(2, '0')}`);
    const r = parseDts(big, cache, { owner: 'soc', complete: false });
    assert.ok(r.statements.length > 0 && r.errors.length === 0);
  }
  assert.equal(cache.edits, 25);
  assert.equal(cache.size, bigSize);
});

// a bus node of ~3 KB (above RECOVER_BY_ITEMS_MIN_CHARS, far below SPLIT_MIN_CHARS): a whole parse with an error in
// it recovers it item by item, so an edit parses the device node the keystroke is in, not the bus
const busDev = (i: number): string => `\t\tdev${i}: dev@${i} {\n\t\t\tcompatible = "vendor,dev";\n\t\t\treg = <${i} 0x100>;\n\t\t\tstatus = "disabled";\n\t\t};\n`;
const bus = `/dts-v1/;\n\n/ {\n\tbus@0 {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n${Array.from({ length: 30 }, (_, i) => busDev(i)).join('')}\t};\n};\n`;

/** The bus node's items in a parse of `bus` or of a text made from it. */
function busItems(f: DtsFile): NodeItem[] {
  const root = f.statements[1];
  assert.ok(root.kind === 'rootNode');
  const b = root.body.items[0];
  assert.ok(b.kind === 'node');
  return b.body.items;
}

/**
 * `typed` typed into `text` at p one character at a time (owner `bus`, one cache): each parse is an edit of the last one
 * and equal to a cold parse; `each` gets the parse, the one before it and the character typed.
 */
function typeInto(text: string, p: number, typed: string, each: (got: DtsFile, last: DtsFile, ch: string) => void): void {
  const cache = new ParseCache();
  let last = parseDts(text, cache, { owner: 'bus' });
  for (const ch of typed) {
    text = text.slice(0, p) + ch + text.slice(p);
    p++;
    const edits = cache.edits;
    const got = parseDts(text, cache, { owner: 'bus' });
    assert.deepEqual(plain(got), plain(parseDts(text)), `after ${JSON.stringify(text.slice(p - 12, p))}`);
    assert.equal(cache.edits, edits + 1, 'the last parse is edited');
    each(got, last, ch);
    last = got;
  }
}

test('a property typed into a node of a mid-size bus: each keystroke parses its node alone, errors and all; equal to a cold parse', () => {
  assert.ok(bus.length > 2048 && bus.length < 16384);
  const p = bus.indexOf('status = "disabled";\n', bus.indexOf('dev5: ')) + 'status = "disabled";\n'.length;
  let errorStates = 0;
  typeInto(bus, p, '\t\t\tvendor,foo = <1>;\n', (got, last) => {
    if (got.errors.length) errorStates++;
    // the device before the edit is the last parse's object: the bus was not parsed again
    assert.equal(busItems(got)[2 + 4], busItems(last)[2 + 4]);
  });
  assert.ok(errorStates >= 10, `${errorStates} keystrokes left a syntax error`);
});

test('a property typed into a mid-size bus before a labelled child: each keystroke with an error before and after parses the half-typed property and that child alone; equal to a cold parse', () => {
  // (a blank line between the properties and the first child, as SoC .dtsi files have them)
  const text = bus.replace('#size-cells = <1>;\n', '#size-cells = <1>;\n\n');
  const p = text.indexOf('#size-cells = <1>;\n') + '#size-cells = <1>;\n'.length;
  const local: string[] = [];
  typeInto(text, p, '\t\tvendor,foo = <1 2>;\n', (got, last, ch) => {
    // the bus's first property is the last parse's object: the bus was not parsed again (the recovery's unit was)
    if (busItems(got)[0] === busItems(last)[0]) local.push(ch);
  });
  // the first letter (no error before it) and the `;` that ends the error parse the bus again; the rest, from the
  // second letter to the `>`, do not (the tabs and the last line break are white space between items)
  assert.equal(local.join(''), '\t\tendor,foo = <1 2>\n');
});

for (const [what, base] of [['', bus], [', blank lines between its items', bus.replace(/\t\t\};\n/g, '\t\t};\n\n')]]) test(`random edits of a mid-size bus${what}, syntax errors kept: every parse equals a cold parse`, () => {
  // (the edit recovers an erroneous device node alone only because the whole parse recovers the bus item by item)
  const bus = base;
  const cache = new ParseCache();
  let text = bus;
  parseDts(text, cache, { owner: 'bus', complete: false });
  let seed = 4;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x80000000; };
  const snippets = [' ', '\n', '1', 'x', ';', '}', '{', '"', '0x', '<1>', 'v', ' = ', 'q;'];
  let anchor = Math.floor(rnd() * text.length);
  let errorStates = 0;
  for (let i = 0; i < 300; i++) {
    if (rnd() < 0.1) anchor = Math.floor(rnd() * text.length);
    const p = Math.min(text.length, Math.max(0, anchor + Math.floor((rnd() - 0.5) * 40)));
    if (rnd() < 0.2) text = text.slice(0, p) + text.slice(p + 1);
    else text = text.slice(0, p) + snippets[Math.floor(rnd() * snippets.length)] + text.slice(p);
    if (rnd() < 0.05) text = bus;
    const got = parseDts(text, cache, { owner: 'bus', complete: false });
    if (got.errors.length) errorStates++;
    assert.deepEqual(plain(got), plain(parseDts(text, undefined, { complete: false })), `edit ${i} at ${p}`);
  }
  assert.ok(errorStates >= 100 && cache.edits >= 50, `${errorStates} parses with errors, ${cache.edits} edits of the last parse`);
});

test('an edit moved in place inside a huge node whose whole entry another owner keeps: a later lookup of that node equals a cold parse', () => {
  // soak seed 62: sc7280.dtsi analysed alone (its owner keeps the soc node's entry), then in its board (the board's
  // parse took a copy of the node, at its own offset), a space typed inside the node, settled in place, then the
  // file's old text back (closed unsaved): the board's parse of it found the node's entry, with the items after
  // the keystroke moved by the keystroke, one character off
  const cache = new ParseCache();
  const opts = (owner: string) => ({ owner, complete: false, deferMoves: true });
  const first = parseDts(soc, cache, opts('huge-soc.dtsi'));
  settleMoves(first, true);
  const prefix = '/ {\n\tmodel = "board";\n};\n';
  const inBoard = parseDts(prefix + soc, cache, opts('board.dts'));
  settleMoves(inBoard, true);
  const at = soc.indexOf('serial@1010000');
  assert.ok(at > 0);
  const typed = prefix + soc.slice(0, at) + ' ' + soc.slice(at);
  const edited = parseDts(typed, cache, opts('board.dts'));
  assert.equal(cache.edits, 1, 'the keystroke edits the last parse');
  settleMoves(edited, true);
  assert.deepEqual(plain(edited), plain(parseDts(typed, undefined, { complete: false })), 'the keystroke');
  // the old text at another offset (the board's own text changed too): a whole parse that looks the node up
  const back = '/ {\n\tmodel = "board 2";\n};\n' + soc;
  const got = parseDts(back, cache, opts('board.dts'));
  settleMoves(got, true);
  assert.equal(cache.edits, 1, 'a whole parse');
  assert.deepEqual(plain(got), plain(parseDts(back, undefined, { complete: false })), 'the old text at another offset');
  // and at the same offset
  const same = prefix + soc;
  const got2 = parseDts(same, cache, opts('other.dts'));
  assert.deepEqual(plain(got2), plain(parseDts(same, undefined, { complete: false })), 'the old text at the same offset');
});

test('an edit moved in place inside a small statement whose entry another owner used: the entry goes with the edit, no lookup finds the moved items', () => {
  // soak --zephyr seed 5: a SoC .dtsi analysed alone and in its board, each owner's last parse using the entry of its
  // `/ { ... };` (under 16 K: no entries of its items); a space typed inside a node of it, the items after it moved in
  // place, moved the entry the board kept too (it held the same item objects); the board's next whole parse took the
  // statement from that entry, its items a keystroke off (the Zephyr binding findings were published lines away)
  const cache = new ParseCache();
  const opts = (owner: string) => ({ owner, complete: false, deferMoves: true });
  const prefix = '/ {\n\tmodel = "board";\n};\n';
  settleMoves(parseDts(prefix + bus, cache, opts('board.dts')), true);
  settleMoves(parseDts(bus, cache, opts('soc.dtsi')), true);
  // a keystroke late in the node whose analysis did not patch its tree (its moves made as copies), then one before it,
  // moved in place: the items between the two are the kept entry's objects too
  const late = bus.indexOf('\t\tdev20: ');
  const first = bus.slice(0, late) + ' ' + bus.slice(late);
  const edits = cache.edits;
  settleMoves(parseDts(first, cache, opts('soc.dtsi')), false);
  const at = bus.indexOf('\t\tdev4: ');
  const typed = first.slice(0, at) + ' ' + first.slice(at);
  const edited = parseDts(typed, cache, opts('soc.dtsi'));
  assert.equal(cache.edits, edits + 2, 'the keystrokes edit the last parse');
  settleMoves(edited, true);
  assert.deepEqual(plain(edited), plain(parseDts(typed, undefined, { complete: false })), 'the keystroke');
  // the board's text, another offset: a whole parse that takes the statement from the entry it kept
  const back = '/ {\n\tmodel = "board 2";\n};\n' + bus;
  assert.deepEqual(plain(parseDts(back, cache, opts('board.dts'))), plain(parseDts(back, undefined, { complete: false })), 'the board again');
  // and the .dtsi's old text at its own offset
  assert.deepEqual(plain(parseDts(bus, cache, opts('other.dtsi'))), plain(parseDts(bus, undefined, { complete: false })), 'the old text');
});

test('spaces typed between two items of a text with syntax errors: an edit of the last parse, its errors carried and moved; equal to a cold parse', () => {
  // a property half typed before a labelled node (its missing `;` is reported at the label), then a space after it
  const cache = new ParseCache();
  const at = bus.indexOf('\t\tdev5: ');
  const half = bus.slice(0, at) + '\t\tvendor,typed-prop\n' + bus.slice(at);
  parseDts(half, cache, { owner: 'bus' });
  const p = at + '\t\tvendor,typed-prop'.length;
  let text = half;
  for (const [insert, remove] of [[' ', 0], ['\t', 0], ['', 1], [' ', 0], ['', 2]] as [string, number][]) {
    text = text.slice(0, p) + insert + text.slice(p + remove);
    const edits = cache.edits;
    const got = parseDts(text, cache, { owner: 'bus' });
    const cold = parseDts(text);
    // (dtc's order error ends where the spaces start, the missing `;` is reported at the label after them)
    assert.ok(cold.errors.length === 2 && cold.errors.every((x) => x.end <= p || x.start > p + 2), 'errors before and after the spaces');
    assert.deepEqual(plain(got), plain(cold), `${JSON.stringify(insert)} -${remove}`);
    assert.equal(cache.edits, edits + 1, 'the last parse is edited');
  }
  // a line break is not carried: what a token sees of the lines before it may change (the whole node is parsed)
  text = text.slice(0, p) + '\n' + text.slice(p);
  assert.deepEqual(plain(parseDts(text, cache, { owner: 'bus' })), plain(parseDts(text)));
});

test('random spaces and tabs typed and deleted in a text with syntax errors, the cache kept across: every parse equals a cold parse', () => {
  // (errors carried by the spaces' edits, and the cache's entries of statements with errors moved with them)
  const cache = new ParseCache();
  let seed = 11;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x80000000; };
  const broken = [' = ', 'v', '"', '{', 'x;', '<1'];
  let text = bus;
  let carried = 0;
  parseDts(text, cache, { owner: 'bus', complete: false });
  for (let i = 0; i < 400; i++) {
    const p = Math.floor(rnd() * text.length);
    const r = rnd();
    if (r < 0.06) text = text.slice(0, p) + broken[Math.floor(rnd() * broken.length)] + text.slice(p);
    else if (r < 0.5 && (text[p] === ' ' || text[p] === '\t')) text = text.slice(0, p) + text.slice(p + 1);
    else text = text.slice(0, p) + (rnd() < 0.5 ? ' ' : '\t') + text.slice(p);
    if (rnd() < 0.02) text = bus;
    const hadErrors = (cache.lastParse('bus')?.file.errors.length ?? 0) > 0;
    const edits = cache.edits;
    const got = parseDts(text, cache, { owner: 'bus', complete: false });
    if (hadErrors && cache.edits > edits && got.edit && !got.edit.replaced) carried++;
    assert.deepEqual(plain(got), plain(parseDts(text, undefined, { complete: false })), `edit ${i} at ${p}`);
  }
  assert.ok(carried >= 15, `${carried} edits carried the last parse's errors`);
});

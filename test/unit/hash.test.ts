// base/hash.ts: the 64-bit key of the bindings' tree caches (what a changed tree must not share with the old one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hash64 } from '../../server/src/base/hash';

test('Hash64: the same parts give the same key; a changed byte, word or character, or a moved boundary, another', () => {
  const names = 'cpus\0cpu@0\0reg\0compatible\0';
  const layout = Int32Array.from([-1, 2, 0, 4, 4, 8]);
  const data = Uint8Array.from({ length: 23 }, (_, i) => (i * 37) & 0xff);
  const key = (n: string, l: Int32Array, d: Uint8Array): string => new Hash64().text(n).ints(l).bytes(d).hex();
  const base = key(names, layout, data);
  assert.match(base, /^[0-9a-f]{16}$/);
  assert.equal(key(names, layout, data.slice()), base);
  const keys = new Set([base]);
  // every single-byte change of the data, in the whole words and in the three bytes after them
  for (let i = 0; i < data.length; i++) {
    const d = data.slice();
    d[i] ^= 1;
    keys.add(key(names, layout, d));
  }
  for (let i = 0; i < layout.length; i++) {
    const l = layout.slice();
    l[i] += 1;
    keys.add(key(names, l, data));
  }
  for (let i = 0; i < names.length; i++) keys.add(key(names.slice(0, i) + 'x' + names.slice(i + 1), layout, data));
  assert.equal(keys.size, 1 + data.length + layout.length + names.length);
  // parts told apart by their lengths: a character moved from one text to the next, a byte dropped from the end
  assert.notEqual(new Hash64().text('ab').text('c').hex(), new Hash64().text('a').text('bc').hex());
  assert.notEqual(key(names, layout, data.subarray(0, 22)), base);
  assert.notEqual(new Hash64().bytes(new Uint8Array(4)).hex(), new Hash64().bytes(new Uint8Array(5)).hex());
});

test('Hash64: the top bit flipped in two words (two cells 0x80000000 moved) gives another key', () => {
  // (a lane that only multiplies carries a top-bit difference unchanged to its end: two of them cancelled)
  const top = 0x80000000 | 0;
  const words = Int32Array.from([top, 0, 5, 0, 7]);
  const moved = Int32Array.from([0, top, 5, 0, 7]);
  const other = Int32Array.from([0, 0, 5, 0, 7]);
  const keys = new Set([words, moved, other].map((w) => new Hash64().ints(w).hex()));
  assert.equal(keys.size, 3);
  // the same in bytes: the top bits of the fourth and eighth byte (two little-endian words)
  const b = new Uint8Array(12);
  const c = b.slice();
  c[3] = 0x80;
  c[7] = 0x80;
  assert.notEqual(new Hash64().bytes(b).hex(), new Hash64().bytes(c).hex());
  for (let i = 0; i < 12; i++) for (let j = i + 1; j < 12; j++) {
    const d = b.slice();
    d[i] = 0x80;
    d[j] = 0x80;
    assert.notEqual(new Hash64().bytes(d).hex(), new Hash64().bytes(b).hex(), `bytes ${i} and ${j}`);
  }
});

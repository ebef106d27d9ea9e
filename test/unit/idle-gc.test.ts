// The server's idle collector: one compacting collection once nothing has happened for the quiet time,
// never while work is running or messages keep coming, and not again until the heap has grown.
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { IdleCollector, idleOptionsFromEnv } from '../../server/src/lsp/idle-gc';

const MB = 2 ** 20;

// a mocked clock (setTimeout and Date, from 0) in every test; the mock advances Date to the end of a tick
// before running its timers, so the ticks below end on the due times
beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
afterEach(() => mock.timers.reset());

function setup(): { c: IdleCollector; calls: number[]; shrinks: number[]; heap: { used: number }; busy: { on: boolean } } {
  const heap = { used: 100 * MB };
  const busy = { on: false };
  const calls: number[] = [];
  const shrinks: number[] = [];
  const c = new IdleCollector(() => busy.on, {
    shrinkDelayMs: 5500,
    shrink: () => { shrinks.push(Date.now()); return true; },
    delayMs: 2000,
    minGrowthBytes: 24 * MB,
    minGrowthRatio: 0.3,
    heapUsed: () => heap.used,
    collect: () => { calls.push(heap.used); heap.used = 50 * MB; },
  });
  return { c, calls, shrinks, heap, busy };
}

test('collects once after the quiet time, not before, and not again without growth', () => {
  const { c, calls, heap } = setup();
  c.touch();
  mock.timers.tick(1999);
  assert.equal(calls.length, 0);
  mock.timers.tick(1);
  assert.deepEqual(calls, [100 * MB]);
  assert.equal(c.stats.idleCollections, 1);
  assert.equal(c.stats.heapBeforeIdleCollection, 100 * MB);
  assert.equal(c.stats.heapAfterIdleCollection, 50 * MB);
  // a little growth (10 MB): nothing to give back
  heap.used = 60 * MB;
  c.touch();
  mock.timers.tick(5000);
  assert.equal(calls.length, 1);
  // grown by 40 MB (80 %): collected again
  heap.used = 90 * MB;
  c.touch();
  mock.timers.tick(2000);
  assert.equal(calls.length, 2);
  c.stop();
});

test('messages that keep coming, and running work, postpone the collection', () => {
  const { c, calls, busy } = setup();
  for (let i = 0; i < 20; i++) {
    c.touch();
    mock.timers.tick(500);
  }
  assert.equal(calls.length, 0, 'typing: a message every 500 ms');
  busy.on = true;
  mock.timers.tick(10_000);
  assert.equal(calls.length, 0, 'an analysis or the index is running');
  busy.on = false;
  mock.timers.tick(100);
  assert.equal(calls.length, 1);
  c.stop();
});

test('a stopped or disabled collector never collects', () => {
  const { c, calls } = setup();
  c.touch();
  c.stop();
  mock.timers.tick(10_000);
  assert.equal(calls.length, 0);
  let n = 0;
  const off = new IdleCollector(() => false, { delayMs: 0, collect: () => { n++; }, heapUsed: () => 500 * MB });
  off.touch();
  mock.timers.tick(10_000);
  assert.equal(n, 0);
});

test('settings from the environment', () => {
  const o = idleOptionsFromEnv(() => undefined, { DTS_LSP_IDLE_GC_MS: '150', DTS_LSP_IDLE_GC_MIN_MB: '0' });
  assert.equal(o.delayMs, 150);
  assert.equal(o.minGrowthBytes, 0);
  const d = idleOptionsFromEnv(() => undefined, { DTS_LSP_IDLE_GC_MS: 'soon' });
  assert.equal(d.delayMs, undefined);
});

test('after a longer quiet time the young generation is shrunk, once per quiet period', () => {
  const { c, calls, shrinks, heap } = setup();
  c.touch();
  mock.timers.tick(2000);
  assert.equal(calls.length, 1);
  mock.timers.tick(5499);
  assert.equal(shrinks.length, 0);
  mock.timers.tick(1);
  assert.deepEqual(shrinks, [7500]);
  mock.timers.tick(60_000);
  assert.equal(shrinks.length, 1, 'nothing happened since: not again');
  // activity without growth: no full collection, but the young generation (grown again) is shrunk
  heap.used = 55 * MB;
  c.touch();
  mock.timers.tick(2000);
  assert.equal(calls.length, 1);
  mock.timers.tick(5499);
  assert.equal(shrinks.length, 1);
  mock.timers.tick(1);
  assert.equal(shrinks.length, 2);
  assert.equal(c.stats.youngShrinks, 2);
  // a message during the wait postpones the shrink to a full quiet time after it
  c.touch();
  mock.timers.tick(2000);
  mock.timers.tick(4000);
  c.touch();
  mock.timers.tick(1500); // the timer due now finds a message 1.5 s ago
  mock.timers.tick(500); // a full quiet time after the message: first step
  mock.timers.tick(5499);
  assert.equal(shrinks.length, 2);
  mock.timers.tick(1);
  assert.equal(shrinks.length, 3);
  c.stop();
});

test('a young generation that did not shrink is collected again after another quiet interval, three times at most', () => {
  const tries: number[] = [];
  let shrinksOn = 3; // the third collection finds the young generation at its smallest
  const c = new IdleCollector(() => false, {
    delayMs: 2000, shrinkDelayMs: 5500, minGrowthBytes: 0, minGrowthRatio: 0, heapUsed: () => 0, collect: () => undefined,
    shrink: () => { tries.push(Date.now()); return tries.length >= shrinksOn; },
  });
  c.touch();
  mock.timers.tick(2000);
  mock.timers.tick(5500);
  mock.timers.tick(5500);
  mock.timers.tick(5500);
  mock.timers.tick(60_000);
  assert.deepEqual(tries, [7500, 13000, 18500]);
  // never small: still three at most
  shrinksOn = Infinity;
  tries.length = 0;
  c.touch();
  for (let k = 0; k < 30; k++) mock.timers.tick(1000);
  assert.equal(tries.length, 3);
  c.stop();
});

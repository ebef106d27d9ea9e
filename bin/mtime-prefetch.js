'use strict';
// dts-check's mtime prefetch (a worker thread the launcher starts for one board): the modification times of every
// folder and .yaml file under a Linux tree's Documentation/devicetree/bindings, read while the main thread loads the
// bundle and analyses. The bindings cache names its processed schemas by those times (bindings/linux/load.ts): ~4,400
// stats, ~20 ms of the main thread's run otherwise. Posts { paths, times } on `port`, then raises `flag`.
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { dir, port, flag } = workerData;
const paths = [];
const times = [];
function stat(p) {
  try {
    const t = fs.statSync(p).mtimeMs;
    paths.push(p);
    times.push(t);
  } catch {
    // gone meanwhile: the main thread stats it itself
  }
}
function walk(d, depth) {
  if (depth > 12) return;
  stat(d);
  let entries;
  try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const p = `${d}/${e.name}`;
    if (e.name.endsWith('.yaml')) stat(p);
    else if (e.isDirectory()) walk(p, depth + 1);
  }
}
try {
  walk(dir, 0);
  port.postMessage({ dir, paths, times: Float64Array.from(times) });
} finally {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

#!/usr/bin/env node
// Runs every compiled test file (out/test/**/*.test.js) with node's built-in test runner.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const testRoot = path.join(root, 'out/test');
const only = process.argv.slice(2);

function collect(dir, acc) {
  if (!fs.existsSync(dir)) return acc;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) collect(p, acc);
    else if (entry.name.endsWith('.test.js')) acc.push(p);
  }
  return acc;
}

let files = collect(testRoot, []).sort();
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('no test files found under out/test');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status === null ? 1 : r.status);

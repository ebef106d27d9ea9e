#!/usr/bin/env node
// Build: generate the peggy parser, then compile TypeScript into out/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const grammarFile = path.join(root, 'server/src/syntax/dts.peggy');
const parserOut = path.join(root, 'out/server/src/syntax/dts-parser.js');

function generateParser() {
  if (!fs.existsSync(grammarFile)) return;
  const upToDate = fs.existsSync(parserOut) &&
    fs.statSync(parserOut).mtimeMs >= fs.statSync(grammarFile).mtimeMs &&
    fs.statSync(parserOut).mtimeMs >= fs.statSync(__filename).mtimeMs;
  if (upToDate) return;
  const peggy = require('peggy');
  const source = peggy.generate(fs.readFileSync(grammarFile, 'utf8'), {
    output: 'source',
    format: 'commonjs',
    grammarSource: 'dts.peggy',
    allowedStartRules: ['File', 'TopStatement', 'BodyItems'],
  });
  fs.mkdirSync(path.dirname(parserOut), { recursive: true });
  fs.writeFileSync(parserOut, source);
}

function compile() {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', root], { stdio: 'inherit' });
}

function bundleClient() {
  // The VS Code client is bundled with esbuild when it is installed (see client/).
  const entry = path.join(root, 'client/src/extension.ts');
  const esbuildPath = path.join(root, 'node_modules/esbuild');
  if (!fs.existsSync(entry) || !fs.existsSync(esbuildPath)) return;
  require(path.join(root, 'scripts/bundle.js'));
}

try {
  generateParser();
  compile();
  if (fs.existsSync(path.join(root, 'scripts/bundle.js'))) bundleClient();
} catch (e) {
  console.error(e && e.message ? e.message : e);
  process.exit(1);
}

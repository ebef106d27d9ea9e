#!/usr/bin/env node
// Bundles the VS Code client (client/src/extension.ts -> dist/client/extension.js, 'vscode' external)
// and the language server (compiled out/server/src/lsp/main.js -> dist/server/main.js), and copies the
// webview assets (cytoscape; client/webview/graph.ts bundled for the browser) to dist/client/media. Called by scripts/build.js after tsc.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const production = process.env.NODE_ENV === 'production' || process.argv.includes('--production');

/** The start of the CLI bundle: the module's text as Node's module wrapper would make it (see bin/dts-check). */
const CLI_WRAP_OPEN = '(function (exports, require, module, __filename, __dirname) { ';

function bundle() {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node18', sourcemap: !production, minify: production, logLevel: 'warning' };
  esbuild.buildSync({
    ...common,
    entryPoints: [path.join(root, 'client/src/extension.ts')],
    outfile: path.join(dist, 'client/extension.js'),
    external: ['vscode'],
  });
  const serverEntry = path.join(root, 'out/server/src/lsp/main.js');
  if (fs.existsSync(serverEntry)) {
    try {
      esbuild.buildSync({ ...common, logLevel: 'silent', entryPoints: [serverEntry], outfile: path.join(dist, 'server/main.js') });
      // the bindings worker (server/src/bindings/worker.ts), started by the server beside main.js
      // the workspace index's worker (server/src/lsp/index-worker.ts)
      esbuild.buildSync({ ...common, logLevel: 'silent', entryPoints: [path.join(root, 'out/server/src/lsp/index-worker.js')], outfile: path.join(dist, 'server/index-worker.js') });
      const workerEntry = path.join(root, 'out/server/src/bindings/worker.js');
      if (fs.existsSync(workerEntry)) {
        esbuild.buildSync({ ...common, logLevel: 'silent', entryPoints: [workerEntry], outfile: path.join(dist, 'server/bindings-worker.js') });
      }
    } catch (e) {
      // the server still runs from out/ (bin/dts-lsp and the client fall back to it)
      const first = e && e.errors && e.errors[0] ? `${e.errors[0].location ? e.errors[0].location.file + ': ' : ''}${e.errors[0].text}` : String(e);
      console.error(`bundle: server bundle skipped (${first})`);
      fs.rmSync(path.join(dist, 'server/main.js'), { force: true });
    }
  }
  // the CLI in one file: bin/dts-check runs it through a V8 code cache (one file to read, no module resolution)
  const cliEntry = path.join(root, 'out/server/src/cli/dts-check.js');
  if (fs.existsSync(cliEntry)) {
    try {
      // white space and syntax minified (names kept: a stack trace still reads), and written as the function
      // expression bin/dts-check compiles: on this VM every 4 KB page a process touches first costs ~11 µs,
      // and the 1.5 MB source was held three times (the file's bytes, its text, and the text wrapped by
      // Module.wrap); 1.0 MB held twice is ~700 pages fewer (issue 17, BENCHMARKS fifteenth pass)
      esbuild.buildSync({
        ...common, sourcemap: false, minifyWhitespace: true, minifySyntax: true, logLevel: 'silent',
        banner: { js: CLI_WRAP_OPEN }, footer: { js: '\n})' },
        entryPoints: [cliEntry], outfile: path.join(dist, 'cli/dts-check.js'),
      });
    } catch (e) {
      // bin/dts-check runs the modules in out/ then
      console.error(`bundle: CLI bundle skipped (${e && e.errors && e.errors[0] ? e.errors[0].text : String(e)})`);
      fs.rmSync(path.join(dist, 'cli/dts-check.js'), { force: true });
    }
  }
  const media = path.join(dist, 'client/media');
  fs.mkdirSync(media, { recursive: true });
  fs.copyFileSync(require.resolve('cytoscape/dist/cytoscape.min.js', { paths: [root] }), path.join(media, 'cytoscape.min.js'));
  // the supplier-graph webview script, with the layered layout it shares with the tests
  esbuild.buildSync({
    bundle: true, platform: 'browser', format: 'iife', target: 'es2020', sourcemap: false, minify: production, logLevel: 'warning',
    entryPoints: [path.join(root, 'client/webview/graph.ts')],
    outfile: path.join(media, 'graph.js'),
  });
}

bundle();

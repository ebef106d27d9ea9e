// The .vsix as the Marketplace shows it: an icon, the user-facing page (MARKETPLACE.md, not the
// developer README), LICENSE, CHANGELOG, a repository; the activation events VS Code does not
// generate itself only; everything the extension loads at run time inside the package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

test('package.json: icon, repository, license, activation events, contributions', () => {
  assert.equal(pkg.icon, 'images/icon.png');
  assert.ok(fs.statSync(path.join(REPO, pkg.icon)).size > 500);
  assert.match(pkg.repository.url, /^https:\/\//);
  assert.equal(pkg.license, 'MIT');
  for (const f of ['LICENSE', 'CHANGELOG.md', 'MARKETPLACE.md']) assert.ok(fs.existsSync(path.join(REPO, f)), f);
  // onLanguage:dts is generated from contributes.languages (VS Code >= 1.74); the graph's serializer needs its own
  assert.deepEqual(pkg.activationEvents, ['onWebviewPanel:dtsSupplierGraph']);
  assert.ok(pkg.contributes.semanticTokenScopes.some((s: { scopes: Record<string, string[]> }) => s.scopes.label), 'labels get a scope default themes colour');
  assert.match(pkg.scripts.package, /--readme-path MARKETPLACE\.md/);
  assert.doesNotMatch(pkg.scripts.package, /--skip-license|--allow-missing-repository/);
  const marketplace = fs.readFileSync(path.join(REPO, 'MARKETPLACE.md'), 'utf8');
  assert.doesNotMatch(marketplace, /npm (ci|test)/, 'the Marketplace page is for users, not developers');
});

test('vsce ls: what the .vsix holds', (t) => {
  const vsce = path.join(REPO, 'node_modules/@vscode/vsce/vsce');
  if (!fs.existsSync(vsce)) {
    t.skip('@vscode/vsce not installed');
    return;
  }
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies', '--readme-path', 'MARKETPLACE.md'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.trim().split('\n').sort();
  for (const f of ['images/icon.png', 'LICENSE', 'CHANGELOG.md', 'MARKETPLACE.md', 'docs/codes.md', 'dist/server/main.js', 'dist/client/extension.js', 'dist/client/media/graph.js', 'dist/client/media/cytoscape.min.js', 'syntaxes/dts.tmLanguage.json']) {
    assert.ok(files.includes(f), `${f} in the .vsix (${files.join(', ')})`);
  }
  assert.ok(!files.includes('README.md'), 'the developer README stays out');
  assert.ok(!files.some((f) => f.startsWith('node_modules/') || f.startsWith('out/') || f.endsWith('.map')), files.join(', '));
});

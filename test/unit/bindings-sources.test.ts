// Where a Linux tree's schemas come from, with zero configuration: an installed dtschema package (a
// virtualenv, pip --user, pipx) not older than the tree's DT_SCHEMA_MIN_VERSION, else the built-in core; a
// processed-schema.json of the user's build when it is newer than every binding; `--bindings` entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { BindingsHost } from '../../server/src/bindings';
import { fixture } from '../util/paths';

function tmpTree(): { root: string; bindings: string; home: string; remove(): void } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-sources-'));
  const root = path.join(tmp, 'linux');
  fs.cpSync(fixture('bindings/linux'), root, { recursive: true });
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home);
  return { root, bindings: path.join(root, 'Documentation/devicetree/bindings'), home, remove: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

/** A fake installed dtschema package: its schemas folder and version.py. */
function dtschemaPackage(site: string, version: string): string {
  const pkg = path.join(site, 'dtschema');
  fs.mkdirSync(path.join(pkg, 'schemas'), { recursive: true });
  fs.writeFileSync(path.join(pkg, 'schemas/types.yaml'), '# fake\n');
  fs.writeFileSync(path.join(pkg, 'version.py'), `__version__ = version = '${version}'\n`);
  return path.join(pkg, 'schemas');
}

test('bindings sources: an installed dtschema package (virtualenv before pip --user), unless older than the tree accepts', () => {
  const t = tmpTree();
  try {
    const nfs = new NodeFileSystem();
    const info = { flavour: 'linux' as const, root: t.root };
    const noPackage = new BindingsHost(nfs, { env: { home: t.home } }).linuxSources(info);
    assert.deepEqual(noPackage?.bindingDirs, [t.bindings]);
    // nothing installed in this home (the system's own folders may hold one: only our fakes are compared)
    const user = dtschemaPackage(path.join(t.home, '.local/lib/python3.11/site-packages'), '2024.11');
    assert.equal(new BindingsHost(nfs, { env: { home: t.home } }).linuxSources(info)?.coreDir, user);
    const venv = path.join(t.home, 'venv');
    const inVenv = dtschemaPackage(path.join(venv, 'lib/python3.12/site-packages'), '2024.11');
    assert.equal(new BindingsHost(nfs, { env: { home: t.home, virtualEnv: venv } }).linuxSources(info)?.coreDir, inVenv);
    // the tree asks for a newer dt-schema than the virtualenv's: the next candidate
    fs.writeFileSync(path.join(t.bindings, 'Makefile'), 'DT_SCHEMA_MIN_VERSION = 2024.1\n');
    fs.writeFileSync(path.join(venv, 'lib/python3.12/site-packages/dtschema/version.py'), "__version__ = '2023.9'\n");
    assert.equal(new BindingsHost(nfs, { env: { home: t.home, virtualEnv: venv } }).linuxSources(info)?.coreDir, user);
    // installedCore false (tests, or no package at all): the built-in core
    assert.equal(new BindingsHost(nfs, { env: { home: t.home }, installedCore: false }).linuxSources(info)?.coreDir, undefined);
  } finally {
    t.remove();
  }
});

test('bindings sources: a processed-schema.json beside the bindings is used when newer than every binding; --bindings names one', () => {
  const t = tmpTree();
  try {
    const nfs = new NodeFileSystem();
    const info = { flavour: 'linux' as const, root: t.root };
    const processed = path.join(t.bindings, 'processed-schema.json');
    fs.writeFileSync(processed, '{}');
    const later = Date.now() / 1000 + 100;
    fs.utimesSync(processed, later, later);
    assert.equal(new BindingsHost(nfs, { installedCore: false }).linuxSources(info)?.processedJson, processed);
    // a binding edited after the build: the bindings are processed again
    const yaml = path.join(t.bindings, 'acme/acme,widget.yaml');
    fs.utimesSync(yaml, later + 10, later + 10);
    assert.equal(new BindingsHost(nfs, { installedCore: false }).linuxSources(info)?.processedJson, undefined);
    // --bindings FILE.json, wherever the board is
    const given = new BindingsHost(nfs, { dirs: [processed] }).linuxSources({ flavour: 'dtc' as const });
    assert.equal(given?.processedJson, processed);
  } finally {
    t.remove();
  }
});

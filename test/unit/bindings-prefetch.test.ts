// bin/dts-check on one board reads the binding files' modification times (the schema cache's freshness check)
// on another thread while it analyses the board (FileSystem.mtimesAhead, BindingsHost.prefetch): the same
// times as a stat each, the same schema set, and a binding edited in place is still noticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FolderCache, NodeFileSystem } from '../../server/src/base/node-fs';
import { BindingsHost } from '../../server/src/bindings';
import { fixture } from '../util/paths';

test('mtimesAhead gives, in order, what mtime gives (undefined for a missing file), read on another thread', () => {
  const nfs = new NodeFileSystem();
  const dir = fixture('bindings/linux/Documentation/devicetree/bindings');
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else files.push(path.join(d, e.name));
    }
  };
  walk(dir);
  const paths = [...files, path.join(dir, 'no-such-file.yaml'), dir, ...files.slice(0, 3)];
  const get = nfs.mtimesAhead(paths);
  const times = get();
  assert.equal(times.length, paths.length);
  assert.deepEqual(times, paths.map((p) => nfs.mtime(p)));
  assert.equal(times[files.length], undefined);
  assert.equal(typeof times[files.length + 1], 'number');
  assert.equal(get(), times, 'read once');
  assert.deepEqual(nfs.mtimesAhead([])(), []);
});

/** A NodeFileSystem that counts the modification times asked of .yaml files on this thread. */
class CountingFs extends NodeFileSystem {
  yamlStats = 0;
  override mtime(p: string): number | undefined {
    if (p.endsWith('.yaml')) this.yamlStats++;
    return super.mtime(p);
  }
}

test('prefetch: the binding files statted elsewhere, the same schema set; an edited binding is noticed', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-prefetch-'));
  try {
    const root = path.join(tmp, 'linux');
    fs.cpSync(fixture('bindings/linux'), root, { recursive: true });
    const cacheDir = path.join(tmp, 'cache');
    const info = { flavour: 'linux' as const, root };
    const host = (nfs: NodeFileSystem): BindingsHost => new BindingsHost(nfs, { cache: new FolderCache(cacheDir), installedCore: false });
    // the first load processes the set (and lists the folders)
    const first = host(new NodeFileSystem()).linuxFor(info)!;
    assert.ok(first.validator, first.load.error);
    // again, with the times read ahead: from the cache, and no binding file statted on this thread
    const nfs = new CountingFs();
    const h = host(nfs);
    h.prefetch(info);
    const again = h.linuxFor(info)!;
    assert.equal(again.load.cached, true);
    assert.equal(again.validator!.store.key, first.validator!.store.key);
    assert.equal(nfs.yamlStats, 0);
    // without the prefetch the same set, each file statted here
    const plain = new CountingFs();
    assert.equal(host(plain).linuxFor(info)!.validator!.store.key, first.validator!.store.key);
    assert.ok(plain.yamlStats > 3, `${plain.yamlStats}`);
    // a binding edited in place (its folder's listing unchanged): the prefetched times see it
    const yaml = path.join(root, 'Documentation/devicetree/bindings/acme');
    const f = path.join(yaml, fs.readdirSync(yaml).find((n) => n.endsWith('.yaml'))!);
    fs.appendFileSync(f, '# edited\n');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(f, later, later);
    const h2 = host(new CountingFs());
    h2.prefetch(info);
    const edited = h2.linuxFor(info)!;
    assert.notEqual(edited.validator!.store.key, first.validator!.store.key);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

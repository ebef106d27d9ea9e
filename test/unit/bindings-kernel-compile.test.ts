// Every binding of Linux 6.12 compiles on its own: a validator made for one schema must not depend on
// the schemas other boards brought in before (the coresight bindings' ports, named by `$ref` beside a
// lazily compiled `$ref`, once failed unless graph.yaml had been loaded by another binding: 197 of 4,412).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { CACHE_DIR, kernelTreeIfPresent } from '../../scripts/kernel-tree';
import { FolderCache, NodeFileSystem } from '../../server/src/base/node-fs';
import { BindingsHost } from '../../server/src/bindings';
import { SchemaCompiler } from '../../server/src/bindings/linux/compiler';

test('bindings: every Linux 6.12 binding compiles in a fresh compiler (no dependence on what was compiled before)', (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const host = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache: new FolderCache(path.join(CACHE_DIR, 'bindings')) });
  const store = host.linuxFor({ flavour: 'linux', root: kernel })?.validator?.store;
  assert.ok(store, 'the kernel tree has bindings');
  const ids = store.ids;
  assert.ok(ids.length > 4000, `${ids.length} schemas`);
  const failed: string[] = [];
  for (const id of ids) {
    try {
      if (!new SchemaCompiler(store).schema(id)) failed.push(`${id}: no validator`);
    } catch (e) {
      failed.push(`${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  assert.deepEqual(failed.slice(0, 10), [], `${failed.length} of ${ids.length} failed`);
});

// Include-path auto-detection for Linux and Zephyr trees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { MemoryFileSystem, type FileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { detectIncludePaths } from '../../server/src/workspace/include-paths';

const FIX = path.resolve(__dirname, '../../../test/fixtures/include-paths');

/** A NodeFileSystem that counts stat calls. */
class CountingFs extends NodeFileSystem {
  stats = 0;
  stat(p: string): ReturnType<FileSystem['stat']> { this.stats++; return super.stat(p); }
}

test('linux: the directory with scripts/dtc/include-prefixes', () => {
  const fs = new CountingFs();
  const L = path.join(FIX, 'linux');
  const r = detectIncludePaths(path.join(L, 'arch/arm64/boot/dts/vendor/board.dts'), fs);
  assert.deepEqual(r, { kind: 'linux', root: L, includePaths: [path.join(L, 'scripts/dtc/include-prefixes'), path.join(L, 'include')] });
  // memoised per directory: a sibling costs no stat at all
  const before = fs.stats;
  const r2 = detectIncludePaths(path.join(L, 'arch/arm64/boot/dts/vendor/soc.dtsi'), fs);
  assert.deepEqual(r2, r);
  assert.equal(fs.stats, before);
  // a file higher up in the same tree reuses the memo as well
  detectIncludePaths(path.join(L, 'arch/arm64/x.dts'), fs);
  assert.equal(fs.stats, before);
});

test('zephyr: include, include/zephyr, dts/common, dts and every dts/<arch>', () => {
  const Z = path.join(FIX, 'zephyr');
  const r = detectIncludePaths(path.join(Z, 'boards/acme/b1/b1.dts'), new NodeFileSystem());
  assert.deepEqual(r, {
    kind: 'zephyr', root: Z,
    includePaths: ['include', 'include/zephyr', 'dts/common', 'dts', 'dts/arm', 'dts/riscv'].map((p) => path.join(Z, p)),
  });
});

test('zephyr detected by west.yml beside dts/, and no tree at all', () => {
  const m = new MemoryFileSystem({ '/z/west.yml': 'manifest:', '/z/dts/x86/a.dtsi': '', '/z/app/board.overlay': '', '/other/a.dts': '' });
  assert.deepEqual(detectIncludePaths('/z/app/board.overlay', m), { kind: 'zephyr', root: '/z', includePaths: ['/z/dts', '/z/dts/x86'] });
  assert.deepEqual(detectIncludePaths('/other/a.dts', m), { kind: 'none', root: undefined, includePaths: [] });
});

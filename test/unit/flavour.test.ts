// Flavour detection: Linux, Zephyr, U-Boot or plain dtc, from the location, the extension, then the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../server/src/base/fs';
import { AnalysisHost } from '../../server/src/analysis';
import { detectFlavour, flavourName, isFlavour } from '../../server/src/workspace/flavour';

const BOARD = '/dts-v1/;\n/ { compatible = "acme,b"; };\n';

function trees(): MemoryFileSystem {
  return new MemoryFileSystem({
    '/linux/scripts/dtc/include-prefixes/README': '',
    '/linux/arch/arm64/boot/dts/acme/b.dts': BOARD,
    '/uboot/include/configs/acme.h': '',
    '/uboot/board/acme/Makefile': '',
    '/uboot/arch/arm/dts/b.dts': BOARD,
    '/ws/.west/config': '[manifest]\npath = zephyr\nfile = west.yml\n',
    '/ws/zephyr/west.yml': 'manifest:\n  projects: []\n',
    '/ws/zephyr/dts/common/x.dtsi': '',
    '/ws/zephyr/include/zephyr/x.h': '',
    '/ws/zephyr/boards/arm/b/b.dts': BOARD,
    '/ws/app/boards/b.overlay': '&x { };\n',
    // a kernel tree checked out inside a west workspace: the nearer tree wins
    '/ws/linux/scripts/dtc/include-prefixes/README': '',
    '/ws/linux/arch/arm64/boot/dts/b.dts': BOARD,
    '/tmp/plain.dts': BOARD,
    '/tmp/keys.keymap': BOARD,
    '/tmp/zchosen.dts': '/dts-v1/;\n/ { chosen { zephyr,console = &u; }; u: uart { }; };\n',
    '/tmp/ub.dts': '/dts-v1/;\n/ { binman { }; };\n',
    '/zbase/zephyr/dts/common/x.dtsi': '',
    '/zbase/zephyr/include/zephyr/x.h': '',
    '/zbase/zephyr/west.yml': 'manifest: {}\n',
    '/apps/one/CMakeLists.txt': 'cmake_minimum_required(VERSION 3.20)\nfind_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE})\n',
    '/apps/one/app.dts': BOARD,
  });
}

test('flavour from the location: Linux tree, U-Boot tree, west workspace, the nearer of two', () => {
  const fs = trees();
  assert.equal(detectFlavour('/linux/arch/arm64/boot/dts/acme/b.dts', fs).flavour, 'linux');
  assert.equal(detectFlavour('/uboot/arch/arm/dts/b.dts', fs).flavour, 'uboot');
  const z = detectFlavour('/ws/zephyr/boards/arm/b/b.dts', fs);
  assert.equal(z.flavour, 'zephyr');
  assert.equal(z.root, '/ws/zephyr');
  assert.match(z.why, /west workspace \/ws/);
  assert.equal(detectFlavour('/ws/app/boards/b.overlay', fs).flavour, 'zephyr');
  assert.equal(detectFlavour('/ws/linux/arch/arm64/boot/dts/b.dts', fs).flavour, 'linux');
});

test('flavour outside any tree: extension, ZEPHYR_BASE for a Zephyr app, forced, else dtc', () => {
  const fs = trees();
  assert.equal(detectFlavour('/tmp/plain.dts', fs).flavour, 'dtc');
  assert.equal(detectFlavour('/tmp/keys.keymap', fs).flavour, 'zephyr');
  assert.equal(detectFlavour('/apps/one/app.dts', fs).flavour, 'dtc');
  assert.equal(detectFlavour('/apps/one/app.dts', fs, { zephyrBase: '/zbase/zephyr' }).flavour, 'zephyr');
  // ZEPHYR_BASE does not make an unrelated file Zephyr
  assert.equal(detectFlavour('/tmp/plain.dts', fs, { zephyrBase: '/zbase/zephyr' }).flavour, 'dtc');
  assert.equal(detectFlavour('/tmp/plain.dts', fs, { forced: 'uboot' }).flavour, 'uboot');
  assert.deepEqual(['linux', 'zephyr', 'uboot', 'dtc'].map((f) => isFlavour(f) && flavourName(f)), ['Linux', 'Zephyr', 'U-Boot', 'dtc']);
  assert.equal(isFlavour('freebsd'), false);
});

test('Analysis carries the flavour; a lone file is refined by its content', () => {
  const fs = trees();
  const host = new AnalysisHost(fs, {});
  const lin = host.analyze('/linux/arch/arm64/boot/dts/acme/b.dts');
  assert.equal(lin.flavour, 'linux');
  assert.match(lin.flavourReason, /Linux source tree/);
  assert.equal(host.analyze('/tmp/plain.dts').flavour, 'dtc');
  const zc = host.analyze('/tmp/zchosen.dts');
  assert.equal(zc.flavour, 'zephyr');
  assert.match(zc.flavourReason, /Zephyr properties/);
  assert.equal(host.analyze('/tmp/ub.dts').flavour, 'uboot');
  assert.equal(new AnalysisHost(fs, { flavour: 'linux' }).analyze('/tmp/zchosen.dts').flavour, 'linux');
});

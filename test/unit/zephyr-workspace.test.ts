// Zephyr west workspaces with zero configuration: the workspace and its modules, the include roots in Zephyr's
// order with -isystem semantics, a board's own dts/ folder, the board's architecture only, __VA_OPT__, and
// Zephyr's dialect (properties after subnodes). Fixture: test/fixtures/zephyr-ws.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, type Analysis } from '../../server/src/analysis';
import { MemoryFileSystem, OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { emitDts } from '../../server/src/tree/emit';
import { detectIncludePaths } from '../../server/src/workspace/include-paths';
import { findWestWorkspace, zephyrBoard, zephyrDtsRoots, zephyrSystemIncludes } from '../../server/src/workspace/west';
import { normalizeSettings } from '../../server/src/lsp/settings';
import { readBuildDir } from '../../server/src/workspace/build-dir';
import { zephyrFixture } from '../util/zephyr-ws';

const F = zephyrFixture();
after(() => F.remove());
const Z = F.zephyr;
const ACME = path.join(Z, 'boards/arm/acme_board/acme_board.dts');
const RV = path.join(Z, 'boards/riscv/acme_rv/acme_rv.dts');

function errors(a: Analysis): string[] {
  return a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${path.basename(d.file)}: ${d.message} [${d.code}]`);
}

test('west workspace from .west/config: ZEPHYR_BASE and the modules with a dts_root', () => {
  const ws = findWestWorkspace(ACME, new NodeFileSystem());
  assert.ok(ws);
  assert.equal(ws.top, F.ws);
  assert.equal(ws.zephyrBase, Z);
  assert.equal(ws.foundBy, 'west-config');
  assert.deepEqual(ws.modules.map((m) => [m.name, m.dtsRoot]), [['hal_acme', path.join(F.ws, 'modules/hal/acme')]]);
});

test('west workspace without .west: a zephyr/ with west.yml above the file, the Zephyr tree, ZEPHYR_BASE', () => {
  const fs = new MemoryFileSystem({
    '/top/zephyr/west.yml': 'manifest:\n  projects:\n    - name: hal_x\n      path: modules/hal/x\n',
    '/top/zephyr/dts/common/a.dtsi': '',
    '/top/zephyr/include/zephyr/a.h': '',
    '/top/modules/hal/x/zephyr/module.yml': 'build:\n  settings:\n    dts_root: dts-root\n',
    '/top/app/app.overlay': '',
    '/elsewhere/app/CMakeLists.txt': 'find_package(Zephyr)\n',
    '/elsewhere/app/app.overlay': '',
  });
  const ws = findWestWorkspace('/top/app/app.overlay', fs);
  assert.equal(ws?.foundBy, 'west-yml');
  assert.equal(ws?.zephyrBase, '/top/zephyr');
  assert.deepEqual(ws?.modules.map((m) => m.dtsRoot), ['/top/modules/hal/x/dts-root']);
  assert.equal(findWestWorkspace('/top/zephyr/dts/common/a.dtsi', fs)?.zephyrBase, '/top/zephyr');
  assert.equal(findWestWorkspace('/elsewhere/app/app.overlay', fs), undefined);
  assert.equal(findWestWorkspace('/elsewhere/app/app.overlay', fs, { zephyrBase: '/top/zephyr' })?.foundBy, 'zephyr-base');
});

test('a board: its folder and architecture (from boards/<arch>/ or the yaml arch:), include roots in Zephyr order', () => {
  const nfs = new NodeFileSystem();
  const ws = findWestWorkspace(ACME, nfs)!;
  const b = zephyrBoard(ACME, nfs, ws);
  assert.deepEqual([b.name, b.arch], ['acme_board', 'arm']);
  // hardware model v2 layout: boards/<vendor>/<board>/, the architecture from the board's yaml
  const mfs = new MemoryFileSystem({ '/w/zephyr/boards/acme/b2/b2.dts': '', '/w/zephyr/boards/acme/b2/b2.yaml': 'identifier: b2\narch: riscv\n' });
  assert.equal(zephyrBoard('/w/zephyr/boards/acme/b2/b2.dts', mfs, undefined).arch, 'riscv');
  const roots = zephyrDtsRoots(ws, { appDir: path.join(Z, 'samples/hello'), boardDir: b.dir }, nfs);
  assert.deepEqual(roots, [path.join(Z, 'samples/hello'), b.dir, path.join(F.ws, 'modules/hal/acme'), Z]);
  assert.deepEqual(zephyrSystemIncludes(roots, b.arch, nfs), [
    path.join(b.dir, 'dts'),
    path.join(F.ws, 'modules/hal/acme/include'), path.join(F.ws, 'modules/hal/acme/dts'),
    path.join(Z, 'include'), path.join(Z, 'include/zephyr'), path.join(Z, 'dts/common'), path.join(Z, 'dts/arm'), path.join(Z, 'dts'),
  ]);
});

test('a board with zero configuration: module roots, its dts/ folder, its architecture only, __VA_OPT__, no redefinition warning from system headers', () => {
  const a = new AnalysisHost(new NodeFileSystem()).analyze(ACME);
  assert.deepEqual(errors(a), []);
  assert.equal(a.flavour, 'zephyr');
  assert.deepEqual(a.diagnostics.map((d) => d.code), []);
  const dts = emitDts(a.tree);
  assert.match(dts, /soc-arch = "arm";/);
  assert.doesNotMatch(dts, /riscv/);
  assert.match(dts, /uart0_default \{\n\s*pinmux = <0x301>;/);
  assert.match(dts, /i2c0_default \{/);
  // __VA_OPT__: the flags become properties; no flags, no properties
  assert.match(dts, /uart0_sleep \{\n\s*bias-pull-up;\n\s*drive-push-pull;\n\s*\};/);
  assert.match(dts, /uart0_idle \{\n\s*\};/);
  assert.equal(a.stack.mode, 'single');
  assert.ok(a.includePaths.includes(path.join(Z, 'dts/arm')) && !a.includePaths.includes(path.join(Z, 'dts/riscv')));
});

test("Zephyr's dialect: a property after a subnode is a warning that names dtlib and dtc; in a plain dtc tree it stays a syntax error", () => {
  const a = new AnalysisHost(new NodeFileSystem()).analyze(RV);
  assert.deepEqual(errors(a), []);
  const w = a.diagnostics.filter((d) => d.code === 'properties-after-subnodes');
  assert.equal(w.length, 1);
  assert.equal(w[0].severity, 'warning');
  assert.match(w[0].message, /dtlib accepts this, dtc rejects it/);
  const text = a.fileText(RV)!;
  assert.equal(text.slice(w[0].start, w[0].end), 'current-speed');
  assert.match(emitDts(a.tree), /soc-arch = "riscv";/);
  // the same text outside Zephyr
  const mfs = new MemoryFileSystem({ '/p/b.dts': '/dts-v1/;\n/ { n { }; p = <1>; };\n' });
  const d = new AnalysisHost(mfs).analyze('/p/b.dts').diagnostics;
  assert.deepEqual(d.map((x) => [x.code, x.severity, x.message]), [['syntax-error', 'error', 'Properties must precede subnodes']]);
});

test('a file outside the workspace, with ZEPHYR_BASE: Zephyr flavour and include roots', () => {
  const mfs = new NodeFileSystem();
  const app = path.join(F.ws, '..', 'outside-app');
  require('node:fs').mkdirSync(path.join(app, 'boards'), { recursive: true });
  require('node:fs').writeFileSync(path.join(app, 'CMakeLists.txt'), 'find_package(Zephyr REQUIRED)\n');
  require('node:fs').writeFileSync(path.join(app, 'boards/acme_board.overlay'), '&uart0 { current-speed = <1>; };\n');
  const a = new AnalysisHost(mfs, { zephyrBase: Z }).analyze(path.join(app, 'boards/acme_board.overlay'));
  assert.equal(a.flavour, 'zephyr');
  assert.equal(a.stack.base, ACME);
  assert.deepEqual(errors(a), []);
});

test('the folders a Zephyr file needs (include index, the server\'s readable roots): the workspace top and every dts root', () => {
  const r = detectIncludePaths(ACME, new NodeFileSystem());
  assert.equal(r.kind, 'zephyr');
  assert.equal(r.root, F.ws);
  for (const p of ['modules/hal/acme/include', 'modules/hal/acme/dts', 'zephyr/dts/arm', 'zephyr/dts/riscv']) assert.ok(r.includePaths.includes(path.join(F.ws, p)), p);
  // a file of an app beside zephyr/ (not inside the Zephyr tree) belongs to the workspace too
  assert.equal(detectIncludePaths(path.join(F.ws, 'zmk-config/config/acme_kbd.keymap'), new NodeFileSystem()).root, F.ws);
});

test('settings: devicetree.board (a name or a .dts), devicetree.buildDir, devicetree.flavour', () => {
  const { settings, problems } = normalizeSettings({ board: 'acme_board', buildDir: 'build', flavour: 'zephyr' }, '/ws');
  assert.deepEqual([settings.board, settings.buildDir, settings.flavour, problems], ['acme_board', '/ws/build', 'zephyr', []]);
  assert.equal(normalizeSettings({ board: 'boards/x/x.dts', flavour: 'auto' }, '/ws').settings.board, '/ws/boards/x/x.dts');
  assert.deepEqual(normalizeSettings({ board: 3, flavour: 'bsd' }, '/ws').problems, [
    'devicetree.board must be a board name or the path of a board .dts',
    'devicetree.flavour must be one of auto, linux, zephyr, uboot, dtc',
  ]);
});

test('CRLF line ends (as in the corpus snapshot): .west/config, west.yml, module.yml, board yaml, CMakeCache.txt', () => {
  const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
  const mfs = new MemoryFileSystem({
    '/w/.west/config': crlf('[manifest]\npath = zephyr\nfile = west.yml\n[zephyr]\nbase = zephyr\n'),
    '/w/zephyr/west.yml': crlf('manifest:\n  projects:\n    - name: hal_x\n      path: modules/hal/x\n'),
    '/w/zephyr/dts/common/a.dtsi': '',
    '/w/zephyr/dts/arm/a.dtsi': '',
    '/w/zephyr/include/zephyr/a.h': '',
    '/w/modules/hal/x/zephyr/module.yml': crlf('build:\n  settings:\n    dts_root: .\n'),
    '/w/modules/hal/x/dts/x.dtsi': '',
    '/w/zephyr/boards/acme/b/b.dts': crlf('/dts-v1/;\n/ { };\n'),
    '/w/zephyr/boards/acme/b/b.yaml': crlf('identifier: b\narch: arm\n'),
    '/w/build/CMakeCache.txt': crlf('BOARD:STRING=b\nAPPLICATION_SOURCE_DIR:PATH=/w/app\nZEPHYR_BASE:PATH=/w/zephyr\n'),
  });
  const ws = findWestWorkspace('/w/zephyr/boards/acme/b/b.dts', mfs)!;
  assert.deepEqual([ws.foundBy, ws.zephyrBase, ws.modules.map((m) => m.dtsRoot)], ['west-config', '/w/zephyr', ['/w/modules/hal/x']]);
  assert.equal(zephyrBoard('/w/zephyr/boards/acme/b/b.dts', mfs, ws).arch, 'arm');
  assert.deepEqual([readBuildDir('/w/build', mfs)?.board, readBuildDir('/w/build', mfs)?.appDir], ['b', '/w/app']);
});

test('a workspace opened through a symbolic link: includes found under the linked folders, so an open SoC .dtsi is read as edited', () => {
  const link = `${F.ws}-link`;
  fs.symlinkSync(F.ws, link);
  try {
    const zl = path.join(link, 'zephyr');
    const soc = path.join(zl, 'dts/arm/acme/acme_soc.dtsi');
    const board = path.join(zl, 'boards/arm/acme_board/acme_board.dts');
    // the folders keep the linked path (each once, by its real one)
    const nfs = new NodeFileSystem([link]);
    const ws = findWestWorkspace(board, nfs)!;
    const roots = zephyrDtsRoots(ws, { boardDir: path.dirname(board) }, nfs);
    assert.deepEqual(roots, [path.dirname(board), path.join(link, 'modules/hal/acme'), zl]);
    assert.ok(zephyrSystemIncludes(roots, 'arm', nfs).includes(path.join(zl, 'dts/arm')));
    // a folder given twice, once through the link: listed once
    assert.deepEqual(zephyrDtsRoots(ws, { extraRoots: [Z], boardDir: path.dirname(board) }, nfs).filter((r) => r === Z || r === zl), [Z]);
    // the editor has the SoC .dtsi open (by the linked path) with an edit: the board reads that text
    const ofs = new OverlayFileSystem(new NodeFileSystem([link]));
    ofs.setOverlay(soc, fs.readFileSync(soc, 'utf8').replace(/\n\/ \{/, '\n/ {\n\tbroken = <&no_such_label>;'), 1);
    const a = new AnalysisHost(ofs).analyze(board);
    assert.ok(a.pp.files.includes(soc), a.pp.files.join(' '));
    assert.deepEqual(a.diagnostics.filter((d) => d.code === 'unresolved-reference').map((d) => [d.file, d.message.includes('no_such_label')]), [[soc, true]]);
  } finally {
    fs.rmSync(link, { force: true });
  }
});

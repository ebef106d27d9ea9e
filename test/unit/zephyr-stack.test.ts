// Zephyr overlay stacks: an overlay analysed on the board it is named after, a shield's, a snippet's and an
// app.overlay's base found with zero configuration, the stack of a build directory (build_info.yml and
// CMakeCache.txt), explicit --overlay stacks, macro-redefined outside system headers, and the fixture's stacks
// against cpp + dtc themselves (when installed). Fixtures: test/fixtures/zephyr-ws, test/fixtures/zephyr-builds.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, type Analysis } from '../../server/src/analysis';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { emitDts } from '../../server/src/tree/emit';
import { readBuildDir } from '../../server/src/workspace/build-dir';
import { fileRole } from '../../server/src/workspace/contexts';
import { planStack } from '../../server/src/workspace/stack';
import { zephyrFixture } from '../util/zephyr-ws';

const F = zephyrFixture();
after(() => F.remove());
const Z = F.zephyr;
const ACME = path.join(Z, 'boards/arm/acme_board/acme_board.dts');
const RV = path.join(Z, 'boards/riscv/acme_rv/acme_rv.dts');
const APP = path.join(Z, 'samples/hello');
const APP_BOARD = path.join(APP, 'boards/acme_board.overlay');
const SHIELD = path.join(Z, 'boards/shields/acme_shield/acme_shield.overlay');
const SHIELD_BOARD = path.join(Z, 'boards/shields/acme_shield/boards/acme_board.overlay');
const SNIPPET = path.join(Z, 'snippets/acme-console/acme-console.overlay');

function errors(a: Analysis): string[] {
  return a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${path.basename(d.file)}: ${d.message} [${d.code}]`);
}

test("an app's boards/<board>.overlay alone: analysed on that board in one cpp run; its redefinition warns, the HAL header's does not", () => {
  const a = new AnalysisHost(new NodeFileSystem()).analyze(APP_BOARD);
  assert.equal(a.root, APP_BOARD);
  assert.deepEqual([a.stack.mode, a.stack.base, a.stack.overlays], ['cpp-include', ACME, [APP_BOARD]]);
  assert.equal(a.stack.baseNote, "board acme_board (the overlay's name)");
  assert.deepEqual(errors(a), []);
  const red = a.diagnostics.filter((d) => d.code === 'macro-redefined');
  assert.equal(red.length, 1);
  assert.equal(red[0].file, APP_BOARD);
  assert.equal(a.fileText(APP_BOARD)!.slice(red[0].start, red[0].end), 'BIT_MASK');
  assert.equal(red[0].related?.[0].file, path.join(F.ws, 'modules/hal/acme/include/dt-bindings/acme-hal.h'));
  const dts = emitDts(a.tree);
  assert.match(dts, /current-speed = <0x2580>;/);
  assert.match(dts, /led0 = "\/soc\/memory@20000000";/);
  // the overlay's text is mapped back to the overlay
  const uart = a.tree.labels.get('uart0')!.node;
  const speed = uart.properties.find((p) => p.name === 'current-speed')!;
  assert.equal(a.pp.map.toFileRange(speed.nameSpan.start, speed.nameSpan.end).file, APP_BOARD);
});

test('app.overlay: the board setting, else the board the sample names; the user pick wins', () => {
  const nfs = new NodeFileSystem();
  const app = path.join(APP, 'app.overlay');
  const a = new AnalysisHost(nfs).analyze(app);
  assert.equal(a.stack.base, RV);
  assert.equal(a.stack.baseNote, 'board acme_rv (named by the sample)');
  assert.deepEqual(errors(a), []);
  const b = new AnalysisHost(nfs, { board: 'acme_board' }).analyze(app);
  assert.deepEqual([b.stack.base, b.stack.baseNote], [ACME, 'board acme_board (the board setting)']);
  const c = new AnalysisHost(nfs, { board: 'acme_board' }).analyze(app, undefined, undefined, { base: RV });
  assert.deepEqual([c.stack.base, c.stack.baseNote], [RV, 'your choice']);
});

test("a shield's overlays: the board its boards/ folder names, with the shield's overlay first", () => {
  for (const open of [SHIELD, SHIELD_BOARD]) {
    const a = new AnalysisHost(new NodeFileSystem()).analyze(open);
    assert.deepEqual([a.stack.base, a.stack.overlays], [ACME, [SHIELD, SHIELD_BOARD]], open);
    assert.deepEqual(errors(a), []);
    assert.match(emitDts(a.tree), /led \{\n\s*gpios = <0x3 0x0 0x1>;/);
  }
});

test('a snippet overlay: the first board that defines the labels it uses', () => {
  const a = new AnalysisHost(new NodeFileSystem()).analyze(SNIPPET);
  assert.equal(a.stack.base, ACME);
  assert.match(a.stack.baseNote!, /first that defines the labels/);
  assert.deepEqual(errors(a), []);
  assert.match(emitDts(a.tree), /zephyr,console = "\/soc\/usbd@40003000\/udc\/console";/);
});

test('an overlay with no base anywhere: analysed alone, one overlay-no-base warning, no flood of unresolved references', () => {
  const dir = path.join(F.ws, 'lonely');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'x.overlay'), '&no_such_label { status = "okay"; };\n');
  const a = new AnalysisHost(new NodeFileSystem()).analyze(path.join(dir, 'x.overlay'));
  assert.equal(a.stack.noBase, true);
  assert.deepEqual(a.diagnostics.map((d) => [d.code, d.severity]), [['overlay-no-base', 'warning']]);
});

test('build directories: build_info.yml lists the stack; CMakeCache.txt is rebuilt in Zephyr order (board, shield, app, extra)', () => {
  const nfs = new NodeFileSystem();
  const info = readBuildDir(path.join(F.builds, 'hello-info'), nfs)!;
  assert.deepEqual(info.files, [ACME, path.join(APP, 'app.overlay')]);
  assert.equal(info.includeDirs?.length, 9);
  const cm = readBuildDir(path.join(F.builds, 'hello-cmake'), nfs)!;
  assert.deepEqual([cm.board, cm.shields, cm.appDir, cm.extraDtcOverlayFiles], ['acme_board', ['acme_shield'], APP, [path.join(APP, 'extra.overlay')]]);
  const p = planStack(APP_BOARD, nfs, { buildDir: path.join(F.builds, 'hello-cmake') });
  assert.deepEqual([p.base, p.overlays], [ACME, [SHIELD, SHIELD_BOARD, APP_BOARD, path.join(APP, 'extra.overlay')]]);
  assert.match(p.baseNote!, /the build in .*hello-cmake/);
  // a build directory inside the app is found without being named
  fs.cpSync(path.join(F.builds, 'hello-info'), path.join(APP, 'build'), { recursive: true });
  try {
    const q = planStack(path.join(APP, 'app.overlay'), nfs, {});
    assert.deepEqual([q.base, q.overlays, q.systemIncludePaths.length], [ACME, [path.join(APP, 'app.overlay')], 9]);
    assert.match(q.baseNote!, /the build in .*samples\/hello\/build/);
  } finally {
    fs.rmSync(path.join(APP, 'build'), { recursive: true, force: true });
  }
});

test('explicit stacks (--overlay) give the same tree as zero configuration', () => {
  const nfs = new NodeFileSystem();
  const zero = new AnalysisHost(nfs).analyze(SHIELD_BOARD);
  const given = new AnalysisHost(nfs, { overlays: [SHIELD, SHIELD_BOARD] }).analyze(ACME);
  assert.equal(given.stack.mode, 'cpp-include');
  assert.equal(emitDts(given.tree), emitDts(zero.tree));
});

function have(cmd: string): boolean {
  try { execFileSync(cmd, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

test("the fixture's stacks equal Zephyr's own cpp command + dtc", { skip: !(have('cpp') && have('dtc')) && 'cpp or dtc not installed' }, () => {
  const nfs = new NodeFileSystem();
  const empty = path.join(F.ws, 'empty_file.c');
  fs.writeFileSync(empty, '');
  const dtcText = (src: string): string => {
    const dtb = src + '.dtb';
    execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', dtb, src]);
    return execFileSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', dtb], { encoding: 'utf8' });
  };
  const cases: [string, string[], string[]][] = [
    [ACME, [], []],
    [ACME, [SHIELD, SHIELD_BOARD, APP_BOARD, path.join(APP, 'extra.overlay')], [APP, path.dirname(SHIELD)]],
  ];
  for (const [board, overlays, extraRoots] of cases) {
    const roots = [...extraRoots, path.dirname(board), path.join(F.ws, 'modules/hal/acme'), Z];
    const args = ['-x', 'assembler-with-cpp', '-nostdinc'];
    for (const r of roots) for (const s of ['include', 'include/zephyr', 'dts/common', 'dts/arm', 'dts']) if (fs.existsSync(path.join(r, s))) args.push('-isystem', path.join(r, s));
    args.push('-include', board, ...overlays.flatMap((o) => ['-include', o]), '-undef', '-D__DTS__', '-E', empty, '-o', path.join(F.ws, 'ref.pre'));
    execFileSync('cpp', args, { stdio: 'ignore' });
    const ours = new AnalysisHost(nfs, { overlays: overlays.length ? overlays : undefined }).analyze(board);
    assert.deepEqual(errors(ours), []);
    fs.writeFileSync(path.join(F.ws, 'ours.dts'), emitDts(ours.tree));
    assert.equal(dtcText(path.join(F.ws, 'ours.dts')), dtcText(path.join(F.ws, 'ref.pre')));
  }
});

test('ZMK: a .keymap is Devicetree, an overlay, stacked on the board and shield its config build.yaml names', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
  assert.ok(pkg.contributes.languages.find((l: { id: string }) => l.id === 'dts').extensions.includes('.keymap'));
  assert.equal(fileRole('/x/corne.keymap'), 'overlay');
  const keymap = path.join(F.ws, 'zmk-config/config/acme_kbd.keymap');
  const a = new AnalysisHost(new NodeFileSystem()).analyze(keymap);
  assert.equal(a.flavour, 'zephyr');
  assert.deepEqual([a.stack.base, a.stack.overlays], [ACME, [path.join(Z, 'boards/shields/acme_kbd/acme_kbd_left.overlay'), keymap]]);
  assert.match(a.stack.baseNote!, /^board acme_board, shield acme_kbd_left \(.*build\.yaml\)$/);
  assert.deepEqual(errors(a), []);
  assert.match(emitDts(a.tree), /bindings = <0x\w+ 0x4>;/);
});

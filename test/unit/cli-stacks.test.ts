// bin/dts-check with stacks: --overlay, --build-dir (FILE left out), --board, --flavour, --emit-dts of a stack,
// and the note that says which base an overlay was analysed on.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { main } from '../../server/src/cli/dts-check';
import { fixture } from '../util/paths';
import { zephyrFixture } from '../util/zephyr-ws';

const F = zephyrFixture();
after(() => F.remove());
const Z = F.zephyr;
const APP_BOARD = path.join(Z, 'samples/hello/boards/acme_board.overlay');

function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

test('an overlay alone: the note names its base; --emit-dts prints the stacked tree', () => {
  const r = cli('--emit-dts', APP_BOARD);
  assert.equal(r.code, 0);
  assert.match(r.err, /note: .*acme_board\.overlay: analysed on .*acme_board\.dts: board acme_board \(the overlay's name\)/);
  assert.match(r.out, /current-speed = <0x2580>;/);
  const t = cli(APP_BOARD);
  assert.match(t.out, /acme_board\.overlay:3:9: warning: "BIT_MASK" redefined \[macro-redefined\]/);
});

test('--build-dir without FILE analyses the build stack; --board and --overlay choose the base and the overlays', () => {
  const b = cli('--build-dir', path.join(F.builds, 'hello-cmake'), '--format', 'json');
  assert.equal(b.code, 0);
  const json = JSON.parse(b.out) as { diagnostics: { code: string; file: string }[]; contexts: { flavour: string; stack: { mode: string; overlays: string[] } }[] };
  assert.deepEqual(json.diagnostics.map((d) => [d.code, path.basename(d.file)]), [['macro-redefined', 'acme_board.overlay']]);
  assert.deepEqual(json.contexts.map((c) => [c.flavour, c.stack.mode, c.stack.overlays.length]), [['zephyr', 'cpp-include', 4]]);
  const bt = cli('--build-dir', path.join(F.builds, 'hello-cmake'));
  assert.match(bt.err, /stack .*acme_board\.dts \+ .*acme_shield\.overlay \+ .*boards\/acme_board\.overlay \+ .*samples\/hello\/boards\/acme_board\.overlay \+ .*extra\.overlay \(one cpp run\)/);
  const app = path.join(Z, 'samples/hello/app.overlay');
  assert.match(cli('--board', 'acme_board', app).err, /analysed on .*acme_board\.dts: board acme_board \(the board setting\)/);
  const o = cli('--emit-dts', path.join(Z, 'boards/arm/acme_board/acme_board.dts'), '--overlay', app);
  assert.match(o.out, /current-speed = <0xe100>;/);
  const l = fixture('linux-stack/arch/arm64/boot/dts/acme');
  const lin = cli('--emit-dts', path.join(l, 'acme-board.dts'), '--overlay', path.join(l, 'acme-panel.dtso'));
  assert.equal(lin.code, 0);
  assert.match(lin.err, /overlays applied like fdtoverlay/);
  assert.match(lin.out, /__symbols__ \{/);
});

test('usage errors: --overlay needs exactly one FILE, --flavour a known flavour, --build-dir a build', () => {
  assert.equal(cli('--overlay', APP_BOARD).code, 2);
  assert.match(cli('--flavour', 'bsd', APP_BOARD).err, /unknown flavour 'bsd'/);
  assert.equal(cli('--flavour', 'zephyr', APP_BOARD).code, 0);
  const nb = cli('--build-dir', Z);
  assert.equal(nb.code, 2);
  assert.match(nb.err, /not a Zephyr build directory/);
});

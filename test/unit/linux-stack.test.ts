// Linux stacks: a .dtso applied to its base like fdtoverlay, the base found in the kernel Makefile's composite
// DTB (`<name>-dtbs := base.dtb overlay.dtbo`), and the stacked tree against dtc -@ + fdtoverlay (when
// installed). Fixture: test/fixtures/linux-stack (a kernel-like tree).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import { MemoryFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { emitDts } from '../../server/src/tree/emit';
import { composites, parseComposites } from '../../server/src/workspace/kbuild';
import { fixture } from '../util/paths';

const L = fixture('linux-stack');
const D = path.join(L, 'arch/arm64/boot/dts/acme');
const BASE = path.join(D, 'acme-board.dts');
const PANEL = path.join(D, 'acme-panel.dtso');
const EXTRA = path.join(D, 'acme-extra.dtso');

test('composite DTBs from a kernel Makefile (continued lines, sources found beside it)', () => {
  const list = composites(PANEL, new NodeFileSystem());
  assert.deepEqual(list.map((c) => [c.name, c.base, c.overlays]), [
    ['acme-board-panel', BASE, [PANEL]],
    ['acme-board-panel-extra', BASE, [PANEL, EXTRA]],
  ]);
  // an overlay whose source is missing makes no composite
  const mfs = new MemoryFileSystem({ '/d/a.dts': '' });
  assert.deepEqual(parseComposites('/d/Makefile', 'x-dtbs := a.dtb missing.dtbo\n', mfs), []);
});

test('a .dtso alone is applied to the base of its composite; the stacked tree follows fdtoverlay (new items first, phandles moved)', () => {
  const a = new AnalysisHost(new NodeFileSystem()).analyze(PANEL);
  assert.equal(a.flavour, 'linux');
  assert.deepEqual([a.stack.mode, a.stack.base, a.stack.overlays], ['fdtoverlay', BASE, [PANEL]]);
  assert.match(a.stack.baseNote!, /^acme-board-panel\.dtb \(.*Makefile\)$/);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  const dts = emitDts(a.tree);
  // libfdt inserts new properties and nodes at the front: reverse order of the overlay
  assert.match(dts, /lvds@2000 \{\n\s*second-new = <0x2>;\n\s*first-new = <0x1>;\n\s*compatible = "acme,lvds";/);
  assert.match(dts, /\/ \{\n\s*model = "ACME board";\n\s*#address-cells = <0x1>;\n\s*#size-cells = <0x1>;\n\n\s*panel \{\n\s*backlight = <0x3>;/);
  assert.match(dts, /__symbols__ \{\n\s*lvds0_out = "\/lvds@2000\/ports\/port@1\/endpoint";\n\s*panel_in = "\/panel\/port\/endpoint";\n\s*intc = /);
  // positions: a property the overlay added points into the overlay
  const lvds = a.tree.labels.get('lvds0')!.node;
  const p = lvds.properties.find((x) => x.name === 'first-new')!;
  const r = a.pp.map.toFileRange(p.nameSpan.start, p.nameSpan.end);
  assert.equal(r.file, PANEL);
  assert.equal(fs.readFileSync(PANEL, 'utf8').slice(r.start, r.end), 'first-new');
  // the stack's files are all in the analysis (the server re-analyses when any changes)
  assert.ok(a.pp.files.includes(BASE) && a.pp.files.includes(PANEL));
});

test('overlay problems: a label in neither tree, a missing target path, a file that is not an overlay', () => {
  const mfs = new MemoryFileSystem({
    '/k/b.dts': '/dts-v1/;\n/ { a: n { }; };\n',
    '/k/o.dtso': '/dts-v1/;\n/plugin/;\n&nolabel { x; };\n&{/missing} { y; };\n&a { z = <&alsomissing>; };\n',
    '/k/plain.dts': '/dts-v1/;\n/ { q; };\n',
  });
  const a = new AnalysisHost(mfs, { overlays: ['/k/o.dtso', '/k/plain.dts'] }).analyze('/k/b.dts');
  const text = (d: { file: string; start: number; end: number }): string => (mfs.readFile(d.file) as { text: string }).text.slice(d.start, d.end);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.file, text(d)]), [
    ['unresolved-reference', '/k/o.dtso', '&nolabel'],
    ['unresolved-reference', '/k/o.dtso', '&alsomissing'],
    ['overlay-target', '/k/o.dtso', '&{/missing}'],
    ['overlay-target', '/k/plain.dts', ''],
  ]);
});

function have(cmd: string): boolean {
  try { execFileSync(cmd, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

test('the stacked tree equals cpp + dtc -@ + fdtoverlay', { skip: !(have('cpp') && have('dtc') && have('fdtoverlay')) && 'cpp, dtc or fdtoverlay not installed' }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-linux-stack-'));
  try {
    const blobs: string[] = [];
    for (const [k, f] of [BASE, PANEL, EXTRA].entries()) {
      const pre = path.join(tmp, `${k}.pre`);
      execFileSync('cpp', ['-nostdinc', '-I', path.join(L, 'include'), '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', '-P', f, '-o', pre]);
      const out = path.join(tmp, `${k}.dtb`);
      execFileSync('dtc', ['-q', '-@', '-I', 'dts', '-O', 'dtb', '-o', out, pre]);
      blobs.push(out);
    }
    execFileSync('fdtoverlay', ['-i', blobs[0], '-o', path.join(tmp, 'm.dtb'), ...blobs.slice(1)]);
    const ref = execFileSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', path.join(tmp, 'm.dtb')], { encoding: 'utf8' });
    const a = new AnalysisHost(new NodeFileSystem(), { overlays: [PANEL, EXTRA] }).analyze(BASE);
    fs.writeFileSync(path.join(tmp, 'ours.dts'), emitDts(a.tree));
    execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', path.join(tmp, 'ours.dtb'), path.join(tmp, 'ours.dts')]);
    const ours = execFileSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', path.join(tmp, 'ours.dtb')], { encoding: 'utf8' });
    assert.equal(ours, ref);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

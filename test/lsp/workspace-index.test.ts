// The workspace index (server/src/workspace/contexts.ts): include scan, reverse
// index and the choice of a board context, over the LSP fixture folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { WorkspaceIndex, fileRole } from '../../server/src/workspace/contexts';
import { scanIncludes } from '../../server/src/workspace/include-scan';
import { FIXTURES, fixture } from './lsp-client';

test('scanIncludes: #include, /include/, comments and strings', () => {
  const text = [
    '#include "a.dtsi"',
    '  #  include <dt-bindings/x.h>',
    '/* #include "commented.dtsi" */',
    '// #include "line-commented.dtsi"',
    '/include/ "b.dtsi"',
    'x = "/include/ \\"not-this\\"";',
    'y = <1>; #include "not-at-line-start.dtsi"',
    '#includex "bad"',
    '#include "unterminated',
  ].join('\n');
  assert.deepEqual(scanIncludes(text), [
    { spelled: 'a.dtsi', kind: 'quote' },
    { spelled: 'dt-bindings/x.h', kind: 'angle' },
    { spelled: 'b.dtsi', kind: 'dtc' },
  ]);
});

test('fileRole by extension', () => {
  assert.equal(fileRole('/x/a.dts'), 'board');
  assert.equal(fileRole('/x/a.dtsi'), 'include');
  assert.equal(fileRole('/x/a.h'), 'include');
  assert.equal(fileRole('/x/a.dtso'), 'overlay');
  assert.equal(fileRole('/x/a.overlay'), 'overlay');
  assert.equal(fileRole('/x/a.txt'), 'other');
});

test('index of the fixture folder: reverse index and context choice', async () => {
  const idx = new WorkspaceIndex(new NodeFileSystem());
  await idx.index([FIXTURES]);
  assert.equal(idx.ready, true);
  assert.deepEqual(idx.walk([FIXTURES]).map((f) => f.slice(FIXTURES.length + 1)), ['addon.dtso', 'board-a.dts', 'board-b.dts', 'lone.dtsi', 'soc.dtsi']);
  assert.deepEqual(idx.includesOf(fixture('board-a.dts')), [fixture('soc.dtsi')]);
  assert.deepEqual(idx.includersOf(fixture('soc.dtsi')), [fixture('board-a.dts'), fixture('board-b.dts')]);
  assert.deepEqual(idx.boardsIncluding(fixture('soc.dtsi')), [fixture('board-a.dts'), fixture('board-b.dts')]);

  const soc = fixture('soc.dtsi');
  assert.deepEqual(idx.chooseContext(soc), { root: fixture('board-a.dts'), reason: 'nearest-board', candidates: [fixture('board-a.dts'), fixture('board-b.dts')] });
  // an open board that includes it is the automatic choice
  assert.deepEqual(idx.chooseContext(soc, { openFiles: [fixture('board-b.dts')] }), { root: fixture('board-b.dts'), reason: 'open-board', candidates: [fixture('board-a.dts'), fixture('board-b.dts')] });
  assert.deepEqual(idx.chooseContext(soc, { openFiles: [fixture('board-a.dts')], explicit: fixture('board-b.dts') }).reason, 'explicit');
  assert.deepEqual(idx.chooseContext(soc, { configured: fixture('board-b.dts') }).root, fixture('board-b.dts'));
  // a configured board that does not exist is ignored
  assert.deepEqual(idx.chooseContext(soc, { configured: fixture('no-such.dts') }).root, fixture('board-a.dts'));
  assert.deepEqual(idx.chooseContext(fixture('lone.dtsi')), { root: fixture('lone.dtsi'), reason: 'lone', candidates: [] });
  assert.deepEqual(idx.chooseContext(fixture('addon.dtso')), { root: fixture('addon.dtso'), reason: 'self', candidates: [] });
  assert.deepEqual(idx.chooseContext(fixture('board-b.dts')), { root: fixture('board-b.dts'), reason: 'self', candidates: [] });

  // an edit that drops the include updates the reverse index
  idx.updateFile(fixture('board-b.dts'), '/dts-v1/;\n/ { };\n');
  assert.deepEqual(idx.boardsIncluding(soc), [fixture('board-a.dts')]);
  idx.removeFile(fixture('board-a.dts'));
  assert.deepEqual(idx.boardsIncluding(soc), []);
});

test('an index built elsewhere (the worker) is adopted; files updated here meanwhile keep their includes', async () => {
  const soc = fixture('soc.dtsi');
  const elsewhere = new WorkspaceIndex(new NodeFileSystem());
  await elsewhere.index([FIXTURES]);
  const idx = new WorkspaceIndex(new NodeFileSystem());
  idx.beginElsewhere([FIXTURES]);
  assert.equal(idx.ready, false);
  // meanwhile: board-b's editor text drops its include, board-a is deleted on disk
  idx.updateFile(fixture('board-b.dts'), '/dts-v1/;\n#include "lone.dtsi"\n/ { };\n');
  idx.removeFile(fixture('board-a.dts'));
  idx.adopt(elsewhere.entries());
  assert.equal(idx.ready, true);
  assert.deepEqual(idx.workspaceRoots, [FIXTURES]);
  assert.deepEqual(idx.includesOf(fixture('board-b.dts')), [fixture('lone.dtsi')]);
  assert.equal(idx.has(fixture('board-a.dts')), false);
  assert.deepEqual(idx.boardsIncluding(soc), []);
  assert.deepEqual(idx.boardsIncluding(fixture('lone.dtsi')), [fixture('board-b.dts')]);
  // the rest is the worker's
  assert.deepEqual(idx.includesOf(fixture('addon.dtso')), elsewhere.includesOf(fixture('addon.dtso')));
  assert.equal(idx.fileCount, elsewhere.fileCount - 1);
  // adopted as a whole when nothing happened here
  const idx2 = new WorkspaceIndex(new NodeFileSystem());
  idx2.beginElsewhere([FIXTURES]);
  idx2.adopt(elsewhere.entries());
  assert.deepEqual(idx2.boardsIncluding(soc), [fixture('board-a.dts'), fixture('board-b.dts')]);
  assert.deepEqual(idx2.chooseContext(soc), elsewhere.chooseContext(soc));
});

test('the automatic context of a SoC .dtsi: the nearest open board that includes it, else the nearest board of the same SoC', async () => {
  const dir = fixture('../contexts');
  const f = (n: string) => `${dir}/${n}`;
  const idx = new WorkspaceIndex(new NodeFileSystem());
  await idx.index([dir]);
  // qcs8550-aim300-aiot.dts sorts first by name but reaches sm8550.dtsi through two other files
  assert.deepEqual(idx.rankedBoards(f('sm8550.dtsi')), [f('sm8550-hdk.dts'), f('sm8550-mtp.dts'), f('sm8550-qrd.dts'), f('qcs8550-aim300-aiot.dts')]);
  const auto = idx.chooseContext(f('sm8550.dtsi'));
  assert.deepEqual([auto.root, auto.reason], [f('sm8550-hdk.dts'), 'nearest-board']);
  const withOpen = (open: string[]) => {
    const c = idx.chooseContext(f('sm8550.dtsi'), { openFiles: [f('sm8550.dtsi'), ...open.map(f)] });
    return [c.root.slice(dir.length + 1), c.reason];
  };
  assert.deepEqual(withOpen([]), ['sm8550-hdk.dts', 'nearest-board']);
  // an open board that includes it, however far (the user works on that product)
  assert.deepEqual(withOpen(['qcs8550-aim300-aiot.dts']), ['qcs8550-aim300-aiot.dts', 'open-board']);
  assert.deepEqual(withOpen(['sm8550-mtp.dts']), ['sm8550-mtp.dts', 'open-board']);
  // the nearest of the open ones, in any order; an open board that does not include it does not count
  assert.deepEqual(withOpen(['qcs8550-aim300-aiot.dts', 'sm8550-mtp.dts']), ['sm8550-mtp.dts', 'open-board']);
  assert.deepEqual(withOpen(['sm8550-mtp.dts', 'qcs8550-aim300-aiot.dts']), ['sm8550-mtp.dts', 'open-board']);
  assert.deepEqual(withOpen(['sm8550-qrd.dts', 'sm8550-hdk.dts']), ['sm8550-hdk.dts', 'open-board']);
  assert.deepEqual(withOpen(['sm8550.dtsi']), ['sm8550-hdk.dts', 'nearest-board']);
  assert.equal(idx.chooseContext(f('sm8550.dtsi'), { openFiles: [f('sm8550-mtp.dts')], configured: f('sm8550-qrd.dts') }).root, f('sm8550-qrd.dts'));
  assert.equal(idx.chooseContext(f('qcs8550.dtsi')).root, f('qcs8550-aim300-aiot.dts'));
  assert.equal(idx.chooseContext(f('sm8550.dtsi'), { explicit: f('sm8550-mtp.dts') }).root, f('sm8550-mtp.dts'));
});

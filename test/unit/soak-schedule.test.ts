// The soak's schedule simulation (scripts/soak/schedule.ts): the server's analysis schedule in process over seeded
// random edits, the host's invariants after every analysis, a fresh analysis compared at a sampled rate. Each bug it
// found in issue 17 has a test of its own (preprocess-incremental, tree-incremental); this one keeps the simulation
// itself honest: it runs, it reaches the schedules it is for, and its invariant check reports a broken memo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { runSchedule } from '../../scripts/soak/schedule';
import { fixture } from '../util/paths';

const LSP = fixture('lsp');
const FILES = ['board-a.dts', 'board-b.dts', 'soc.dtsi', 'lone.dtsi'].map((f) => path.join(LSP, f));

test('schedule simulation over the LSP fixtures: 20 seeds x 300 steps, invariants after every analysis and sampled comparisons hold', () => {
  let analyses = 0;
  let abandoned = 0;
  let compared = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const r = runSchedule({ files: FILES, seed, steps: 300 });
    assert.equal(r.failure, undefined, `seed ${seed}: ${JSON.stringify(r.failure)}\n${r.trace.join('\n')}`);
    assert.equal(r.steps, 300);
    analyses += r.analyses;
    abandoned += r.abandoned;
    compared += r.compared;
  }
  // the schedules it is for: many analyses, some abandoned midway, a good share compared with a fresh one
  assert.ok(analyses > 3000 && abandoned > 300 && compared > 500, JSON.stringify({ analyses, abandoned, compared }));
});

test('schedule simulation: the same seed makes the same schedule', () => {
  const a = runSchedule({ files: FILES, seed: 11, steps: 120 });
  const b = runSchedule({ files: FILES, seed: 11, steps: 120 });
  assert.deepEqual(b.trace, a.trace);
  assert.equal(b.analyses, a.analyses);
});

test('invariantFailures reports a memo whose spans do not read their names (and nothing for a sound one)', () => {
  const fs = new OverlayFileSystem(new NodeFileSystem());
  const host = new AnalysisHost(fs, { incremental: true });
  const a = host.analyze(FILES[0]);
  a.settle();
  assert.deepEqual(host.invariantFailures(), []);
  // a node's definition span one character off, as a move that lagged its text would leave it
  const node = a.tree.root.children.find((c) => c.contributions.some((x) => x.kind === 'definition'));
  assert.ok(node);
  const def = node.contributions.find((x) => x.kind === 'definition')!;
  def.nameSpan = { start: def.nameSpan.start + 1, end: def.nameSpan.end + 1 };
  const broken = host.invariantFailures();
  assert.equal(broken.length, 1, broken.join('\n'));
  assert.match(broken[0], new RegExp(`node ${node.name} defined at`));
});

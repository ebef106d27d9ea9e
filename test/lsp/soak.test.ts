// A short seeded soak (scripts/soak): random editing sessions over the fixture boards through the real
// server; at quiet points every open document's diagnostics equal a fresh analysis of the same texts.
// The long run over kernel boards is `npm run soak` (README, "Testing").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runSoak } from '../../scripts/soak/session';
import { FIXTURES } from './lsp-client';

test('soak: seeded editing sessions keep every open document\'s diagnostics equal to a fresh analysis', async () => {
  const files = ['board-a.dts', 'board-b.dts', 'soc.dtsi', 'lone.dtsi'].map((f) => path.join(FIXTURES, f));
  for (const seed of [11]) {
    const r = await runSoak({ workspace: FIXTURES, files, seed, steps: 100, checkEvery: 25 });
    assert.ok(r.serverAlive, `seed ${seed}: the server died`);
    assert.deepEqual(r.requestErrors, [], `seed ${seed}`);
    assert.deepEqual(r.mismatches.map((m) => `step ${m.step} ${path.basename(m.file)}: expected ${JSON.stringify(m.expected)}, published ${JSON.stringify(m.published)}`), [],
      `seed ${seed}:\n${r.trace.join('\n')}`);
    assert.ok(r.checks >= 3 && r.compared >= 3, `seed ${seed}: ${r.checks} quiet points, ${r.compared} documents compared`);
  }
});

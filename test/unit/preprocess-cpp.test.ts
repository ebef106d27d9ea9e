// Differential test against the real cpp on kernel boards (skipped when the
// Linux sources or cpp are not on this machine): the token streams of our
// output and of `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -P` must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { createPreprocessCache, preprocess } from '../../server/src/preprocess';
import { applyDtcIncludes, cppOutput, firstDifference, ppTokens } from '../../scripts/pp-diff';

const LINUX = path.join(os.homedir(), '.cache/dts-lsp/linux-source-6.12');
const BOARDS = [
  'arch/arm64/boot/dts/qcom/sc7280-herobrine-villager-r1-lte.dts',
  'arch/arm64/boot/dts/qcom/sm8550-mtp.dts',
  'arch/arm64/boot/dts/rockchip/rk3399-gru-kevin.dts',
  'arch/arm64/boot/dts/freescale/imx8mp-evk.dts',
  'arch/arm64/boot/dts/nvidia/tegra234-p3737-0000+p3701-0000.dts',
  'arch/arm64/boot/dts/apm/apm-mustang.dts',
  'arch/arm/boot/dts/ti/omap/am335x-boneblack.dts',
];

function haveCpp(): boolean {
  try { execFileSync('cpp', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

test('token streams agree with cpp on real kernel boards', (t) => {
  if (!fs.existsSync(LINUX) || !haveCpp()) { t.skip('Linux 6.12 sources or cpp not available'); return; }
  const nfs = new NodeFileSystem();
  const cache = createPreprocessCache();
  let compared = 0;
  for (const rel of BOARDS) {
    const board = path.join(LINUX, rel);
    if (!fs.existsSync(board)) continue;
    const inc = [path.dirname(board), path.join(LINUX, 'scripts/dtc/include-prefixes'), path.join(LINUX, 'include')];
    const ref = cppOutput(board, inc);
    assert.ok(ref.ok, `cpp failed on ${rel}: ${ref.stderr}`);
    const ours = preprocess(board, { fs: nfs, includePaths: inc, defines: { __DTS__: '1' }, cache });
    assert.deepEqual(ours.diagnostics.filter((d) => d.severity === 'error'), [], rel);
    const a = ppTokens(applyDtcIncludes(ref.text, path.dirname(board), inc));
    const o = ppTokens(ours.text);
    const d = firstDifference(a, o);
    assert.equal(d, -1, `${rel}: first difference at token ${d}: cpp ${a.slice(d - 5, d + 5).join(' ')} | ours ${o.slice(d - 5, d + 5).join(' ')}`);
    assert.ok(a.length > 1000);
    compared++;
  }
  assert.ok(compared >= 5, `only ${compared} boards found`);
  assert.ok(cache.hits > 0);
});

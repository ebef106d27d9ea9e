// Neovim (headless, vim.lsp.start_client) against bin/dts-lsp: diagnostics and hover
// as a real editor client sees them. Installs Debian's neovim when missing (test/nvim/ensure-nvim.sh);
// skipped with the reason when it still cannot run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES, REPO, SERVER, fixture, positionOf } from './lsp-client';

function nvimAvailable(): string | undefined {
  const ensure = spawnSync('sh', [path.join(REPO, 'test/nvim/ensure-nvim.sh')], { encoding: 'utf8', timeout: 600_000 });
  if (ensure.status !== 0) return `nvim is not installed and could not be installed: ${(ensure.stderr || '').trim()}`;
  const v = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) return 'nvim --version failed';
  const m = /NVIM v(\d+)\.(\d+)/.exec(v.stdout);
  if (!m || (Number(m[1]) === 0 && Number(m[2]) < 7)) return `nvim 0.7+ needed, found ${v.stdout.split('\n')[0]}`;
  return undefined;
}

test('neovim: diagnostics, hover, definition and formatting from dts-lsp', { timeout: 120_000 }, (t) => {
  const missing = nvimAvailable();
  if (missing) {
    t.skip(missing);
    return;
  }
  const file = fixture('board-a.dts');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-nvim-'));
  const out = path.join(tmp, 'result.json');
  // hover and definition on `smmu` in `iommus = <&smmu GPU_SID 0x1>`
  const pos = positionOf(file, '&smmu', 1);
  const t0 = Date.now();
  const r = spawnSync('nvim', ['--headless', '--clean', '-u', path.join(REPO, 'test/nvim/init.lua')], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      SERVER,
      FILE: file,
      ROOT: FIXTURES,
      OUT: out,
      HOVER_LINE: String(pos.line),
      HOVER_COL: String(pos.character),
      XDG_STATE_HOME: tmp,
      XDG_DATA_HOME: tmp,
      XDG_CACHE_HOME: tmp,
      XDG_CONFIG_HOME: tmp,
    },
  });
  const ms = Date.now() - t0;
  const result = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : { error: `no output; rc=${r.status} ${r.stderr}` };
  fs.rmSync(tmp, { recursive: true, force: true });
  assert.equal(r.status, 0, JSON.stringify(result));
  t.diagnostic(`nvim run: ${ms} ms`);
  const codes = result.diagnostics.map((d: { code: string }) => d.code).sort();
  assert.deepEqual(codes, ['iommu-cells-mismatch']);
  const d = result.diagnostics[0];
  const expected = positionOf(file, '<&smmu GPU_SID 0x1>');
  assert.equal(d.lnum, expected.line);
  assert.equal(d.col, expected.character);
  assert.match(String(result.hover), /iommu@15000000/);
  assert.ok(result.definition, 'definition answered');
  assert.ok(String(result.definition.uri ?? result.definition.targetUri).endsWith('/soc.dtsi'));
  assert.equal(result.formatting, 0, 'formatting answered: the fixture is formatted already');
});

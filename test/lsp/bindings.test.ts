// Binding validation in the language server: the worker's diagnostics arrive after the cheap ones, on the
// exact ranges, follow edits, and go away with `devicetree.bindings: false`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, uriOf } from './lsp-client';
import { fixture as fixturePath } from '../util/paths';

const TREE = fixturePath('bindings/linux');
const BOARD = path.join(TREE, 'arch/arm64/boot/dts/acme/board.dts');

/**
 * A server whose caches and home are a fresh folder of its own (no installed dtschema package is looked for
 * outside it), the folder removed afterwards; `env` adds to its environment.
 */
async function withOwnHome(fn: (c: LspClient, home: string) => Promise<void>, env: Record<string, string> = {}): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-bindings-home-'));
  const c = new LspClient(['--stdio'], undefined, { ...process.env, DTS_LSP_CACHE: home, HOME: home, VIRTUAL_ENV: '', ...env });
  try {
    await fn(c, home);
  } finally {
    await c.shutdown();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function codesOf(c: LspClient, file: string): string[] {
  return (c.diagnostics.get(uriOf(file))?.diagnostics ?? []).map((d) => String(d.code));
}

test('lsp: binding diagnostics from the worker, updated on edit, off by setting', async () => {
  await withOwnHome(async (c, cacheDir) => {
    await c.initialize(TREE);
    await c.open(BOARD);
    const diags = await c.waitForDiagnostics(BOARD, (d) => d.some((x) => x.code === 'binding-unknown-property'), 30_000);
    const unknown = diags.find((x) => x.code === 'binding-unknown-property')!;
    const text = fs.readFileSync(BOARD, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('acme,colour'));
    assert.equal(unknown.range.start.line, line);
    assert.equal(unknown.range.start.character, text.split('\n')[line].indexOf('acme,colour'));
    assert.ok(diags.some((x) => x.code === 'binding-missing-required'));
    assert.match(String((unknown as { codeDescription?: { href: string } }).codeDescription?.href ?? ''), /codes\.md/);
    // fix the value the binding rejects: its diagnostic goes, the others stay
    const at = text.indexOf('"turbo"');
    const before = text.slice(0, at);
    const pos = { line: before.split('\n').length - 1, character: at - before.lastIndexOf('\n') - 1 };
    await c.change(BOARD, [{ range: { start: pos, end: { line: pos.line, character: pos.character + 7 } }, text: '"slow"' }]);
    const after = await c.waitForDiagnostics(BOARD, (d) => !d.some((x) => x.code === 'binding-value' && x.message.includes('turbo')) && d.some((x) => x.code === 'binding-unknown-property'), 30_000, true);
    assert.ok(after.some((x) => x.code === 'binding-missing-required'));
    // the editor features read the binding the worker validated with
    const lines = fs.readFileSync(BOARD, 'utf8').split('\n');
    const modeLine = lines.findIndex((l) => l.includes('acme,mode = "fast"'));
    const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: uriOf(BOARD) }, position: { line: modeLine, character: lines[modeLine].indexOf('acme,mode') + 2 } });
    assert.match(hover.contents.value, /\*\*`acme,mode`\*\* — type `string`/);
    const clockLine = lines.findIndex((l) => l.includes('clocks = <&clk 1>, <&clk 2>;'));
    const sig = await c.request<{ signatures: { label: string }[]; activeParameter: number }>('textDocument/signatureHelp', { textDocument: { uri: uriOf(BOARD) }, position: { line: clockLine, character: lines[clockLine].indexOf('<&clk 2>') + 6 } });
    assert.match(sig.signatures[0].label, /^clocks\[1\]: <&clk /);
    const def = await c.request<{ uri: string; range: { start: { line: number } } }[]>('textDocument/typeDefinition', { textDocument: { uri: uriOf(BOARD) }, position: { line: modeLine, character: lines[modeLine].indexOf('acme,mode') + 2 } });
    assert.ok(def[0].uri.endsWith('acme%2Cwidget.yaml') || def[0].uri.endsWith('acme,widget.yaml'), def[0].uri);
    const stats = await c.request<{ bindings: { answers: number } }>('dts/stats', {});
    assert.ok(stats.bindings.answers >= 2);
    // the cache of processed bindings is written
    assert.ok(fs.readdirSync(path.join(cacheDir, 'bindings')).some((f) => f.startsWith('linux-')));
    c.settings = { bindings: false };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { devicetree: { bindings: false } } });
    await c.waitForDiagnostics(BOARD, (d) => !d.some((x) => String(x.code).startsWith('binding-')), 30_000);
    assert.ok(!codesOf(c, BOARD).some((x) => x.startsWith('binding-')));
  });
});

test('lsp: Zephyr binding diagnostics (in process) on a board of a west workspace', async () => {
  const zephyr = fixturePath('bindings/zephyr/zephyr');
  const board = path.join(zephyr, 'boards/arm/testboard/testboard.dts');
  const c = new LspClient();
  try {
    await c.initialize(zephyr);
    await c.open(board);
    const diags = await c.waitForDiagnostics(board, (d) => d.some((x) => x.code === 'binding-unknown-property'), 30_000);
    const d = diags.find((x) => x.code === 'binding-unknown-property')!;
    assert.equal(d.severity, 1, 'an undeclared property fails the Zephyr build: an error');
    assert.ok(diags.some((x) => x.code === 'binding-missing-required'));
  } finally {
    await c.shutdown();
  }
});

test('lsp: the bindings worker is released when idle; the next one reads its findings back and validates only what changed', async () => {
  await withOwnHome(async (c, cacheDir) => {
    type Stats = { bindings: { answers: number; workers: number; released: number; workerAlive: boolean; lastValidated: number; lastReused: number } };
    const stats = async (): Promise<Stats['bindings']> => (await c.request<Stats>('dts/stats', {})).bindings;
    const waitFor = async (pred: (s: Stats['bindings']) => boolean, what: string): Promise<Stats['bindings']> => {
      const t0 = Date.now();
      for (;;) {
        const s = await stats();
        if (pred(s)) return s;
        if (Date.now() - t0 > 30_000) throw new Error(`${what}: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await c.initialize(TREE);
    await c.open(BOARD);
    const first = await c.waitForDiagnostics(BOARD, (d) => d.some((x) => x.code === 'binding-unknown-property'), 30_000);
    const s1 = await waitFor((s) => s.released >= 1 && !s.workerAlive, 'the worker is released');
    assert.equal(s1.workers, 1);
    // the results were written before the worker ended
    await waitFor(() => fs.readdirSync(path.join(cacheDir, 'bindings')).some((f) => f.startsWith('results-')), 'results written');
    // an edit: a new worker validates the edited tree, reusing the released one's findings
    const text = fs.readFileSync(BOARD, 'utf8');
    const at = text.indexOf('"turbo"');
    const before = text.slice(0, at);
    const pos = { line: before.split('\n').length - 1, character: at - before.lastIndexOf('\n') - 1 };
    await c.change(BOARD, [{ range: { start: pos, end: { line: pos.line, character: pos.character + 7 } }, text: '"slow"' }]);
    const after = await c.waitForDiagnostics(BOARD, (d) => !d.some((x) => x.message.includes('turbo')) && d.some((x) => x.code === 'binding-unknown-property'), 30_000, true);
    const s2 = await waitFor((s) => s.answers >= 2, 'an answer for the edit');
    assert.equal(s2.workers, 2);
    assert.ok(s2.lastReused > 0 && s2.lastValidated < s2.lastReused, `validated ${s2.lastValidated}, reused ${s2.lastReused}`);
    // the same binding diagnostics as before, but the one the edit fixed
    const codes = (d: typeof first): string[] => d.filter((x) => String(x.code).startsWith('binding-') && !x.message.includes('turbo')).map((x) => `${x.code} ${x.range.start.line}:${x.range.start.character} ${x.message}`).sort();
    assert.deepEqual(codes(after), codes(first));
    assert.ok(first.some((x) => x.message.includes('turbo')));
  }, { DTS_LSP_BINDINGS_IDLE_MS: '300' });
});

test('lsp: `devicetree.bindings` as a list of folders validates a board outside any tree', async () => {
  await withOwnHome(async (c, tmp) => {
    const lone = path.join(tmp, 'board.dts');
    fs.copyFileSync(BOARD, lone);
    c.settings = { bindings: [path.join(TREE, 'Documentation/devicetree/bindings')] };
    await c.initialize(tmp);
    await c.open(lone);
    const diags = await c.waitForDiagnostics(lone, (d) => d.some((x) => x.code === 'binding-unknown-property'), 30_000);
    assert.ok(diags.some((x) => x.code === 'binding-missing-required'));
    // the folders taken away: the board has no bindings
    c.settings = { bindings: true };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { devicetree: { bindings: true } } });
    await c.waitForDiagnostics(lone, (d) => !d.some((x) => String(x.code).startsWith('binding-')), 30_000);
  });
});

test('lsp: a board closed and opened again is validated afresh (its old findings and requests are forgotten with its context)', async () => {
  await withOwnHome(async (c) => {
    await c.initialize(TREE);
    await c.open(BOARD);
    await c.waitForDiagnostics(BOARD, (d) => d.some((x) => x.code === 'binding-value' && x.message.includes('turbo')), 30_000);
    await c.waitQuiet();
    await c.close(BOARD);
    await c.waitQuiet();
    // opened again with the value the binding rejects fixed: the new context's first analysis is validated
    // (it was skipped when the dropped context's state said its first analysis had been sent already)
    await c.open(BOARD, fs.readFileSync(BOARD, 'utf8').replace('"turbo"', '"slow"'));
    await c.waitForDiagnostics(BOARD, (d) => d.some((x) => x.code === 'binding-unknown-property'), 30_000, true);
    await c.waitQuiet();
    const codes = (c.diagnostics.get(uriOf(BOARD))?.diagnostics ?? []).filter((x) => String(x.code).startsWith('binding-'));
    assert.ok(!codes.some((x) => x.code === 'binding-value' && x.message.includes('turbo')), JSON.stringify(codes.map((x) => x.message)));
    assert.ok(codes.some((x) => x.code === 'binding-missing-required'));
  });
});

test('lsp: typing in one board holds back the binding validation of another until typing pauses', async () => {
  const other = path.join(TREE, 'arch/arm64/boot/dts/acme/rules.dts');
  await withOwnHome(async (c) => {
    await c.initialize(TREE);
    await c.open(BOARD);
    await c.open(other);
    await c.waitForDiagnostics(BOARD, (d) => d.some((x) => x.code === 'binding-unknown-property'), 30_000);
    const requests = async (): Promise<number> => (await c.request<{ bindings: { requests: number } }>('dts/stats', {})).bindings.requests;
    // let the first validations of both boards settle
    let settled = await requests();
    for (;;) { await new Promise((r) => setTimeout(r, 500)); const n = await requests(); if (n === settled) break; settled = n; }
    // an edit of the board (a space at the end), then steady typing in the other board for ~1 s: the board's
    // validation (due 300 ms after its edit) waits
    const boardText = fs.readFileSync(BOARD, 'utf8');
    const lines = boardText.split('\n');
    await c.change(BOARD, [{ range: { start: { line: lines.length - 1, character: 0 }, end: { line: lines.length - 1, character: 0 } }, text: ' ' }]);
    const otherLines = fs.readFileSync(other, 'utf8').split('\n');
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 90));
      await c.change(other, [{ range: { start: { line: otherLines.length - 1, character: 0 }, end: { line: otherLines.length - 1, character: 0 } }, text: ' ' }]);
    }
    assert.equal(await requests(), settled, 'no validation while typing goes on in the other board');
    // typing pauses: both are validated
    const t0 = Date.now();
    while ((await requests()) < settled + 2 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100));
    assert.ok((await requests()) >= settled + 2, 'both boards validated once typing paused');
  });
});

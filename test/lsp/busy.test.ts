// Requests never wait on an analysis (issue 17): while a big board's first analysis runs, requests about
// another board's documents are answered between the analysis's time slices, from the last finished
// analysis, without waiting for the busy board; a .dtsi whose own context is still cold is answered from
// the board that read it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withClient, uriOf } from './lsp-client';

/** A board of many top-level statements (`&label { }` extensions, as board files are): a long merge and checks. */
function bigBoard(dir: string): string {
  const parts = ['/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n'];
  for (let i = 0; i < 3000; i++) parts.push(`\tb${i}: node@${i.toString(16)} { reg = <${i} 1>; #clock-cells = <1>; };\n`);
  parts.push('};\n');
  for (let i = 0; i < 2999; i++) parts.push(`&b${i} { clocks = <&b${i + 1} ${i % 5}>; status = "okay"; };\n`);
  const file = path.join(dir, 'big.dts');
  fs.writeFileSync(file, parts.join(''));
  return file;
}

test('requests about one board are answered between the slices of another board\'s first analysis', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-busy-'));
  const small = path.join(dir, 'small.dts');
  fs.writeFileSync(small, '/dts-v1/;\n/ {\n\tl: leaf { #clock-cells = <0>; };\n\tuser { clocks = <&l>; };\n};\n');
  const big = bigBoard(dir);
  await withClient(dir, async (c) => {
    await c.open(small);
    await c.waitForDiagnostics(small, () => true, 60_000);
    await c.waitQuiet();
    // the big board opens (its cold analysis starts), and the small one is edited: its context is stale
    await c.open(big);
    await c.change(small, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '\t/* edited */\n' }]);
    const done = (): boolean => c.logs.some((l) => l.startsWith('analysed ') && l.includes('big.dts'));
    // requests one after the other until the big board's analysis is done
    const during: number[] = [];
    const position = { line: 4, character: '\tuser { clocks = <&'.length };
    while (!done()) {
      const t0 = Date.now();
      const def = await c.request<Array<{ range: { start: { line: number } } }>>('textDocument/definition', { textDocument: { uri: uriOf(small) }, position });
      if (done()) break;
      during.push(Date.now() - t0);
      assert.equal(def[0]?.range.start.line, 3, 'the definition of &l, in the edited text');
    }
    const ms = Number(/in (\d+) ms/.exec(c.logs.find((l) => l.startsWith('analysed ') && l.includes('big.dts'))!)![1]);
    // a request answered only between the analysis's four stages would leave at most ~5 answered during it
    assert.ok(during.length >= 6, `${during.length} requests answered during the ${ms} ms analysis: ${during.join(', ')}\n${c.logs.join('\n')}`);
    await c.waitQuiet();
  }, dir);
});

test('a .dtsi whose own context is not analysed yet is answered from the open board that read it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-stand-in-'));
  fs.writeFileSync(path.join(dir, 'soc.dtsi'), '/ {\n\tl: leaf { #clock-cells = <0>; };\n\tuser { clocks = <&l>; };\n};\n');
  const a = path.join(dir, 'a.dts');
  fs.writeFileSync(a, '/dts-v1/;\n#include "soc.dtsi"\n');
  // the .dtsi's own context (picked by the user, not the open board) is another, big board: its cold analysis takes long
  const parts = ['/dts-v1/;\n#include "soc.dtsi"\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n'];
  for (let i = 0; i < 3000; i++) parts.push(`\tb${i}: node@${i.toString(16)} { reg = <${i} 1>; clocks = <&l>; };\n`);
  parts.push('};\n');
  const socBoard = path.join(dir, 'soc.dts');
  fs.writeFileSync(socBoard, parts.join(''));
  const dtsi = path.join(dir, 'soc.dtsi');
  await withClient(dir, async (c) => {
    await c.open(a);
    await c.waitForDiagnostics(a, () => true, 60_000);
    await c.waitQuiet();
    await c.open(dtsi);
    // (the open board that includes it is its automatic context)
    const auto = await c.request<{ root: string }>('dts/contexts', { textDocument: { uri: uriOf(dtsi) } });
    assert.equal(path.basename(auto.root), 'a.dts');
    await c.request('dts/selectContext', { textDocument: { uri: uriOf(dtsi) }, context: uriOf(socBoard) });
    const ctx = await c.request<{ root: string }>('dts/contexts', { textDocument: { uri: uriOf(dtsi) } });
    assert.equal(path.basename(ctx.root), 'soc.dts', 'the .dtsi has a context of its own');
    const def = await c.request<Array<{ uri: string; range: { start: { line: number } } }>>('textDocument/definition', {
      textDocument: { uri: uriOf(dtsi) }, position: { line: 2, character: '\tuser { clocks = <&'.length },
    });
    const socAnalysed = c.logs.some((l) => l.startsWith('analysed ') && l.includes('soc.dts '));
    assert.deepEqual(def.map((d) => [path.basename(d.uri), d.range.start.line]), [['soc.dtsi', 1]]);
    assert.ok(!socAnalysed, 'answered before the .dtsi\'s own context was analysed (from a.dts\'s analysis)');
    await c.waitQuiet();
    assert.ok(c.logs.some((l) => l.startsWith('analysed ') && l.includes('soc.dts ')));
  }, dir);
});

// Diagnostics stay true under editing through the real server (issue 17): an edit that arrives while the
// analysis of a context is running, before it has read the edited file or after, is never lost; the
// published diagnostics are those of a fresh analysis of the final texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, withClient, uriOf } from './lsp-client';
import { kernelTreeIfPresent } from '../../scripts/kernel-tree';

/** Position (line, character) of offset `off` in `text`. */
function posAt(text: string, off: number): { line: number; character: number } {
  const before = text.slice(0, off);
  return { line: before.split('\n').length - 1, character: off - before.lastIndexOf('\n') - 1 };
}

/** An insertion of `ins` right after the first occurrence of `needle`. */
function insertAfter(text: string, needle: string, ins: string) {
  const off = text.indexOf(needle);
  assert.ok(off >= 0, needle);
  const p = posAt(text, off + needle.length);
  return { range: { start: p, end: p }, text: ins };
}

function codes(c: LspClient, file: string): string[] {
  return (c.diagnostics.get(uriOf(file))?.diagnostics ?? []).map((d) => String(d.code));
}

/** A board and a large .dtsi (its first analysis takes long enough for an edit to arrive during it). */
function bigWorkspace(): { dir: string; board: string; dtsi: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-editing-'));
  const lines = ['/ {', '\t#address-cells = <1>;', '\t#size-cells = <1>;', '\tsoc {', '\t\t#address-cells = <1>;', '\t\t#size-cells = <1>;'];
  for (let i = 0; i < 4000; i++) {
    lines.push(`\t\tdev${i}: dev@${(0x1000 * i).toString(16)} {`, `\t\t\treg = <0x${(0x1000 * i).toString(16)} 0x100>;`,
      `\t\t\t#clock-cells = <1>;`, `\t\t\tclocks = <&dev${i === 0 ? 1 : 0} ${i % 7}>;`, '\t\t};');
  }
  lines.push('\t\ttarget: ufs@1d84000 {', '\t\t\treg = <0x1d84000 0x100>;', '\t\t\t#reset-cells = <1>;', '\t\t};');
  lines.push('\t\tuser@2000000 {', '\t\t\treg = <0x2000000 0x100>;', '\t\t\tresets = <&target 0>;', '\t\t};', '\t};', '};', '');
  const dtsi = path.join(dir, 'soc.dtsi');
  fs.writeFileSync(dtsi, lines.join('\n'));
  const board = path.join(dir, 'board.dts');
  fs.writeFileSync(board, '/dts-v1/;\n#include "soc.dtsi"\n/ {\n\tmodel = "m";\n\tcompatible = "v,b";\n};\n&target {\n\tstatus = "okay";\n};\n');
  return { dir, board, dtsi };
}

/** Open both, close both, reopen both and at once rename the label the board extends (three rounds). */
async function reopenAndEdit(c: LspClient, board: string, dtsi: string, needle: string): Promise<void> {
  const text = fs.readFileSync(dtsi, 'utf8');
  for (let round = 0; round < 3; round++) {
    await c.open(board);
    await c.open(dtsi);
    await c.waitQuiet();
    assert.ok(!codes(c, board).includes('unresolved-reference'), `round ${round} board before: ${codes(c, board)}`);
    await c.close(board);
    await c.close(dtsi);
    if (round === 1) await c.waitQuiet();
    await c.open(board);
    await c.open(dtsi);
    const version = await c.change(dtsi, [insertAfter(text, needle, 'x')]);
    await c.waitQuiet();
    assert.ok(codes(c, board).includes('unresolved-reference'), `round ${round} board: ${codes(c, board)}`);
    assert.ok(codes(c, dtsi).includes('unresolved-reference'), `round ${round} dtsi: ${codes(c, dtsi)}`);
    assert.equal(c.diagnostics.get(uriOf(dtsi))?.version, version, 'published for the version edited');
    await c.close(board);
    await c.close(dtsi);
    await c.waitQuiet();
  }
}

test('close both, reopen both and edit the .dtsi at once: the edit is published (stale-diagnostics race)', async () => {
  const { dir, board, dtsi } = bigWorkspace();
  await withClient(dir, async (c) => {
    await reopenAndEdit(c, board, dtsi, '\t\ttarget');
  }, dir);
});

test('an edit of the .dtsi during the first analysis of its context is not lost', async () => {
  const { dir, board, dtsi } = bigWorkspace();
  await withClient(dir, async (c) => {
    const dtsiText = fs.readFileSync(dtsi, 'utf8');
    // the workspace index is done, so both documents get their context at once
    await c.open(board);
    await c.open(dtsi);
    await c.waitQuiet();
    await c.close(board);
    await c.close(dtsi);
    await c.waitQuiet();
    const logged = c.logs.length;
    await c.open(board);
    await c.open(dtsi);
    // as soon as the analysis of the new context has begun (it has read the .dtsi in its first stage)
    const begun = () => c.logs.slice(logged).some((l) => l.startsWith(`analysing ${board}`));
    for (let i = 0; i < 400 && !begun(); i++) await new Promise((r) => setTimeout(r, 2));
    const version = await c.change(dtsi, [insertAfter(dtsiText, '\t\ttarget', 'x')]);
    await c.waitQuiet();
    assert.ok(codes(c, board).includes('unresolved-reference'), `board: ${codes(c, board)}`);
    assert.ok(codes(c, dtsi).includes('unresolved-reference'), `dtsi: ${codes(c, dtsi)}`);
    assert.equal(c.diagnostics.get(uriOf(dtsi))?.version, version, 'published for the version edited');
  }, dir);
});

test('close both, reopen both and edit the .dtsi at once: the edit is published (sm8550, issue 17)', async (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const dts = path.join(kernel, 'arch/arm64/boot/dts');
  const board = path.join(dts, 'qcom/sm8550-mtp.dts');
  const dtsi = path.join(dts, 'qcom/sm8550.dtsi');
  await withClient(path.join(dts, 'qcom'), async (c) => {
    await reopenAndEdit(c, board, dtsi, '\t\tufs_mem_hc');
  });
});

/** A board whose analysis takes long (tens of thousands of nodes), each node referring to the next one. */
function slowBoard(dir: string): string {
  const parts = ['/dts-v1/;\n/ {\n'];
  for (let i = 0; i < 30_000; i++) parts.push(`\tn${i}: node@${i.toString(16)} { reg = <${i} 1>; next = <&n${i + 1}>; };\n`);
  parts.push('\tn30000: node@last { };\n};\n');
  const file = path.join(dir, 'slow.dts');
  fs.writeFileSync(file, parts.join(''));
  return file;
}

test('requests during a long analysis are answered from the last one, positions mapped through the edit', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-never-wait-'));
  const board = slowBoard(dir);
  await withClient(dir, async (c) => {
    await c.open(board);
    await c.waitForDiagnostics(board, () => true, 60_000);
    await c.waitQuiet();
    // three lines inserted at the top (a full re-analysis), then at once: definition of `&n1001` (now 3 lines down)
    const analysedBefore = c.logs.filter((l) => l.startsWith('analysed ')).length;
    await c.change(board, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\t/* one */\n\t/* two */\n\t/* three */\n' }]);
    const t0 = Date.now();
    const line = 2 + 1000 + 3; // `/dts-v1/;`, `/ {`, nodes n0..n999, the three new lines
    const def = await c.request<Array<{ range: { start: { line: number; character: number } } }>>('textDocument/definition', {
      textDocument: { uri: uriOf(board) }, position: { line, character: '\tn1000: node@3e8 { reg = <1000 1>; next = <&n10'.length },
    });
    const ms = Date.now() - t0;
    const analysedAfter = c.logs.filter((l) => l.startsWith('analysed ')).length;
    assert.equal(analysedAfter, analysedBefore, `the answer came after the new analysis (${ms} ms): not from the last one`);
    // the node n1001 is on line 1006 of the edited text
    assert.deepEqual(def.map((d) => d.range.start), [{ line: line + 1, character: '\tn1001: '.length }]);
    // hover and semantic tokens answer too, in current positions
    const hover = await c.request<{ range?: { start: { line: number } } } | null>('textDocument/hover', {
      textDocument: { uri: uriOf(board) }, position: { line, character: '\tn1000: node@3e8 { reg = <1000 1>; next = <&n10'.length },
    });
    assert.equal(hover?.range?.start.line, line);
    await c.waitQuiet(150, 120_000);
    assert.ok(c.logs.filter((l) => l.startsWith('analysed ')).length > analysedBefore);
  }, dir);
});

test('the context of the document asked about is analysed before the other waiting ones', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-visible-first-'));
  const boards = ['a', 'b', 'c'].map((n) => {
    const parts = ['/dts-v1/;\n/ {\n'];
    for (let i = 0; i < 6000; i++) parts.push(`\t${n}${i}: node@${i.toString(16)} { reg = <${i} 1>; next = <&${n}${i + 1}>; };\n`);
    parts.push(`\t${n}6000: node@last { };\n};\n`);
    const file = path.join(dir, `${n}.dts`);
    fs.writeFileSync(file, parts.join(''));
    return file;
  });
  await withClient(dir, async (c) => {
    // the three opens and the request for a.dts (the document the user looks at; opened first, so that the
    // most recently opened c.dts would otherwise go first) are sent in one burst: they all reach the server
    // before or while the first analysis runs, however loaded the machine is
    const opened = boards.map((b) => c.open(b));
    const tokens = c.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: uriOf(boards[0]) } });
    await Promise.all(opened);
    // answered with tokens: a request right after didOpen waits for the document's context
    assert.ok((await tokens).data.length > 0, c.logs.join('\n'));
    await c.waitQuiet();
    const order = c.logs.filter((l) => l.startsWith('analysed ')).map((l) => path.basename(l.split(' ')[1]));
    // one analysis may have started before the request came; a.dts comes right after it at the latest
    assert.ok(order.indexOf('a.dts') >= 0 && order.indexOf('a.dts') <= 1, order.join(', '));
  }, dir);
});

test('a diagnostic list equal to the last one is published again at its new lines when its file\'s lines moved (same length, same offsets)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-publish-'));
  const dtsi = path.join(dir, 'soc.dtsi');
  // the comment's three letters become three line ends: every offset stays, the lines below move by three
  const dtsiText = '/* abc */\n/ {\n\tdev { clocks = <&nowhere>; };\n};\n';
  fs.writeFileSync(dtsi, dtsiText);
  const board = path.join(dir, 'board.dts');
  fs.writeFileSync(board, '/dts-v1/;\n#include "soc.dtsi"\n/ {\n\tother { resets = <&missing 0>; };\n};\n');
  await withClient(dir, async (c) => {
    await c.open(board);
    await c.open(dtsi);
    await c.waitQuiet();
    const lines = (f: string) => (c.diagnostics.get(uriOf(f))?.diagnostics ?? []).filter((d) => d.code === 'unresolved-reference').map((d) => d.range.start.line);
    assert.deepEqual(lines(dtsi), [2]);
    assert.deepEqual(lines(board), [3]);
    const at = dtsiText.indexOf('abc');
    const version = await c.change(dtsi, [{ range: { start: posAt(dtsiText, at), end: posAt(dtsiText, at + 3) }, text: '\n\n\n' }]);
    await c.waitQuiet();
    assert.equal(c.diagnostics.get(uriOf(dtsi))?.version, version);
    assert.deepEqual(lines(dtsi), [5], 'the reference three lines down');
    assert.deepEqual(lines(board), [3], 'the board as it was');
  }, dir);
});

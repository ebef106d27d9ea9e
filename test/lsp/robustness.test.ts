// Robustness of the language server over stdio (bin/dts-lsp --stdio): requests about unknown
// documents and impossible positions, stale and out-of-range edits, a burst of edits, a long
// analysis superseded by an edit, shutdown in the middle of an analysis, file access outside the
// workspace, and memory over many open/edit/close cycles. After each, the server still answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, REPO, uriOf, withClient } from './lsp-client';
import { zephyrFixture } from '../util/zephyr-ws';

const HOSTILE = path.join(REPO, 'test/fixtures/hostile');
let work = '';

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-lsp-robust-'));
  fs.writeFileSync(path.join(work, 'board.dts'), '/dts-v1/;\n/ {\n\tmodel = "m";\n\tn: node { p = <1>; };\n};\n');
});

after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});


/**
 * What every test ends with: the server is alive, takes an edit and answers from it. The document is
 * replaced by a new text; its symbols must then list the node it names (an empty or old answer fails).
 */
async function stillAnswers(c: LspClient, file: string): Promise<void> {
  const name = `alive${Math.floor(Math.random() * 1e6)}`;
  await c.change(file, [{ text: `/dts-v1/;\n/ {\n\tq = <&${name}>;\n\t${name}: ${name}@1 { p = <1>; };\n};\n` }]);
  await c.waitForDiagnostics(file, (d) => d.length === 0);
  type Sym = { name: string; children?: Sym[] };
  const syms = await c.request<Sym[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(file) } });
  const names: string[] = [];
  const walk = (list: Sym[]): void => { for (const x of list) { names.push(x.name); walk(x.children ?? []); } };
  walk(syms ?? []);
  assert.ok(names.includes(`${name}@1`), `symbols after the edit: ${names.join(', ')}`);
  const def = await c.request<Array<{ range: { start: { line: number } } }> | { range: { start: { line: number } } } | null>('textDocument/definition', {
    textDocument: { uri: uriOf(file) }, position: { line: 2, character: 8 },
  });
  const first = Array.isArray(def) ? def[0] : def;
  assert.equal(first?.range.start.line, 3, `definition of &${name}: ${JSON.stringify(def)}`);
}

/** A big board (about 6 MB, a few seconds of analysis) to have an analysis in progress. */
function bigBoard(name: string, nodes = 60_000): string {
  const parts = ['/dts-v1/;\n/ {\n'];
  for (let i = 0; i < nodes; i++) parts.push(`\tn${i}: node@${i.toString(16)} { reg = <${i} 1>; data = [00 11 22 33 44 55]; };\n`);
  parts.push('};\n');
  const file = path.join(work, name);
  fs.writeFileSync(file, parts.join(''));
  return file;
}

test('requests about unknown documents and impossible positions answer empty, never fail', async () => {
  const board = path.join(work, 'board.dts');
  await withClient(work, async (c) => {
    await c.open(board);
    await c.waitForDiagnostics(board);
    for (const uri of [uriOf(path.join(work, 'never-opened.dts')), 'untitled:Untitled-1', 'file:///nonexistent/dir/x.dtsi']) {
      const td = { textDocument: { uri } };
      const pos = { ...td, position: { line: 0, character: 0 } };
      assert.equal(await c.request('textDocument/hover', pos), null, uri);
      assert.deepEqual((await c.request<unknown[] | null>('textDocument/definition', pos)) ?? [], [], uri);
      assert.deepEqual((await c.request<unknown[] | null>('textDocument/references', { ...pos, context: { includeDeclaration: true } })) ?? [], [], uri);
      assert.deepEqual((await c.request<unknown[] | null>('textDocument/documentSymbol', td)) ?? [], [], uri);
      assert.deepEqual((await c.request<unknown[] | null>('textDocument/foldingRange', td)) ?? [], [], uri);
    }
    // positions past the end of the document, of a line, and absurd ones
    for (const position of [{ line: 9999, character: 0 }, { line: 2, character: 9999 }, { line: 0x7fffffff, character: 0x7fffffff }]) {
      const p = { textDocument: { uri: uriOf(board) }, position };
      assert.equal(await c.request('textDocument/hover', p), null, JSON.stringify(position));
      await c.request('textDocument/definition', p);
      await c.request('textDocument/completion', p);
      await c.request('textDocument/prepareRename', p);
    }
    await stillAnswers(c, board);
  });
});

test('edits with stale versions and ranges past the end are applied without harm', async () => {
  const file = path.join(work, 'edits.dts');
  fs.writeFileSync(file, '/dts-v1/;\n/ { a = <1>; };\n');
  await withClient(work, async (c) => {
    await c.open(file);
    await c.waitForDiagnostics(file);
    // a change far past the end (clamped to the end by the document), then one with an old version number
    await c.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: uriOf(file), version: 5 },
      contentChanges: [{ range: { start: { line: 500, character: 3 }, end: { line: 900, character: 0 } }, text: '\n/ { b = <&nowhere>; };\n' }],
    });
    await c.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: uriOf(file), version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '' }],
    });
    const diags = await c.waitForDiagnostics(file, (d) => d.length > 0);
    assert.deepEqual(diags.map((d) => [d.code, d.range.start.line]), [['unresolved-reference', 3]]);
    await stillAnswers(c, file);
  });
});

test('deleting the whole content in one edit: one clear diagnostic, features still answer', async () => {
  const file = path.join(work, 'wipe.dts');
  fs.writeFileSync(file, fs.readFileSync(path.join(work, 'board.dts')));
  await withClient(work, async (c) => {
    await c.open(file);
    await c.waitForDiagnostics(file);
    await c.change(file, [{ range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } }, text: '' }]);
    const diags = await c.waitForDiagnostics(file, (d) => d.length > 0);
    assert.deepEqual(diags.map((d) => [d.code, d.message, d.range]), [['syntax-error', "no root node: expected '/ { ... };'", { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }]]);
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri: uriOf(file) }, position: { line: 0, character: 0 } }), null);
    assert.deepEqual((await c.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: uriOf(file) } })).data, []);
    await stillAnswers(c, file);
  });
});

test('100 rapid edits in a burst: only the last version is published', async () => {
  const file = path.join(work, 'burst.dts');
  fs.writeFileSync(file, '/dts-v1/;\n/ { };\n');
  await withClient(work, async (c) => {
    await c.open(file);
    await c.waitForDiagnostics(file);
    const before = c.history.length;
    const sends: Promise<void>[] = [];
    for (let k = 1; k <= 100; k++) {
      // each edit appends a property; the 100th refers to a missing label
      const text = k === 100 ? '\tp100 = <&missing>;\n' : `\tp${k} = <${k}>;\n`;
      sends.push(c.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: uriOf(file), version: k + 1 },
        contentChanges: [{ range: { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } }, text }],
      }));
    }
    await Promise.all(sends);
    const diags = await c.waitForDiagnostics(file, (d) => d.length > 0);
    // every edit inserts at the same place: the last one comes first
    assert.deepEqual(diags.map((d: Diagnostic) => [d.code, d.range.start.line, d.range.start.character]), [['unresolved-reference', 1, 12]]);
    const published = c.history.slice(before).filter((p) => p.uri === uriOf(file));
    assert.deepEqual(published.map((p) => p.version), [101]);
  });
});

test('an edit supersedes a long analysis in progress; the new version is published quickly', async () => {
  const file = bigBoard('big-cancel.dts');
  await withClient(work, async (c) => {
    const t0 = Date.now();
    await c.open(file);
    // wait until the analysis has started, then replace the whole text by a small one
    await waitForLog(c, `analysing ${file}`);
    await c.change(file, [{ range: { start: { line: 0, character: 0 }, end: { line: 1_000_000, character: 0 } }, text: '/dts-v1/;\n/ { p = <&gone>; };\n' }]);
    const diags = await c.waitForDiagnostics(file, (d) => d.length > 0, 20_000);
    const ms = Date.now() - t0;
    assert.deepEqual(diags.map((d) => d.code), ['unresolved-reference']);
    assert.equal(c.diagnostics.get(uriOf(file))!.version, 2);
    const stats = await c.request<{ cancelledAnalyses: number; analyses: number }>('dts/stats', {});
    assert.ok(stats.cancelledAnalyses >= 1, JSON.stringify(stats));
    // nothing was published for version 1
    assert.deepEqual(c.history.filter((p) => p.uri === uriOf(file)).map((p) => p.version), [2]);
    assert.ok(ms < 10_000, `${ms} ms`);
  });
});

test('steady typing does not starve a cold analysis: superseded once, the next try finishes', async () => {
  const file = bigBoard('big-typing.dts', 20_000);
  await withClient(work, async (c) => {
    await c.open(file);
    await waitForLog(c, `analysing ${file}`);
    // a keystroke every 120 ms (past the 75 ms debounce, much less than the cold analysis takes) until the
    // context has a finished analysis (then keystrokes are analysed incrementally and requests have an
    // analysis to answer from); its diagnostics wait for a fresh one, as always
    let typing = true;
    let edits = 0;
    const typer = (async () => {
      while (typing && edits < 500) {
        await c.change(file, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: ' ' }]);
        edits++;
        await new Promise((r) => setTimeout(r, 120));
      }
    })();
    let stats: { cancelledAnalyses: number; analyses: number } = { cancelledAnalyses: 0, analyses: 0 };
    try {
      for (const t0 = Date.now(); stats.analyses === 0 && Date.now() - t0 < 60_000; await new Promise((r) => setTimeout(r, 100))) {
        stats = await c.request<{ cancelledAnalyses: number; analyses: number }>('dts/stats', {});
      }
    } finally {
      typing = false;
      await typer;
    }
    // finished while the typing went on (the typer stopped only then), after a superseded first try
    assert.ok(stats.analyses >= 1 && edits < 500, `${edits} edits, ${JSON.stringify(stats)}`);
    assert.ok(stats.cancelledAnalyses >= 1, JSON.stringify(stats));
    // once typing stops, the last version is analysed and published
    await c.change(file, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '\tbad = <&gone>;\n' }]);
    const last = await c.waitForDiagnostics(file, (d) => d.length > 0, 60_000);
    assert.deepEqual(last.map((d) => d.code), ['unresolved-reference']);
    assert.equal(c.diagnostics.get(uriOf(file))!.version, edits + 2);
  });
});

test('a completion answered from the last analysis while the fresh one runs completes what was just typed', async () => {
  const file = bigBoard('big-complete.dts', 20_000);
  await withClient(work, async (c) => {
    await c.open(file);
    await c.waitForDiagnostics(file, () => true, 60_000);
    // `sta` typed on a new line of the root node, and a statement added at the end of the text in the same
    // change (an edit at both ends: parsed and merged again in full, as a keystroke alone no longer is); the
    // re-analysis of this board takes far longer than a request may wait, so the completion is answered from the
    // analysis before the edit (positions mapped)
    await c.change(file, [
      { range: { start: { line: 20_003, character: 0 }, end: { line: 20_003, character: 0 } }, text: '&n1 { extra; };\n' },
      { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '\tsta\n' },
    ]);
    const comp = await c.request<Array<{ label: string; textEdit?: { range: unknown } }> | null>('textDocument/completion', {
      textDocument: { uri: uriOf(file) },
      position: { line: 2, character: 4 },
    });
    const stats = await c.request<{ analyses: number }>('dts/stats', {});
    assert.equal(stats.analyses, 1, 'answered before the fresh analysis finished');
    const status = comp?.find((i) => i.label === 'status');
    assert.ok(status, JSON.stringify(comp?.map((i) => i.label)));
    assert.deepEqual(status.textEdit?.range, { start: { line: 2, character: 1 }, end: { line: 2, character: 4 } });
  });
});

test('shutdown during an analysis is answered promptly and the server exits', async () => {
  const file = bigBoard('big-shutdown.dts');
  const c = new LspClient();
  await c.initialize(work);
  await c.open(file);
  await waitForLog(c, `analysing ${file}`);
  const t0 = Date.now();
  await c.conn.sendRequest('shutdown');
  const answeredMs = Date.now() - t0;
  const exited = new Promise<number | null>((resolve) => c.proc.once('exit', (code) => resolve(code)));
  await c.conn.sendNotification('exit');
  const code = await exited;
  c.conn.dispose();
  assert.equal(code, 0, c.stderr + c.logs.join('\n'));
  assert.equal(code, 0);
  // the big board takes seconds to analyse; shutdown waits at most for the current stage (3 s on an idle
  // machine; on a loaded one the stage is slower in proportion to the load per core)
  const slowdown = Math.max(1, os.loadavg()[0] / os.cpus().length);
  assert.ok(answeredMs < 3000 * slowdown, `shutdown answered after ${answeredMs} ms (load ${os.loadavg()[0].toFixed(1)})`);
  assert.equal(c.history.filter((p) => p.uri === uriOf(file)).length, 0);
});

test('an #include outside the workspace and include paths is refused (/etc/passwd)', async () => {
  const file = path.join(HOSTILE, 'outside.dts');
  await withClient(HOSTILE, async (c) => {
    await c.open(file);
    const diags = await c.waitForDiagnostics(file, (d) => d.length > 0);
    assert.deepEqual(diags.map((d) => [d.code, d.message, d.range]), [[
      'include-error',
      'cannot include "/etc/passwd": /etc/passwd is outside the workspace and include paths',
      { start: { line: 1, character: 10 }, end: { line: 1, character: 21 } },
    ]]);
  });
});

test('a workspace folder opened through a symbolic link: a board\'s includes are not refused as outside it (soak --zephyr)', async () => {
  const real = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-ws-real-'));
  const link = `${real}-link`;
  fs.mkdirSync(path.join(real, 'boards'));
  fs.writeFileSync(path.join(real, 'boards/board.dts'), '/dts-v1/;\n#include "board-pinctrl.dtsi"\n/ { compatible = "acme,board"; };\n&pins { status = "okay"; };\n');
  fs.writeFileSync(path.join(real, 'boards/board-pinctrl.dtsi'), '/ { pins: pinctrl { p = <&missing>; }; };\n');
  fs.symlinkSync(real, link);
  const file = path.join(link, 'boards/board.dts');
  try {
    await withClient(link, async (c) => {
      await c.open(file);
      // (it said: cannot include "board-pinctrl.dtsi": <real>/boards/board-pinctrl.dtsi is outside the workspace and
      // include paths; and that the label was not found)
      const diags = await c.waitForDiagnostics(file);
      assert.deepEqual(diags.map((d) => d.message), []);
      // the included file (not open) is named through the link, as the editor names it: its problem is published there
      const inc = await c.waitForDiagnostics(path.join(link, 'boards/board-pinctrl.dtsi'), (d) => d.length > 0);
      assert.deepEqual(inc.map((d) => d.code), ['unresolved-reference']);
      assert.equal(c.diagnostics.get(uriOf(path.join(real, 'boards/board-pinctrl.dtsi'))), undefined);
      // an unresolved reference still is one: the board was analysed
      await c.change(file, [{ range: { start: { line: 3, character: 1 }, end: { line: 3, character: 5 } }, text: 'nope' }]);
      const after = await c.waitForDiagnostics(file, (d) => d.length > 0);
      assert.deepEqual(after.map((d) => d.code), ['unresolved-reference']);
    });
  } finally {
    fs.rmSync(link, { force: true });
    fs.rmSync(real, { recursive: true, force: true });
  }
});

test('a Zephyr workspace opened through a symbolic link: an open SoC .dtsi is analysed in its open board, which reads its edits (soak --zephyr)', async () => {
  const F = zephyrFixture();
  const link = `${F.ws}-link`;
  fs.symlinkSync(F.ws, link);
  const board = path.join(link, 'zephyr/boards/arm/acme_board/acme_board.dts');
  const soc = path.join(link, 'zephyr/dts/arm/acme/acme_soc.dtsi');
  // (on disk: one problem in the .dtsi, line 6)
  const realSoc = path.join(F.zephyr, 'dts/arm/acme/acme_soc.dtsi');
  fs.writeFileSync(realSoc, fs.readFileSync(realSoc, 'utf8').replace(/\n\/ \{\n/, '\n/ {\n\tbroken = <&no_such_label>;\n'));
  try {
    await withClient(link, async (c) => {
      await c.open(board);
      await c.waitForDiagnostics(board);
      await c.waitQuiet();
      // the board read the .dtsi (not open) by its real path; opened by the linked one, it shows the board's finding
      await c.open(soc);
      const d = await c.waitForDiagnostics(soc, (l) => l.length > 0);
      assert.deepEqual(d.map((x) => [x.code, x.range.start.line]), [['unresolved-reference', 6]]);
      // (it was analysed alone: the board found the .dtsi through the real folders, and read the disk's text of it)
      const info = (await c.conn.sendRequest('dts/contexts', { textDocument: { uri: uriOf(soc) } })) as { root: string; reason: string };
      assert.deepEqual([info.root, info.reason], [board, 'open-board']);
      // its edits are what the board reads: the problem typed away, another typed
      await c.change(soc, [{ range: { start: { line: 6, character: 1 }, end: { line: 6, character: 27 } }, text: '' }]);
      await c.waitForDiagnostics(soc, (l) => l.length === 0);
      await c.change(soc, [{ range: { start: { line: 5, character: 3 }, end: { line: 5, character: 3 } }, text: 'again = <&no_such_label>; ' }]);
      const e = await c.waitForDiagnostics(soc, (l) => l.length > 0);
      assert.deepEqual(e.map((x) => [x.code, x.range.start.line]), [['unresolved-reference', 5]]);
      await c.waitQuiet();
      assert.equal((await c.conn.sendRequest('dts/contexts', { textDocument: { uri: uriOf(soc) } }) as { root: string }).root, board);
    });
  } finally {
    fs.rmSync(link, { force: true });
    F.remove();
  }
});

test('memory stays flat over 10,000 open/edit/close cycles', async () => {
  const files = Array.from({ length: 20 }, (_, k) => path.join(work, `cycle-${k}.dts`));
  for (const f of files) fs.writeFileSync(f, '/dts-v1/;\n/ { a: n { p = <1>; }; };\n');
  await withClient(work, async (c) => {
    const heap: number[] = [];
    const cycles = 10_000;
    for (let k = 0; k < cycles; k++) {
      const f = files[k % files.length];
      void c.open(f, '/dts-v1/;\n/ { a: n { p = <1>; }; };\n');
      void c.change(f, [{ range: { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } }, text: `q${k} = <&a>; ` }]);
      void c.close(f);
      if ((k + 1) % 1000 === 0) {
        // a request round trip lets the server drain its queue (and run its analyses)
        await new Promise((r) => setTimeout(r, 150));
        const s = await c.request<{ contexts: unknown[]; memory: { heapUsed: number } }>('dts/stats', {});
        heap.push(s.memory.heapUsed);
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    const s = await c.request<{ contexts: unknown[]; memory: { heapUsed: number } }>('dts/stats', {});
    assert.deepEqual(s.contexts, []);
    const mb = heap.map((h) => Math.round(h / 1e6));
    // after warm-up the heap does not grow with the number of cycles (GC noise allowed)
    const early = Math.max(heap[1], heap[2]);
    const late = Math.min(...heap.slice(-3));
    assert.ok(late < early + 25e6, `heap MB per 1000 cycles: ${mb.join(' ')}`);
  });
});

async function waitForLog(c: LspClient, needle: string, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!c.logs.some((l) => l.includes(needle))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`no log "${needle}" within ${timeoutMs} ms:\n${c.logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// Hostile inputs through the whole analysis (AnalysisHost over the real file system): each
// one yields a clear diagnostic at the exact range (or a documented, bounded limit), never an
// exception or a hang. Fixtures: test/fixtures/hostile/; the big, binary and special files
// (10 MB .dtsi, 10,000-deep nesting, a sparse 100 MB /incbin/, a symlink loop, a FIFO) are
// made in a temporary copy of that folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost, ANALYSIS_TIME_LIMIT_MS, type Analysis } from '../../server/src/analysis';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { checkDiagnostics } from '../../scripts/fuzz/run-one';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/hostile');
let dir = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-hostile-'));
  fs.cpSync(FIXTURES, dir, { recursive: true });
  fs.symlinkSync('loop2.dtsi', path.join(dir, 'loop.dtsi'));
  fs.symlinkSync('loop.dtsi', path.join(dir, 'loop2.dtsi'));
  // a sparse 100 MB file: over NodeFileSystem's 64 MB limit without using the disk
  const fd = fs.openSync(path.join(dir, 'huge.bin'), 'w');
  fs.ftruncateSync(fd, 100 * 1024 * 1024);
  fs.closeSync(fd);
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Result { a: Analysis; ms: number; diags: Array<[string, string, string, string]> }

/** Analyse a file of the temporary folder: [code, file name, text at the range, message] per diagnostic. */
function analyze(name: string, roots?: string[], isCancelled?: () => boolean, timeLimitMs?: number): Result {
  const host = new AnalysisHost(new NodeFileSystem(roots), {});
  const t0 = performance.now();
  const a = host.analyze(path.join(dir, name), isCancelled, timeLimitMs);
  const ms = performance.now() - t0;
  // the invariants of the fuzzer hold too: no internal errors, every range inside its file
  assert.deepEqual(checkDiagnostics(a), []);
  const diags = a.diagnostics.map((d): [string, string, string, string] => [d.code, path.basename(d.file), (a.fileText(d.file) ?? '').slice(d.start, d.end), d.message]);
  return { a, ms, diags };
}

function write(name: string, text: string): void {
  fs.writeFileSync(path.join(dir, name), text);
}

test('include cycle: a file that includes itself', () => {
  const { diags } = analyze('include-self.dts');
  assert.deepEqual(diags, [['include-cycle', 'include-self.dts', 'include-self.dts', 'include cycle: include-self.dts -> include-self.dts']]);
});

test('include cycle through three files is reported at the include that closes it', () => {
  const { a, diags } = analyze('include-cycle.dts');
  assert.deepEqual(diags, [['include-cycle', 'cycle-d.dtsi', 'cycle-b.dtsi', 'include cycle: cycle-b.dtsi -> cycle-c.dtsi -> cycle-d.dtsi -> cycle-b.dtsi']]);
  // the files before the cycle are still analysed
  assert.deepEqual(a.tree.root.properties.map((p) => p.name), ['d', 'c', 'b', 'model']);
});

test('self-recursive and mutually recursive macros are left unexpanded, with a macro-error each', () => {
  const { diags } = analyze('macro-recursive.dts');
  const macro = diags.filter((d) => d[0] === 'macro-error');
  assert.deepEqual(macro.map((d) => [d[2], d[3].replace(/;.*/, '')]), [
    ['SELF', 'macro "SELF" refers to itself (directly or through other macros)'],
    ['SELFF(1)', 'macro "SELFF" refers to itself (directly or through other macros)'],
    ['PING', 'macro "PING" refers to itself (directly or through other macros)'],
  ]);
  // dtc then sees the unexpanded names: one syntax error each, at the same ranges
  assert.deepEqual(diags.filter((d) => d[0] === 'syntax-error').map((d) => d[2]), ['SELF', 'SELFF(1)', 'PING']);
});

test('an exponentially growing macro stops at the expansion budget, quickly', () => {
  const { diags, ms, a } = analyze('macro-exponential.dts');
  assert.deepEqual(diags[0], ['resource-limit', 'macro-exponential.dts', 'E40', 'macro expansion is too large (expanding "E40")']);
  assert.equal(diags.length, 2);
  assert.equal(diags[1][0], 'syntax-error');
  assert.ok(ms < 1000, `${ms} ms`);
  // the small one still expands: E3 is 8 ones
  const ok = a.tree.root.properties.find((p) => p.name === 'ok');
  assert.equal(ok?.chunks.flatMap((c) => (c.kind === 'cells' ? c.cells : [])).length, 8);
});

test('10,000-deep nesting of nodes: the parser reports a resource limit instead of overflowing the stack', () => {
  write('deep-nodes.dts', '/dts-v1/;\n/ {\n' + 'n {'.repeat(10_000) + '};'.repeat(10_000) + '\n};\n');
  const { diags } = analyze('deep-nodes.dts');
  assert.equal(diags.length, 1);
  assert.deepEqual(diags[0].slice(0, 3), ['resource-limit', 'deep-nodes.dts', '/']);
  assert.match(diags[0][3], /^nesting too deep: the parser ran out of stack in this statement/);
});

test('1,000-deep nesting parses; the tree keeps 256 levels (documented limit)', () => {
  write('deep-1000.dts', '/dts-v1/;\n/ {\n' + 'n {'.repeat(1000) + '};'.repeat(1000) + '\n};\n');
  const { diags, a } = analyze('deep-1000.dts');
  assert.deepEqual(diags.map((d) => d.slice(0, 3)), [['resource-limit', 'deep-1000.dts', 'n']]);
  assert.equal(diags[0][3], 'Node nesting deeper than 256 levels: the contents of this node are ignored');
  let depth = 0;
  for (let n = a.tree.root; n.children.length; n = n.children[0]) depth++;
  assert.equal(depth, 257);
});

test('10,000-deep nesting of #if is fine', () => {
  write('deep-if.dts', '/dts-v1/;\n' + '#if 1\n'.repeat(10_000) + '/ { ok; };\n' + '#endif\n'.repeat(10_000));
  const { diags, a, ms } = analyze('deep-if.dts');
  assert.deepEqual(diags, []);
  assert.deepEqual(a.tree.root.properties.map((p) => p.name), ['ok']);
  assert.ok(ms < 1000, `${ms} ms`);
});

test('10,000-deep parentheses in #if and in a cell expression become diagnostics', () => {
  write('deep-parens.dts', '#if ' + '('.repeat(10_000) + '1' + ')'.repeat(10_000) + '\n#endif\n/dts-v1/;\n/ { p = <' + '('.repeat(10_000) + '1' + ')'.repeat(10_000) + '>; };\n');
  const { diags } = analyze('deep-parens.dts');
  assert.deepEqual(diags.map((d) => d[0]), ['preprocessor-error', 'resource-limit']);
  assert.match(diags[0][3], /^bad #if expression/);
  assert.match(diags[1][3], /^nesting too deep/);
});

test('a 10 MB .dtsi is analysed completely within the time budget', () => {
  const hex = Array.from({ length: 160 }, (_, k) => ((k * 37) & 255).toString(16).padStart(2, '0')).join(' ');
  const parts = ['/ {\n'];
  let n = 0;
  let len = 0;
  while (len < 10 * 1024 * 1024) {
    const s = `\tnode${n}: node@${n.toString(16)} {\n\t\tcompatible = "vendor,fuzz-${n % 97}";\n\t\treg = <0x${n.toString(16)} 0x100>;\n\t\tdata = [${hex}];\n\t};\n`;
    parts.push(s);
    len += s.length;
    n++;
  }
  parts.push('};\n');
  write('big.dtsi', parts.join(''));
  write('big.dts', '/dts-v1/;\n#include "big.dtsi"\n');
  const { diags, a, ms } = analyze('big.dts');
  assert.deepEqual(diags, []);
  assert.equal(a.tree.root.children.length, n);
  assert.ok(ms < ANALYSIS_TIME_LIMIT_MS, `${ms} ms`);

  // the same analysis with a tiny time budget stops early with a resource-limit that says why
  const cut = analyze('big.dts', undefined, undefined, 20);
  const limits = cut.diags.filter((d) => d[0] === 'resource-limit');
  assert.ok(limits.length >= 1, JSON.stringify(cut.diags));
  assert.match(limits[0][3], /cancelled \(the analysis exceeded its time budget of 0\.02 s\)$/);
  assert.ok(cut.a.tree.root.children.length < n);
  assert.ok(cut.ms < ms, `${cut.ms} ms vs ${ms} ms`);

  // and an explicit cancellation (a newer version of a document) stops it too, without the budget note
  let calls = 0;
  const cancelled = analyze('big.dts', undefined, () => ++calls > 3);
  const c = cancelled.diags.filter((d) => d[0] === 'resource-limit');
  assert.ok(c.length >= 1);
  assert.match(c[0][3], /cancelled$/);
  assert.ok(cancelled.a.tree.root.children.length < n);
});

test('a binary file named .dts: syntax errors, no exception, bounded time', () => {
  const { diags, ms } = analyze('binary.dts');
  assert.ok(diags.length >= 1 && diags.length < 200, `${diags.length} diagnostics`);
  assert.deepEqual(diags[0].slice(0, 2), ['syntax-error', 'binary.dts']);
  assert.ok(diags.every((d) => ['syntax-error', 'preprocessor-error', 'preprocessor-warning', 'macro-error', 'include-not-found', 'include-error'].includes(d[0])), JSON.stringify(diags.map((d) => d[0])));
  assert.ok(ms < 1000, `${ms} ms`);
});

test('invalid UTF-8 is decoded with replacement characters; positions stay exact', () => {
  const { diags, a } = analyze('invalid-utf8.dts');
  assert.deepEqual(diags.map((d) => d.slice(0, 3)), [['syntax-error', 'invalid-utf8.dts', 'Y']]);
  const model = a.tree.root.properties.find((p) => p.name === 'model');
  assert.ok(model);
  const str = model.chunks.find((c) => c.kind === 'string');
  assert.equal(str && 'value' in str ? str.value : undefined, 'caf\u00e9 \ufffd\ufffd board');
});

test('CRLF and lone CR line ends: directives work and ranges are exact', () => {
  for (const name of ['crlf.dts', 'lone-cr.dts']) {
    const { diags, a } = analyze(name);
    assert.deepEqual(diags.map((d) => d.slice(0, 3)), [['syntax-error', name, 'Y']], name);
    assert.deepEqual(a.tree.root.properties.map((p) => p.name), ['p'], name); // q's value is the error
    // the line index counts a lone CR as a line end, like the editor
    const d = a.diagnostics[0];
    assert.deepEqual(a.lineIndex(d.file)!.positionAt(d.start), { line: 4, character: 6 }, name);
  }
});

test('NUL bytes are a syntax error, shown escaped in the message', () => {
  const { diags } = analyze('nul.dts');
  assert.deepEqual(diags, [['syntax-error', 'nul.dts', '\0', "expected a property or node or '}', found '\\x00'"]]);
});

test('#include of a directory', () => {
  const { diags } = analyze('include-directory.dts');
  assert.deepEqual(diags, [['include-error', 'include-directory.dts', 'a-directory', `"a-directory" is a directory, not a file (${path.join(dir, 'a-directory')})`]]);
});

test('#include of an unreadable file (a FIFO, which would block a naive reader)', (t) => {
  try {
    execFileSync('mkfifo', [path.join(dir, 'pipe.dtsi')]);
  } catch {
    t.skip('mkfifo is not available');
    return;
  }
  write('include-fifo.dts', '/dts-v1/;\n#include "pipe.dtsi"\n/ { };\n');
  const { diags } = analyze('include-fifo.dts');
  assert.deepEqual(diags, [['include-error', 'include-fifo.dts', 'pipe.dtsi', `cannot include "pipe.dtsi": ${path.join(dir, 'pipe.dtsi')} is not a regular file`]]);
});

test('#include of a file without read permission', () => {
  if (process.getuid && process.getuid() === 0) {
    // root reads every file: simulate the EACCES the file system reports to other users
    class DeniedFs extends NodeFileSystem {
      readBytes(p: string) {
        if (path.basename(p) === 'secret.dtsi') return { ok: false as const, reason: 'unreadable' as const, message: `${p}: EACCES: permission denied, open '${p}'` };
        return super.readBytes(p);
      }
      readFile(p: string) {
        const r = this.readBytes(p);
        return r.ok ? super.readFile(p) : r;
      }
    }
    write('secret.dtsi', '/ { };\n');
    write('include-secret.dts', '/dts-v1/;\n#include "secret.dtsi"\n/ { };\n');
    const a = new AnalysisHost(new DeniedFs(), {}).analyze(path.join(dir, 'include-secret.dts'));
    const diags = a.diagnostics.map((d) => [d.code, path.basename(d.file), (a.fileText(d.file) ?? '').slice(d.start, d.end), d.message]);
    assert.deepEqual(diags.map((d) => d.slice(0, 3)), [['include-error', 'include-secret.dts', 'secret.dtsi']]);
    assert.match(diags[0][3], /EACCES|permission denied/i);
    return;
  }
  write('secret.dtsi', '/ { };\n');
  fs.chmodSync(path.join(dir, 'secret.dtsi'), 0);
  write('include-secret.dts', '/dts-v1/;\n#include "secret.dtsi"\n/ { };\n');
  const { diags } = analyze('include-secret.dts');
  assert.deepEqual(diags.map((d) => d.slice(0, 3)), [['include-error', 'include-secret.dts', 'secret.dtsi']]);
  assert.match(diags[0][3], /EACCES|permission denied/i);
});

test('#include of a symlink loop', () => {
  const { diags } = analyze('include-loop.dts');
  assert.deepEqual(diags, [['include-error', 'include-loop.dts', 'loop.dtsi', `cannot include "loop.dtsi": ${path.join(dir, 'loop.dtsi')}: too many levels of symbolic links`]]);
});

test('a huge /incbin/ is refused; an out-of-range /incbin/ length is an error', () => {
  const { diags } = analyze('incbin.dts');
  assert.deepEqual(diags, [
    ['incbin-error', 'incbin.dts', 'huge.bin', `Couldn't open "huge.bin": ${path.join(dir, 'huge.bin')} is larger than 67108864 bytes`],
    ['incbin-error', 'incbin.dts', '0xffffffffffff', '"small.bin" has only 5 bytes after offset 0, 281474976710655 requested'],
  ]);
});

test('/bits/ 64 overflow, bad /bits/ sizes, division by zero (cells and #if)', () => {
  const { diags } = analyze('values.dts');
  assert.deepEqual(diags, [
    ['preprocessor-error', 'values.dts', '/', 'division by zero in #if'],
    ['syntax-error', 'values.dts', '0x10000000000000000', "Integer literal '0x10000000000000000' out of range"],
    ['syntax-error', 'values.dts', '7', 'Array elements must be 8, 16, 32 or 64-bits'],
    ['value-truncated', 'values.dts', '256', 'Value 0x100 does not fit a 8-bit array element: truncated to 0x0'],
    ['value-error', 'values.dts', '10 / 0', 'Division by zero'],
    ['value-error', 'values.dts', '10 % 0', 'Division by zero'],
  ]);
});

test('an empty file (all content deleted)', () => {
  write('empty.dts', '');
  const { diags } = analyze('empty.dts');
  assert.deepEqual(diags, [['syntax-error', 'empty.dts', '', "no root node: expected '/ { ... };'"]]);
});

test('NodeFileSystem with roots refuses files outside them (e.g. /etc/passwd)', () => {
  const { diags } = analyze('outside.dts', [dir]);
  assert.deepEqual(diags, [['include-error', 'outside.dts', '/etc/passwd', 'cannot include "/etc/passwd": /etc/passwd is outside the workspace and include paths']]);
});

test('a workspace reached through a symbolic link: its includes are read (their real paths are its own), a link out of it is not', () => {
  const real = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-linked-real-'));
  const link = `${real}-link`;
  try {
    fs.mkdirSync(path.join(real, 'boards'));
    fs.writeFileSync(path.join(real, 'boards/board.dts'), '/dts-v1/;\n#include "soc.dtsi"\n/ { compatible = "acme,board"; };\n&uart { status = "okay"; };\n');
    fs.writeFileSync(path.join(real, 'boards/soc.dtsi'), '/ { uart: serial { status = "disabled"; }; };\n');
    fs.symlinkSync(real, link);
    // a link inside the workspace to a folder outside it
    fs.symlinkSync(path.dirname(FIXTURES), path.join(real, 'boards/out'));
    fs.writeFileSync(path.join(real, 'boards/escape.dts'), '/dts-v1/;\n#include "out/hostile/outside.dts"\n/ { };\n');
    const run = (name: string) => new AnalysisHost(new NodeFileSystem([link]), {}).analyze(path.join(link, 'boards', name)).diagnostics.map((d) => [d.code, d.message]);
    // (it said: cannot include "soc.dtsi": <real>/boards/soc.dtsi is outside the workspace and include paths)
    assert.deepEqual(run('board.dts'), []);
    const escaped = run('escape.dts');
    assert.equal(escaped.length, 1, JSON.stringify(escaped));
    assert.equal(escaped[0][0], 'include-error');
    assert.match(escaped[0][1], /outside the workspace and include paths/);
    // the included file is named through the link, as the editor that opened the workspace names it (not by its real
    // path): a problem in it points at <link>/boards/soc.dtsi; the same file found by its real path too is one file
    fs.writeFileSync(path.join(real, 'boards/soc.dtsi'), '/ { uart: serial { status = "disabled"; p = <&nowhere>; }; };\n');
    fs.writeFileSync(path.join(real, 'boards/twice.dts'), `/dts-v1/;\n#include "soc.dtsi"\n#include "${path.join(real, 'boards/soc.dtsi')}"\n/ { };\n`);
    const a = new AnalysisHost(new NodeFileSystem([link]), {}).analyze(path.join(link, 'boards/board.dts'));
    assert.deepEqual(a.diagnostics.map((d) => [d.code, d.file]), [['unresolved-reference', path.join(link, 'boards/soc.dtsi')]]);
    assert.deepEqual(a.pp.files, [path.join(link, 'boards/board.dts'), path.join(link, 'boards/soc.dtsi')]);
    const t = new AnalysisHost(new NodeFileSystem([link]), {}).analyze(path.join(link, 'boards/twice.dts'));
    assert.deepEqual(t.pp.files, [path.join(link, 'boards/twice.dts'), path.join(link, 'boards/soc.dtsi')]);
  } finally {
    fs.rmSync(link, { force: true });
    fs.rmSync(real, { recursive: true, force: true });
  }
});

// The formatter (server/src/format): its rules on fixture files, idempotence, preprocessor lines
// and macros kept, range formatting, refusal of unbalanced braces, and over the kernel's CI sample
// boards: every file each board reads formatted gives the same merged tree (--emit-dts) and
// formatting twice gives what formatting once gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import type { FileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { applyEdits, formatRange, formatText } from '../../server/src/format';
import { lex } from '../../server/src/format/lexer';
import { emitDts } from '../../server/src/tree/emit';
import { kernelTreeIfPresent, sampleBoards } from '../../scripts/kernel-tree';
import { SHARED } from '../util/paths';

const FIX = path.resolve(__dirname, '../../../test/fixtures/format');
const read = (f: string) => fs.readFileSync(path.join(FIX, f), 'utf8');

test('Linux style: indentation, spacing, blank lines before child nodes, continuation alignment, tables and comments kept', () => {
  const out = formatText(read('linux-in.dts'), { flavour: 'linux' });
  assert.equal(out.refused, undefined);
  assert.equal(out.text, read('linux-out.dts'));
  // spot checks of the rules (the expected file is the full contract)
  assert.match(out.text, /\n\tmodel = "Acme";\n\tcompatible = "acme,board", "acme,soc";\n/);
  assert.match(out.text, /\n\t#size-cells = <2>;\n\n\tchosen \{ \};\n\n\tsoc: soc@0 \{\n/);
  assert.match(out.text, /\t\t\treg = <0x0 0x15000000 0x0 0x100000>,\n\t\t\t      <0x0 0x15200000 0x0 0x1000>;\n/);
  assert.match(out.text, /IRQ_TYPE_LEVEL_HIGH>;   \/\* global \*\/\n\n\t\t\tstatus = "disabled";\n\t\t\};/);
  assert.match(out.text, /&mc_virt  SLAVE_EBI1 0>,/, 'spaces between cells kept (columns of a table)');
  assert.match(out.text, /\t\t\tpins = <\n\t\t\t\t0x008 1 \/\* first \*\/\n\n\t\t\t\t0x00c 2 \/\* second \*\/\n\t\t\t>;\n/);
  assert.match(out.text, /\n#ifdef CONFIG_X\n\t\t\textra;\n#endif\n\t\t\};/);
  assert.match(out.text, /\n#define SID\(x\)   \(\(x\) \+ 0x100\)\n/, 'a directive is kept as written');
  assert.match(out.text, /\t\t\t\/\*\n\t\t\t \* a comment\n\t\t\t \*\/\n/);
  assert.match(out.text, /\n\n&ufs \{\n\tstatus = "okay";\n\};\n$/);
});

test('Zephyr style: a blank line between sibling nodes, first value on the line of its <', () => {
  const out = formatText(read('zephyr-in.overlay'), { flavour: 'zephyr' });
  assert.equal(out.text, read('zephyr-out.overlay'));
  assert.match(out.text, /\tpinctrl-0 = <&uart0_tx_default &uart0_rx_default>;\n/);
  assert.match(out.text, /\tstatus = "okay";\n\tsensor@4a \{/, 'Zephyr: properties and the first child as written');
  assert.match(out.text, /\t\};\n\n\tsensor@4b \{/);
  assert.match(out.text, /gpios = <&gpio0 13 GPIO_ACTIVE_LOW>;/);
  // the Linux rule puts a blank line before the first child too
  assert.match(formatText(read('zephyr-in.overlay'), { flavour: 'linux' }).text, /\tstatus = "okay";\n\n\tsensor@4a \{/);
});

test('formatting is idempotent and changes white space only', () => {
  for (const [f, flavour] of [['linux-in.dts', 'linux'], ['zephyr-in.overlay', 'zephyr'], ['linux-out.dts', 'linux']] as const) {
    const once = formatText(read(f), { flavour });
    assert.equal(formatText(once.text, { flavour }).text, once.text, f);
    assert.deepEqual(lex(once.text).toks.map((t) => t.text.replace(/\s+/g, ' ')), lex(read(f)).toks.map((t) => t.text.replace(/\s+/g, ' ')));
    assert.equal(applyEdits(read(f), once.edits), once.text, 'the edits give the formatted text');
  }
  assert.deepEqual(formatText(read('linux-out.dts'), { flavour: 'linux' }).edits, []);
});

test('CRLF files keep CRLF; an empty file stays empty', () => {
  const crlf = read('linux-in.dts').replace(/\n/g, '\r\n');
  const out = formatText(crlf, { flavour: 'linux' }).text;
  assert.equal(out, read('linux-out.dts').replace(/\n/g, '\r\n'));
  assert.equal(formatText('').text, '');
  assert.equal(formatText('\n\n').text, '');
});

test('unbalanced braces (e.g. split across #if branches) are refused, the text unchanged', () => {
  const text = '/ {\n#ifdef A\n\tfoo {\n#else\n\tbar {\n#endif\n\t};\n};\n';
  const r = formatText(text);
  assert.match(r.refused ?? '', /unclosed brace/);
  assert.equal(r.text, text);
  assert.deepEqual(r.edits, []);
  assert.match(formatText('};\n').refused ?? '', /closing brace/);
});

test('macros standing for statements stay on their own lines; /include/ and /omit-if-no-ref/ forms', () => {
  const text = '&pinctrl {\n  PIN_GROUP(uart0, 1, 2)\n  PIN_GROUP(uart1, 3, 4)\n\t/omit-if-no-ref/\n\tuart_pins: uart-pins {\n\t\tpins = "a";\n\t};\n};\n/include/ "x.dtsi"\n/ { };\n';
  const out = formatText(text).text;
  assert.equal(out, '&pinctrl {\n\tPIN_GROUP(uart0, 1, 2)\n\tPIN_GROUP(uart1, 3, 4)\n\t/omit-if-no-ref/\n\tuart_pins: uart-pins {\n\t\tpins = "a";\n\t};\n};\n/include/ "x.dtsi"\n/ { };\n');
});

test('a file included inside a node keeps its base indentation', () => {
  const text = '/* die 0 */\n\n\tnco: clock@1000 {\n\t\treg = <0x1000 0x10>,\n\t\t\t<0x2000 0x10>;\n\t};\n';
  assert.equal(formatText(text).text, '/* die 0 */\n\n\tnco: clock@1000 {\n\t\treg = <0x1000 0x10>,\n\t\t      <0x2000 0x10>;\n\t};\n');
});

test('range formatting edits only the lines of the range', () => {
  const text = '/ {\n  a = <1>;\n  b=<2>;\n  c = < 3 >;\n};\n';
  const r = formatRange(text, text.indexOf('b='), text.indexOf('b=') + 3);
  assert.equal(r.text, '/ {\n  a = <1>;\n\tb = <2>;\n  c = < 3 >;\n};\n');
  for (const e of r.edits) assert.ok(e.start >= text.indexOf('\n  b') && e.end <= text.indexOf('\n  c') + 1, JSON.stringify(e));
  assert.equal(formatRange(text, 0, text.length).text, formatText(text).text);
});

/** A file system that formats every Devicetree source it reads. */
function formattingFs(base: FileSystem, seen: Map<string, { once: string; twice: string }>, flavour: 'linux' | 'zephyr' = 'linux'): FileSystem {
  return {
    readFile(p) {
      const r = base.readFile(p);
      if (!r.ok || !/\.(dts|dtsi|dtso|overlay)$/.test(p)) return r;
      let e = seen.get(p);
      if (!e) {
        const once = formatText(r.text, { flavour });
        assert.equal(once.refused, undefined, `${p}: ${once.refused}`);
        e = { once: once.text, twice: formatText(once.text, { flavour }).text };
        seen.set(p, e);
      }
      return { ...r, text: e.once };
    },
    readBytes: (p) => base.readBytes(p),
    stat: (p) => base.stat(p),
    listDir: (p) => base.listDir(p),
    realpath: (p) => base.realpath(p),
  };
}

test('kernel sample: every file formatted gives the same merged tree (--emit-dts); formatting twice = once', { timeout: 300_000 }, (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) {
    t.skip('Linux 6.12 sources not extracted (node out/scripts/setup-kernel.js)');
    return;
  }
  const boards = sampleBoards(kernel);
  const seen = new Map<string, { once: string; twice: string }>();
  let changedFiles = 0;
  const t0 = Date.now();
  for (const board of boards) {
    const before = emitDts(new AnalysisHost(new NodeFileSystem(), {}).analyze(board).tree);
    const after = emitDts(new AnalysisHost(formattingFs(new NodeFileSystem(), seen), {}).analyze(board).tree);
    assert.equal(after, before, `${path.relative(kernel, board)}: the merged tree changed`);
  }
  for (const [f, e] of seen) {
    assert.equal(e.twice, e.once, `${f}: formatting twice differs from once`);
    if (e.once !== fs.readFileSync(f, 'utf8')) changedFiles++;
  }
  t.diagnostic(`${boards.length} boards, ${seen.size} source files formatted (${changedFiles} changed), ${Date.now() - t0} ms`);
  assert.ok(boards.length >= 40 && seen.size > 200);
});

test('Zephyr sample (every 12th arm board of ../shared/corpus/zephyr): same merged tree formatted; twice = once', { timeout: 300_000 }, (t) => {
  const root = path.join(SHARED, 'corpus/zephyr/zephyr/boards/arm');
  if (!fs.existsSync(root)) {
    t.skip('../shared/corpus/zephyr is not present');
    return;
  }
  const boards: string[] = [];
  for (const d of fs.readdirSync(root).sort()) {
    const dir = path.join(root, d);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.dts')) boards.push(path.join(dir, f));
  }
  const pick = boards.filter((_, i) => i % 12 === 0);
  const seen = new Map<string, { once: string; twice: string }>();
  for (const board of pick) {
    const before = emitDts(new AnalysisHost(new NodeFileSystem(), {}).analyze(board).tree);
    const after = emitDts(new AnalysisHost(formattingFs(new NodeFileSystem(), seen, 'zephyr'), {}).analyze(board).tree);
    assert.equal(after, before, `${board}: the merged tree changed`);
  }
  for (const [f, e] of seen) assert.equal(e.twice, e.once, `${f}: formatting twice differs from once`);
  t.diagnostic(`${pick.length} Zephyr boards, ${seen.size} source files formatted`);
  assert.ok(pick.length >= 20);
});

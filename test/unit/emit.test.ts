// emitDts: exact text for small inputs (the dtc differential is in emit-dtc.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitDts, quoteBytes } from '../../server/src/tree/emit';
import { buildFixture } from '../util/tree-helpers';

test('emitDts prints the merged tree with resolved values', () => {
  const { tree } = buildFixture('emit-input.dts');
  assert.deepEqual(tree.diagnostics, []);
  assert.equal(emitDts(tree), [
    '/dts-v1/;',
    '',
    '/memreserve/ 0x1000 0x20;',
    '',
    '/ {',
    '\tstr = "a\\"b\\\\c", "tab\\t", "\\x01\\xff";',
    '\tb8 = /bits/ 8 <0x1 0x2>;',
    '\tbytes = [de ad];',
    '',
    '\tl: target {',
    '\t\tphandle = <0x1>;',
    '\t};',
    '',
    '\tuser {',
    '\t\tref = <0x1 0x5>;',
    '\t\tpath = "/target";',
    '\t};',
    '};',
    '',
  ].join('\n'));
});

test('emitDts keeps overlay references symbolic so dtc regenerates the fixups', () => {
  const { tree } = buildFixture('overlay.dts');
  const out = emitDts(tree);
  assert.ok(out.startsWith('/dts-v1/;\n/plugin/;\n'));
  assert.ok(out.includes('\t\ttarget = <&base_uart>;'));
  assert.ok(out.includes('\t\t\tdmas = <&base_dma 0x1>;'));
  assert.ok(out.includes('\t\ttarget-path = "/soc/i2c@1000";'));
  assert.ok(out.includes('\t\tref = <&{/local-node}>;'));
});

test('quoteBytes escapes quotes, backslashes and non-printable bytes', () => {
  assert.equal(quoteBytes(Uint8Array.from([0x41, 0x22, 0x5c, 0x0a, 0x00, 0x80])), '"A\\"\\\\\\n\\x00\\x80"');
});

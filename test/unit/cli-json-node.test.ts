// `--format json`: every diagnostic carries `node` (the node's full path, null outside any node) and, where
// there is one, `property` — binding diagnostics (set when they are made) and the others (found from the range).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../server/src/cli/dts-check';
import { fixture } from '../util/paths';

function json(args: string[]): { diagnostics: { code: string; node: string | null; property?: string; message: string }[] } {
  let out = '';
  main(['--format', 'json', ...args], (s) => { out += s; }, () => undefined);
  return JSON.parse(out);
}

test('cli json: binding diagnostics carry node and property', () => {
  const d = json(['--no-auto-include', fixture('bindings/linux/arch/arm64/boot/dts/acme/board.dts')]).diagnostics;
  const unknown = d.find((x) => x.code === 'binding-unknown-property');
  assert.ok(unknown);
  assert.equal(unknown.node, '/widget@3000');
  assert.equal(unknown.property, 'acme,colour');
  const missing = d.find((x) => x.code === 'binding-missing-required');
  assert.equal(missing?.node, '/widget@5000');
  assert.equal(missing?.property, 'clocks');
  assert.ok(d.every((x) => 'node' in x));
});

test('cli json: the other diagnostics carry the node (and property) their range lies in', () => {
  const d = json(['--no-bindings', fixture('checks/iommu-cells-mismatch.dts')]).diagnostics;
  const m = d.find((x) => x.code === 'iommu-cells-mismatch');
  assert.ok(m, JSON.stringify(d));
  assert.match(m.node ?? '', /^\/.+/);
  assert.equal(m.property, 'iommus');
  assert.ok(d.every((x) => 'node' in x), 'every diagnostic has the key');
});

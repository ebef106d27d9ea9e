// Linux binding rules, one broken per node of test/fixtures/bindings/linux/.../acme/rules.dts (the sensor and
// hub bindings beside it): integer sizes, ranges, const, patterns, dependencies, anyOf, flags, a schema
// referenced through allOf under unevaluatedProperties, a schema applied by `select` on the node name. Each
// diagnostic at its range; and, where dt-schema is at hand (../shared/tools/dt-schema-*, Debian's python3),
// the same (node, property, kind) as dt-validate on the fixture, the one documented difference excepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import type { Diagnostic } from '../../server/src/base/diagnostics';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { BindingsHost } from '../../server/src/bindings';
import { MemoryBindingsCache } from '../../server/src/bindings/cache';
import { findDtSchema, keysOfDtValidate, makeProcessedSchema, pythonOk, runDtValidate } from '../../scripts/bindings-compare';
import { fixture } from '../util/paths';

const ROOT = fixture('bindings/linux');
const BOARD = path.join(ROOT, 'arch/arm64/boot/dts/acme/rules.dts');
const text = fs.readFileSync(BOARD, 'utf8');

function analyze(dirs?: string[]): Diagnostic[] {
  const nfs = new NodeFileSystem();
  const bindings = new BindingsHost(nfs, dirs ? { dirs, cache: new MemoryBindingsCache() } : { installedCore: false, cache: new MemoryBindingsCache() });
  return new AnalysisHost(nfs, { bindings }).analyze(BOARD).diagnostics.filter((d) => d.code.startsWith('binding-'));
}

const diags = analyze();

function find(code: string, node: string, property?: string): Diagnostic {
  const d = diags.find((x) => x.code === code && x.node === node && x.property === property);
  assert.ok(d, `no ${code} on ${node} ${property ?? ''}; got:\n${diags.map((x) => `${x.code} ${x.node} ${x.property} ${x.message}`).join('\n')}`);
  return d;
}

/** The range of `needle` inside the node `node` of the board's text. */
function inNode(node: string, needle: string): { start: number; end: number } {
  const at = text.indexOf(`${node} {`);
  const i = text.indexOf(needle, at);
  assert.ok(at >= 0 && i >= 0, `${node} / ${needle}`);
  return { start: i, end: i + needle.length };
}

const range = (d: Diagnostic): { start: number; end: number } => ({ start: d.start, end: d.end });

test('binding rules: a valid node with every type (uint16 array, uint64, flag, string array, uint8 through allOf $ref) has no diagnostic', () => {
  assert.deepEqual(diags.filter((d) => d.node === '/sensor@1000'), []);
});

test('binding rules: integer size, range, const, item count of values written in the wrong size', () => {
  const size = find('binding-type', '/sensor@2000', 'acme,serial');
  assert.deepEqual(range(size), inNode('sensor@2000', '/bits/ 16 <1>'));
  assert.match(size.message, /^acme,serial: 16-bit values, 64-bit expected \(write \/bits\/ 64 <…>\)/);
  const max = find('binding-value', '/sensor@2000', 'acme,level');
  assert.deepEqual(range(max), inNode('sensor@2000', '<9>'));
  assert.match(max.message, /^acme,level: 9 is out of range: <= 7 required \(acme\/acme,sensor\.yaml\)/);
  const c = find('binding-value', '/sensor@2000', 'acme,version');
  assert.deepEqual(range(c), inNode('sensor@2000', '<3>'));
  assert.match(c.message, /^acme,version: 3 is not allowed: expected 2/);
  // <10 20> in 32-bit cells read as 16-bit values, as dt-validate reads the DTB: four items
  assert.match(find('binding-item-count', '/sensor@2000', 'acme,limits').message, /^acme,limits: 4 items, at most 2 allowed/);
  // acme,calibrated is there: the anyOf holds
  assert.ok(!diags.some((d) => d.node === '/sensor@2000' && d.code === 'binding-missing-required'));
});

test('binding rules: a pattern on one string of an array, a dependency, an anyOf of required properties', () => {
  assert.deepEqual(range(find('binding-value', '/sensor@3000', 'acme,labels')), inNode('sensor@3000', '"Right"'));
  const dep = find('binding-missing-required', '/sensor@3000', 'acme,limits');
  assert.deepEqual(range(dep), inNode('', 'sensor@3000'));
  assert.match(dep.message, /^acme,limits is missing \(required with acme,labels by acme\/acme,sensor\.yaml\)/);
  // one cell of a matrix: the offending cell, in the second group
  const cell = find('binding-value', '/sensor@3000', 'acme,points');
  const at = inNode('sensor@3000', '<300 4>').start + 1;
  assert.deepEqual(range(cell), { start: at, end: at + 3 });
  assert.match(cell.message, /^acme,points: 0x12c is out of range: <= 0x64 required/);
  const any = find('binding-missing-required', '/sensor@3000', undefined);
  assert.match(any.message, /^vdd-supply or acme,calibrated is missing/);
});

test('binding rules: a flag with a value, too many 16-bit values, a uint8 written in 32-bit cells, a property no schema declares', () => {
  assert.match(find('binding-type', '/sensor@4000', 'acme,calibrated').message, /^acme,calibrated: wrong type: flag expected, got 1/);
  assert.deepEqual(range(find('binding-item-count', '/sensor@4000', 'acme,limits')), inNode('sensor@4000', '/bits/ 16 <1 2 3>'));
  // acme,trim comes from acme,common.yaml through allOf: $ref (unevaluatedProperties sees it)
  const trim = find('binding-type', '/sensor@4000', 'acme,trim');
  assert.deepEqual(range(trim), inNode('sensor@4000', '<300>'));
  assert.match(trim.message, /^acme,trim: wrong type: one uint8 expected \(write \/bits\/ 8 <…>\), got 4 bytes/);
  const spare = find('binding-unknown-property', '/sensor@4000', 'acme,spare');
  assert.deepEqual(range(spare), inNode('sensor@4000', 'acme,spare'));
  assert.match(spare.message, /^acme,spare is not allowed by acme\/acme,sensor\.yaml/);
});

test('binding rules: a schema applied by `select` on the node name (no compatible)', () => {
  const ports = find('binding-value', '/sensor-hub', 'acme,ports');
  assert.match(ports.message, /\(acme\/acme,hub\.yaml\)$/);
  assert.deepEqual(range(find('binding-unknown-property', '/sensor-hub', 'acme,speed')), inNode('sensor-hub', 'acme,speed'));
});

test('binding rules: the same (node, property, kind) as dt-validate on the fixture', (t) => {
  const dtschema = findDtSchema();
  if (!dtschema || !pythonOk()) {
    t.skip('needs dt-schema (../shared/tools/dt-schema-*) and python3 with ruamel.yaml, jsonschema, rfc3987, libfdt');
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-validate-'));
  try {
    const schema = path.join(tmp, 'processed-schema.json');
    makeProcessedSchema(dtschema, path.join(ROOT, 'Documentation/devicetree/bindings'), schema, 'ignore');
    const pre = execFileSync('cpp', ['-nostdinc', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', '-P', BOARD]);
    const dtb = path.join(tmp, 'rules.dtb');
    execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', dtb, '-'], { input: pre });
    const r = runDtValidate(dtschema, schema, [dtb]).get(dtb);
    assert.equal(r?.status, 'ok');
    const key = (k: { node: string; property: string; code: string }): string => `${k.node} ${k.property} ${k.code}`;
    const theirs = new Set(r!.warnings.flatMap(keysOfDtValidate).map(key));
    // ours with dt-schema's own core schemas (as an installed dtschema package), and with our built-in core
    for (const ours of [analyze([path.join(ROOT, 'Documentation/devicetree/bindings'), path.join(dtschema, 'dtschema')]), diags]) {
      const mine = new Set(ours.map((d) => key({ node: d.node ?? '', property: d.property ?? '', code: d.code })));
      assert.deepEqual([...mine].filter((k) => !theirs.has(k)), [], 'what we flag, dt-validate flags');
      // python-jsonschema also calls a declared property whose value fails its schema "unevaluated"; we report
      // the value's fault once (docs/bindings-report.md)
      const onlyTheirs = [...theirs].filter((k) => !mine.has(k)).sort();
      const failedValues = new Set(ours.filter((d) => d.property && d.code !== 'binding-unknown-property').map((d) => `${d.node} ${d.property}`));
      for (const k of onlyTheirs) {
        const [node, property, code] = k.split(' ');
        assert.ok(code === 'binding-unknown-property' && failedValues.has(`${node} ${property}`), `only dt-validate: ${k}`);
      }
      assert.equal(theirs.size - onlyTheirs.length, mine.size);
    }
    assert.ok(theirs.size >= 20);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

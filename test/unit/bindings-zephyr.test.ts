// Zephyr binding checks (edtlib's semantics) on a workspace of our own that breaks each rule once
// (test/fixtures/bindings/zephyr): every problem at its range, and, where Zephyr's edtlib is at hand
// (../shared/corpus/zephyr with python3 + python3-yaml), the same (node, property, kind) as edtlib reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import type { Diagnostic } from '../../server/src/base/diagnostics';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { BindingsHost } from '../../server/src/bindings';
import { ourKey } from '../../scripts/bindings-compare-zephyr';
import { fixture, REPO_ROOT, SHARED } from '../util/paths';
import { zephyrFixture } from '../util/zephyr-ws';

const ZEPHYR = fixture('bindings/zephyr/zephyr');
const BOARD = path.join(ZEPHYR, 'boards/arm/testboard/testboard.dts');
const text = fs.readFileSync(BOARD, 'utf8');
const nfs = new NodeFileSystem();
const analysis = new AnalysisHost(nfs, { bindings: new BindingsHost(nfs, {}) }).analyze(BOARD);
const diags = analysis.diagnostics.filter((d) => d.code.startsWith('binding-'));

function find(code: string, node: string, property?: string): Diagnostic {
  const d = diags.find((x) => x.code === code && x.node === node && (property === undefined || x.property === property));
  assert.ok(d, `no ${code} on ${node} ${property ?? ''}; got:\n${diags.map((x) => `${x.code} ${x.node} ${x.property} ${x.message}`).join('\n')}`);
  return d;
}

/** The range of `needle` inside the node named `node` in the board's text. */
function inNode(node: string, needle: string): { start: number; end: number } {
  const at = text.indexOf(node);
  const i = text.indexOf(needle, at);
  assert.ok(at >= 0 && i >= 0, `${node} / ${needle}`);
  return { start: i, end: i + needle.length };
}

function range(d: Diagnostic): { start: number; end: number } {
  return { start: d.start, end: d.end };
}

test('zephyr: the tree is analysed as Zephyr with the workspace\'s bindings', () => {
  assert.equal(analysis.flavour, 'zephyr');
  assert.ok(diags.length > 10);
});

test('zephyr: undeclared property, enum, const, boolean with a value, uint8-array written as cells', () => {
  assert.deepEqual(range(find('binding-unknown-property', '/i2c@4000/sensor@11', 'acme,extra')), inNode('sensor@11', 'acme,extra'));
  assert.equal(find('binding-unknown-property', '/i2c@4000/sensor@11', 'acme,extra').severity, 'error');
  assert.deepEqual(range(find('binding-value', '/i2c@4000/sensor@11', 'mode')), inNode('sensor@11', '"turbo"'));
  assert.deepEqual(range(find('binding-value', '/i2c@4000/sensor@11', 'gain')), inNode('sensor@11', '<4>'));
  assert.match(find('binding-type', '/i2c@4000/sensor@11', 'enable').message, /^enable is a boolean/);
  assert.match(find('binding-type', '/i2c@4000/sensor@11', 'taps').message, /^taps must be written taps = \[ \(byte\)/);
  assert.deepEqual(range(find('binding-type', '/i2c@4000/sensor@12', 'gain')), inNode('sensor@12', '"three"'));
  // a type error is not also a const error
  assert.ok(!diags.some((d) => d.node === '/i2c@4000/sensor@12' && d.code === 'binding-value'));
});

test('zephyr: deprecated is a warning; required only on enabled nodes; child-binding', () => {
  assert.equal(find('binding-deprecated', '/i2c@4000/sensor@11', 'old-prop').severity, 'warning');
  assert.deepEqual(range(find('binding-missing-required', '/i2c@4000/sensor@13', 'mode')), inNode('missing:', 'sensor@13'));
  assert.ok(!diags.some((d) => d.node === '/i2c@4000/sensor@14'), 'disabled: no required check');
  find('binding-missing-required', '/leds/led0', 'gpios');
});

test('zephyr: on-bus matching: a bus-only binding does not apply off the bus', () => {
  assert.ok(!diags.some((d) => d.node === '/sensor@5000' && d.code === 'binding-value'), 'mode = "anything" is not checked without the binding');
  assert.ok(!diags.some((d) => d.node === '/i2c@4000/sensor@10'), 'the valid sensor has no diagnostic');
});

test('zephyr: phandle-array cells against the provider binding\'s *-cells, *-names lengths', () => {
  assert.match(find('binding-constraint', '/i2c@4000/sensor@11', 'alt-gpios').message, /names 2 gpio cells \(gpio-cells\), the specifier has 3/);
  assert.match(find('binding-item-count', '/i2c@4000/sensor@11', 'io-channel-names').message, /^1 name for 2 io-channel entries/);
});

test('zephyr: reg and status, interrupts, pinctrl, vendor prefixes, unit addresses, binding load errors', () => {
  find('binding-item-count', '/oddreg@6000', 'reg');
  find('binding-value', '/zeroreg@8000', 'reg');
  assert.equal(find('binding-value', '/moved@9000', 'reg').severity, 'warning');
  find('binding-value', '/statusbad@b000', 'status');
  find('binding-constraint', '/noparent@c000', 'interrupts');
  find('binding-constraint', '/pins@d000', 'pinctrl-1');
  assert.equal(find('binding-unknown-compatible', '/vendor@e000', 'compatible').severity, 'warning');
  const load = diags.find((d) => d.code === 'binding-load-error' && d.file.endsWith('acme,broken.yaml'));
  assert.ok(load && /legacy 'sub-node:'/.test(load.message));
  const yaml = fs.readFileSync(load.file, 'utf8');
  assert.equal(yaml.slice(load.start, load.end), 'sub-node');
});

test('zephyr: every property type accepted as written; an include\'s property-allowlist and child-binding allowlist; specifier-space', () => {
  assert.deepEqual(diags.filter((d) => d.node === '/probe@10000' && d.property !== 'alarms'), [], 'phandle, phandles, path, array, uint8-array, string-array, compound');
  assert.deepEqual(diags.filter((d) => d.node?.startsWith('/probe@10000/')), []);
  // alarms has `specifier-space: gpio`: its cells are counted by the provider's gpio-cells
  const alarms = find('binding-constraint', '/probe@10000', 'alarms');
  assert.deepEqual(range(alarms), inNode('probe@10000', '<&gpio0 1 2 3>'));
  assert.match(alarms.message, /names 2 gpio cells \(gpio-cells\), the specifier has 3/);
  // test-base.yaml is included with property-allowlist [compatible, reg, status]: label is not declared
  assert.deepEqual(range(find('binding-unknown-property', '/probe@11000', 'label')), inNode('probe@11000', 'label'));
  assert.deepEqual(range(find('binding-type', '/probe@11000', 'thresholds')), inNode('probe@11000', '"high"'));
  assert.match(find('binding-type', '/probe@11000', 'names').message, /^names must be written names = "string", "string", \.\.\. \(type string-array/);
  // the included child-binding keeps channel and label: colour is filtered out, channel stays required
  assert.deepEqual(range(find('binding-unknown-property', '/probe@11000/chan1', 'colour')), inNode('chan1', 'colour'));
  assert.deepEqual(range(find('binding-missing-required', '/probe@11000/chan1', 'channel')), inNode('probe@11000', 'chan1'));
});

test('zephyr: a default that does not fit the property\'s type is a load error of the binding, at the default', () => {
  const load = diags.find((d) => d.code === 'binding-load-error' && d.file.endsWith('acme,baddefault.yaml'));
  assert.ok(load, 'no load error for acme,baddefault.yaml');
  assert.match(load.message, /'default: fast' is invalid for 'speed'/);
  const yaml = fs.readFileSync(load.file, 'utf8');
  assert.equal(yaml.slice(load.start, load.end), 'default');
});

test('zephyr: the same (node, property, kind) as Zephyr\'s edtlib on the fixture', (t) => {
  const src = path.join(SHARED, 'corpus/zephyr/zephyr/scripts/dts/python-devicetree/src');
  if (!fs.existsSync(src) || spawnSync('/usr/bin/python3', ['-c', 'import yaml'], { stdio: 'ignore' }).status !== 0) {
    t.skip('needs ../shared/corpus/zephyr (edtlib) and python3 with yaml');
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'edtlib-'));
  const pre = path.join(tmp, 'board.dts');
  execFileSync('cpp', ['-x', 'assembler-with-cpp', '-nostdinc', '-undef', '-D__DTS__', '-P', BOARD, '-o', pre]);
  const dirs = [path.join(ZEPHYR, 'dts/bindings')];
  const job = { board: 'testboard', dts: pre, bindings_dirs: dirs, vendor_prefixes: [path.join(dirs[0], 'vendor-prefixes.txt')] };
  const out = execFileSync('/usr/bin/python3', [path.join(REPO_ROOT, 'scripts/bindings-compare-edtlib.py'), src], { input: JSON.stringify(job), encoding: 'utf8' });
  fs.rmSync(tmp, { recursive: true, force: true });
  const r = JSON.parse(out) as { status: string; records: { node: string; property: string | null; kind: string }[] };
  assert.equal(r.status, 'ok');
  const theirs = new Set(r.records.filter((x) => x.kind !== 'followup').map((x) => `${x.node} ${x.property ?? ''} ${x.kind}`));
  const ours = new Set(diags.map((d) => { const k = ourKey(d); return `${k.node} ${k.property} ${k.code}`; }));
  assert.deepEqual([...theirs].filter((k) => !ours.has(k)), [], 'what edtlib reports, we report');
  assert.deepEqual([...ours].filter((k) => !theirs.has(k)), [], 'what we report, edtlib reports');
  assert.ok(theirs.size >= 18);
});

test('zephyr: a build\'s `bindings-dirs` (build_info.yml) are the binding folders of its boards', () => {
  const F = zephyrFixture();
  try {
    // a binding folder that is no DTS root's dts/bindings: only the build names it
    const custom = path.join(F.ws, 'custom-bindings');
    fs.mkdirSync(custom);
    fs.writeFileSync(path.join(custom, 'acme,header.yaml'), 'description: ACME header (declares no GPIO map)\n\ncompatible: "acme,header"\n\nproperties:\n  "#gpio-cells":\n    type: int\n');
    const build = path.join(F.builds, 'hello-info');
    const info = path.join(build, 'build_info.yml');
    fs.writeFileSync(info, fs.readFileSync(info, 'utf8').replace(/bindings-dirs:\n\s+- \S+/, `bindings-dirs:\n      - ${custom}`));
    const board = path.join(F.zephyr, 'boards/arm/acme_board/acme_board.dts');
    const codes = (a: ReturnType<AnalysisHost['analyze']>): string[] =>
      a.diagnostics.filter((d) => d.code.startsWith('binding-')).map((d) => `${d.code} ${d.node} ${d.property}`);
    const withBuild = new AnalysisHost(nfs, { bindings: new BindingsHost(nfs, {}), buildDir: build }).analyze(board);
    assert.deepEqual(codes(withBuild), ['binding-unknown-property /connector gpio-map']);
    // without the build the board's DTS roots have no dts/bindings: nothing to check against
    assert.deepEqual(codes(new AnalysisHost(nfs, { bindings: new BindingsHost(nfs, {}) }).analyze(board)), []);
  } finally {
    F.remove();
  }
});

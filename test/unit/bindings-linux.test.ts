// Linux binding validation end to end: a small tree of our own (test/fixtures/bindings/linux) with
// dt-schema style bindings, validated with the built-in core schemas; every kind of problem at its range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { AnalysisHost } from '../../server/src/analysis';
import type { Diagnostic } from '../../server/src/base/diagnostics';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { BindingsHost } from '../../server/src/bindings';
import { MemoryBindingsCache } from '../../server/src/bindings/cache';
import { stampName } from '../../server/src/bindings/linux/load';
import { fixture } from '../util/paths';

const BOARD = fixture('bindings/linux/arch/arm64/boot/dts/acme/board.dts');

function analyze(opts: { enabled?: boolean; cache?: MemoryBindingsCache } = {}): { diags: Diagnostic[]; text: string } {
  const bindings = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache: opts.cache ?? new MemoryBindingsCache(), enabled: opts.enabled });
  const host = new AnalysisHost(new NodeFileSystem(), { bindings });
  const a = host.analyze(BOARD);
  return { diags: a.diagnostics.filter((d) => d.code.startsWith('binding-')), text: fs.readFileSync(BOARD, 'utf8') };
}

function at(text: string, needle: string, nth = 0): { start: number; end: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `fixture lacks ${needle}`);
  }
  return { start: i, end: i + needle.length };
}

function find(diags: Diagnostic[], code: string, node: string, property?: string): Diagnostic {
  const d = diags.find((x) => x.code === code && x.node === node && x.property === property);
  assert.ok(d, `no ${code} on ${node} ${property ?? ''}; got:\n${diags.map((x) => `${x.code} ${x.node} ${x.property} ${x.message}`).join('\n')}`);
  return d;
}

const { diags, text } = analyze();

test('bindings: a property the binding does not declare, at its name', () => {
  const d = find(diags, 'binding-unknown-property', '/widget@3000', 'acme,colour');
  assert.deepEqual({ start: d.start, end: d.end }, at(text, 'acme,colour'));
  assert.match(d.message, /^acme,colour is not allowed by acme\/acme,widget\.yaml/);
});

test('bindings: a value outside the enum, at the string', () => {
  const d = find(diags, 'binding-value', '/widget@3000', 'acme,mode');
  assert.deepEqual({ start: d.start, end: d.end }, at(text, '"turbo"'));
  assert.match(d.message, /^acme,mode: "turbo" is not allowed: expected one of "fast", "slow"/);
});

test('bindings: a string where a uint32 is expected is a type error', () => {
  const d = find(diags, 'binding-type', '/widget@3000', 'acme,gain');
  assert.deepEqual({ start: d.start, end: d.end }, at(text, '"high"'));
});

test('bindings: too many phandle groups and reg entries (grouped by #clock-cells and #address/#size-cells)', () => {
  const c = find(diags, 'binding-item-count', '/widget@3000', 'clocks');
  assert.match(c.message, /^clocks: 3 items, at most 2 allowed/);
  assert.deepEqual({ start: c.start, end: c.end }, { start: at(text, '<&clk 1>, <&clk 2>, <&clk 3>').start, end: at(text, '<&clk 1>, <&clk 2>, <&clk 3>').end });
  const r = find(diags, 'binding-item-count', '/widget@3000', 'reg');
  assert.match(r.message, /^reg: 2 items, at most 1 allowed/);
});

test('bindings: an unexpected child node, at its name', () => {
  const d = find(diags, 'binding-unexpected-child', '/widget@3000/gadget');
  assert.deepEqual({ start: d.start, end: d.end }, at(text, 'gadget'));
});

test('bindings: a missing required property, at the node name; none on a disabled node', () => {
  const d = find(diags, 'binding-missing-required', '/widget@5000', 'clocks');
  assert.deepEqual({ start: d.start, end: d.end }, at(text, 'widget@5000'));
  assert.match(d.message, /^clocks is missing \(required by acme\/acme,widget\.yaml\)/);
  assert.ok(!diags.some((x) => x.node === '/widget@6000'), 'the disabled widget is not checked for required properties');
});

test('bindings: an undocumented compatible, at the string; a node name against its pattern', () => {
  const d = find(diags, 'binding-unknown-compatible', '/mystery@7000', 'compatible');
  assert.deepEqual({ start: d.start, end: d.end }, at(text, '"acme,mystery"'));
  const n = find(diags, 'binding-node-name', '/clock@1000', '$nodename');
  assert.match(n.message, /^node name "clock@1000" does not match/);
});

test('bindings: a valid node has no binding diagnostic', () => {
  assert.deepEqual(diags.filter((d) => d.node === '/widget@2000'), []);
  // <1 2> in 32-bit cells is 8 bytes: dt-schema reads a uint8-array out of them, like dt-validate does
  assert.ok(!diags.some((d) => d.property === 'acme,taps'));
});

test('bindings: off when disabled; the processed schemas come from the cache the second time', () => {
  assert.equal(analyze({ enabled: false }).diags.length, 0);
  const cache = new MemoryBindingsCache();
  const first = analyze({ cache }).diags;
  const kinds = [...cache.entries.keys()].map((k) => k.split('-')[0]).sort();
  // the processed schemas (core and rest), the listing of the bindings folder, and the files' stamps that name them
  assert.deepEqual(kinds, ['linux', 'linux', 'listing', 'stamp']);
  const second = analyze({ cache }).diags;
  assert.deepEqual(second, first);
});

test('bindings: an edit re-validates only the nodes whose subtree changed, and gives what a fresh validation gives', async () => {
  const { OverlayFileSystem } = await import('../../server/src/base/fs');
  const overlay = new OverlayFileSystem(new NodeFileSystem());
  const cache = new MemoryBindingsCache();
  const bindings = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache });
  const host = new AnalysisHost(overlay, { bindings });
  host.analyze(BOARD);
  const edits: [string, string][] = [
    ['acme,mode = "fast";', 'acme,mode = "sideways";'],
    ['reg = <0x5000 0x100>;', 'reg = <0x5000 0x100>;\n\t\tclocks = <&clk 1>, <&clk 2>;'],
    ['status = "disabled";', 'status = "okay";'],
  ];
  let edited = text;
  for (const [from, to] of edits) {
    edited = edited.replace(from, to);
    overlay.setOverlay(BOARD, edited);
    const incremental = host.analyze(BOARD).diagnostics.filter((d) => d.code.startsWith('binding-'));
    const stats = bindings.linuxFor({ flavour: 'linux', root: fixture('bindings/linux') })!.validator!.stats;
    assert.ok(stats.reused > 0 && stats.validated < stats.nodes, `re-validated ${stats.validated} of ${stats.nodes} nodes`);
    const fresh = new AnalysisHost(overlay, { bindings: new BindingsHost(new NodeFileSystem(), { installedCore: false, cache }) })
      .analyze(BOARD).diagnostics.filter((d) => d.code.startsWith('binding-'));
    assert.deepEqual(incremental, fresh);
  }
});

test('bindings: a $ref with sibling patternProperties (coresight in-ports) validates its ports in a fresh host, as after other boards', () => {
  // the schemas the siblings refer to were made known to ajv only when another binding had brought them in
  // (a board validated first): alone, the funnel's schema did not compile and its nodes went unvalidated
  const ported = fixture('bindings/linux/arch/arm64/boot/dts/acme/ported.dts');
  const text = fs.readFileSync(ported, 'utf8');
  const fresh = (): { host: AnalysisHost; of: (f: string) => Diagnostic[] } => {
    const bindings = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache: new MemoryBindingsCache() });
    const host = new AnalysisHost(new NodeFileSystem(), { bindings });
    return { host, of: (f) => host.analyze(f).diagnostics.filter((d) => d.code.startsWith('binding-')) };
  };
  const alone = fresh().of(ported);
  const d = find(alone, 'binding-unknown-property', '/funnel@2000/in-ports/port@0/endpoint', 'acme,bogus');
  assert.deepEqual({ start: d.start, end: d.end }, at(text, 'acme,bogus'));
  const after = fresh();
  after.of(BOARD);
  const key = (l: Diagnostic[]) => l.map((x) => `${x.code} ${x.node} ${x.property} ${x.start}`).sort();
  assert.deepEqual(key(after.of(ported)), key(alone));
});

test('bindings: a packed tree validates as its nodes do; validated again as it is, its findings come whole without unpacking, and ajv is not made', async () => {
  const { packTree, unpackTree } = await import('../../server/src/bindings/flatten');
  const { LinuxValidator } = await import('../../server/src/bindings/linux/validate');
  const bindings = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache: new MemoryBindingsCache() });
  const tree = new AnalysisHost(new NodeFileSystem(), { bindings: new BindingsHost(new NodeFileSystem(), { enabled: false }) }).analyze(BOARD).tree;
  const store = bindings.linuxFor({ flavour: 'linux', root: fixture('bindings/linux') })!.validator!.store;
  const packed = packTree(tree);
  const byNodes = new LinuxValidator(store).validate(unpackTree(packed));
  assert.ok(byNodes.length > 0, 'the fixture board has binding findings');
  const v = new LinuxValidator(store);
  const first = v.validatePacked(packed);
  assert.deepEqual(first, byNodes);
  assert.equal(v.stats.nodes, unpackTree(packed).length);
  assert.ok(v.stats.validated > 0);
  // the same tree again, in a validator that only has the results of the first (as a later process reads them)
  const again = new LinuxValidator(store);
  (again as unknown as { results: unknown }).results = (v as unknown as { results: unknown }).results;
  assert.deepEqual(again.validatePacked(packTree(tree)), byNodes);
  assert.equal(again.stats.validated, 0);
  assert.equal(again.stats.reused, again.stats.nodes);
  assert.equal((again as unknown as { compiler: { ajvInstance?: unknown } }).compiler.ajvInstance, undefined, 'no ajv made for a tree whose findings are known');
  // one value byte different: another tree, validated
  const changed = { ...packed, data: packed.data.slice() };
  changed.data[changed.data.length - 1] ^= 1;
  again.validatePacked(changed);
  assert.ok(again.stats.validated > 0);
});

test('bindings: a cached schema set gives its key without reading its type table; the table, read later, is the one saved (a damaged one is made again)', async () => {
  const { SchemaStore } = await import('../../server/src/bindings/linux/store');
  const bindings = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache: new MemoryBindingsCache() });
  const store = bindings.linuxFor({ flavour: 'linux', root: fixture('bindings/linux') })!.validator!.store;
  const { core, rest } = store.serialize();
  let remade = 0;
  const remake = () => { remade++; return store.allContents(); };
  const lazy = SchemaStore.deserialize(core, () => rest, remake)!;
  assert.equal(lazy.key, store.key);
  assert.equal((lazy as unknown as { coreData?: unknown }).coreData, undefined, 'the type table is not read for the key');
  assert.deepEqual(lazy.types, store.types);
  assert.deepEqual(lazy.selectIds, store.selectIds);
  // the key intact, the rest of the file damaged: the set is made again when the table is needed
  const damaged = SchemaStore.deserialize(core.slice(0, 300), () => rest, remake)!;
  assert.equal(damaged.key, store.key);
  assert.deepEqual(damaged.types, store.types);
  assert.equal(remade, 1);
  assert.equal(SchemaStore.deserialize('{"format":"other"}', () => rest, remake), undefined);
});

test('bindings: the stamp of the binding files changes with any one file\'s time (all 64 bits) and with the listings, not otherwise', () => {
  const files = Array.from({ length: 300 }, (_, i) => `/k/Documentation/devicetree/bindings/d${i % 7}/f${i}.yaml`);
  const times = new Map(files.map((f, i) => [f, 1_700_000_000_000 + i * 1_000.123456]));
  const base = stampName('v1:0:listing-a', files, (f) => times.get(f));
  assert.match(base, /^stamp-[0-9a-f]{16}-300$/);
  assert.equal(stampName('v1:0:listing-a', files, (f) => times.get(f)), base);
  const seen = new Set([base]);
  for (const k of [0, 1, 150, 299]) {
    for (const delta of [1, 0.001, -1_000]) {
      const t = new Map(times);
      t.set(files[k], times.get(files[k])! + delta);
      const s = stampName('v1:0:listing-a', files, (f) => t.get(f));
      assert.ok(!seen.has(s), `file ${k} moved by ${delta}`);
      seen.add(s);
    }
  }
  // a file gone (no time) and another listing of the same files
  const gone = new Map(times);
  gone.delete(files[7]);
  assert.notEqual(stampName('v1:0:listing-a', files, (f) => gone.get(f)), base);
  assert.notEqual(stampName('v1:0:listing-b', files, (f) => times.get(f)), base);
  // two files' times swapped
  const swapped = new Map(times);
  swapped.set(files[3], times.get(files[4])!);
  swapped.set(files[4], times.get(files[3])!);
  assert.notEqual(stampName('v1:0:listing-a', files, (f) => swapped.get(f)), base);
});

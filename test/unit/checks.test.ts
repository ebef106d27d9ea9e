// Checks of the supplier graph and the IOMMU model, end to end through the facade.
// Each fixture under test/fixtures/checks/ either must fire at exact ranges or must not fire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import type { KernelOptions } from '../../server/src/kernel/environment';
import type { Diagnostic, SeverityOverrides } from '../../server/src/base/diagnostics';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { LineIndex } from '../../server/src/base/text';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/checks');
const MODEL_CODES = new Set([
  'iommu-cells-mismatch', 'phandle-cells-mismatch', 'missing-cells-property', 'iommu-cells-model', 'iommu-map-format',
  'supplier-disabled', 'supplier-never-probes', 'dependency-cycle', 'iommu-unknown', 'iommu-no-driver',
  'iommu-mixed-drivers', 'iommu-legacy-binding', 'iommu-modular-timeout', 'iommu-missing-fallback',
  'iommu-probe-deadlock', 'iommu-probe-once', 'iommu-xlate-denied', 'internal-error',
  'iommu-driver-not-built', 'iommu-stream-conflict', 'raw-phandle', 'raw-phandle-unstable',
]);

function analyze(name: string, severities?: SeverityOverrides, kernel?: KernelOptions): { diags: Diagnostic[]; text: string; file: string; all: Diagnostic[] } {
  const file = path.join(FIXTURES, name);
  const host = new AnalysisHost(new NodeFileSystem(), { autoDetectIncludePaths: false, severities, kernel });
  const a = host.analyze(file);
  const all = a.diagnostics;
  return { diags: all.filter((d) => MODEL_CODES.has(d.code)), text: fs.readFileSync(file, 'utf8'), file, all };
}

/** The exact [start, end) of the nth occurrence of needle in text. */
function rangeOf(text: string, needle: string, nth = 0): { start: number; end: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `fixture lacks ${JSON.stringify(needle)} #${i}`);
  }
  return { start: at, end: at + needle.length };
}

function assertAt(d: Diagnostic | undefined, file: string, text: string, needle: string, nth = 0): void {
  assert.ok(d, `no diagnostic expected at ${needle}`);
  const r = rangeOf(text, needle, nth);
  assert.equal(d.file, file);
  const li = new LineIndex(text);
  assert.deepEqual(
    { start: li.positionAt(d.start), end: li.positionAt(d.end) },
    { start: li.positionAt(r.start), end: li.positionAt(r.end) },
    `${d.code}: ${d.message}`,
  );
}

/** Like assertAt, for a needle searched inside the first occurrence of a longer context. */
function assertAtIn(d: Diagnostic | undefined, file: string, text: string, context: string, needle: string): void {
  assert.ok(d, `no diagnostic expected at ${needle}`);
  const c = rangeOf(text, context);
  const at = text.indexOf(needle, c.start);
  assert.ok(at >= 0 && at < c.end);
  assert.equal(d.file, file);
  assert.deepEqual({ start: d.start, end: d.end }, { start: at, end: at + needle.length }, `${d.code}: ${d.message}`);
}

function byCode(diags: Diagnostic[], code: string): Diagnostic[] {
  return diags.filter((d) => d.code === code).sort((a, b) => a.start - b.start);
}

test('iommu-cells-mismatch: trailing 0, short specifier, argument to a 0-cell IOMMU', () => {
  const { diags, text, file } = analyze('iommu-cells-mismatch.dts');
  const ds = byCode(diags, 'iommu-cells-mismatch');
  assert.equal(ds.length, 3, JSON.stringify(diags, null, 1));
  for (const d of ds) assert.equal(d.severity, 'error');
  assertAt(ds[0], file, text, '<&smmu 0x100 0x0>');
  assert.match(ds[0].message, /^&smmu expects 1 cell, got 2 \(arm-smmu: stream ID\)\. /);
  assert.match(ds[0].message, /stream ID/);
  assert.match(ds[0].message, /trailing 0 as an empty entry/);
  assert.ok(ds[0].related?.some((x) => text.slice(x.start, x.end) === '#iommu-cells = <1>;'));
  assertAt(ds[1], file, text, '<&smmu2 0x200>');
  assert.match(ds[1].message, /^&smmu2 expects 2 cells, got 1 \(arm-smmu: stream ID, SMR mask\)/);
  assertAt(ds[2], file, text, '<&vop_mmu 5>');
  assert.match(ds[2].message, /^&vop_mmu expects 0 cells, got 1.*reads 0x5 as the next phandle/);
  assert.equal(diags.length, 3, JSON.stringify(diags, null, 1));
});

test('iommu-cells: correct specifiers (several per group, 0/1/2 cells) do not fire', () => {
  const { diags } = analyze('iommu-cells-ok.dts');
  assert.deepEqual(diags.map((d) => `${d.code}: ${d.message}`), []);
});

test('phandle-cells-mismatch: extra cell, short specifier, non-reference in phandle position', () => {
  const { diags, text, file } = analyze('phandle-cells-mismatch.dts');
  const ds = byCode(diags, 'phandle-cells-mismatch');
  assert.equal(ds.length, 4, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '<&clk 1 2>');
  assert.match(ds[0].message, /^&clk expects 1 cell, got 2\. /);
  assertAt(ds[1], file, text, '<&rst>');
  assert.match(ds[1].message, /^&rst expects 1 cell, got 0\. /);
  assertAt(ds[2], file, text, '<&gpio 3>');
  assert.match(ds[2].message, /^&gpio expects 2 cells, got 1\. /);
  assertAtIn(ds[3], file, text, 'clocks = <5>', '5');
  assert.match(ds[3].message, /^expected a phandle, got 0x5\. The kernel reads 0x5 as the next phandle, which no node has/);
  for (const d of ds) assert.equal(d.severity, 'error');
});

test('phandle-cells: fixed clocks, empty entries, gpio hogs, msi-parent without #msi-cells do not fire', () => {
  const { diags } = analyze('phandle-cells-ok.dts');
  assert.deepEqual(diags.map((d) => `${d.code}: ${d.message}`), []);
});

test('missing-cells-property at the reference cell', () => {
  const { diags, text, file } = analyze('missing-cells-property.dts');
  const ds = byCode(diags, 'missing-cells-property');
  assert.equal(ds.length, 1, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '&pd');
  assert.equal(ds[0].severity, 'error');
  assert.equal(ds[0].message, '&pd has no #power-domain-cells. The power-domains specifier cannot be decoded without it');
  assert.ok(ds[0].related?.some((x) => text.slice(x.start, x.end) === 'power-controller'));
  assert.equal(diags.length, 1);
});

test('missing-cells-property: cells present / msi-parent optional', () => {
  assert.deepEqual(analyze('missing-cells-ok.dts').diags.map((d) => d.message), []);
});

test('iommu-cells-model: #iommu-cells not allowed for the compatible', () => {
  const { diags, text, file } = analyze('iommu-cells-model.dts');
  const ds = byCode(diags, 'iommu-cells-model');
  assert.equal(ds.length, 1, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '2', 0);
  assert.equal(text.slice(ds[0].start - 16, ds[0].end), '#iommu-cells = <2');
  assert.equal(ds[0].message, '#iommu-cells = <2> is not valid for "arm,smmu-v3": arm-smmu-v3 takes <1> (stream ID)');
  assert.equal(diags.length, 1);
});

test('iommu-map-format: length, phandle slot, mask size, id-base outside mask', () => {
  const { diags, text, file } = analyze('iommu-map-format.dts');
  const ds = byCode(diags, 'iommu-map-format');
  assert.equal(ds.length, 4, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, 'iommu-map = <0x0 &smmu 0x0 0x10000 0x5>;');
  assert.match(ds[0].message, /^iommu-map has 5 cells, not a multiple of 4\. .*pcie@10000000/);
  assertAtIn(ds[1], file, text, 'iommu-map = <0x0 0x10 0x0 0x10000>', ' 0x10 '.trim());
  assert.match(ds[1].message, /^row 0: expected an IOMMU phandle, got 0x10\./);
  assertAt(ds[2], file, text, 'iommu-map-mask = <0xff 0x0>;');
  assert.match(ds[2].message, /^iommu-map-mask must be one 32-bit cell, got 2 cells\./);
  assertAtIn(ds[3], file, text, 'iommu-map = <0x100 &smmu', '0x100');
  assert.match(ds[3].message, /^row 0: id-base 0x100 has bits outside iommu-map-mask 0xff\./);
});

test('iommu-map: valid rows, 2-cell SMMU targets and zero-length placeholders do not fire', () => {
  assert.deepEqual(analyze('iommu-map-ok.dts').diags.map((d) => `${d.code}: ${d.message}`), []);
});

test('supplier-disabled: iommus, iommu-map and clocks to disabled suppliers', () => {
  const { diags, text, file } = analyze('supplier-disabled.dts');
  const all = byCode(diags, 'supplier-disabled');
  const summary = all.filter((d) => /^\d+ enabled devices? /.test(d.message));
  const ds = all.filter((d) => !summary.includes(d));
  assert.equal(ds.length, 3, JSON.stringify(diags, null, 1));
  // one summary at the status line that disables each supplier (the line a board edits)
  assert.equal(summary.length, 2, JSON.stringify(summary, null, 1));
  assert.ok(summary.every((d) => text.slice(d.start, d.end) === 'status = "disabled";'));
  assert.ok(summary.some((d) => /^2 enabled devices behind &smmu will DMA untranslated\. &usb, pcie@2000 \(and the PCI devices its iommu-map rows map\): .*the kernel logs nothing/.test(d.message)), JSON.stringify(summary.map((d) => d.message)));
  assert.ok(summary.some((d) => /^1 enabled device depends on disabled &clk\. &usb: /.test(d.message)), JSON.stringify(summary.map((d) => d.message)));
  for (const d of ds) assert.equal(d.severity, 'warning');
  assertAt(ds[0], file, text, '&smmu 0x100');
  assert.equal(ds[0].message, 'IOMMU &smmu is disabled. &usb DMAs untranslated: the kernel drops its whole iommus list (of_iommu_xlate: -ENODEV)');
  assert.ok(ds[0].related?.some((x) => text.slice(x.start, x.end) === 'status = "disabled";'));
  assertAt(ds[1], file, text, '&clk 4');
  assert.match(ds[1].message, /^clocks supplier &clk is disabled\. It never registers, so the driver of &usb stays deferred/);
  assertAt(ds[2], file, text, '0x0 &smmu 0x0 0x10000');
  assert.match(ds[2].message, /^row 0: IOMMU &smmu is disabled\. The devices whose IDs this row maps DMA untranslated/);
});

test('supplier-disabled: disabled consumers (or inside a disabled bus) do not fire', () => {
  assert.deepEqual(analyze('supplier-disabled-ok.dts').diags.map((d) => `${d.code}: ${d.message}`), []);
});

test('supplier-never-probes: supplier inside a disabled bus; fixed clocks are exempt', () => {
  const { diags, text, file } = analyze('supplier-never-probes.dts');
  const ds = byCode(diags, 'supplier-never-probes');
  assert.equal(ds.length, 2, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '&smmu 0x100');
  assert.match(ds[0].message, /^&smmu never probes: it is inside disabled bus@10000000\. /);
  assert.match(ds[0].message, /usb@1000 defers until the deferred-probe timeout, then DMAs untranslated/);
  assertAt(ds[1], file, text, '&clk 4');
  assert.equal(diags.length, 2);
});

test('supplier-never-probes: enabled bus does not fire', () => {
  assert.deepEqual(analyze('supplier-never-probes-ok.dts').diags.map((d) => `${d.code}: ${d.message}`), []);
});

test('dependency-cycle: reported on every property of the cycle, naming the cycle', () => {
  const { diags, text, file } = analyze('dependency-cycle.dts');
  const ds = byCode(diags, 'dependency-cycle');
  assert.equal(ds.length, 2, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '&rpmpd 0');
  assert.match(ds[0].message, /^dependency cycle: &gcc -power-domains-> &rpmpd -clocks-> &gcc\. /);
  assertAt(ds[1], file, text, '&gcc 3');
  assert.match(ds[1].message, /^dependency cycle: &rpmpd -clocks-> &gcc -power-domains-> &rpmpd\. /);
  assert.equal(ds[0].severity, 'warning');
  assert.equal(diags.length, 2);
});

test('dependency-cycle through a parent edge: a child device exists only once its parent probed', () => {
  const { diags, text, file } = analyze('dependency-cycle-parent.dts');
  const ds = byCode(diags, 'dependency-cycle');
  assert.equal(ds.length, 2, JSON.stringify(diags, null, 1));
  // reported on the two properties of the cycle; the parent edge is named in the chain
  assertAt(ds[0], file, text, '&rstc 0');
  assert.match(ds[0].message, /^dependency cycle: bus@1000000 -resets-> &rstc -power-domains-> &pd -parent-> bus@1000000\. /);
  assertAt(ds[1], file, text, '&pd 1');
  assert.match(ds[1].message, /^dependency cycle: &rstc -power-domains-> &pd -parent-> bus@1000000 -resets-> &rstc\. /);
  // the PMIC consuming its own regulator child is no cycle
  assert.equal(diags.length, 2);
});

test('dependency-cycle: post-init-providers, optional bindings, remote-endpoint, pinctrl hogs are not hazards', () => {
  assert.deepEqual(analyze('dependency-cycle-ok.dts').diags.map((d) => `${d.code}: ${d.message}`), []);
});

test('iommu-unknown, iommu-no-driver, iommu-missing-fallback, iommu-legacy-binding', () => {
  const { diags, text, file } = analyze('iommu-provider.dts');
  const unknown = byCode(diags, 'iommu-unknown');
  assert.equal(unknown.length, 1, JSON.stringify(diags, null, 1));
  assertAt(unknown[0], file, text, 'compatible = "acme,super-iommu";');
  assert.match(unknown[0].message, /^unknown IOMMU: compatible "acme,super-iommu" is not in the IOMMU model \(Linux 6.12\)\. .*&mystery/);
  const nodrv = byCode(diags, 'iommu-no-driver');
  assert.equal(nodrv.length, 1);
  assertAt(nodrv[0], file, text, 'compatible = "nvidia,tegra20-mc-gart";');
  assert.match(nodrv[0].message, /^"nvidia,tegra20-mc-gart" has no IOMMU driver in Linux 6.12\. /);
  const fb = byCode(diags, 'iommu-missing-fallback');
  assert.equal(fb.length, 1);
  assertAt(fb[0], file, text, 'compatible = "rockchip,rk3588-iommu";');
  assert.match(fb[0].message, /^"rockchip,rk3588-iommu" must be followed by "rockchip,rk3568-iommu"\. /);
  const legacy = byCode(diags, 'iommu-legacy-binding');
  assert.equal(legacy.length, 1);
  assertAt(legacy[0], file, text, 'mmu-masters = <&dma0 0xd01d>;');
  assert.equal(legacy[0].severity, 'warning');
  for (const d of [...unknown, ...nodrv, ...fb]) assert.equal(d.severity, 'warning');
  assert.equal(diags.length, 4);
});

test('IOMMU providers with known compatibles and fallbacks do not fire', () => {
  assert.deepEqual(analyze('iommu-provider-ok.dts').diags.map((d) => `${d.code}: ${d.message}`), []);
});

test('iommu-mixed-drivers: only IOMMUs of different drivers', () => {
  const { diags, text, file } = analyze('iommu-mixed-drivers.dts');
  const ds = byCode(diags, 'iommu-mixed-drivers');
  assert.equal(ds.length, 1, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '&sysmmu', 0);
  assert.equal(ds[0].severity, 'error');
  assert.match(ds[0].message, /^IOMMUs of two drivers: &smmu \(arm-smmu\) and &sysmmu \(exynos-iommu\)\. The kernel drops the whole iommus list of gpu@4000/);
  assert.equal(diags.length, 1);
});

test('iommu-modular-timeout: only when the kernel configuration in force builds the IOMMU driver as a module', () => {
  // without a configuration nothing is known about modules
  assert.equal(byCode(analyze('iommu-modular.dts').diags, 'iommu-modular-timeout').length, 0);
  const { diags, text, file } = analyze('iommu-modular.dts', undefined, { kconfig: path.join(FIXTURES, 'kernel-modular.config') });
  const ds = byCode(diags, 'iommu-modular-timeout');
  assert.equal(ds.length, 1, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '&smmu 0x10');
  assert.equal(ds[0].severity, 'information');
  assert.match(ds[0].message, /^&smmu's driver arm-smmu is a module \(CONFIG_ARM_SMMU=m\)\. If it loads after the deferred-probe timeout \(10 s after the last driver registration\), gpu@4000 has already probed without it/);
  assert.match(ds[0].message, /under kernel-modular\.config; the default command line/);
  // the bool rockchip driver (=y) gives nothing; with no timer the consumers wait for the module
  const never = analyze('iommu-modular.dts', undefined, { kconfig: path.join(FIXTURES, 'kernel-modular.config'), cmdline: 'deferred_probe_timeout=-1' });
  assert.equal(byCode(never.diags, 'iommu-modular-timeout').length, 0);
  const late = analyze('iommu-modular.dts', undefined, { kconfig: path.join(FIXTURES, 'kernel-modular.config'), lateModules: ['arm_smmu'] });
  assert.match(byCode(late.diags, 'iommu-modular-timeout')[0].message, /^&smmu's driver arm-smmu is a module loaded after the deferred-probe timeout\. gpu@4000 probe/);
});

test('iommu-driver-not-built: an IOMMU driver the configuration does not build, at the consumer and the IOMMU', () => {
  const { diags, text, file } = analyze('iommu-modular.dts', undefined, { kconfig: path.join(FIXTURES, 'kernel-modular.config'), cmdline: 'foo' });
  assert.equal(byCode(diags, 'iommu-driver-not-built').length, 0);
  const cfg = path.join(FIXTURES, 'kernel-modular.config');
  const nb = analyze('iommu-modular.dts', undefined, { kconfig: cfg.replace('kernel-modular', 'kernel-no-rockchip') });
  const ds = byCode(nb.diags, 'iommu-driver-not-built');
  assert.equal(ds.length, 2, JSON.stringify(nb.diags, null, 1));
  assertAt(ds.find((d) => /^&rkmmu's/.test(d.message))!, file, text, '&rkmmu');
  assert.match(ds.find((d) => /^&rkmmu's/.test(d.message))!.message, /^&rkmmu's driver rockchip-iommu is not built \(CONFIG_ROCKCHIP_IOMMU is not set\)\. vop@5000 waits until the deferred-probe timeout/);
  assert.match(ds.find((d) => /^driver/.test(d.message))!.message, /^driver rockchip-iommu is not built \(CONFIG_ROCKCHIP_IOMMU is not set\)\. 1 enabled device behind &rkmmu waits/);
  assert.equal(text.slice(ds.find((d) => /^driver/.test(d.message))!.start, ds.find((d) => /^driver/.test(d.message))!.end), 'compatible = "rockchip,iommu";');
});

test('iommu-probe-deadlock: supplier chain reaches a device behind the IOMMU; IOMMU inside its consumer; at every link', () => {
  const { diags, text, file } = analyze('iommu-probe-deadlock.dts');
  const ds = byCode(diags, 'iommu-probe-deadlock');
  assert.equal(ds.length, 5, JSON.stringify(diags, null, 1));
  const chain = ds.filter((d) => /^probe deadlock: &smmu needs &cc, which is behind it\. Through &smmu -power-domains-> &pdc -clocks-> &cc; /.test(d.message));
  assert.equal(chain.length, 3);
  // each link the user can change: the IOMMU's power-domains, the provider's clocks, the device's iommus
  const at = chain.map((d) => text.slice(d.start, d.end)).sort();
  assert.deepEqual(at, ['&cc 1', '&pdc 0', '&smmu 0x42'].sort());
  for (const d of chain) assert.equal(d.related?.length, 2);
  const inside = ds.filter((d) => /^probe deadlock: &rkmmu sits inside isp@4000, which is behind it\. /.test(d.message));
  assert.equal(inside.length, 2);
  assert.ok(inside.some((d) => text.slice(d.start, d.end) === 'iommu@4800'));
  for (const d of ds) assert.equal(d.severity, 'error');
  assert.equal(diags.length, 5);
  void file;
});

test('iommu-probe-deadlock: a consumer sharing a supplier is fine', () => {
  assert.deepEqual(analyze('iommu-probe-deadlock-ok.dts').diags.map((d) => `${d.code}: ${d.message}`), []);
});

test('iommu-probe-once: probe-once sun50i driver with suppliers (on request)', () => {
  assert.equal(analyze('iommu-probe-once.dts').diags.length, 0);
  const { diags, text, file } = analyze('iommu-probe-once.dts', { 'iommu-probe-once': 'on' });
  const ds = byCode(diags, 'iommu-probe-once');
  assert.equal(ds.length, 1, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, 'iommu@30f0000');
  assert.match(ds[0].message, /^&iommu cannot defer probe but has suppliers \(clocks → &ccu, resets → &ccu\)\. .*builtin_platform_driver_probe/);
});

test('iommu-xlate-denied: R-Car Gen3 IPMMU allow-list (on request)', () => {
  const { diags, text, file } = analyze('iommu-xlate-denied.dts', { 'iommu-xlate-denied': 'on' });
  const ds = byCode(diags, 'iommu-xlate-denied');
  assert.equal(ds.length, 1, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '&ipmmu_ds0 16');
  assert.match(ds[0].message, /^&avb is not on the ipmmu-vmsa allow-list\. /);
});

test('phandle-cells-mismatch: messages say what of_parse_phandle_with_args makes of the stray cells', () => {
  const { diags, text, file } = analyze('phandle-cells-kernel.dts');
  const ds = byCode(diags, 'phandle-cells-mismatch');
  assert.equal(ds.length, 5, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '<&gce 20 1 0>');
  assert.match(ds[0].message, /^&gce expects 2 cells, got 3\. The kernel reads the trailing 0 as phandle 0, an empty entry: mboxes has 4 entries for the kernel and of_parse_phandle_with_args returns -ENOENT for index 1, so every later specifier moves up 1 index; mbox_request_channel\(cl, 1\) fails with -ENOENT/);
  assertAt(ds[1], file, text, '<&gce 21 1 0>');
  assert.match(ds[1].message, /returns -ENOENT for index 3; mbox_request_channel\(cl, 3\)/);
  assert.doesNotMatch(ds[1].message, /moves up/);
  assertAt(ds[2], file, text, '<&sensor 0>');
  assert.match(ds[2].message, /thermal-sensors has 2 entries for the kernel and of_parse_phandle_with_args returns -ENOENT for index 1; of_thermal_zone_find\(\) counts every entry and fails with -ENOENT/);
  assertAt(ds[3], file, text, '<&bridge 0>');
  assert.match(ds[3].message, /^&bridge expects 0 cells, got 1\. .*snd_soc_of_get_dai_link_codecs\(\)\/_cpus\(\) count every entry/);
  // a provider reference in argument position: the specifier is short, reported once for the group
  assertAt(ds[4], file, text, '<&noc 7 &mc 1>');
  assert.equal(
    ds[4].message,
    '&noc expects 2 cells, got 1. &mc lands in argument position: ' +
      "the kernel takes its phandle as the 2nd argument cell and reads 0x1 as the next phandle (dtc's phandle of &gce), " +
      'which has no #interconnect-cells: index 1 and every later one fail to parse (of_parse_phandle_with_args)',
  );
  assert.equal(diags.length, 5);
});

test('status = "reserved": a reserved supplier never registers; a reserved consumer is no device', () => {
  const { diags, text, file } = analyze('status-reserved.dts');
  const ds = byCode(diags, 'supplier-disabled').filter((d) => !/^\d+ enabled devices? /.test(d.message));
  assert.equal(ds.length, 2, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '&fwclk 4');
  assert.match(ds[0].message, /^clocks supplier &fwclk is reserved \(left to firmware\)\. The kernel never creates it, so the driver of serial@3000 stays deferred/);
  assert.ok(ds[0].related?.some((x) => text.slice(x.start, x.end) === 'status = "reserved";' && x.message.endsWith('is reserved here')));
  assertAt(ds[1], file, text, '&fwrst 2');
  assert.match(ds[1].message, /^resets supplier &fwrst is reserved \(left to firmware\).*reset_control_get\(\)/);
  // the okay provider and the reserved dsp (its clocks entry included) give nothing
  assert.equal(diags.filter((d) => !/^\d+ enabled devices? /.test(d.message)).length, 2);
});

test('supplier-disabled: the kernel lookup of each binding (phys, power-domains, regulator supply, CPU clocks)', () => {
  const { diags, text, file } = analyze('supplier-disabled-kernel.dts');
  const ds = byCode(diags, 'supplier-disabled').filter((d) => !/^\d+ enabled devices? /.test(d.message));
  assert.equal(ds.length, 4, JSON.stringify(diags, null, 1));
  assertAt(ds[0], file, text, '&dfll');
  assert.match(ds[0].message, /^clocks supplier &dfll is disabled\. .*the cpufreq\/cpuidle driver that requests this clocks entry for CPU cpu@0 never probes \(it gets -EPROBE_DEFER for good/);
  assertAt(ds[1], file, text, '&usb_phy 1');
  assert.match(ds[1].message, /^phys supplier &usb_phy is disabled\. It never registers, so the driver of usb@c300 stays deferred .*\(phy_get\(\) and phy_optional_get\(\) return -EPROBE_DEFER for good\)/);
  assertAt(ds[2], file, text, '&aon 0');
  assert.match(ds[2].message, /^power-domains supplier &aon is reserved \(left to firmware\)\. The kernel never creates it, so &audiocc defers until the deferred-probe timeout, then fails to probe \(dev_pm_domain_attach\(\) returns -EPROBE_DEFER\)/);
  assert.ok(ds[2].related?.some((x) => text.slice(x.start, x.end) === 'status = "reserved";' && x.message.endsWith('is reserved here')));
  assertAt(ds[3], file, text, '&lvs1');
  assert.match(ds[3].message, /^vin-supply supplier &lvs1 is disabled\. It never registers, so the consumers of regulator &cam_vio never get it \(the regulator core never resolves its supply: regulator_get\(\) returns -EPROBE_DEFER for good\)/);
  assert.equal(diags.filter((d) => !/^\d+ enabled devices? /.test(d.message)).length, 4);
});

test('supplier-disabled / never-probes: disabled PHY port of a live provider, driverless GMU, scpi DVFS CPU clocks do not fire', () => {
  assert.deepEqual(analyze('supplier-disabled-kernel-ok.dts').diags.map((d) => `${d.code}: ${d.message}`), []);
});

test('iommu-stream-conflict: arm-smmu-v3 rejects a stream ID given twice; arm-smmu (v2) shares it', () => {
  const { diags, text, file } = analyze('iommu-stream-conflict.dts');
  const ds = byCode(diags, 'iommu-stream-conflict');
  assert.equal(ds.length, 2, JSON.stringify(diags, null, 1));
  assert.deepEqual(ds.map((d) => text.slice(d.start, d.end)).sort(), ['&smmu3 0x42', '&smmu3 0x42']);
  assert.ok(ds.some((d) => /^stream 0x42 on &smmu3 is also gpu@4000's\. &smmu3 \(arm-smmu-v3\) gives a stream to one device/.test(d.message)));
  assert.ok(ds.every((d) => /arm_smmu_insert_master: "stream 66 already in tree from dev …", -EINVAL/.test(d.message) && d.severity === 'warning'));
  assert.ok(ds.every((d) => d.related?.length === 1));
  // the raw number 2 in phandle position names &smmu2 only by dtc's numbering
  const raw = byCode(diags, 'raw-phandle-unstable');
  assert.equal(raw.length, 1);
  assertAtIn(raw[0], file, text, 'iommus = <2 0x9>', '2');
  assert.match(raw[0].message, /^raw phandle 0x2 is &smmu2 only by dtc's numbering\. .*Write &smmu2$/);
});

test('a defect in one unit of a check is one internal error, the other units checked, the same run whole or one by one', async () => {
  const os = await import('node:os');
  const { runChecks, runChecksEach } = await import('../../server/src/checks');
  const { checkCells } = await import('../../server/src/checks/cells');
  const { drain } = await import('../../server/src/base/slice');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-unit-defect-'));
  const board = path.join(dir, 'board.dts');
  fs.writeFileSync(board, '/dts-v1/;\n/ {\n\tclk: clk { #clock-cells = <1>; };\n\ta { clocks = <&clk 1 2>; };\n\tb { clocks = <&clk>; };\n\tc { clocks = <&clk 3 4>; };\n};\n');
  const a = new AnalysisHost(new NodeFileSystem(), { autoDetectIncludePaths: false }).analyze(board);
  const input = { tree: a.tree, graph: a.graph, model: a.model, map: a.pp.map, flavour: a.flavour, kernel: a.kernel };
  const units = checkCells.units;
  const one = units.one;
  units.one = (ctx, r, u) => {
    if (u.node.name === 'b') throw new Error('boom');
    one(ctx, r, u);
  };
  try {
    const whole = runChecks(input);
    const each = drain(runChecksEach(input)).flatMap((r) => r!.out);
    assert.deepEqual(each, whole);
    assert.equal(whole.filter((d) => d.code === 'internal-error' && /checkCells: boom/.test(d.message)).length, 1);
    assert.equal(whole.filter((d) => d.code === 'phandle-cells-mismatch').length, 2, 'a and c checked');
  } finally {
    units.one = one;
  }
});

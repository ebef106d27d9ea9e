// The kernel configuration and command line (server/src/kernel/), the probe report
// (server/src/model/probe/) and where users see it: `dts-check --probe-report`, the hover's probe
// section, the Explain Probe Order request and the raw-phandle quick fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import { MemoryFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { main } from '../../server/src/cli/dts-check';
import { getCodeActions, getHover, getProbeExplanation } from '../../server/src/features';
import { effectiveCommandLine, parseCommandLine, splitCommandLine } from '../../server/src/kernel/cmdline';
import { resolveKernelEnvironment } from '../../server/src/kernel/environment';
import { describeSymbol, parseKernelConfig } from '../../server/src/kernel/kconfig';

const ORACLE = path.resolve(__dirname, '../../../test/oracle');

test('kconfig: a .config (absent symbols are off) and a defconfig (absent symbols take their default)', () => {
  const cfg = parseKernelConfig('#\n# Automatically generated file; DO NOT EDIT.\n#\nCONFIG_MODULES=y\nCONFIG_ARM_SMMU_V3=m\n# CONFIG_EXYNOS_IOMMU is not set\nCONFIG_CMDLINE="console=ttyAMA0 fw_devlink.strict=1"\nCONFIG_NR_CPUS=64\n', '/k/.config', 'tree');
  assert.equal(cfg.kind, 'config');
  assert.equal(cfg.tristate('MODULES'), 'y');
  assert.equal(cfg.tristate('CONFIG_ARM_SMMU_V3'), 'm');
  assert.equal(cfg.tristate('EXYNOS_IOMMU'), 'n');
  assert.equal(cfg.tristate('IPMMU_VMSA'), 'n');
  assert.equal(cfg.value('CMDLINE'), 'console=ttyAMA0 fw_devlink.strict=1');
  assert.equal(cfg.value('NR_CPUS'), '64');
  const def = parseKernelConfig('CONFIG_ARM_SMMU=y\nCONFIG_VIRTIO_IOMMU=m\n', '/k/arch/arm64/configs/defconfig', 'defconfig');
  assert.equal(def.kind, 'defconfig');
  assert.equal(def.tristate('IPMMU_VMSA'), 'default');
  assert.match(describeSymbol(def, 'IPMMU_VMSA'), /not in the defconfig/);
  assert.equal(describeSymbol(cfg, 'ARM_SMMU_V3'), 'CONFIG_ARM_SMMU_V3=m');
  // never throws on junk
  assert.equal(parseKernelConfig('\u0000garbage\nCONFIG_=\n=y\n', 'x', 'given').size, 0);
});

test('cmdline: the parameters that change probe outcomes, parsed as the kernel does', () => {
  assert.deepEqual(splitCommandLine('a "b c" d="e f"'), ['a', 'b c', 'd=e f']);
  const c = parseCommandLine('console=ttyAMA0 fw_devlink=on fw-devlink.strict=y deferred_probe_timeout=30 module_blacklist=virtio-iommu,foo -- fw_devlink=off', 'test');
  assert.equal(c.fwDevlink, 'on');
  assert.equal(c.fwDevlinkStrict, true);
  assert.equal(c.deferredProbeTimeout, 30);
  assert.deepEqual(c.moduleBlacklist, ['virtio_iommu', 'foo']);
  assert.equal(parseCommandLine('fw_devlink.strict=0', 't').fwDevlinkStrict, false);
  assert.equal(parseCommandLine('fw_devlink.strict', 't').fwDevlinkStrict, false, 'kstrtobool(NULL) fails: unchanged');
  assert.equal(parseCommandLine('fw_devlink.strict=on', 't').fwDevlinkStrict, true);
  assert.equal(parseCommandLine('deferred_probe_timeout=-1', 't').deferredProbeTimeout, -1);
  assert.equal(parseCommandLine('fw_devlink=bogus', 't').fwDevlink, 'rpm');
  // CONFIG_CMDLINE: a default, appended (CMDLINE_EXTEND) or forced (CMDLINE_FORCE), as drivers/of/fdt.c does
  const base = 'CONFIG_CMDLINE="fw_devlink.strict=1"\n';
  const dflt = parseKernelConfig(base + '# CONFIG_CMDLINE_FORCE is not set\n', 'c', 'given', 'config');
  assert.equal(effectiveCommandLine({ text: 'quiet', source: 'b' }, dflt).fwDevlinkStrict, false);
  assert.equal(effectiveCommandLine(undefined, dflt).fwDevlinkStrict, true);
  const ext = parseKernelConfig(base + 'CONFIG_CMDLINE_EXTEND=y\n', 'c', 'given', 'config');
  assert.equal(effectiveCommandLine({ text: 'quiet', source: 'b' }, ext).text, 'quiet fw_devlink.strict=1');
  const force = parseKernelConfig(base + 'CONFIG_CMDLINE_FORCE=y\n', 'c', 'given', 'config');
  const f = effectiveCommandLine({ text: 'fw_devlink=off', source: 'b' }, force);
  assert.equal(f.fwDevlink, 'rpm');
  assert.match(f.source, /CMDLINE_FORCE/);
});

const BOARD = `/dts-v1/;
/ {
	chosen { bootargs = "console=ttyS0 fw_devlink.strict=1"; };
	soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		smmu: iommu@1000 { compatible = "arm,smmu-v3"; reg = <0x1000 0x100>; #iommu-cells = <1>; };
		rtc@2000 { compatible = "arm,pl031", "arm,primecell"; reg = <0x2000 0x100>; iommus = <&smmu 0x10>; };
	};
};
`;

function linuxTree(extra: Record<string, string>): MemoryFileSystem {
  return new MemoryFileSystem({
    '/linux/scripts/dtc/include-prefixes/.keep': '',
    '/linux/Kconfig': '',
    '/linux/arch/arm64/boot/dts/vendor/board.dts': BOARD,
    '/linux/arch/arm64/configs/defconfig': 'CONFIG_ARM_SMMU_V3=y\nCONFIG_RTC_DRV_PL031=y\n',
    ...extra,
  });
}

test('kernel environment, zero configuration: the tree .config, then the build output, then the defconfig; always named', () => {
  const board = '/linux/arch/arm64/boot/dts/vendor/board.dts';
  const analyze = (fs: MemoryFileSystem, kernel = {}) => new AnalysisHost(fs, { autoDetectIncludePaths: false, kernel }).analyze(board);
  let a = analyze(linuxTree({}));
  assert.equal(a.kernel.config?.source, '/linux/arch/arm64/configs/defconfig');
  assert.match(a.kernel.description, /^configuration: \/linux\/arch\/arm64\/configs\/defconfig \(the tree's defconfig \(no \.config found\)\); command line: "console=ttyS0 fw_devlink.strict=1" \(\/chosen\/bootargs\)$/);
  assert.equal(a.kernel.cmdline.fwDevlinkStrict, true);
  a = analyze(linuxTree({ '/out/.config': '# Automatically generated file; DO NOT EDIT.\nCONFIG_MODULES=y\n' }), { buildOutput: '/out' });
  assert.equal(a.kernel.config?.source, '/out/.config');
  assert.equal(a.kernel.config?.origin, 'build-output');
  a = analyze(linuxTree({ '/linux/.config': '# Automatically generated file; DO NOT EDIT.\n# CONFIG_MODULES is not set\n', '/out/.config': 'CONFIG_MODULES=y\n' }), { buildOutput: '/out' });
  assert.equal(a.kernel.config?.source, '/linux/.config');
  assert.equal(a.kernel.modules, false);
  assert.equal(a.kernel.deferredProbeTimeout, 0, 'without CONFIG_MODULES dependencies are ignored when initcalls end');
  // the given configuration and command line win; the command line replaces /chosen/bootargs
  a = analyze(linuxTree({ '/my.config': 'CONFIG_MODULES=y\n' }), { kconfig: '/my.config', cmdline: 'deferred_probe_timeout=30', cmdlineSource: '--cmdline' });
  assert.equal(a.kernel.config?.source, '/my.config');
  assert.equal(a.kernel.cmdline.fwDevlinkStrict, false);
  assert.equal(a.kernel.deferredProbeTimeout, 30);
  assert.match(a.kernel.description, /command line: "deferred_probe_timeout=30" \(--cmdline\)/);
  // an unreadable given configuration is a diagnostic, not a crash
  a = analyze(linuxTree({}), { kconfig: '/missing.config' });
  assert.ok(a.diagnostics.some((d) => d.code === 'kernel-config-unreadable' && /missing\.config/.test(d.message)));
  assert.match(a.kernel.description, /^configuration: none found/);
  // outside a Linux tree: no configuration
  const lone = new AnalysisHost(new MemoryFileSystem({ '/x/board.dts': BOARD }), { autoDetectIncludePaths: false }).analyze('/x/board.dts');
  assert.equal(lone.kernel.config, undefined);
  const env = resolveKernelEnvironment(new MemoryFileSystem({}), '/x/board.dts', lone.tree, {});
  assert.match(env.description, /every driver assumed built in/);
});

test('probe report: outcomes with reasons (device creation, drivers under the configuration, IOMMU, links)', () => {
  const fs = linuxTree({ '/my.config': 'CONFIG_MODULES=y\nCONFIG_OF=y\nCONFIG_ARM_SMMU_V3=y\n# CONFIG_RTC_DRV_PL031 is not set\n' });
  const a = new AnalysisHost(fs, { autoDetectIncludePaths: false, kernel: { kconfig: '/my.config' } }).analyze('/linux/arch/arm64/boot/dts/vendor/board.dts');
  const r = a.probe();
  const by = (p: string) => r.devices.find((d) => d.path === p)!;
  assert.equal(by('/soc').outcome, 'probes');
  assert.equal(by('/soc/iommu@1000').outcome, 'probes');
  assert.equal(by('/soc/rtc@2000').outcome, 'no-driver');
  assert.match(by('/soc/rtc@2000').reasons.join(' '), /CONFIG_RTC_DRV_PL031 is not set in \/my\.config/);
  const b = new AnalysisHost(linuxTree({}), { autoDetectIncludePaths: false }).analyze('/linux/arch/arm64/boot/dts/vendor/board.dts').probe();
  const rtc = b.devices.find((d) => d.path === '/soc/rtc@2000')!;
  assert.equal(rtc.outcome, 'probes');
  assert.equal(rtc.iommu && rtc.iommu.name, 'iommu@1000');
  assert.ok(!b.devices.some((d) => d.path === '/chosen'), 'only device nodes are reported');
});

test('dts-check --probe-report: the text report and the JSON contract', () => {
  const file = path.join(ORACLE, 'h1-deadlock-supply/case.dts');
  const cfg = path.join(ORACLE, 'kernel.config');
  let out = '';
  let err = '';
  const code = main(['--probe-report', '--format', 'json', '--kconfig', cfg, '--cmdline', 'fw_devlink.strict=1', file], (s) => (out += s), (s) => (err += s));
  assert.equal(code, 0, err);
  const j = JSON.parse(out);
  assert.deepEqual(Object.keys(j).sort(), ['commandLine', 'configuration', 'devices']);
  assert.match(j.configuration, /kernel\.config \(given\)$/);
  assert.equal(j.commandLine, '"fw_devlink.strict=1" (--cmdline)');
  for (const d of j.devices) {
    assert.deepEqual(Object.keys(d), ['node', 'outcome', 'iommu', 'reasons']);
    assert.ok(['probes', 'probes-untranslated', 'waits-forever', 'fails', 'never-created', 'no-driver', 'unknown'].includes(d.outcome));
    assert.ok(d.iommu === null || d.iommu.startsWith('/'));
    assert.ok(d.reasons.length > 0, d.node);
  }
  const reg = j.devices.find((d: { node: string }) => d.node === '/reg-smmu');
  assert.equal(reg.outcome, 'probes');
  assert.equal(reg.iommu, '/smmuv3@9050000');
  out = '';
  // the report goes to stdout; the analysis' errors (here the probe deadlock) to stderr, and the exit status says so
  let errs = '';
  assert.equal(main(['--probe-report', '--kconfig', cfg, file], (s) => (out += s), (s) => (errs += s)), 1);
  assert.match(errs, /\[iommu-probe-deadlock\]/);
  assert.match(out, /^Probe report of .*case\.dts \(Linux 6\.12\)\nconfiguration: .*kernel\.config \(given\); command line: empty \(no \/chosen\/bootargs\)\n/);
  assert.match(out, /\n\/reg-smmu: probes untranslated \(its DMA faults\)\n {4}- driver reg-fixed-voltage \(CONFIG_REGULATOR_FIXED_VOLTAGE=m/);
  assert.match(out, /\n\d+ device nodes: /);
  // usage errors
  assert.equal(main(['--probe-report', file, file], () => undefined, () => undefined), 2);
  assert.equal(main(['--probe-report', '--format', 'sarif', file], () => undefined, () => undefined), 2);
});

test('editor: the hover of a device node has a probe section; Explain Probe Order explains the chain', () => {
  const file = path.join(ORACLE, 'h1-deadlock-supply/case.dts');
  const host = new AnalysisHost(new NodeFileSystem(), { autoDetectIncludePaths: false, kernel: { kconfig: path.join(ORACLE, 'kernel.config') } });
  const a = host.analyze(file);
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf('reg-smmu {');
  const h = getHover(a, file, at);
  assert.ok(h);
  const md = JSON.stringify(h);
  assert.match(md, /\*\*Probe \(Linux 6\.12\):\*\* probes untranslated \(its DMA faults\)/);
  assert.match(md, /configuration: .*kernel\.config \(given\); command line: empty/);
  const ex = getProbeExplanation(a, file, text.indexOf('iommus = '));
  assert.ok(ex);
  assert.equal(ex!.node, '/reg-smmu');
  assert.equal(ex!.outcome, 'probes-untranslated');
  assert.match(ex!.markdown, /^# \/reg-smmu: probes untranslated/);
  assert.match(ex!.markdown, /## Why\n\n- driver reg-fixed-voltage/);
  assert.match(ex!.markdown, /## Suppliers\n\n- \/smmuv3@9050000 \(iommus, optional for fw_devlink\): probes/);
  // a position outside any device node
  assert.equal(getProbeExplanation(a, file, 0), undefined);
});

test('raw-phandle quick fix: the references for the numbers, every raw phandle of the property at once', () => {
  const file = path.join(ORACLE, 'a-raw-phandles-mixed/case.dts');
  const host = new AnalysisHost(new NodeFileSystem(), { autoDetectIncludePaths: false });
  const a = host.analyze(file);
  const base = path.join(ORACLE, 'base/virt-smmuv3.dtsi');
  const d = a.diagnostics.find((x) => x.code === 'raw-phandle' && x.file === base && /^raw phandle 0x8003 is intc@8000000 \(and 15 more/.test(x.message));
  assert.ok(d, JSON.stringify(a.diagnostics.filter((x) => x.code === 'raw-phandle').map((x) => x.message)));
  const acts = getCodeActions(a, base, d!.start, d!.end, [d!]);
  assert.equal(acts.length, 1);
  assert.equal(acts[0].title, 'Write references for the 16 raw phandles of interrupt-map');
  assert.equal(acts[0].edits.length, 16);
  const baseText = fs.readFileSync(base, 'utf8');
  for (const e of acts[0].edits) {
    assert.equal(baseText.slice(e.start, e.end), '0x8003');
    assert.equal(e.newText, '&{/intc@8000000}');
  }
});

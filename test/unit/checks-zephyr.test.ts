// Supplier checks speak Zephyr in Zephyr trees: a disabled supplier is a DEVICE_DT_GET() link error (no probe
// deferral, no fw_devlink), a dependency cycle stops the build, and the Linux IOMMU checks do not run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisHost } from '../../server/src/analysis';
import { MemoryFileSystem } from '../../server/src/base/fs';
import type { Flavour } from '../../server/src/workspace/flavour';

const TREE = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	clk: clock-controller@1000 {
		compatible = "acme,clk";
		reg = <0x1000 0x10>;
		#clock-cells = <1>;
		status = "disabled";
	};
	smmu: iommu@2000 {
		compatible = "arm,smmu-v3";
		reg = <0x2000 0x10>;
		#iommu-cells = <1>;
		status = "disabled";
	};
	uart@3000 {
		compatible = "acme,uart";
		reg = <0x3000 0x10>;
		clocks = <&clk 4>;
		iommus = <&smmu 1>;
	};
	a: a@4000 {
		compatible = "acme,a";
		reg = <0x4000 0x10>;
		#clock-cells = <0>;
		clocks = <&b>;
	};
	b: b@5000 {
		compatible = "acme,b";
		reg = <0x5000 0x10>;
		#clock-cells = <0>;
		clocks = <&a>;
	};
};
`;

function run(flavour: Flavour): { code: string; message: string }[] {
  const fs = new MemoryFileSystem({ '/b.dts': TREE });
  return new AnalysisHost(fs, { flavour }).analyze('/b.dts').diagnostics.map((d) => ({ code: d.code, message: d.message }));
}

test('Zephyr: a disabled supplier is a DEVICE_DT_GET link error, a cycle stops the build, no IOMMU checks, no Linux words', () => {
  const z = run('zephyr');
  assert.deepEqual(z.map((d) => d.code).sort(), ['dependency-cycle', 'supplier-disabled']);
  const sd = z.find((d) => d.code === 'supplier-disabled')!;
  assert.match(sd.message, /^clocks supplier &clk is disabled\. Zephyr creates no device for it: .*DEVICE_DT_GET\(\) fails to link \(undefined reference to __device_dts_ord_N\)/);
  assert.match(z.find((d) => d.code === 'dependency-cycle')!.message, /^dependency cycle: &a, &b\. Zephyr's build stops: gen_defines\.py reports "cycle in devicetree involving"/);
  for (const d of z) assert.doesNotMatch(d.message, /fw_devlink|EPROBE_DEFER|deferred|probe|IOMMU|kernel|of_/, d.message);
});

test('the same tree as Linux keeps the kernel wording (and the IOMMU checks)', () => {
  const l = run('linux');
  assert.ok(l.some((d) => d.code === 'supplier-disabled' && /IOMMU &smmu is disabled/.test(d.message)));
  assert.ok(l.some((d) => /fw_devlink|EPROBE_DEFER/.test(d.message)));
});

// IOMMU model (data + loader + lookups) and the supplier graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { bindingForProperty, findIommuFamily, iommuCellNames, loadIommuModel } from '../../server/src/model/iommu';
import type { SupplierEdge } from '../../server/src/model/types';
import { nodePath } from '../../server/src/tree/types';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/model');

test('embedded model: kernel 6.12, 17 driver families, 40 fw_devlink bindings', () => {
  const { model, diagnostics } = loadIommuModel();
  assert.deepEqual(diagnostics, []);
  assert.equal(model.kernel, '6.12');
  assert.equal(model.families.length, 17);
  assert.equal(model.bindings.length, 40);
  assert.deepEqual(
    model.bindings.filter((b) => b.optional).map((b) => b.name),
    ['iommus', 'iommu-map', 'dmas'],
  );
  assert.deepEqual(model.bindings.filter((b) => b.ignore).map((b) => b.name), ['post-init-providers']);
  const tristate = model.families.filter((f) => f.driver?.tristate).map((f) => f.driver!.kconfig).sort();
  assert.deepEqual(tristate, ['APPLE_DART', 'ARM_SMMU', 'ARM_SMMU_V3', 'MTK_IOMMU', 'MTK_IOMMU_V1', 'SPRD_IOMMU', 'VIRTIO_IOMMU']);
  const once = model.families.filter((f) => f.driver && !f.driver.canDeferProbe).map((f) => f.id);
  assert.deepEqual(once, ['sun50i-iommu']);
});

test('lookup by compatible: most specific first, fallbacks, cells and cell names', () => {
  const { model } = loadIommuModel();
  const qc = findIommuFamily(model, ['qcom,sm8550-smmu-500', 'qcom,smmu-500', 'arm,mmu-500'])!;
  assert.equal(qc.family.id, 'arm-smmu');
  assert.equal(qc.compatible, 'qcom,sm8550-smmu-500');
  assert.equal(qc.driverMatched, true);
  assert.deepEqual(qc.family.iommuCells, [1, 2]);
  assert.deepEqual(iommuCellNames(qc.family, 2), ['stream ID', 'SMR mask']);
  assert.deepEqual(iommuCellNames(qc.family, 1), ['stream ID']);

  const rk = findIommuFamily(model, ['rockchip,rk3588-iommu'])!;
  assert.equal(rk.family.id, 'rockchip-iommu');
  assert.equal(rk.driverMatched, false);
  assert.deepEqual(rk.missingFallbacks, ['rockchip,rk3568-iommu']);
  assert.equal(findIommuFamily(model, ['rockchip,rk3588-iommu', 'rockchip,rk3568-iommu'])!.driverMatched, true);

  const gart = findIommuFamily(model, ['nvidia,tegra20-mc-gart'])!;
  assert.equal(gart.family.driver, null);
  assert.equal(gart.driverMatched, false);
  assert.equal(findIommuFamily(model, ['acme,unknown']), undefined);
  assert.equal(findIommuFamily(model, ['virtio,mmio'])!.driverMatched, true);
  assert.deepEqual(findIommuFamily(model, ['samsung,exynos-sysmmu'])!.family.iommuCells, [0]);
});

test('binding lookup: exact names, suffixes, exclusions', () => {
  const { model } = loadIommuModel();
  const name = (p: string) => bindingForProperty(model, p)?.name;
  assert.equal(name('clocks'), 'clocks');
  assert.equal(name('vdd-supply'), '*-supply');
  assert.equal(name('-supply'), undefined);
  assert.equal(name('reset-gpios'), '*-gpios');
  assert.equal(name('snps,nr-gpios'), undefined);
  assert.equal(name('enable-gpio'), '*-gpio');
  assert.equal(name('gpios'), 'gpios');
  assert.equal(name('pinctrl-8'), 'pinctrl-8');
  assert.equal(name('pinctrl-9'), undefined);
  assert.equal(name('interrupts-extended'), 'interrupts');
  assert.equal(name('cooling-device'), undefined);
  assert.equal(bindingForProperty(model, 'msi-parent')?.cellsOptional, true);
});

test('override: valid families added, invalid entries reported and ignored, never throws', () => {
  const json = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'override-bad.json'), 'utf8'));
  const { model, diagnostics } = loadIommuModel(json);
  assert.equal(model.kernel, '6.12-vendor');
  assert.equal(model.families.length, 18);
  const acme = findIommuFamily(model, ['acme,super-iommu'])!;
  assert.equal(acme.family.id, 'acme-iommu');
  assert.equal(acme.family.driver?.tristate, true);
  assert.ok(diagnostics.every((d) => d.code === 'iommu-model-invalid' && d.severity === 'error'));
  const msgs = diagnostics.map((d) => d.message);
  assert.ok(msgs.some((m) => /families\[1\] \("broken"\): "compatibles" must be a non-empty array of strings; entry ignored/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /families\[1\] \("broken"\): "iommuCells" must be a non-empty array of integers/.test(m)));
  assert.ok(msgs.some((m) => /families\[2\]: must be an object/.test(m)));
  assert.equal(loadIommuModel('nonsense').diagnostics[0].message, 'IOMMU model override must be a JSON object with a "families" array; ignored');
  assert.equal(loadIommuModel({ families: 3 }).diagnostics.length, 1);
  // the built-in model is untouched
  assert.equal(loadIommuModel().model.families.length, 17);
  // an override replacing a built-in family by id
  const repl = loadIommuModel({ families: [{ id: 'exynos-sysmmu', compatibles: ['samsung,exynos-sysmmu'], iommuCells: [0, 1], driver: { name: 'exynos-iommu', tristate: true } }] });
  assert.deepEqual(repl.diagnostics, []);
  assert.deepEqual(findIommuFamily(repl.model, ['samsung,exynos-sysmmu'])!.family.iommuCells, [0, 1]);
  assert.equal(repl.model.families.length, 17);
});

function edgesOf(edges: SupplierEdge[], consumer: string, binding?: string) {
  return edges.filter((e) => nodePath(e.consumer) === consumer && (!binding || e.binding === binding));
}

test('supplier graph: bindings decoded with kernel semantics', () => {
  const file = path.join(FIXTURES, 'graph.dts');
  const text = fs.readFileSync(file, 'utf8');
  const a = new AnalysisHost(new NodeFileSystem(), { autoDetectIncludePaths: false }).analyze(file);
  const edges = a.graph.edges;
  const src = (e: SupplierEdge) => {
    const r = a.pp.map.toFileRange(e.span.start, e.span.end);
    return text.slice(r.start, r.end);
  };
  const uart = '/soc/serial@7000';
  // clocks = <0>, <&clk 5>: the 0 phandle is an empty entry (index 0)
  const clocks = edgesOf(edges, uart, 'clocks');
  assert.equal(clocks.length, 1);
  assert.equal(clocks[0].index, 1);
  assert.equal(nodePath(clocks[0].supplier), '/clock-controller@3000');
  assert.deepEqual(clocks[0].args.map((c) => c.value), [5n]);
  assert.equal(src(clocks[0]), '&clk 5');
  assert.equal(clocks[0].cellsProperty, '#clock-cells');
  // interrupts through the interrupt-parent inherited from the root
  const irq = edgesOf(edges, uart, 'interrupts');
  assert.equal(irq.length, 1);
  assert.equal(nodePath(irq[0].supplier), '/interrupt-controller@1000');
  assert.equal(src(irq[0]), '0 20 4');
  // gpio controller's own two interrupts
  assert.equal(edgesOf(edges, '/gpio@2000', 'interrupts').length, 2);
  // gpio-hog is skipped
  assert.equal(edgesOf(edges, '/gpio@2000/hog', 'gpios').length, 0);
  // pinctrl-0, *-supply, *-gpios; snps,nr-gpios is not a binding
  assert.equal(nodePath(edgesOf(edges, uart, 'pinctrl-0')[0].supplier), '/pinctrl@6000/uart-default');
  assert.equal(nodePath(edgesOf(edges, uart, '*-supply')[0].supplier), '/regulator');
  const g = edgesOf(edges, uart, '*-gpios');
  assert.equal(g.length, 1);
  assert.equal(src(g[0]), '&gpio 7 0');
  // missing #power-domain-cells: fw_devlink reads it as 0 and records it
  const pd = edgesOf(edges, uart, 'power-domains');
  assert.equal(nodePath(pd[0].supplier), '/thing@4000');
  assert.equal(pd[0].missingCells, true);
  // interrupts-extended, iommu-map 4-cell rows (optional)
  const pcie = '/soc/pcie@8000';
  const ie = edgesOf(edges, pcie, 'interrupts');
  assert.equal(ie.length, 1);
  assert.equal(nodePath(ie[0].supplier), '/gpio@2000');
  assert.equal(src(ie[0]), '&gpio 3 1');
  const im = edgesOf(edges, pcie, 'iommu-map');
  assert.equal(im.length, 2);
  assert.equal(src(im[1]), '0x100 &smmu 0x200 0x100');
  assert.deepEqual(im[1].args.map((c) => c.value), [0x100n, 0x200n, 0x100n]);
  assert.ok(im.every((e) => e.optional && nodePath(e.supplier) === '/iommu@5000'));
  // remote-endpoint: port parent -> remote port parent, ignored for cycles
  const re = edges.filter((e) => e.binding === 'remote-endpoint');
  assert.deepEqual(re.map((e) => `${nodePath(e.consumer)} -> ${nodePath(e.supplier)}`).sort(), [
    '/soc/display -> /soc/panel',
    '/soc/panel -> /soc/display',
  ]);
  assert.ok(re.every((e) => e.ignoreForCycles));
  // parent edges and the query helpers
  const parentEdge = edgesOf(edges, uart, 'parent');
  assert.equal(parentEdge.length, 1);
  assert.equal(nodePath(parentEdge[0].supplier), '/soc');
  const uartNode = parentEdge[0].consumer;
  assert.ok(a.graph.suppliersOf(uartNode).includes(parentEdge[0]));
  assert.ok(a.graph.consumersOf(clocks[0].supplier).includes(clocks[0]));
});

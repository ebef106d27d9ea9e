import assert from 'node:assert/strict';
import { test } from 'node:test';
import { incomingCalls, outgoingCalls, prepareCallHierarchy } from '../../server/src/features';
import { analyze, at, range, SOC } from './features-fixture';

test('call hierarchy: consumers are incoming calls, suppliers outgoing calls', () => {
  const a = analyze();
  const items = prepareCallHierarchy(a, SOC, at(SOC, 'apps_smmu: iommu', 1));
  assert.equal(items.length, 1);
  const smmu = items[0];
  assert.equal(smmu.name, 'apps_smmu');
  assert.equal(smmu.path, '/soc@0/iommu@15000000');
  assert.equal(smmu.detail, '/soc@0/iommu@15000000 (qcom,sm8550-smmu-500)');
  assert.equal(smmu.file, SOC);
  assert.deepEqual(smmu.selectionRange, range(SOC, 'iommu@15000000'));
  assert.equal(smmu.range.start, at(SOC, 'apps_smmu: iommu'));

  const inc = incomingCalls(a, smmu);
  assert.deepEqual(inc.map((c) => c.from.path), ['/soc@0/serial@a00000', '/soc@0/gpu@3d00000']);
  assert.deepEqual(inc[0].fromRanges, [range(SOC, '&apps_smmu 0x100 0x0')]);
  assert.deepEqual(inc[1].fromRanges, [range(SOC, '&apps_smmu DEMO_SID(0x8, 0x0) DEMO_SMR_MASK'), range(SOC, '&apps_smmu 0x801 0x400')]);

  const out = outgoingCalls(a, smmu);
  assert.deepEqual(out.map((c) => c.to.name), ['gcc']);
  assert.deepEqual(out[0].fromRanges, [range(SOC, '&gcc DEMO_CLK_SMMU')]);

  // from a specifier cell: the supplier
  assert.equal(prepareCallHierarchy(a, SOC, at(SOC, '0x801', 1))[0].path, '/soc@0/iommu@15000000');
  assert.deepEqual(incomingCalls(a, { ...smmu, path: '/nope' }), []);
});

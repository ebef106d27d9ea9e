// The probe report of each oracle case held against what the real kernel did (kernel.json,
// recorded by `npm run kernel-oracle`). Used by test/unit/oracle.test.ts and printed by
// `node out/test/oracle/compare.js` (every disagreement, with both sides' reasons).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/analysis';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { parseCommandLine } from '../../server/src/kernel/cmdline';
import type { DeviceResult } from '../../server/src/model/probe/types';
import type { OracleCase, OracleRecord } from '../../scripts/kernel-oracle-parse';

export const ORACLE_DIR = path.resolve(__dirname, '../../../test/oracle');

export interface CaseComparison {
  name: string;
  c: OracleCase;
  record: OracleRecord;
  devices: { node: string; kernel: { outcome: string; iommu: string | null; detail: string }; predicted?: DeviceResult; agree: boolean }[];
  diagnostics: { code: string; message: string; file: string; start: number; node?: string; property?: string }[];
}

export function oracleCases(): string[] {
  return fs.readdirSync(ORACLE_DIR).filter((n) => fs.existsSync(path.join(ORACLE_DIR, n, 'kernel.json'))).sort();
}

/** The case's boot as analysis options: the recorded kernel's configuration, the exact command line, the modules loaded after the timeout. */
export function caseKernelOptions(c: OracleCase, record: OracleRecord) {
  const cl = parseCommandLine(record.append, 'the oracle case');
  const timeout = cl.deferredProbeTimeout ?? 10;
  // the timeout fires `timeout` s after the last driver registration (the boot modules), after which the late ones load
  const late = c.lateModules && timeout >= 0 && c.lateModules.after >= timeout ? c.lateModules.names : [];
  return { kconfig: path.join(ORACLE_DIR, 'kernel.config'), cmdline: record.append, cmdlineSource: 'the oracle case (QEMU -append)', lateModules: late };
}

export function compareCase(name: string, host?: AnalysisHost): CaseComparison {
  const dir = path.join(ORACLE_DIR, name);
  const c: OracleCase = { name, ...JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) };
  const record: OracleRecord = JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
  const h = host ?? new AnalysisHost(new NodeFileSystem(), { autoDetectIncludePaths: false, kernel: caseKernelOptions(c, record) });
  if (host) h.setOptions({ autoDetectIncludePaths: false, kernel: caseKernelOptions(c, record) });
  const a = h.analyze(path.join(dir, 'case.dts'));
  const report = a.probe();
  const byPath = new Map(report.devices.map((d) => [d.path, d]));
  const devices = record.devices.map((k) => {
    const p = byPath.get(k.node);
    const detail = [k.driver ? `driver ${k.driver}` : '', k.iommuGroup !== null ? `group ${k.iommuGroup}` : '', k.deferred !== null ? `deferred: ${k.deferred || '(no reason)'}` : '', k.failed ?? ''].filter(Boolean).join(', ');
    const agree = !!p && p.outcome === k.outcome && (p.iommu ? p.path && pathOf(p.iommu) : null) === k.iommu;
    return { node: k.node, kernel: { outcome: k.outcome, iommu: k.iommu, detail }, predicted: p, agree };
  });
  return { name, c, record, devices, diagnostics: a.diagnostics.map((d) => ({ code: d.code, message: d.message, file: d.file, start: d.start, node: d.node, property: d.property })) };
}

function pathOf(n: NonNullable<DeviceResult['iommu']>): string {
  const parts: string[] = [];
  for (let p: typeof n | undefined = n; p && p.parent; p = p.parent) parts.push(p.name);
  return '/' + parts.reverse().join('/');
}

if (require.main === module) {
  let total = 0;
  let agree = 0;
  const only = process.argv.slice(2);
  for (const name of oracleCases()) {
    const r = compareCase(name);
    for (const d of r.devices) {
      total++;
      if (d.agree) { agree++; continue; }
      if (only.length && !only.includes(name)) continue;
      console.log(`${name} ${d.node}: kernel ${d.kernel.outcome}${d.kernel.iommu ? ` behind ${d.kernel.iommu}` : ''} (${d.kernel.detail}); predicted ${d.predicted ? `${d.predicted.outcome}${d.predicted.iommu ? ` behind ${pathOf(d.predicted.iommu)}` : ''}` : 'nothing'}`);
      for (const why of d.predicted?.reasons ?? []) console.log(`    - ${why}`);
    }
  }
  console.log(`agreement: ${agree}/${total} devices (${((100 * agree) / Math.max(1, total)).toFixed(1)}%)`);
}

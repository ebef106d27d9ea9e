// The probe report as text and as JSON (the contract of `dts-check --probe-report`), and one
// device's explanation for the hover and the Explain Probe Order command.
import { nodePath } from '../../tree/types';
import type { DeviceResult, ProbeOutcome, ProbeReport } from './types';

/** `dts-check --probe-report FILE --format json` (README: the probe report). */
export interface ProbeReportJson {
  configuration: string;
  commandLine: string;
  devices: { node: string; outcome: ProbeOutcome; iommu: string | null; reasons: string[] }[];
}

const OUTCOME_WORDS: Record<ProbeOutcome, string> = {
  probes: 'probes',
  'probes-untranslated': 'probes untranslated',
  'waits-forever': 'waits forever',
  fails: 'fails',
  'never-created': 'never created',
  'no-driver': 'no driver',
  unknown: 'unknown',
};

function splitEnvironment(env: string): { configuration: string; commandLine: string } {
  const m = /^configuration: (.*); command line: (.*)$/.exec(env);
  return m ? { configuration: m[1], commandLine: m[2] } : { configuration: env, commandLine: '' };
}

export function probeReportJson(report: ProbeReport): ProbeReportJson {
  return {
    ...splitEnvironment(report.environment),
    devices: report.devices.map((d) => ({ node: d.path, outcome: d.outcome, iommu: d.iommu ? nodePath(d.iommu) : null, reasons: d.reasons })),
  };
}

/** One line: `probes behind /smmuv3@9050000`, `waits forever (for /pl061@9030000: gpios)`. */
export function outcomeLine(d: DeviceResult): string {
  let s = OUTCOME_WORDS[d.outcome];
  if (d.outcome === 'probes' && d.iommu) s += ` behind ${nodePath(d.iommu)}`;
  if (d.outcome === 'probes-untranslated' && d.dmaBlocked) s += ' (its DMA faults)';
  if (d.blockers.length) s += ` (for ${d.blockers.map((b) => `${nodePath(b.node)}: ${b.via}`).join(', ')})`;
  return s;
}

export function formatProbeReportText(report: ProbeReport, file: string): string {
  const lines: string[] = [`Probe report of ${file} (Linux 6.12)`, report.environment, ''];
  const counts = new Map<ProbeOutcome, number>();
  for (const d of report.devices) {
    counts.set(d.outcome, (counts.get(d.outcome) ?? 0) + 1);
    lines.push(`${d.path}: ${outcomeLine(d)}`);
    for (const r of d.reasons) lines.push(`    - ${r}`);
  }
  lines.push('');
  lines.push(`${report.devices.length} device nodes: ${[...counts].map(([o, n]) => `${n} ${OUTCOME_WORDS[o]}`).join(', ')}`);
  return lines.join('\n') + '\n';
}

/** Markdown for the hover's probe section and the Explain Probe Order command. */
export function explainDeviceMarkdown(d: DeviceResult, environment: string): string {
  const out = [`**Probe (Linux 6.12):** ${outcomeLine(d)}`, ''];
  for (const r of d.reasons) out.push(`- ${r}`);
  out.push('', `_${environment}_`);
  return out.join('\n');
}

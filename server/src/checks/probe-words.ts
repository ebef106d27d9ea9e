// Wording shared by the checks whose outcome depends on the kernel configuration and command
// line: they say what the probe simulation predicts, and under which kernel.
import type { KernelEnvironment } from '../kernel/environment';
import type { DeviceResult } from '../model/probe/types';

/** The parameters in force that change probe outcomes, e.g. `fw_devlink.strict=1, deferred_probe_timeout=30`. */
export function commandLineWords(env: KernelEnvironment): string {
  const cl = env.cmdline;
  const parts: string[] = [];
  if (cl.fwDevlink !== 'rpm') parts.push(`fw_devlink=${cl.fwDevlink}`);
  if (cl.fwDevlinkStrict) parts.push('fw_devlink.strict=1');
  if (cl.deferredProbeTimeout !== undefined) parts.push(`deferred_probe_timeout=${cl.deferredProbeTimeout}`);
  if (cl.moduleBlacklist.length) parts.push(`module_blacklist=${cl.moduleBlacklist.join(',')}`);
  return parts.length ? parts.join(', ') : 'the default command line';
}

/** Short words for the kernel the prediction assumes: `under defconfig, fw_devlink.strict=1`. */
export function kernelWords(env: KernelEnvironment): string {
  const cfg = env.config ? env.config.source.replace(/^.*\/(arch\/[^/]+\/configs\/)/, '$1').replace(/^.*\/(?=[^/]+$)/, '') : 'no kernel configuration';
  return `${cfg}; ${commandLineWords(env)}`;
}

/** What happens to a device, in a few words: "probes untranslated at the deferred-probe timeout". */
export function outcomeWords(d: DeviceResult | undefined): string {
  if (!d) return 'is no device';
  const timeout = d.reasons.some((r) => /deferred-probe timeout/.test(r));
  switch (d.outcome) {
    case 'probes': return d.iommu ? 'probes behind its IOMMU' : 'probes';
    case 'probes-untranslated':
      return `probes without its IOMMU${timeout ? ' at the deferred-probe timeout' : ''}${d.dmaBlocked ? ' and its DMA faults' : ', DMAing untranslated'}`;
    case 'waits-forever': return 'never probes (it stays deferred)';
    case 'fails': return /-110/.test(d.reasons.join(' ')) ? 'fails at the deferred-probe timeout (-110)' : 'fails to probe';
    case 'never-created': return 'is never created';
    case 'no-driver': return 'gets no driver';
    default: return 'has an outcome the model cannot tell';
  }
}

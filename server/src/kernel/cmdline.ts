// The kernel command line as the probe simulation reads it: the parameters that change probe
// outcomes (Linux 6.12).
//  - fw_devlink=off|permissive|on|rpm (drivers/base/core.c fw_devlink_setup; default rpm);
//  - fw_devlink.strict=<bool> (core.c fw_devlink_strict_setup, kstrtobool; default off): the
//    optional bindings iommus, iommu-map and dmas become device links (drivers/of/property.c
//    of_link_property skips them otherwise);
//  - deferred_probe_timeout=<int> (drivers/base/dd.c; default 10 with CONFIG_MODULES, else 0);
//    a negative value starts no timer, so dependencies are never ignored;
//  - module_blacklist=<a,b> (kernel/module/main.c): those modules never load.
// Parameter names treat '-' and '_' alike (kernel/params.c parameq). Where it comes from follows
// drivers/of/fdt.c early_init_dt_scan_chosen: /chosen/bootargs, then CONFIG_CMDLINE appended
// (CMDLINE_EXTEND), instead (CMDLINE_FORCE) or when bootargs are empty.
import type { KernelConfig } from './kconfig';

export type FwDevlinkMode = 'off' | 'permissive' | 'on' | 'rpm';

export interface KernelCommandLine {
  /** the effective command line text */
  text: string;
  /** where it came from, for messages: '--cmdline', 'the devicetree.kernelCommandLine setting', '/chosen/bootargs', ... */
  source: string;
  fwDevlink: FwDevlinkMode;
  fwDevlinkStrict: boolean;
  /** deferred_probe_timeout= when given */
  deferredProbeTimeout?: number;
  moduleBlacklist: string[];
}

/** Split like the kernel's next_arg(): spaces separate, double quotes group (and are removed). */
export function splitCommandLine(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  let any = false;
  for (const ch of text) {
    if (ch === '"') {
      inQuote = !inQuote;
      any = true;
      continue;
    }
    if (!inQuote && /\s/.test(ch)) {
      if (any) out.push(cur);
      cur = '';
      any = false;
      continue;
    }
    cur += ch;
    any = true;
  }
  if (any) out.push(cur);
  return out;
}

/** kstrtobool: y/Y/1/on true, n/N/0/off false; anything else leaves the value unchanged. */
function kstrtobool(v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  const c = v[0];
  if (c === 'y' || c === 'Y' || c === '1') return true;
  if (c === 'n' || c === 'N' || c === '0') return false;
  if (/^on/i.test(v)) return true;
  if (/^of/i.test(v)) return false;
  return undefined;
}

const norm = (name: string) => name.replace(/-/g, '_');

export function parseCommandLine(text: string, source: string): KernelCommandLine {
  const r: KernelCommandLine = { text: text.trim(), source, fwDevlink: 'rpm', fwDevlinkStrict: false, moduleBlacklist: [] };
  for (const arg of splitCommandLine(text)) {
    if (arg === '--') break; // the rest goes to init
    const eq = arg.indexOf('=');
    const name = norm(eq >= 0 ? arg.slice(0, eq) : arg);
    const val = eq >= 0 ? arg.slice(eq + 1) : undefined;
    switch (name) {
      case 'fw_devlink':
        if (val === 'off' || val === 'permissive' || val === 'on' || val === 'rpm') r.fwDevlink = val;
        break;
      case 'fw_devlink.strict': {
        const b = kstrtobool(val);
        if (b !== undefined) r.fwDevlinkStrict = b;
        break;
      }
      case 'deferred_probe_timeout':
        if (val !== undefined && /^[+-]?(\d+|0x[0-9a-f]+)$/i.test(val)) r.deferredProbeTimeout = Number.parseInt(val, val.toLowerCase().includes('0x') ? 16 : 10);
        break;
      case 'module_blacklist':
        if (val) r.moduleBlacklist.push(...val.split(',').filter(Boolean).map(norm));
        break;
    }
  }
  return r;
}

/**
 * The command line the kernel ends up with: the boot loader's (an explicit one, else
 * /chosen/bootargs) combined with CONFIG_CMDLINE as drivers/of/fdt.c does.
 */
export function effectiveCommandLine(
  bootloader: { text: string; source: string } | undefined,
  config: KernelConfig | undefined,
): KernelCommandLine {
  const builtin = config?.value('CMDLINE');
  let text = bootloader?.text ?? '';
  let source = bootloader?.source ?? 'no /chosen/bootargs';
  if (builtin) {
    if (config!.tristate('CMDLINE_EXTEND') === 'y') {
      text = text ? `${text} ${builtin}` : builtin;
      source += ` + CONFIG_CMDLINE (CMDLINE_EXTEND, ${config!.source})`;
    } else if (config!.tristate('CMDLINE_FORCE') === 'y') {
      text = builtin;
      source = `CONFIG_CMDLINE (CMDLINE_FORCE, ${config!.source})`;
    } else if (!text.trim()) {
      text = builtin;
      source = `CONFIG_CMDLINE (${config!.source}), no boot loader arguments`;
    }
  }
  return parseCommandLine(text, source);
}

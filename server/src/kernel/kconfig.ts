// Kernel configuration (.config or a defconfig) as the probe simulation reads it.
//
// A .config lists every visible symbol: `CONFIG_X=y|m|"str"|123` or `# CONFIG_X is not set`; a
// symbol that is absent was invisible (its dependencies unmet), so it is off. A defconfig
// (arch/<arch>/configs/*defconfig, `make savedefconfig`) lists only the symbols that differ from
// their Kconfig default; an absent symbol takes its default, which this reader cannot evaluate
// (it has no Kconfig parser): it is reported as 'default' and the simulation treats it as off,
// saying so (nearly every driver symbol defaults to n).

export type KconfigValue = 'y' | 'm' | 'n';

export interface KernelConfig {
  /** where it came from: a path, or a description */
  source: string;
  /** how it was found: given (--kconfig / setting), the tree's .config, the build output, the defconfig */
  origin: 'given' | 'tree' | 'build-output' | 'defconfig';
  kind: 'config' | 'defconfig';
  /** y / m / n; 'default' for a symbol a defconfig does not list */
  tristate(symbol: string): KconfigValue | 'default';
  /** the raw value of a string or int symbol (quotes removed), undefined when absent or not set */
  value(symbol: string): string | undefined;
  /** number of symbols listed */
  size: number;
}

const LINE = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/;
const NOT_SET = /^# CONFIG_([A-Za-z0-9_]+) is not set/;

function strip(sym: string): string {
  return sym.startsWith('CONFIG_') ? sym.slice(7) : sym;
}

/** Parse the text of a .config or defconfig. Never throws; unknown lines are ignored. */
export function parseKernelConfig(text: string, source: string, origin: KernelConfig['origin'], kind?: 'config' | 'defconfig'): KernelConfig {
  const values = new Map<string, string>();
  let sawNotSet = false;
  let sawHeader = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const n = NOT_SET.exec(line);
      if (n) {
        values.set(n[1], 'n');
        sawNotSet = true;
      } else if (/Automatically generated file; DO NOT EDIT/.test(line)) sawHeader = true;
      continue;
    }
    const m = LINE.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(["\\])/g, '$1');
    values.set(m[1], v);
  }
  // `make` writes the header and "is not set" lines into a .config; savedefconfig writes neither
  const k = kind ?? (sawHeader || (sawNotSet && values.size > 500) ? 'config' : /defconfig$/.test(source) ? 'defconfig' : sawNotSet ? 'config' : 'defconfig');
  return {
    source,
    origin,
    kind: k,
    size: values.size,
    tristate(symbol: string) {
      const v = values.get(strip(symbol));
      if (v === undefined) return k === 'defconfig' ? 'default' : 'n';
      if (v === 'y' || v === 'm' || v === 'n') return v;
      return v === '' ? 'n' : 'y';
    },
    value(symbol: string) {
      const v = values.get(strip(symbol));
      return v === undefined || v === 'n' ? undefined : v;
    },
  };
}

/** "CONFIG_X=y" / "CONFIG_X=m" / "CONFIG_X is not set" / "CONFIG_X is not in the defconfig (Kconfig default)" */
export function describeSymbol(config: KernelConfig, symbol: string): string {
  const s = strip(symbol);
  const v = config.tristate(s);
  if (v === 'y' || v === 'm') return `CONFIG_${s}=${v}`;
  if (v === 'default') return `CONFIG_${s} is not in the defconfig (its Kconfig default, taken as off)`;
  return `CONFIG_${s} is not set`;
}

// The kernel a tree is predicted for: its configuration and command line, found with zero
// configuration when not given (all reads go through the FileSystem interface):
//  configuration: --kconfig / devicetree.kernelConfig; else the Linux tree's .config; else the build
//    output's .config (KBUILD_OUTPUT, or O= given as --kbuild-output / devicetree.kbuildOutput);
//    else the tree's arch/<arch>/configs/defconfig (multi_v7_defconfig for arm); else none
//    (every driver assumed built);
//  command line: --cmdline / devicetree.kernelCommandLine (what the boot loader passes); else
//    /chosen/bootargs; combined with CONFIG_CMDLINE as drivers/of/fdt.c does.
import type { Diagnostic } from '../base/diagnostics';
import type { FileSystem } from '../base/fs';
import { dirname, join, normalize } from '../base/paths';
import type { LiveTree } from '../tree/types';
import { propStrings } from '../model/tree-util';
import { effectiveCommandLine, type KernelCommandLine } from './cmdline';
import { parseKernelConfig, type KernelConfig } from './kconfig';

export interface KernelOptions {
  /** a .config or defconfig file (absolute path) */
  kconfig?: string;
  /** the kernel build output directory (KBUILD_OUTPUT / O=) */
  buildOutput?: string;
  /** the command line the boot loader passes (replaces /chosen/bootargs) */
  cmdline?: string;
  /** where cmdline came from, for messages ('--cmdline', 'the devicetree.kernelCommandLine setting') */
  cmdlineSource?: string;
  /** modules the system loads only after the deferred-probe timeout (module names or CONFIG_ symbols) */
  lateModules?: string[];
}

export interface KernelEnvironment {
  config?: KernelConfig;
  cmdline: KernelCommandLine;
  /** CONFIG_MODULES (assumed when there is no configuration) */
  modules: boolean;
  /** the deferred-probe timeout in seconds; negative: no timer (dependencies are never ignored) */
  deferredProbeTimeout: number;
  /** module names (dashes as underscores) and CONFIG_ symbols loaded after the timeout */
  lateModules: Set<string>;
  /** "configuration: …; command line: …" */
  description: string;
  /** a given configuration file that could not be read */
  diagnostics: Diagnostic[];
}

interface CachedConfig {
  text: string;
  config: KernelConfig;
}
const configCache = new Map<string, CachedConfig>();

function readConfig(fs: FileSystem, path: string, origin: KernelConfig['origin']): KernelConfig | undefined {
  const r = fs.readFile(path);
  if (!r.ok) return undefined;
  const key = `${origin}:${path}`;
  const hit = configCache.get(key);
  if (hit && hit.text === r.text) return hit.config;
  const config = parseKernelConfig(r.text, path, origin);
  if (configCache.size > 16) configCache.clear();
  configCache.set(key, { text: r.text, config });
  return config;
}

/** The Linux tree a file belongs to and the architecture its path names (arch/<arch>/boot/dts/...). */
export function linuxTreeOf(file: string, fs: FileSystem): { root: string; arch?: string } | undefined {
  let dir = dirname(normalize(file));
  for (let guard = 0; guard < 256; guard++) {
    if (fs.stat(join(dir, 'scripts/dtc/include-prefixes')) === 'directory' || (fs.stat(join(dir, 'Kconfig')) === 'file' && fs.stat(join(dir, 'arch')) === 'directory')) {
      const rel = normalize(file).slice(dir.length + 1);
      const m = /^arch\/([^/]+)\/boot\/dts\//.exec(rel);
      return { root: dir, arch: m?.[1] };
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function defconfigName(arch: string): string {
  return arch === 'arm' ? 'multi_v7_defconfig' : 'defconfig';
}

export function resolveKernelEnvironment(fs: FileSystem, root: string, tree: LiveTree, opts: KernelOptions = {}): KernelEnvironment {
  return kernelEnvironmentOf(findKernelConfig(fs, root, opts), tree, opts);
}

/** What the kernel environment takes from the file system: the configuration found (and why), problems reading it. */
export interface KernelFiles {
  config?: KernelConfig;
  configNote: string;
  diagnostics: Diagnostic[];
}

/** The configuration of the kernel `root` is predicted for (see the header), read through `fs`. */
export function findKernelConfig(fs: FileSystem, root: string, opts: KernelOptions = {}): KernelFiles {
  const diagnostics: Diagnostic[] = [];
  let config: KernelConfig | undefined;
  let configNote = '';
  if (opts.kconfig) {
    config = readConfig(fs, opts.kconfig, 'given');
    if (!config) {
      const r = fs.readFile(opts.kconfig);
      diagnostics.push({
        file: root, start: 0, end: 0, severity: 'warning', code: 'kernel-config-unreadable',
        message: `kernel configuration ${opts.kconfig} cannot be read (${r.ok ? 'unknown error' : r.message}); predicting without one`,
      });
    }
  }
  const linux = config || opts.kconfig ? undefined : linuxTreeOf(root, fs);
  if (!config && !opts.kconfig) {
    const candidates: { path: string; origin: KernelConfig['origin'] }[] = [];
    if (linux) candidates.push({ path: join(linux.root, '.config'), origin: 'tree' });
    if (opts.buildOutput) candidates.push({ path: join(normalize(opts.buildOutput), '.config'), origin: 'build-output' });
    if (linux) {
      const arches = linux.arch ? [linux.arch] : ['arm64', 'arm'];
      for (const a of arches) candidates.push({ path: join(linux.root, 'arch', a, 'configs', defconfigName(a)), origin: 'defconfig' });
    }
    for (const c of candidates) {
      if (fs.stat(c.path) !== 'file') continue;
      config = readConfig(fs, c.path, c.origin);
      if (config) break;
    }
  }
  if (config) {
    const how = { given: 'given', tree: "the tree's .config", 'build-output': "the build output's .config", defconfig: "the tree's defconfig (no .config found)" }[config.origin];
    configNote = `${config.source} (${how}${config.kind === 'defconfig' && config.origin !== 'defconfig' ? ', a defconfig' : ''})`;
  } else configNote = 'none found (every driver assumed built in)';
  return { config, configNote, diagnostics };
}

/** The environment for a tree: the configuration found, the command line (the options', else /chosen/bootargs). */
export function kernelEnvironmentOf(files: KernelFiles, tree: LiveTree, opts: KernelOptions = {}): KernelEnvironment {
  const { config, configNote } = files;
  const diagnostics = files.diagnostics.slice();

  // the boot loader's command line: an explicit one, else /chosen/bootargs
  let bootloader: { text: string; source: string } | undefined;
  if (opts.cmdline !== undefined) bootloader = { text: opts.cmdline, source: opts.cmdlineSource ?? '--cmdline' };
  else {
    const chosen = tree.root.children.find((c) => c.name === 'chosen');
    const args = chosen ? propStrings(chosen, 'bootargs') : [];
    if (args.length) bootloader = { text: args[0], source: '/chosen/bootargs' };
  }
  const cmdline = effectiveCommandLine(bootloader, config);
  const modules = config ? config.tristate('MODULES') === 'y' : true;
  let timeout = modules ? 10 : 0; // drivers/base/dd.c driver_deferred_probe_timeout
  if (cmdline.deferredProbeTimeout !== undefined) timeout = cmdline.deferredProbeTimeout;
  const lateModules = new Set((opts.lateModules ?? []).map((m) => m.replace(/-/g, '_')));
  const cl = cmdline.text ? `"${cmdline.text}" (${cmdline.source})` : `empty (${cmdline.source})`;
  const description = `configuration: ${configNote}; command line: ${cl}`;
  return { config, cmdline, modules, deferredProbeTimeout: timeout, lateModules, description, diagnostics };
}

/** No configuration, an empty command line: every driver assumed built, the kernel's defaults. */
export function defaultKernelEnvironment(): KernelEnvironment {
  const cmdline = effectiveCommandLine(undefined, undefined);
  return {
    cmdline, modules: true, deferredProbeTimeout: 10, lateModules: new Set(), diagnostics: [],
    description: 'configuration: none (every driver assumed built in); command line: empty',
  };
}

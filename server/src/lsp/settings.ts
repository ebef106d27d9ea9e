// The `devicetree` settings section: validation and normalisation of what a
// client sends (VS Code configuration, initializationOptions, didChangeConfiguration).
import type { SeverityOverrides } from '../base/diagnostics';
import { resolve } from '../base/paths';
import { isFlavour, type Flavour } from '../workspace/flavour';

export interface DtsSettings {
  /** extra include directories (absolute after normalisation) */
  includePaths: string[];
  defines: Record<string, string>;
  severities: SeverityOverrides;
  /** path of a JSON file with an IOMMU model override (absolute after normalisation) */
  modelOverride?: string;
  /** file -> board context (absolute paths after normalisation) */
  contexts: Record<string, string>;
  /** debounce of re-analysis after an edit, in ms */
  debounceMs: number;
  /** the kernel the probe predictions assume (absolute paths after normalisation) */
  kernelConfig?: string;
  kbuildOutput?: string;
  kernelCommandLine?: string;
  lateModules?: string[];
  /** binding validation: on/off and the folders that replace the automatically found ones (absolute) */
  bindings: { enabled: boolean; dirs: string[] };
  /** Zephyr: the board (name or .dts) of overlays that do not name one (app.overlay, shields, snippets) */
  board?: string;
  /** Zephyr: a build directory whose devicetree stack is used */
  buildDir?: string;
  /** force the flavour (linux, zephyr, uboot, dtc) instead of detecting it */
  flavour?: Flavour;
}

export const DEFAULT_SETTINGS: DtsSettings = { includePaths: [], defines: {}, severities: {}, contexts: {}, debounceMs: 75, bindings: { enabled: true, dirs: [] } };

const SEVERITY_VALUES = new Set(['error', 'warning', 'information', 'hint', 'off', 'on']);

function expand(p: string, base: string | undefined): string {
  const home = process.env.HOME ?? '';
  let s = p.replace(/\$\{workspaceFolder\}/g, base ?? '').replace(/\$\{userHome\}/g, home);
  if (s.startsWith('~/')) s = home + s.slice(1);
  return base ? resolve(base, s) : resolve('/', s);
}

/** Normalise raw settings; problems are returned as messages, never thrown. */
export function normalizeSettings(raw: unknown, workspaceRoot: string | undefined): { settings: DtsSettings; problems: string[] } {
  const problems: string[] = [];
  const s: DtsSettings = { includePaths: [], defines: {}, severities: {}, contexts: {}, debounceMs: DEFAULT_SETTINGS.debounceMs, bindings: { enabled: true, dirs: [] } };
  if (raw === null || raw === undefined) return { settings: s, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('devicetree settings must be an object');
    return { settings: s, problems };
  }
  const r = raw as Record<string, unknown>;
  if (Array.isArray(r.includePaths)) {
    for (const p of r.includePaths) {
      if (typeof p === 'string' && p.trim()) s.includePaths.push(expand(p.trim(), workspaceRoot));
      else problems.push(`devicetree.includePaths: ignoring ${JSON.stringify(p)} (not a path)`);
    }
  } else if (r.includePaths !== undefined) problems.push('devicetree.includePaths must be an array of paths');
  if (r.defines && typeof r.defines === 'object' && !Array.isArray(r.defines)) {
    for (const [k, v] of Object.entries(r.defines as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) { problems.push(`devicetree.defines: ${JSON.stringify(k)} is not a macro name`); continue; }
      s.defines[k] = v === null || v === undefined || v === true ? '1' : String(v);
    }
  } else if (Array.isArray(r.defines)) {
    // also accept ["NAME", "NAME=VALUE"]
    for (const d of r.defines) {
      if (typeof d !== 'string') continue;
      const eq = d.indexOf('=');
      const name = eq < 0 ? d : d.slice(0, eq);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) s.defines[name] = eq < 0 ? '1' : d.slice(eq + 1);
      else problems.push(`devicetree.defines: ${JSON.stringify(d)} is not NAME or NAME=VALUE`);
    }
  } else if (r.defines !== undefined) problems.push('devicetree.defines must be an object of NAME: value');
  if (r.severities && typeof r.severities === 'object' && !Array.isArray(r.severities)) {
    for (const [k, v] of Object.entries(r.severities as Record<string, unknown>)) {
      if (typeof v === 'string' && SEVERITY_VALUES.has(v)) s.severities[k] = v as SeverityOverrides[string];
      else problems.push(`devicetree.severities.${k}: ${JSON.stringify(v)} is not one of error, warning, information, hint, off, on`);
    }
  } else if (r.severities !== undefined) problems.push('devicetree.severities must be an object of code: severity');
  if (typeof r.modelOverride === 'string' && r.modelOverride.trim()) s.modelOverride = expand(r.modelOverride.trim(), workspaceRoot);
  else if (r.modelOverride !== undefined && r.modelOverride !== null && r.modelOverride !== '') problems.push('devicetree.modelOverride must be a path');
  if (r.contexts && typeof r.contexts === 'object' && !Array.isArray(r.contexts)) {
    for (const [k, v] of Object.entries(r.contexts as Record<string, unknown>)) {
      if (typeof v === 'string' && v.trim()) s.contexts[expand(k, workspaceRoot)] = expand(v.trim(), workspaceRoot);
      else problems.push(`devicetree.contexts.${k} must be the path of a board`);
    }
  } else if (r.contexts !== undefined) problems.push('devicetree.contexts must be an object of file: board');
  if (typeof r.kernelConfig === 'string' && r.kernelConfig.trim()) s.kernelConfig = expand(r.kernelConfig.trim(), workspaceRoot);
  else if (r.kernelConfig !== undefined && r.kernelConfig !== null && r.kernelConfig !== '') problems.push('devicetree.kernelConfig must be a path');
  if (typeof r.kbuildOutput === 'string' && r.kbuildOutput.trim()) s.kbuildOutput = expand(r.kbuildOutput.trim(), workspaceRoot);
  else if (r.kbuildOutput !== undefined && r.kbuildOutput !== null && r.kbuildOutput !== '') problems.push('devicetree.kbuildOutput must be a path');
  if (typeof r.kernelCommandLine === 'string' && r.kernelCommandLine.trim()) s.kernelCommandLine = r.kernelCommandLine.trim();
  else if (r.kernelCommandLine !== undefined && r.kernelCommandLine !== null && typeof r.kernelCommandLine !== 'string') problems.push('devicetree.kernelCommandLine must be a string');
  if (Array.isArray(r.lateModules)) s.lateModules = r.lateModules.filter((m): m is string => typeof m === 'string' && m.trim() !== '').map((m) => m.trim());
  else if (r.lateModules !== undefined && r.lateModules !== null) problems.push('devicetree.lateModules must be an array of module names');
  if (typeof r.bindings === 'boolean') s.bindings.enabled = r.bindings;
  else if (Array.isArray(r.bindings)) {
    for (const p of r.bindings) {
      if (typeof p === 'string' && p.trim()) s.bindings.dirs.push(expand(p.trim(), workspaceRoot));
      else problems.push(`devicetree.bindings: ignoring ${JSON.stringify(p)} (not a folder)`);
    }
  } else if (r.bindings !== undefined && r.bindings !== null) problems.push('devicetree.bindings must be true, false or a list of folders');
  if (typeof r.board === 'string' && r.board.trim()) {
    const b = r.board.trim();
    s.board = /\.dts$/i.test(b) ? expand(b, workspaceRoot) : b;
  } else if (r.board !== undefined && r.board !== null && r.board !== '') problems.push('devicetree.board must be a board name or the path of a board .dts');
  if (typeof r.buildDir === 'string' && r.buildDir.trim()) s.buildDir = expand(r.buildDir.trim(), workspaceRoot);
  else if (r.buildDir !== undefined && r.buildDir !== null && r.buildDir !== '') problems.push('devicetree.buildDir must be a path');
  if (typeof r.flavour === 'string' && isFlavour(r.flavour)) s.flavour = r.flavour;
  else if (r.flavour !== undefined && r.flavour !== null && r.flavour !== '' && r.flavour !== 'auto') problems.push('devicetree.flavour must be one of auto, linux, zephyr, uboot, dtc');
  if (typeof r.debounceMs === 'number' && Number.isFinite(r.debounceMs) && r.debounceMs >= 0) s.debounceMs = Math.min(5000, r.debounceMs);
  return { settings: s, problems };
}

// Small YAML files of a workspace (west.yml, zephyr/module.yml, board yaml, build_info.yml, snippet.yml)
// read through the FileSystem. Never throws: a missing or broken file is undefined.
import type { FileSystem } from '../base/fs';

export type YamlMap = Record<string, unknown>;

let yamlModule: typeof import('yaml') | undefined;

/**
 * The yaml package, loaded at its first use (here, and for binding files: bindings/yaml.ts, zephyr/binding.ts): a
 * CLI run of a Linux board whose schemas are cached reads no YAML and does not pay for its modules (issue 17).
 */
export function yamlPackage(): typeof import('yaml') {
  return (yamlModule ??= require('yaml') as typeof import('yaml'));
}

export function readYaml(fs: FileSystem, path: string): unknown {
  const r = fs.readFile(path);
  if (!r.ok) return undefined;
  try {
    return yamlPackage().parse(r.text, { uniqueKeys: false, maxAliasCount: 100, strict: false });
  } catch {
    return undefined;
  }
}

export function isMap(x: unknown): x is YamlMap {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The value at a path of map keys, or undefined. */
export function at(x: unknown, ...keys: string[]): unknown {
  let cur = x;
  for (const k of keys) {
    if (!isMap(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function str(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  return undefined;
}

/** A list of strings: a YAML sequence of scalars, or one scalar (CMake-style `a;b` lists are split). */
export function strList(x: unknown): string[] {
  if (Array.isArray(x)) return x.map(str).filter((s): s is string => s !== undefined && s !== '');
  const s = str(x);
  return s ? s.split(';').filter((p) => p !== '') : [];
}

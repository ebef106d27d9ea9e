// Binding findings kept across processes: a node's findings depend only on the schema set, the validator's
// code and the node itself (its path, its decoded subtree, whether it is disabled), which is the key the
// validator caches them by (validate.ts). dts-check and the language server's bindings worker read the
// results of earlier runs when they load a schema set and write theirs back, so that a board checked again,
// or a worker started again after it was released while the editor was idle, validates only the nodes that
// changed. The file is named by the schema set's key and a stamp of the code (a new build starts afresh).
import type { BindingsCache } from './cache';
import { MAX_RESULTS, type Finding, type LinuxValidator } from './linux/validate';

interface ResultsFile {
  format: 'dts-lsp-binding-results';
  /** keys of nodes without findings */
  clean: string[];
  /** keys of nodes with findings */
  found: [string, Finding[]][];
}

function hashText(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The cache entry of a schema set (its key) validated by a build of the code (its stamp). */
export function resultsName(storeKey: string, codeStamp: string): string {
  return `results-${hashText(storeKey).toString(16)}${hashText(codeStamp, 0x1234567).toString(16)}.json`;
}

function parse(text: string | undefined): [string, Finding[]][] {
  if (!text) return [];
  try {
    const f = JSON.parse(text) as ResultsFile;
    if (f.format !== 'dts-lsp-binding-results' || !Array.isArray(f.clean) || !Array.isArray(f.found)) return [];
    const out: [string, Finding[]][] = f.found.filter((e) => Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1]));
    for (const k of f.clean) if (typeof k === 'string') out.push([k, []]);
    return out;
  } catch {
    return [];
  }
}

/** Give a validator the results an earlier process left. */
export function loadResults(cache: BindingsCache, name: string, v: LinuxValidator): number {
  const entries = parse(cache.read(name));
  v.importResults(entries);
  return entries.length;
}

/**
 * Write a validator's results back when it computed new ones, merged with what other processes wrote
 * meanwhile (most recently used first, at most MAX_RESULTS).
 */
export function saveResults(cache: BindingsCache, name: string, v: LinuxValidator): boolean {
  const { entries, added } = v.exportResults();
  if (added === 0) return false;
  const seen = new Set<string>();
  const file: ResultsFile = { format: 'dts-lsp-binding-results', clean: [], found: [] };
  let n = 0;
  for (const [k, findings] of [...entries, ...parse(cache.read(name))]) {
    if (n >= MAX_RESULTS) break;
    if (seen.has(k)) continue;
    seen.add(k);
    n++;
    if (findings.length) file.found.push([k, findings]);
    else file.clean.push(k);
  }
  cache.write(name, JSON.stringify(file));
  return true;
}

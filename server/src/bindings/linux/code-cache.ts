// Compiled validators saved across sessions: ajv generates JavaScript for each schema it compiles (megabytes
// for a big SoC's bindings: most of a board's first validation); the code of the schemas a session compiled is
// saved beside the processed schemas (same content key) and loaded by the next session, so that only schemas
// never compiled before are compiled again. The file holds our own generated code only; it is read from the
// user's cache folder, never from the workspace.
import type Ajv2019 from 'ajv/dist/2019';
import standaloneCode from 'ajv/dist/standalone';
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import uri from 'ajv/dist/runtime/uri';
import ValidationError from 'ajv/dist/runtime/validation_error';
import type { ValidateFunction } from 'ajv';
import { regExpEngine, sizeOf } from './ajv';

/** What generated code may `require`. */
const RUNTIME: Record<string, unknown> = {
  'ajv/dist/runtime/equal': { default: equal },
  'ajv/dist/runtime/ucs2length': { default: ucs2length },
  'ajv/dist/runtime/uri': { default: uri },
  'ajv/dist/runtime/validation_error': { default: ValidationError },
  'dts-lsp:regexp': regExpEngine,
  'dts-lsp:sizeof': sizeOf,
};

function runtimeRequire(name: string): unknown {
  if (name in RUNTIME) return RUNTIME[name];
  throw new Error(`generated validator code asks for ${name}`);
}

/** The code of the validators of `ids` (already compiled in `ajv`) as one self-contained chunk. */
export function chunkOf(ajv: Ajv2019, ids: string[]): string {
  const refs: Record<string, string> = {};
  ids.forEach((id, i) => { refs[`v${i}`] = id; });
  const code = standaloneCode(ajv, refs);
  const names = JSON.stringify(ids);
  // each chunk in its own scope; its exports land in the shared table under the schemas' ids
  return `(function () { const exports = {}; const module = { exports };\n${code}\n;const ids = ${names}; ids.forEach((id, i) => { table[id] = exports['v' + i]; }); })();\n`;
}

/** Validators of a saved file (empty when it cannot be used). */
export function loadChunks(text: string): Map<string, ValidateFunction> {
  const table: Record<string, ValidateFunction> = {};
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('require', 'table', text)(runtimeRequire, table);
  } catch {
    return new Map();
  }
  return new Map(Object.entries(table).filter(([, f]) => typeof f === 'function'));
}

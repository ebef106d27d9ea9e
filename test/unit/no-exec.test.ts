// The analysis core and the server only read files: nothing in server/src can start a
// process, evaluate code or load a module chosen at run time. (The CLI's worker threads
// run the project's own compiled module, never a workspace file.)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../util/paths';

function sources(dir: string, acc: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, acc);
    else if (/\.(ts|peggy)$/.test(e.name)) acc.push(p);
  }
  return acc;
}

const FORBIDDEN: [RegExp, string][] = [
  [/\bchild_process\b/, 'child_process'],
  [/\beval\s*\(/, 'eval('],
  [/\bnew\s+Function\s*\(/, 'new Function('],
  [/\bnode:vm\b|\bfrom\s+['"]vm['"]/, 'vm module'],
  [/\bimport\s*\(\s*[^'"\s]/, 'dynamic import of a computed specifier'],
  [/\brequire\s*\(\s*[^'"\s)]/, 'require of a computed path'],
];

test('server/src never executes anything: no child_process, eval, Function, vm or computed module loads', () => {
  const files = sources(path.join(REPO_ROOT, 'server/src'));
  assert.ok(files.length > 40, `found ${files.length} source files`);
  const hits: string[] = [];
  for (const f of files) {
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      for (const [re, what] of FORBIDDEN) if (re.test(code)) hits.push(`${path.relative(REPO_ROOT, f)}:${i + 1}: ${what}`);
    });
  }
  assert.deepEqual(hits, []);
});

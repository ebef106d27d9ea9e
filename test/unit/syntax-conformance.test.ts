// Syntax-level conformance with dtc's own test inputs (corpus/dtc-tests of ../shared beside the repository
// root, or of $DTS_SHARED; skipped without them):
// every `syntax-error` file gives at least one syntax error, every `accept`,
// `accept-with-warning` and `check-error` file parses with none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDts } from '../../server/src/syntax/parse';
import { DTC_TESTS as corpus, sharedAvailable } from '../util/paths';

const manifest = path.join(corpus, 'manifest.tsv');

/** dtc's /include/ "file", resolved relative to the including file (these inputs are not preprocessed). */
function inlineIncludes(text: string, dir: string, depth: number): string {
  if (depth > 8) return text;
  return text.replace(/\/include\/\s*"([^"]+)"/g, (m, name: string) => {
    const p = path.resolve(dir, name);
    return fs.existsSync(p) ? inlineIncludes(fs.readFileSync(p, 'utf8'), path.dirname(p), depth + 1) : m;
  });
}

test('dtc test inputs: syntax-level agreement', (t) => {
  if (!sharedAvailable()) {
    t.skip(`dtc test corpus not present (${corpus})`);
    return;
  }
  const rows = fs.readFileSync(manifest, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const disagree: string[] = [];
  let total = 0;
  for (const [file, expected] of rows) {
    if (!['syntax-error', 'accept', 'accept-with-warning', 'check-error'].includes(expected)) continue;
    total++;
    const full = path.join(corpus, file);
    const text = inlineIncludes(fs.readFileSync(full, 'utf8'), path.dirname(full), 0);
    const f = parseDts(text);
    const ok = expected === 'syntax-error' ? f.errors.length > 0 : f.errors.length === 0;
    if (!ok) disagree.push(`${file} (${expected}): ${f.errors.map((e) => e.message).join('; ') || 'no syntax error'}`);
  }
  console.log(`dtc-tests syntax agreement: ${total - disagree.length}/${total}`);
  assert.ok(total >= 130, `only ${total} files checked`);
  assert.deepEqual(disagree, []);
});

test('dtc test inputs: the syntax-error files fail for the right reason', (t) => {
  if (!sharedAvailable()) {
    t.skip(`dtc test corpus not present (${corpus})`);
    return;
  }
  const read = (f: string) => fs.readFileSync(path.join(corpus, f), 'utf8');
  const octal = read('bad-octal-literal.dts');
  assert.deepEqual(parseDts(octal).errors, [{ start: octal.indexOf('09'), end: octal.indexOf('09') + 2, message: "Bad integer literal '09'" }]);
  const order = read('prop-after-subnode.dts');
  assert.deepEqual(parseDts(order).errors, [{ start: order.indexOf('prop;'), end: order.indexOf('prop;') + 4, message: 'Properties must precede subnodes', code: 'properties-after-subnodes' }]);
});

// Every stable diagnostic code has a section in docs/codes.md (the target of the LSP
// codeDescription link), and the message-style helpers behave as docs/message-style.md says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../server/src/base/diagnostics';
import { CodeDocs, findCodesDoc } from '../../server/src/lsp/code-docs';
import { message } from '../../server/src/checks/context';

const REPO = path.resolve(__dirname, '../../..');

test('docs/codes.md has one section per diagnostic code, each linked by its heading line', () => {
  const file = findCodesDoc(__dirname);
  assert.equal(file, path.join(REPO, 'docs/codes.md'));
  const docs = new CodeDocs(file);
  const lines = fs.readFileSync(file!, 'utf8').split('\n');
  for (const code of Object.keys(DIAGNOSTIC_CODES)) {
    const href = docs.href(code);
    assert.ok(href, `docs/codes.md has no section for ${code}`);
    const line = Number(/#L(\d+)$/.exec(href!)![1]);
    assert.equal(lines[line - 1], `### ${code}`);
    const sev = DIAGNOSTIC_CODES[code].severity;
    assert.match(lines.slice(line, line + 3).join(' '), new RegExp(`\\*\\*Default: ${sev}`), `${code}: documented default severity`);
  }
  // and no section for a code that does not exist
  for (const code of docs.codes()) assert.ok(DIAGNOSTIC_CODES[code], `docs/codes.md documents unknown code ${code}`);
  assert.equal(docs.href('no-such-code'), undefined);
});

test('message(): the fact, then the detail as a second sentence; identifiers keep their case', () => {
  assert.equal(message('&smmu expects 1 cell, got 2'), '&smmu expects 1 cell, got 2');
  assert.equal(message('IOMMU &gpu_smmu is disabled', 'the device DMAs untranslated'), 'IOMMU &gpu_smmu is disabled. The device DMAs untranslated');
  assert.equal(message('x', 'of_map_id reads only the first cell'), 'x. of_map_id reads only the first cell');
  assert.equal(message('x', '&gpu DMAs untranslated'), 'x. &gpu DMAs untranslated');
});

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { getFoldingRanges } from '../../server/src/features/folding';
import * as fs from 'node:fs';

const FEATURES = path.resolve(__dirname, '../../../test/fixtures/features');
const text = (f: string): string => fs.readFileSync(f, 'utf8');

test('folding: braces, block comments, line-comment runs, #if sections', () => {
  const r = getFoldingRanges(text(path.join(FEATURES, 'folding.dts')));
  assert.deepEqual(r, [
    { startLine: 0, endLine: 2, kind: 'comment' },
    { startLine: 5, endLine: 6, kind: 'comment' },
    { startLine: 7, endLine: 19 },
    { startLine: 8, endLine: 10 },
    { startLine: 12, endLine: 14, kind: 'region' },
    { startLine: 15, endLine: 17, kind: 'region' },
  ]);
});

test('folding: unbalanced input and CRLF do not throw', () => {
  assert.deepEqual(getFoldingRanges('/ {\r\n\ta {\r\n\t\tb;\r\n\t};\r\n'), [{ startLine: 1, endLine: 2 }]);
  assert.deepEqual(getFoldingRanges('}}}\n#endif\n#else\n/* open'), []);
  assert.deepEqual(getFoldingRanges('#define X \\\n  {\n/ {\n};'), []);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getRenameEdits, prepareRename } from '../../server/src/features';
import { analyze, at, BOARD, range, SOC } from './features-fixture';

test('rename a label: definition and every reference in every file', () => {
  const a = analyze();
  assert.deepEqual(prepareRename(a, BOARD, at(BOARD, '&uart0 {', 3)), { range: range(BOARD, '&uart0 {', 'uart0'), placeholder: 'uart0' });
  const edits = getRenameEdits(a, BOARD, at(BOARD, '&uart0 {', 3), 'console_uart');
  assert.deepEqual(edits, [
    { ...range(BOARD, '&uart0;', 'uart0'), newText: 'console_uart' },
    { ...range(BOARD, '&uart0 {', 'uart0'), newText: 'console_uart' },
    { ...range(SOC, 'uart0: serial', 'uart0'), newText: 'console_uart' },
  ]);
});

test('rename rejects invalid names and collisions; non-labels cannot be renamed', () => {
  const a = analyze();
  const off = at(SOC, 'uart0: serial', 1);
  assert.match((getRenameEdits(a, SOC, off, '1uart') as { error: string }).error, /not a valid label name/);
  assert.match((getRenameEdits(a, SOC, off, 'gpu') as { error: string }).error, /already exists/);
  assert.deepEqual(getRenameEdits(a, SOC, off, 'uart0'), []);
  assert.equal(prepareRename(a, SOC, at(SOC, 'compatible', 1)), undefined);
  assert.match((prepareRename(a, BOARD, at(BOARD, '&{/soc@0', 3)) as { error: string }).error, /full-path/);
});

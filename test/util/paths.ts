// Paths shared by the tests. Tests run from out/test/..., fixtures live in the source tree.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures');
/**
 * ../shared beside the repo root, or $DTS_SHARED (a worktree whose parent has none); absent in a user's
 * clone: tests that need it skip.
 */
export const SHARED = process.env.DTS_SHARED ? path.resolve(process.env.DTS_SHARED) : path.resolve(REPO_ROOT, '../shared');
export const DTC_TESTS = path.join(SHARED, 'corpus/dtc-tests');

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

export function sharedAvailable(): boolean {
  return fs.existsSync(path.join(DTC_TESTS, 'manifest.tsv'));
}

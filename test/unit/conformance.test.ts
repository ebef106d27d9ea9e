// dtc conformance: the dtc 1.8.1 test inputs in ../shared/corpus/dtc-tests with
// their manifest.tsv (expected outcome per file). Skipped where ../shared is absent.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AnalysisHost } from '../../server/src/analysis';
import { FRONT_END_CODES, type Diagnostic } from '../../server/src/base/diagnostics';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { DTC_TESTS, sharedAvailable } from '../util/paths';

interface Row { file: string; expected: string; checks: string; note: string }

function manifest(): Row[] {
  const lines = fs.readFileSync(path.join(DTC_TESTS, 'manifest.tsv'), 'utf8').split('\n').slice(1);
  return lines.filter((l) => l.trim()).map((l) => {
    const [file, expected, checks, note] = l.split('\t');
    return { file, expected, checks: checks ?? '', note: note ?? '' };
  });
}

function frontEndErrors(host: AnalysisHost, file: string): Diagnostic[] {
  return host.analyze(file).diagnostics.filter((d) => d.severity === 'error' && FRONT_END_CODES.has(d.code));
}

test('dtc conformance over ../shared/corpus/dtc-tests', (t) => {
  if (!sharedAvailable()) {
    t.skip('../shared/corpus/dtc-tests is not present');
    return;
  }
  const fs_ = new NodeFileSystem();
  const rows = manifest();
  const outcomes: { file: string; expected: string; ok: boolean; why: string }[] = [];
  for (const row of rows) {
    const file = path.join(DTC_TESTS, row.file);
    const host = new AnalysisHost(fs_, { autoDetectIncludePaths: false });
    switch (row.expected) {
      case 'accept':
      case 'accept-with-warning': {
        const errs = frontEndErrors(host, file);
        outcomes.push({ file: row.file, expected: row.expected, ok: errs.length === 0, why: errs.map((e) => `${e.code}: ${e.message}`).join('; ') });
        break;
      }
      case 'syntax-error': {
        const errs = frontEndErrors(host, file);
        const ok = errs.some((e) => e.code === 'syntax-error');
        outcomes.push({ file: row.file, expected: row.expected, ok, why: ok ? '' : `got: ${errs.map((e) => e.code).join(', ') || 'no error'}` });
        break;
      }
      case 'semantic-error':
      case 'check-error': {
        const errs = frontEndErrors(host, file);
        outcomes.push({ file: row.file, expected: row.expected, ok: errs.length > 0, why: errs.length ? '' : 'no error reported' });
        break;
      }
      case 'needs-include-path': {
        const without = frontEndErrors(host, file);
        const dirs = row.note.match(/-i ([\w./-]+)/g)?.map((m) => path.join(DTC_TESTS, m.slice(3))) ?? [];
        const withHost = new AnalysisHost(fs_, { autoDetectIncludePaths: false, includePaths: [...new Set(dirs)] });
        const withErrs = frontEndErrors(withHost, file);
        const ok = without.some((e) => e.code === 'include-not-found') && withErrs.length === 0;
        outcomes.push({ file: row.file, expected: row.expected, ok, why: ok ? '' : `without: ${without.map((e) => e.code).join(',')}; with: ${withErrs.map((e) => e.message).join('; ')}` });
        break;
      }
      default:
        break; // fragment / unreferenced: not standalone inputs
    }
  }
  const agree = outcomes.filter((o) => o.ok).length;
  const byKind = new Map<string, [number, number]>();
  for (const o of outcomes) {
    const k = byKind.get(o.expected) ?? [0, 0];
    k[0] += o.ok ? 1 : 0;
    k[1] += 1;
    byKind.set(o.expected, k);
  }
  t.diagnostic(`dtc conformance: ${agree}/${outcomes.length} agree (${[...byKind].map(([k, [a, n]]) => `${k} ${a}/${n}`).join(', ')})`);
  console.log(`dtc conformance: ${agree}/${outcomes.length} agree`);
  const failures = outcomes.filter((o) => !o.ok);
  for (const f of failures) console.log(`  DISAGREE ${f.file} (${f.expected}): ${f.why}`);
  assert.deepEqual(failures.map((f) => f.file), []);
});

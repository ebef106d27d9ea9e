// Shared helpers of the editor-feature tests: the demo board analysed once, and
// offsets of needles in fixture files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, type Analysis } from '../../server/src/analysis';
import type { FileRange } from '../../server/src/base/diagnostics';
import { NodeFileSystem } from '../../server/src/base/node-fs';

export const FEATURES = path.resolve(__dirname, '../../../test/fixtures/features');
export const BOARD = path.join(FEATURES, 'demo-board.dts');
export const SOC = path.join(FEATURES, 'demo-soc.dtsi');
export const SID_H = path.join(FEATURES, 'demo-sid.h');
export const GCC_H = path.join(FEATURES, 'include/dt-bindings/clock/demo-gcc.h');
export const BAD = path.join(FEATURES, 'demo-bad.dts');

const cache = new Map<string, Analysis>();

export function analyze(root: string = BOARD): Analysis {
  let a = cache.get(root);
  if (!a) {
    const host = new AnalysisHost(new NodeFileSystem(), { includePaths: [path.join(FEATURES, 'include')], autoDetectIncludePaths: false });
    a = host.analyze(root);
    cache.set(root, a);
  }
  return a;
}

export function text(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/** Offset of the nth occurrence of needle in file, plus delta. */
export function at(file: string, needle: string, delta = 0, nth = 0): number {
  const t = text(file);
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = t.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`${needle} (#${nth}) not in ${file}`);
  }
  return i + delta;
}

/** Range of the nth occurrence of needle (or of `part` inside it). */
export function range(file: string, needle: string, part?: string, nth = 0): FileRange {
  const s = at(file, needle, 0, nth);
  const off = part ? needle.indexOf(part) : 0;
  if (off < 0) throw new Error(`${part} not in ${needle}`);
  return { file, start: s + off, end: s + off + (part ?? needle).length };
}

/** 1-based line of an offset. */
export function lineOf(file: string, offset: number): number {
  return text(file).slice(0, offset).split('\n').length;
}

// Helpers for the merge-stage tests: parse a fixture and build its live tree
// through an identity source map (no preprocessing: fixtures are plain DTS).
import * as fs from 'node:fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import type { Diagnostic } from '../../server/src/base/diagnostics';
import { parseDts } from '../../server/src/syntax/parse';
import type { DtsFile } from '../../server/src/syntax/ast';
import { buildTree } from '../../server/src/tree/merge';
import type { LiveTree } from '../../server/src/tree/types';
import { IdentityMap } from './identity-map';
import { fixture } from './paths';

export interface Built {
  file: string;
  text: string;
  ast: DtsFile;
  tree: LiveTree;
}

export function buildFromText(file: string, text: string, base?: LiveTree): Built {
  const ast = parseDts(text);
  const tree = buildTree(ast, { map: new IdentityMap(file, text.length), fs: new NodeFileSystem(), root: file, base });
  return { file, text, ast, tree };
}

export function buildFixture(name: string, base?: LiveTree): Built {
  const file = fixture('tree', name);
  return buildFromText(file, fs.readFileSync(file, 'utf8'), base);
}

/** Offset range of the n-th (0-based) occurrence of `needle` in `text`. */
export function rangeOf(text: string, needle: string, nth = 0): { start: number; end: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' #${nth} not found`);
  }
  return { start: at, end: at + needle.length };
}

export function codes(ds: Diagnostic[]): string[] {
  return ds.map((d) => d.code);
}

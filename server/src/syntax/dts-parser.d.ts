// Types of the parser that scripts/build.js generates from dts.peggy
// (out/server/src/syntax/dts-parser.js). See dts.peggy for the options.
import type { SyntaxErrorInfo, TopStatement } from './ast';

export interface RegionSkip {
  /** end (exclusive, relative to the parsed input) of the text to skip */
  end: number;
  /** message stored in the ErrorItem */
  message: string;
}

export interface DtsParserOptions {
  startRule?: 'File' | 'TopStatement' | 'BodyItems';
  /** added to every offset in the AST and in `errors` */
  base?: number;
  /** receives errors that do not stop the parse (bad literal, ...) */
  errors?: SyntaxErrorInfo[];
  /** relative offsets where a missing ';' is assumed */
  vsemi?: Set<number>;
  /** relative offsets where a missing '}' is assumed */
  vclose?: Set<number>;
  /** relative offset -> text to skip as an ErrorItem */
  regions?: Map<number, RegionSkip>;
  /** try every alternative so that a failure lists every expectation (slower; for error messages) */
  exhaustive?: boolean;
  grammarSource?: unknown;
  /**
   * peggy's own option: 1 records no expectations (a failure then says nothing of what was expected). For a
   * parse whose failure is only a signal to parse again with messages (parse.ts, parseWhole).
   */
  peg$silentFails?: number;
}

export type PeggyExpectation =
  | { type: 'literal'; text: string; ignoreCase: boolean }
  | { type: 'class'; parts: unknown[]; inverted: boolean; ignoreCase: boolean }
  | { type: 'any' }
  | { type: 'end' }
  | { type: 'other'; description: string };

export class SyntaxError extends Error {
  expected: PeggyExpectation[] | null;
  found: string | null;
  location: { start: { offset: number; line: number; column: number }; end: { offset: number; line: number; column: number } };
}

export function parse(input: string, options?: DtsParserOptions): TopStatement[];

// The common #define read lazily: an object-like macro whose line has no comment, continuation, string,
// '#' or __VA_OPT__ (most of a dt-bindings header: `#define GCC_QUPV3_WRAP0_S0_CLK 41`) cannot be an error
// or a warning, and its definition text is the line with its white space runs made one space. Its tokens are
// made when the macro is first expanded: a board uses a few hundred of the thousands of macros it includes.
import type { FileRange } from '../base/diagnostics';
import { identEnd, isHSpace, isIdStart, tokenize } from './lexer';
import { parseDefine, type BodyTok, type Macro } from './macros';
import type { MacroDefinition } from './types';

/** what keeps a #define off the lazy path (in the text after the name) */
const NOT_SIMPLE = /[#/\\"'\n]|__VA_OPT__/;
/** cpp's white space inside a directive line (the lexer's: space, \t, \v, \f, \r; \n between lines) */
const WS_RUN = /[ \t\v\f\r\n]+/g;

export class LazyMacro implements Macro {
  readonly params = null;
  readonly variadic = false;
  private parsed: Macro | undefined;
  private definition: MacroDefinition | undefined;
  private signature: string | undefined;

  /** text[from, to): the directive line after `define`; text[nameEnd, to): the replacement list */
  constructor(readonly name: string, private readonly text: string, private readonly from: number, private readonly to: number, private readonly nameEnd: number, readonly at: FileRange) {}

  get body(): BodyTok[] {
    // what the eager path makes of the same tokens (it cannot fail: see NOT_SIMPLE)
    return (this.parsed ??= parseDefine(tokenize(this.text, this.from, this.to, 0), this.at) as Macro).body;
  }

  get def(): MacroDefinition {
    return (this.definition ??= { name: this.name, body: normalised(this.text.substring(this.nameEnd, this.to)), location: this.at });
  }

  get sig(): string {
    return (this.signature ??= `${this.at.file}:${this.at.start}|-|${this.def.body}`);
  }
}

function normalised(s: string): string {
  const t = s.replace(WS_RUN, ' ');
  const a = t.charCodeAt(0) === 32 ? 1 : 0;
  const b = t.length > a && t.charCodeAt(t.length - 1) === 32 ? t.length - 1 : t.length;
  return a === 0 && b === t.length ? t : t.slice(a, b);
}

/** The #define at text[from, to) (after `define`) as a LazyMacro, or undefined when it needs the eager path. */
export function lazyDefine(text: string, from: number, to: number, file: FileRange['file']): LazyMacro | undefined {
  let i = from;
  while (i < to && isHSpace(text.charCodeAt(i))) i++;
  if (i >= to || !isIdStart(text.charCodeAt(i))) return undefined;
  const nameEnd = identEnd(text, i + 1, to);
  // function-like (a '(' right after the name)
  if (nameEnd < to && text.charCodeAt(nameEnd) === 40) return undefined;
  if (NOT_SIMPLE.test(text.substring(nameEnd, to))) return undefined;
  const name = text.slice(i, nameEnd);
  if (name === 'defined') return undefined;
  return new LazyMacro(name, text, from, to, nameEnd, { file, start: i, end: nameEnd });
}

/** A macro with another definition record (the incremental preprocessor shifts locations). */
export function withDefinition(m: Macro, def: MacroDefinition): Macro {
  // (a spread would lose a LazyMacro's getters)
  if (m instanceof LazyMacro) return { name: m.name, params: null, variadic: false, body: m.body, def, sig: m.sig };
  return { ...m, def };
}

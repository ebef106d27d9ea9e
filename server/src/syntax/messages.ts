// Syntax error messages from the parser's expectations (what was expected, what was found).
import * as peg from './dts-parser';
import { isNameChar } from './scan';

const VALUE_STARTS = new Set(['string', "'<'", "'['", "'/bits/'", "'/incbin/'", 'reference']);
const ITEM_STARTS = new Set(["'/delete-property/'", "'/delete-node/'", "'/omit-if-no-ref/'", 'property or node name', 'label']);

function expectationText(e: peg.PeggyExpectation): string | undefined {
  switch (e.type) {
    case 'literal': return `'${e.text}'`;
    case 'other': return e.description === 'whitespace' ? undefined : e.description;
    case 'end': return 'end of input';
    case 'any': return 'any character';
    case 'class': return undefined;
  }
}

function joinAlternatives(list: string[]): string {
  if (list.length <= 1) return list[0] ?? '';
  return list.slice(0, -1).join(', ') + ' or ' + list[list.length - 1];
}

/** The offending token at p, for messages and the diagnostic range. */
export function tokenAt(t: string, p: number): { text: string; end: number } {
  if (p >= t.length) return { text: '', end: p };
  let e = p;
  if (t.charCodeAt(p) === 38 /* & */) e++;
  while (e < t.length && isNameChar(t.charCodeAt(e)) && e - p < 64) e++;
  if (e > p + 1 && t.charCodeAt(e - 1) === 44 /* , */) e--;
  if (e === p || (e === p + 1 && t.charCodeAt(p) === 38)) e = p + 1;
  return { text: t.slice(p, e), end: e };
}

export function buildMessage(expected: peg.PeggyExpectation[] | null, found: string, preferSemi: boolean): string {
  const seen = new Set<string>();
  for (const e of expected ?? []) {
    const s = expectationText(e);
    if (s !== undefined) seen.add(s);
  }
  let list = [...seen];
  // condense the usual sets
  if (list.includes("'/dts-v1/'") && list.includes("'/'")) {
    list = ["a top-level statement ('/ { ... };', '&label { ... };', '/delete-node/ &label;', ...)"];
  }
  const semi = list.find((s) => s.startsWith("';'"));
  if (semi !== undefined && semi !== "';'" && preferSemi) {
    list = [semi];
  } else {
    if (semi !== undefined) list = [...list.filter((x) => x !== semi && x !== 'label' && x !== "','"), semi];
    if (list.filter((s) => VALUE_STARTS.has(s)).length >= 3) {
      list = list.filter((s) => !VALUE_STARTS.has(s) && s !== 'label');
      list.unshift('a property value');
    }
    if (list.includes('property or node name')) {
      list = list.filter((s) => !ITEM_STARTS.has(s));
      list.unshift('a property or node');
    }
    if (list.includes('integer') && list.includes("'('")) {
      list = list.filter((s) => s !== 'character literal' && s !== "'('");
    }
    if (list.includes('integer') && list.includes("'-'")) {
      list = list.filter((s) => s !== "'-'" && s !== "'~'" && s !== "'!'");
    }
  }
  if (found === '' && list.includes("'}'")) return "expected '}' at the end of the statement: a '{' is not closed";
  const what = list.length ? `expected ${joinAlternatives(list)}` : 'syntax error';
  // control characters (NUL, a lone CR, ...) are shown escaped, not raw in the message
  const shown = found.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return found === '' ? `${what} at end of input` : `${what}, found '${shown}'`;
}

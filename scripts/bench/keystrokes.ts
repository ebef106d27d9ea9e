// The benchmark's structural keystrokes (issue 17, requirement 5: edit → diagnostics at typing pace): what a user
// types that changes the tree's shape or its references, not only white space and digits (bench/inproc.ts
// benchEdit). Each round is a short run of keystrokes at one random place, seeded, that leaves the text as it
// was: a letter added to a name and taken away again, or a new property typed one character at a time and then
// deleted.
export type KeystrokeKind = 'property name' | 'node name' | 'reference' | 'label' | 'new property';
export const KEYSTROKE_KINDS: readonly KeystrokeKind[] = ['property name', 'node name', 'reference', 'label', 'new property'];

export interface Keystroke {
  /** the text's [p, p + remove) becomes `insert` (offsets in the text as the keystrokes before left it) */
  p: number;
  remove: number;
  insert: string;
  kind: KeystrokeKind;
  /** false for the clean-up at the end of a round (a paste-like deletion), which is not a keystroke's latency */
  timed: boolean;
}

/** Where a round of each kind may happen: the offset its keystrokes start at (the end of the matched text, minus back). */
const PLACES: Record<KeystrokeKind, { re: RegExp; back: number }> = {
  // the end of a property's name (`clock-names| = `)
  'property name': { re: /^\t+[a-z][a-z0-9,-]* = /gm, back: 3 },
  // the end of a node's name (`serial@98c000| {`)
  'node name': { re: /^\t+[a-z][a-z0-9,-]*(?:@[0-9a-f]+)? \{/gm, back: 2 },
  // the end of a phandle reference in a cell list (`<&gcc| GCC_...>`): unresolved while typed
  'reference': { re: /<&[a-z_][a-z0-9_]*/g, back: 0 },
  // the end of a node's label (`uart5|: serial@...`)
  'label': { re: /^\t+[a-z_][a-z0-9_]*: /gm, back: 2 },
  // after a property line that ends a node's properties (`status = "disabled";`): a new line typed there
  'new property': { re: /^\t+status = "[a-z]+";\n/gm, back: 0 },
};

/** The line typed by a 'new property' round. */
const NEW_PROPERTY = 'vendor,typed-prop = <1 2>;\n';

/** One round of `kind` at a random place of `text` (undefined when the text has no such place). */
export function keystrokeRound(text: string, kind: KeystrokeKind, rnd: () => number): Keystroke[] | undefined {
  const { re, back } = PLACES[kind];
  const all = [...text.matchAll(re)];
  if (all.length === 0) return undefined;
  const m = all[Math.floor(rnd() * all.length)];
  const p = m.index! + m[0].length - back;
  if (kind !== 'new property') {
    // a letter typed at the end of the name, then deleted
    return [{ p, remove: 0, insert: 'x', kind, timed: true }, { p, remove: 1, insert: '', kind, timed: true }];
  }
  const indent = /^\t*/.exec(m[0])![0];
  const line = indent + NEW_PROPERTY;
  const out: Keystroke[] = [];
  for (let k = 0; k < line.length; k++) out.push({ p: p + k, remove: 0, insert: line[k], kind, timed: true });
  out.push({ p, remove: line.length, insert: '', kind, timed: false });
  return out;
}

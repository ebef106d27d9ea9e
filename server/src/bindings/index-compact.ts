// The schema index the language server keeps for hover, completion and signature help (bindings/worker.ts
// sends it once per schema set) arrives as a structured clone: every string and every type list is its own
// copy (a schema id once per compatible it documents, the same `{ type: 'uint32' }` list once per property
// name). `compactIndex` gives back an equal index that holds each of them once (Linux 6.12: 4.5 -> ~3 MB
// of the server's heap, kept for as long as the server runs).
import type { SchemaIndex } from './worker';
import type { PropType } from './linux/prop-types';

export function compactIndex(ix: SchemaIndex): SchemaIndex {
  const strings = new Map<string, string>();
  const str = (x: string): string => {
    const k = strings.get(x);
    if (k !== undefined) return k;
    strings.set(x, x);
    return x;
  };
  const lists = new Map<string, PropType[]>();
  const types = (r: Record<string, PropType[]>): Record<string, PropType[]> => {
    const out: Record<string, PropType[]> = {};
    for (const name of Object.keys(r)) {
      const list = r[name];
      const key = JSON.stringify(list);
      let l = lists.get(key);
      if (!l) lists.set(key, (l = list));
      out[name] = l;
    }
    return out;
  };
  const compatMap: Record<string, string> = {};
  for (const c of Object.keys(ix.compatMap)) compatMap[c] = str(ix.compatMap[c]);
  const files: Record<string, string> = {};
  for (const id of Object.keys(ix.files)) files[id] = str(ix.files[id]);
  // a compatible is a key of compatMap too: the list holds the key's string (V8 keeps property names once)
  const keys = new Map<string, string>();
  for (const c of Object.keys(compatMap)) keys.set(c, c);
  const compatibles = ix.compatibles.map((c) => keys.get(c) ?? str(c));
  return { key: ix.key, origin: ix.origin, compatMap, files, types: { props: types(ix.types.props), patterns: types(ix.types.patterns) }, compatibles };
}

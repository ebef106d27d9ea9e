// Reading binding YAML (Linux dt-schema and Zephyr) with positions. Duplicate keys are errors, as in
// dt-schema's loader (ruamel, allow_duplicate_keys = False) and in Zephyr's edtlib.
import type { Document, Node as YamlNode } from 'yaml';
import { yamlPackage as yaml } from '../workspace/yaml-file';

export interface YamlFile {
  /** the document as plain JSON-like data (undefined when the text does not parse) */
  data: unknown;
  doc?: Document;
  /** the first parse error, with its offset */
  error?: { message: string; offset: number };
}

/**
 * A flow sequence item that is a lone `-` (`enum: [a, b, -]`) is a plain scalar for ruamel (and thus for dt-schema)
 * but a block-sequence indicator for the `yaml` package: quote it, keeping every other offset of the line.
 */
function quoteLoneDashes(text: string): string {
  return text.replace(/([[,][ \t]*)-([ \t]*[\],])/g, "$1'-'$2");
}

export function parseYaml(text: string): YamlFile {
  const { parseDocument } = yaml();
  let doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, keepSourceTokens: false });
  if (doc.errors.some((e) => e.code === 'BLOCK_IN_FLOW')) {
    const retry = parseDocument(quoteLoneDashes(text), { uniqueKeys: true, prettyErrors: false });
    if (retry.errors.length === 0) doc = retry;
  }
  if (doc.errors.length) {
    const e = doc.errors[0];
    return { data: undefined, error: { message: e.message.split('\n')[0], offset: e.pos[0] } };
  }
  try {
    return { data: doc.toJS({ maxAliasCount: 1000 }), doc };
  } catch (e) {
    return { data: undefined, error: { message: e instanceof Error ? e.message : String(e), offset: 0 } };
  }
}

/** The YAML node at a path of keys / indexes (undefined when absent). */
export function nodeAt(doc: Document, path: (string | number)[]): YamlNode | undefined {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let cur: unknown = doc.contents;
  for (const k of path) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === k);
      cur = pair?.value;
    } else if (isSeq(cur) && typeof k === 'number') {
      cur = cur.items[k];
    } else return undefined;
  }
  return cur as YamlNode | undefined;
}

/** Offset range of the key of `path` (its last element) in its map, or of the node itself for an index. */
export function keyRangeAt(doc: Document, path: (string | number)[]): [number, number] | undefined {
  if (path.length === 0) return undefined;
  const { isMap, isPair, isScalar } = yaml();
  const parent = nodeAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === last);
    const k = pair?.key;
    if (isScalar(k) && k.range) return [k.range[0], k.range[1]];
  }
  const n = nodeAt(doc, path);
  return n?.range ? [n.range[0], n.range[1]] : undefined;
}

/** Every key of a map at `path` with its offset range. */
export function mapKeyRanges(doc: Document, path: (string | number)[]): Map<string, [number, number]> {
  const { isMap, isPair, isScalar } = yaml();
  const out = new Map<string, [number, number]>();
  const n = path.length ? nodeAt(doc, path) : (doc.contents as YamlNode | null);
  if (!isMap(n)) return out;
  for (const p of n.items) {
    if (isPair(p) && isScalar(p.key) && p.key.range) out.set(String(p.key.value), [p.key.range[0], p.key.range[1]]);
  }
  return out;
}

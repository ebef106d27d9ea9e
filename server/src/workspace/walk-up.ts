// The search every tree detection does: from a file's folder up to the root, the first folder that is what
// is looked for. Memoised per folder (a sibling file, or one further up, costs nothing).
import { dirname, normalize } from '../base/paths';

export function walkUp<T>(memo: Map<string, T | null>, file: string, at: (dir: string) => T | undefined): T | undefined {
  const visited: string[] = [];
  let dir = dirname(normalize(file));
  let found: T | null = null;
  for (let guard = 0; guard < 256; guard++) {
    const known = memo.get(dir);
    if (known !== undefined) { found = known; break; }
    visited.push(dir);
    const r = at(dir);
    if (r !== undefined) { found = r; break; }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const v of visited) memo.set(v, found);
  return found ?? undefined;
}

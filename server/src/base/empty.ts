// One frozen empty list shared by every AST and tree object that has no labels: a board's AST and live tree
// have ~100,000 empty label lists across the language server's contexts (32 bytes each, ~3 MB at rest). The
// list is frozen, so code that pushes onto it throws at once instead of changing every other owner's: a
// writer replaces the list (`withAdded`).
const EMPTY: readonly never[] = Object.freeze([]);

/** the shared empty list (read-only; replace it to add items) */
export function noItems<T>(): T[] {
  return EMPTY as unknown as T[];
}

/** `list` with `items` added: the shared empty list (or any frozen one) is replaced, another list grows in place */
export function withAdded<T>(list: T[], items: readonly T[]): T[] {
  if (items.length === 0) return list;
  if (Object.isFrozen(list)) return [...list, ...items];
  for (let k = 0; k < items.length; k++) list.push(items[k]);
  return list;
}

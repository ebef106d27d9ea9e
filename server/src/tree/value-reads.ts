// Which property values a computation read (the language server's incremental analyses): the live tree's
// properties are LiveProperty objects whose `chunks` getter records the property in the set being tracked.
// The supplier graph and the checks run tracked; a keystroke that changes the value of a property neither
// read leaves their results as they were (analysis.ts, tree/incremental.ts). Reading a value any other way
// than through `chunks` (spreading the object, Object.keys) would escape the record: don't.
import type * as ast from '../syntax/ast';
import type { Contribution, LabelDef, TreeNode, TreeProperty, ValueChunk } from './types';

/** the set the running computation records into (undefined: nothing is tracked) */
let reads: Set<TreeProperty> | undefined;

export class LiveProperty implements TreeProperty {
  private value: ValueChunk[];
  constructor(
    public name: string,
    chunks: ValueChunk[],
    public labels: LabelDef[],
    public span: ast.Span,
    public nameSpan: ast.Span,
    public contributions: Contribution[],
    public node: TreeNode,
  ) {
    this.value = chunks;
  }

  get chunks(): ValueChunk[] {
    if (reads !== undefined) reads.add(this);
    return this.value;
  }

  set chunks(c: ValueChunk[]) {
    this.value = c;
  }
}

/** A value of `p` read other than through `chunks` (a supplier edge's argument cells): recorded likewise. */
export function noteRead(p: TreeProperty): void {
  if (reads !== undefined) reads.add(p);
}

/** Everything `from` recorded counts as read by the computation running now (a shared result it uses). */
export function noteReads(from: ReadonlySet<TreeProperty>): void {
  if (reads !== undefined && reads !== from) for (const p of from) reads.add(p);
}

/** Run `fn`, recording every property whose value it reads into `into`. */
export function trackReads<T>(into: Set<TreeProperty>, fn: () => T): T {
  const prev = reads;
  reads = into;
  try {
    return fn();
  } finally {
    reads = prev;
  }
}

// Time slices of a long synchronous stage: a stage written as a generator yields when its slice is used
// up, so that a caller (the language server) can answer requests in between; a caller that wants the
// result at once (the CLI) drains it without pausing.

/** Tells a loop when its time slice is used up (then starts the next one). */
export class Slicer {
  private end: number;
  constructor(private readonly ms: number) {
    this.end = Date.now() + ms;
  }

  /** The slice is used up: the caller yields, and the next slice starts when it is resumed. */
  due(): boolean {
    const now = Date.now();
    if (now < this.end) return false;
    this.end = now + this.ms;
    return true;
  }

  /** Start a fresh slice (after a pause). */
  restart(): void {
    this.end = Date.now() + this.ms;
  }
}

/** Run a generator to its end and return its result. */
export function drain<T>(g: Generator<unknown, T, void>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

// A small deterministic PRNG (xorshift128+ over 32-bit halves, seeded by splitmix32) for
// the fuzzer: the same --seed gives the same inputs, and input i can be regenerated alone.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  /** uniform 32-bit unsigned integer (xoshiro128**) */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    this.a >>>= 0; this.b >>>= 0; this.c >>>= 0; this.d >>>= 0;
    return r;
  }

  /** integer in [0, n) */
  int(n: number): number {
    if (n <= 0) return 0;
    return Math.floor((this.u32() / 4294967296) * n);
  }

  /** integer in [lo, hi] */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  /** a length that is usually small, sometimes large (geometric-ish), at most max */
  smallLength(max: number): number {
    if (max <= 0) return 0;
    const r = this.int(100);
    const n = r < 60 ? this.range(1, 8) : r < 90 ? this.range(1, 64) : this.range(1, 4096);
    return Math.min(n, max);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Seed of input i of a run (inputs are independent: any one can be regenerated). */
export function inputSeed(runSeed: number, i: number): number {
  return (Math.imul(runSeed ^ 0x5bd1e995, 0x01000193) + Math.imul(i + 1, 0x9e3779b1)) >>> 0;
}

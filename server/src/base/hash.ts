// A 64-bit key for caches of derived results: two 32-bit lanes, each an FNV-1a step (xor, multiply by a prime) and a
// shift of its high bits into its low ones per input unit, mixed together at the end. (Without the shift a lane is a
// plain product: a difference in only the top bit of a unit survives every later step unchanged, so the same bit
// flipped in two whole-word units, two cells' 0x80000000, gave the same key.) Not cryptographic: what it keys is told
// apart by its sizes too (the caller puts them in the key). In plain
// JavaScript because node:crypto's start (OpenSSL's, and its modules compiled without Node's code cache under the
// CLI's V8 flags) cost a one-board `dts-check` run ~7 ms, several times the hashing itself.

export class Hash64 {
  private h1 = 0x811c9dc5;
  private h2 = 0x2545f491;

  /** The UTF-16 code units of `s`, then its length (so that two texts in a row are told apart from one). */
  text(s: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 16777619);
      h1 ^= h1 >>> 15;
      h2 = Math.imul(h2 ^ c, 2246822519);
      h2 ^= h2 >>> 13;
    }
    this.h1 = h1;
    this.h2 = h2;
    return this.int(s.length);
  }

  /** Integers, each taken as its low 32 bits, then their count. */
  ints(a: ArrayLike<number>): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < a.length; i++) {
      const c = a[i];
      h1 = Math.imul(h1 ^ c, 16777619);
      h1 ^= h1 >>> 15;
      h2 = Math.imul(h2 ^ c, 2246822519);
      h2 ^= h2 >>> 13;
    }
    this.h1 = h1;
    this.h2 = h2;
    return this.int(a.length);
  }

  /** Bytes (four at a time, little-endian, as far as they come in whole words), then their count. */
  bytes(b: Uint8Array): this {
    const n4 = b.length >> 2;
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < n4; i++) {
      const k = i << 2;
      const c = b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) | (b[k + 3] << 24);
      h1 = Math.imul(h1 ^ c, 16777619);
      h1 ^= h1 >>> 15;
      h2 = Math.imul(h2 ^ c, 2246822519);
      h2 ^= h2 >>> 13;
    }
    this.h1 = h1;
    this.h2 = h2;
    for (let k = n4 << 2; k < b.length; k++) this.int(b[k]);
    return this.int(b.length);
  }

  /**
   * One unit: the step every loop above makes. (They make it inline: a call per character or word costs the CLI,
   * which runs without the optimising compiler, more than the hash itself.)
   */
  int(n: number): this {
    const h1 = Math.imul(this.h1 ^ n, 16777619);
    const h2 = Math.imul(this.h2 ^ n, 2246822519);
    this.h1 = h1 ^ (h1 >>> 15);
    this.h2 = h2 ^ (h2 >>> 13);
    return this;
  }

  /** The key: 16 hexadecimal digits. */
  hex(): string {
    // (each lane's last bytes spread over all its bits, and into the other lane)
    let a = this.h1;
    let b = this.h2;
    a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
    b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}

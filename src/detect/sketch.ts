/**
 * Bounded-memory streaming sketches used by account profiles and campaign trackers.
 */

/** Longest array SmallSet scans before it keeps a Set beside it. */
const SCAN_MAX = 8;

/** A set of at most `cap` values; beyond the cap it only records that values were refused. */
export class SmallSet<T> {
  readonly values: T[] = [];
  /** Whether a value was refused for the cap (1 from the first refusal on; adds stop looking then). */
  overflow = 0;
  /** Lookup set, built once the array is long enough that scanning it costs more (rotating IPs). */
  private lookup: Set<T> | null = null;
  constructor(private readonly cap: number) {}

  /** Adds a value; returns true when it was new (and kept). */
  add(v: T): boolean {
    // full and refused a value already: nothing an add could change is observable (a rotating
    // proxy's account sends from a new address with every request)
    if (this.overflow > 0) return false;
    if (this.has(v)) return false;
    if (this.values.length >= this.cap) {
      this.overflow++;
      return false;
    }
    this.values.push(v);
    if (this.lookup) this.lookup.add(v);
    else if (this.values.length === SCAN_MAX) this.lookup = new Set(this.values);
    return true;
  }

  /** Distinct values seen, a lower bound once the cap is reached. */
  get size(): number {
    return this.values.length + (this.overflow > 0 ? 1 : 0);
  }

  /** Whether the value is held. */
  has(v: T): boolean {
    return this.lookup ? this.lookup.has(v) : this.values.includes(v);
  }
}

/**
 * A SmallSet of integers 0-4095 (an account's SimHash bands, one per request): a short scan while it
 * holds a few values, then a 4096-bit map. Same answers as a SmallSet of numbers with the same cap;
 * a lookup per request costs one memory access where a Set's cost several.
 */
export class BandSet {
  private readonly few = new Uint16Array(SCAN_MAX);
  private bits: Uint32Array | null = null;
  private count = 0;
  overflow = 0;
  constructor(private readonly cap: number) {}

  /** Adds a value (an integer 0-4095); returns true when it was new (and kept). */
  add(v: number): boolean {
    if (this.overflow > 0) return false;
    if (this.has(v)) return false;
    if (this.count >= this.cap) {
      this.overflow++;
      return false;
    }
    if (this.bits === null && this.count < SCAN_MAX) this.few[this.count] = v;
    else {
      if (this.bits === null) {
        this.bits = new Uint32Array(128);
        for (let i = 0; i < this.count; i++) this.bits[this.few[i]! >>> 5]! |= 1 << (this.few[i]! & 31);
      }
      this.bits[v >>> 5]! |= 1 << (v & 31);
    }
    this.count++;
    return true;
  }

  /** Distinct values seen, a lower bound once the cap is reached. */
  get size(): number {
    return this.count + (this.overflow > 0 ? 1 : 0);
  }

  /** Whether the value is held. */
  has(v: number): boolean {
    if (this.bits !== null) return (this.bits[v >>> 5]! & (1 << (v & 31))) !== 0;
    for (let i = 0; i < this.count; i++) if (this.few[i] === v) return true;
    return false;
  }
}

/**
 * Misra-Gries heavy hitters with k counters: every value with frequency above n/(k+1) is kept, and
 * its count is underestimated by at most n/(k+1).
 */
export class HeavyHitters {
  readonly keys: number[] = [];
  readonly counts: number[] = [];
  total = 0;
  constructor(private readonly k: number) {}

  /** Counts one occurrence; returns the (estimated) count of the value after adding it. */
  add(key: number): number {
    this.total++;
    const i = this.keys.indexOf(key);
    if (i >= 0) return ++this.counts[i]!;
    if (this.keys.length < this.k) {
      this.keys.push(key);
      this.counts.push(1);
      return 1;
    }
    // decrement all; drop zeros
    let w = 0;
    for (let j = 0; j < this.keys.length; j++) {
      const c = this.counts[j]! - 1;
      if (c > 0) {
        this.keys[w] = this.keys[j]!;
        this.counts[w] = c;
        w++;
      }
    }
    this.keys.length = w;
    this.counts.length = w;
    return 0;
  }

  /** Largest count held. */
  topCount(): number {
    let m = 0;
    for (const c of this.counts) if (c > m) m = c;
    return m;
  }

  /** Key with the largest count, or 0. */
  topKey(): number {
    let m = 0;
    let key = 0;
    for (let j = 0; j < this.keys.length; j++) {
      if (this.counts[j]! > m) {
        m = this.counts[j]!;
        key = this.keys[j]!;
      }
    }
    return key;
  }
}

/** Welford running mean and variance. */
export class RunningStats {
  n = 0;
  mean = 0;
  m2 = 0;

  /** Adds one observation. */
  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }

  /** Sample variance (0 with fewer than two observations). */
  variance(): number {
    return this.n > 1 ? this.m2 / (this.n - 1) : 0;
  }

  /** Coefficient of variation (stddev / mean); NaN when the mean is 0. */
  cv(): number {
    return this.mean > 0 ? Math.sqrt(this.variance()) / this.mean : Number.NaN;
  }
}

/**
 * MinHash signature of a growing set of 32-bit tokens (k independent minima). Jaccard similarity of
 * two sets is estimated by the share of equal positions.
 */
export class MinHash {
  readonly mins: Uint32Array;
  count = 0;
  constructor(k: number) {
    this.mins = new Uint32Array(k).fill(0xffffffff);
  }

  /** Adds one token. */
  add(token: number): void {
    this.count++;
    const m = this.mins;
    for (let i = 0; i < m.length; i++) {
      let x = (token ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
      x ^= x >>> 16;
      x = Math.imul(x, 0x85ebca6b);
      x ^= x >>> 13;
      x = Math.imul(x, 0xc2b2ae35);
      x = (x ^ (x >>> 16)) >>> 0;
      if (x < m[i]!) m[i] = x;
    }
  }

  /** Estimated Jaccard similarity with another signature of the same size (0 if either is empty). */
  jaccard(other: MinHash): number {
    if (this.count === 0 || other.count === 0) return 0;
    let eq = 0;
    for (let i = 0; i < this.mins.length; i++) if (this.mins[i] === other.mins[i]) eq++;
    return eq / this.mins.length;
  }
}

/** Shannon entropy (bits) of a histogram. */
export function entropy(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0) {
      const p = c / total;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

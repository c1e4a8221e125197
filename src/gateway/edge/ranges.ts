/**
 * Sorted, disjoint address ranges in typed arrays with binary search: the shared structure behind
 * the trusted-proxy matcher and the IP database. IPv4 ranges are unsigned 32-bit values; IPv6
 * ranges are four big-endian 32-bit words per address, compared word by word (no BigInt at lookup).
 */

/** Sorted disjoint IPv4 ranges [starts[i], ends[i]] (inclusive). */
export class Ranges4 {
  constructor(
    readonly starts: Uint32Array,
    readonly ends: Uint32Array,
  ) {}

  /** Number of ranges. */
  get length(): number {
    return this.starts.length;
  }

  /** Index of the range holding `v`, or -1. */
  find(v: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= v) {
        at = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return at !== -1 && v <= this.ends[at]! ? at : -1;
  }
}

/** Compares the address at `arr[4*i..]` with `w`: negative, zero or positive. */
function cmpAt(arr: Uint32Array, i: number, w: ArrayLike<number>): number {
  const o = i * 4;
  for (let k = 0; k < 4; k++) {
    const a = arr[o + k]!;
    const b = w[k]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** Sorted disjoint IPv6 ranges; `starts`/`ends` hold 4 words per range. */
export class Ranges6 {
  constructor(
    readonly starts: Uint32Array,
    readonly ends: Uint32Array,
  ) {}

  /** Number of ranges. */
  get length(): number {
    return this.starts.length / 4;
  }

  /** Index of the range holding the address `w` (4 words), or -1. */
  find(w: ArrayLike<number>): number {
    let lo = 0;
    let hi = this.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpAt(this.starts, mid, w) <= 0) {
        at = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return at !== -1 && cmpAt(this.ends, at, w) >= 0 ? at : -1;
  }
}

/** An IPv6 address or bound as a 128-bit BigInt (load time only). */
export function wordsToBig(w: ArrayLike<number>): bigint {
  return (BigInt(w[0]!) << 96n) | (BigInt(w[1]!) << 64n) | (BigInt(w[2]!) << 32n) | BigInt(w[3]!);
}

/** Writes a 128-bit BigInt as 4 words into `out` at word offset `at`. */
export function bigToWords(v: bigint, out: Uint32Array, at: number): void {
  out[at] = Number((v >> 96n) & 0xffffffffn);
  out[at + 1] = Number((v >> 64n) & 0xffffffffn);
  out[at + 2] = Number((v >> 32n) & 0xffffffffn);
  out[at + 3] = Number(v & 0xffffffffn);
}

/** One range with a value, for building. `T` is number (IPv4) or bigint (IPv6). */
export interface RangeRow<T extends number | bigint> {
  start: T;
  end: T;
  value: number;
}

/**
 * Turns possibly overlapping rows into sorted disjoint rows. Where rows overlap, the more specific
 * one wins: rows are ordered by start, then by end descending (a containing range before what it
 * contains), and each row overwrites what earlier rows said about its span. Pieces of an earlier
 * range that stick out on either side are kept. `one` is 1 or 1n.
 */
export function flattenRows<T extends number | bigint>(rows: RangeRow<T>[], one: T): RangeRow<T>[] {
  let sorted = true;
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    if (b.start < a.start || (b.start === a.start && b.end > a.end) || b.start <= a.end) {
      sorted = false;
      break;
    }
  }
  if (sorted) return rows;
  const order = rows.slice().sort((a, b) => {
    if (a.start !== b.start) return a.start < b.start ? -1 : 1;
    return a.end === b.end ? 0 : a.end > b.end ? -1 : 1;
  });
  const out: RangeRow<T>[] = [];
  const tails: RangeRow<T>[] = [];
  for (const row of order) {
    if (row.end < row.start) continue;
    tails.length = 0;
    while (out.length > 0 && out[out.length - 1]!.end >= row.start) {
      const last = out.pop()!;
      if (last.end > row.end) {
        let start = plus(row.end, one); // bigint-safe max(last.start, row.end + 1)
        if (last.start > start) start = last.start;
        tails.push({ start, end: last.end, value: last.value });
      }
      if (last.start < row.start) {
        out.push({ start: last.start, end: minus(row.start, one), value: last.value });
        break;
      }
    }
    out.push(row);
    for (let k = tails.length - 1; k >= 0; k--) out.push(tails[k]!);
  }
  return out;
}

function plus<T extends number | bigint>(a: T, b: T): T {
  return ((a as number) + (b as number)) as T;
}

function minus<T extends number | bigint>(a: T, b: T): T {
  return ((a as number) - (b as number)) as T;
}

/**
 * A growable column store of IPv4 rows for bulk loading (no per-row objects). `flatten()` applies
 * the same "more specific row wins" rule as {@link flattenRows} and returns compact typed arrays.
 */
export class RowBuffer4 {
  private starts: Float64Array = new Float64Array(1024);
  private ends: Float64Array = new Float64Array(1024);
  private values: Uint32Array = new Uint32Array(1024);
  /** Rows pushed so far. */
  n = 0;

  /** Appends an inclusive range with its value. */
  push(start: number, end: number, value: number): void {
    if (this.n === this.starts.length) {
      const grow = <A extends Float64Array | Uint32Array>(a: A): A => {
        const b = new (a.constructor as new (n: number) => A)(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.values = grow(this.values);
    }
    this.starts[this.n] = start;
    this.ends[this.n] = end;
    this.values[this.n] = value;
    this.n++;
  }

  /** Sorted disjoint ranges and their values. */
  flatten(): { ranges: Ranges4; values: Uint32Array } {
    const n = this.n;
    const s = this.starts;
    const e = this.ends;
    const v = this.values;
    const order = rowOrder(n, (a, b) => s[a]! - s[b]! || e[b]! - e[a]!);
    const os = new Float64Array(n * 2 + 1);
    const oe = new Float64Array(n * 2 + 1);
    const ov = new Uint32Array(n * 2 + 1);
    let m = 0;
    const ts: number[] = [];
    const te: number[] = [];
    const tv: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = order === null ? k : order[k]!;
      const rs = s[i]!;
      const re = e[i]!;
      if (re < rs) continue;
      if (ts.length > 0) {
        ts.length = 0;
        te.length = 0;
        tv.length = 0;
      }
      while (m > 0 && oe[m - 1]! >= rs) {
        m--;
        const ls = os[m]!;
        const le = oe[m]!;
        if (le > re) {
          ts.push(Math.max(ls, re + 1));
          te.push(le);
          tv.push(ov[m]!);
        }
        if (ls < rs) {
          oe[m] = rs - 1;
          m++;
          break;
        }
      }
      os[m] = rs;
      oe[m] = re;
      ov[m] = v[i]!;
      m++;
      for (let t = ts.length - 1; t >= 0; t--) {
        os[m] = ts[t]!;
        oe[m] = te[t]!;
        ov[m] = tv[t]!;
        m++;
      }
    }
    return {
      ranges: new Ranges4(Uint32Array.from(os.subarray(0, m)), Uint32Array.from(oe.subarray(0, m))),
      values: ov.slice(0, m),
    };
  }
}

function cmpWords(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  for (let k = 0; k < 4; k++) {
    const x = a[i * 4 + k]!;
    const y = b[j * 4 + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Writes a[i] + delta (delta = +1 or -1, 128-bit wrap-around) into out[j]. */
function stepWords(a: Uint32Array, i: number, out: Uint32Array, j: number, delta: 1 | -1): void {
  let carry: number = delta;
  for (let k = 3; k >= 0; k--) {
    const x = a[i * 4 + k]! + carry;
    if (x > 0xffffffff) {
      out[j * 4 + k] = 0;
      carry = 1;
    } else if (x < 0) {
      out[j * 4 + k] = 0xffffffff;
      carry = -1;
    } else {
      out[j * 4 + k] = x;
      carry = 0;
    }
  }
}

/** {@link RowBuffer4} for IPv6: four 32-bit words per bound, no BigInt. */
export class RowBuffer6 {
  private starts: Uint32Array = new Uint32Array(4096);
  private ends: Uint32Array = new Uint32Array(4096);
  private values: Uint32Array = new Uint32Array(1024);
  /** Rows pushed so far. */
  n = 0;

  /** Appends the range [start, end] (4 words each, read from the given arrays at word offset 0). */
  push(start: Uint32Array, end: Uint32Array, value: number): void {
    if (this.n === this.values.length) {
      const grow = (a: Uint32Array): Uint32Array => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.values = grow(this.values);
    }
    const o = this.n * 4;
    for (let k = 0; k < 4; k++) {
      this.starts[o + k] = start[k]!;
      this.ends[o + k] = end[k]!;
    }
    this.values[this.n] = value;
    this.n++;
  }

  /** Sorted disjoint ranges and their values. */
  flatten(): { ranges: Ranges6; values: Uint32Array } {
    const n = this.n;
    const s = this.starts;
    const e = this.ends;
    const v = this.values;
    const order = rowOrder(n, (a, b) => cmpWords(s, a, s, b) || cmpWords(e, b, e, a));
    const cap = n * 2 + 1;
    const os = new Uint32Array(cap * 4);
    const oe = new Uint32Array(cap * 4);
    const ov = new Uint32Array(cap);
    const tails: { start: Uint32Array; end: Uint32Array; value: number }[] = [];
    let m = 0;
    for (let k = 0; k < n; k++) {
      const i = order === null ? k : order[k]!;
      if (cmpWords(e, i, s, i) < 0) continue;
      if (tails.length > 0) tails.length = 0;
      while (m > 0 && cmpWords(oe, m - 1, s, i) >= 0) {
        m--;
        if (cmpWords(oe, m, e, i) > 0) {
          // tail = [max(last.start, row.end + 1), last.end]
          const start = new Uint32Array(4);
          stepWords(e, i, start, 0, 1);
          if (cmpWords(os, m, start, 0) > 0) start.set(os.subarray(m * 4, m * 4 + 4));
          tails.push({ start, end: oe.slice(m * 4, m * 4 + 4), value: ov[m]! });
        }
        if (cmpWords(os, m, s, i) < 0) {
          stepWords(s, i, oe, m, -1);
          m++;
          break;
        }
      }
      for (let k = 0; k < 4; k++) {
        os[m * 4 + k] = s[i * 4 + k]!;
        oe[m * 4 + k] = e[i * 4 + k]!;
      }
      ov[m] = v[i]!;
      m++;
      for (let x = tails.length - 1; x >= 0; x--) {
        const tail = tails[x]!;
        os.set(tail.start, m * 4);
        oe.set(tail.end, m * 4);
        ov[m] = tail.value;
        m++;
      }
    }
    return { ranges: new Ranges6(os.slice(0, m * 4), oe.slice(0, m * 4)), values: ov.slice(0, m) };
  }
}

/**
 * The processing order of `n` rows under `cmp` (start ascending, end descending): null when they
 * are already in order. The packages' files are nearly sorted (a handful of rows out of place), so
 * an insertion sort with a work budget runs first, falling back to a full sort.
 */
function rowOrder(n: number, cmp: (a: number, b: number) => number): Uint32Array | null {
  let i = 1;
  while (i < n && cmp(i - 1, i) <= 0) i++;
  if (i >= n) return null;
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  let budget = n * 4;
  for (; i < n; i++) {
    const x = order[i]!;
    let j = i - 1;
    while (j >= 0 && cmp(order[j]!, x) > 0) {
      order[j + 1] = order[j]!;
      j--;
      if (--budget < 0) {
        for (let k = 0; k < n; k++) order[k] = k;
        return order.sort((a, b) => cmp(a, b) || a - b);
      }
    }
    order[j + 1] = x;
  }
  return order;
}

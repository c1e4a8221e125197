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
        const after = plus(row.end, one);
        tails.push({ start: last.start > after ? last.start : after, end: last.end, value: last.value });
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

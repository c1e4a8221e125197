/**
 * The naive answer every detector is compared with: a per-account rolling-window rate limit. Causal:
 * an account is enforced from the first exchange that takes it over the limit, for good. The window
 * is approximated with 60 buckets (1-minute buckets for an hourly window), which is how production
 * rate limiters usually count.
 */
import { ConfigError } from "../core/errors.js";

export interface NaiveSpec {
  /** Label like "60/h". */
  label: string;
  limit: number;
  windowMs: number;
}

const UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses "N/unit" (unit s, m, h, d), e.g. "60/h", "20/m", "2000/d". */
export function parseNaiveSpec(text: string): NaiveSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d*)\s*(s|m|min|h|d)\s*$/.exec(text);
  if (!m) throw new ConfigError(`rate limit ${JSON.stringify(text)}: expected N/unit such as 60/h or 20/m`);
  const limit = Number(m[1]);
  const mult = m[2] ? Number(m[2]) : 1;
  if (limit <= 0 || mult <= 0) throw new ConfigError(`rate limit ${JSON.stringify(text)}: must be positive`);
  return { label: text.trim(), limit, windowMs: mult * (UNITS[m[3]!] as number) };
}

/** Default thresholds: four hourly limits (one low enough to catch spread-out hydras) and a burst limit. */
export const DEFAULT_NAIVE = ["10/h", "60/h", "300/h", "1000/h", "30/m"];

const BUCKETS = 60;

/** Rolling-window counter for many accounts (indexed 0..n-1), growing as accounts appear. */
export class RollingLimit {
  private counts: Uint32Array;
  private heads: Float64Array;
  private sums: Uint32Array;
  private readonly bucketMs: number;

  constructor(
    readonly spec: NaiveSpec,
    capacity = 1024,
  ) {
    this.bucketMs = spec.windowMs / BUCKETS;
    this.counts = new Uint32Array(capacity * BUCKETS);
    this.heads = new Float64Array(capacity).fill(-1);
    this.sums = new Uint32Array(capacity);
  }

  private grow(n: number): void {
    let cap = this.heads.length;
    while (cap <= n) cap *= 2;
    const c = new Uint32Array(cap * BUCKETS);
    c.set(this.counts);
    const h = new Float64Array(cap).fill(-1);
    h.set(this.heads);
    const s = new Uint32Array(cap);
    s.set(this.sums);
    this.counts = c;
    this.heads = h;
    this.sums = s;
  }

  /** Counts one exchange of account `i` at time t; true when the window now exceeds the limit. */
  hit(i: number, t: number): boolean {
    if (i >= this.heads.length) this.grow(i);
    const b = Math.floor(t / this.bucketMs);
    const base = i * BUCKETS;
    let head = this.heads[i] as number;
    if (head < 0) head = b;
    if (b > head) {
      // Expire buckets that slid out of the window.
      const steps = Math.min(BUCKETS, b - head);
      for (let k = 1; k <= steps; k++) {
        const slot = base + ((head + k) % BUCKETS);
        this.sums[i] = (this.sums[i] as number) - (this.counts[slot] as number);
        this.counts[slot] = 0;
      }
      head = b;
    }
    this.heads[i] = head;
    const slot = base + (Math.max(b, head - BUCKETS + 1) % BUCKETS);
    this.counts[slot] = (this.counts[slot] as number) + 1;
    this.sums[i] = (this.sums[i] as number) + 1;
    return (this.sums[i] as number) > this.spec.limit;
  }
}

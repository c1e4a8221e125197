/**
 * Exact statistics for the watermark test. The number of green positions is a sum of independent
 * Bernoulli(1/k_i) draws (a Poisson-binomial law); with only a few distinct k it is a convolution of
 * binomials, computed exactly here in O(n_a * n_b). Above EXACT_LIMIT positions a normal
 * approximation with continuity correction is used instead (and said so in the result).
 */

/** Largest number of positions tested exactly. */
export const EXACT_LIMIT = 40_000;

function logFactorials(n: number): Float64Array {
  const t = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) t[i] = (t[i - 1] as number) + Math.log(i);
  return t;
}

function binomialPmf(n: number, p: number, lf: Float64Array): Float64Array {
  const out = new Float64Array(n + 1);
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  for (let x = 0; x <= n; x++) {
    out[x] = Math.exp((lf[n] as number) - (lf[x] as number) - (lf[n - x] as number) + x * lp + (n - x) * lq);
  }
  return out;
}

function convolve(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) {
    const ai = a[i] as number;
    if (ai === 0) continue;
    for (let j = 0; j < b.length; j++) out[i + j] = (out[i + j] as number) + ai * (b[j] as number);
  }
  return out;
}

/** Upper tail of the standard normal, accurate far into the tail (Cody-style erfc via continued fraction). */
export function normalUpperTail(z: number): number {
  if (z < 0) return 1 - normalUpperTail(-z);
  if (z < 5) {
    // erfc via Abramowitz-Stegun 7.1.26 is too coarse; use the series for Phi on small z.
    let sum = z;
    let term = z;
    for (let i = 1; i < 200; i++) {
      term *= (z * z) / (2 * i + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 0.5 - (sum * Math.exp(-(z * z) / 2)) / Math.sqrt(2 * Math.PI);
  }
  // Continued fraction for the Mills ratio.
  let f = 0;
  for (let k = 60; k >= 1; k--) f = k / (z + f);
  return Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI) / (z + f);
}

/** Result of the green-count test. */
export interface TailResult {
  /** P(S >= observed) under H0. */
  pValue: number;
  method: "exact" | "normal";
  expected: number;
  variance: number;
  /** (observed - expected) / sd. */
  z: number;
}

/**
 * P(S >= observed) where S is the sum over k of Binomial(counts[k], 1/k), i.e. positions of group
 * size k each green with probability 1/k.
 */
export function greenTail(counts: Map<number, number>, observed: number): TailResult {
  let n = 0;
  let expected = 0;
  let variance = 0;
  for (const [k, c] of counts) {
    n += c;
    expected += c / k;
    variance += (c * (k - 1)) / (k * k);
  }
  const z = variance > 0 ? (observed - expected) / Math.sqrt(variance) : 0;
  if (observed <= 0) return { pValue: 1, method: "exact", expected, variance, z };
  if (observed > n) return { pValue: 0, method: "exact", expected, variance, z };
  if (n > EXACT_LIMIT) {
    const zc = (observed - 0.5 - expected) / Math.sqrt(variance);
    return { pValue: normalUpperTail(zc), method: "normal", expected, variance, z };
  }
  const lf = logFactorials(n);
  let pmf: Float64Array = new Float64Array([1]);
  const ks = [...counts.keys()].sort((a, b) => a - b);
  for (const k of ks) {
    const c = counts.get(k) ?? 0;
    if (c > 0) pmf = convolve(pmf, binomialPmf(c, 1 / k, lf));
  }
  let tail = 0;
  for (let x = pmf.length - 1; x >= observed; x--) tail += pmf[x] as number;
  return { pValue: Math.min(1, tail), method: "exact", expected, variance, z };
}

/** Holm step-down adjusted p-values (same order as the input). */
export function holm(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

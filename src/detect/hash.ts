/**
 * Small non-cryptographic 32-bit hashes used on the hot path (fingerprints, sketches, key ids).
 * All values are unsigned 32-bit integers stored in JS numbers.
 */

export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a step: folds one 16-bit code unit into a running hash. */
export function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME) >>> 0;
}

/** FNV-1a hash of a whole string (UTF-16 code units). */
export function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** Murmur3 finaliser: spreads the bits of a 32-bit value. */
export function fmix(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Order-dependent combination of two hashes. */
export function mix2(a: number, b: number): number {
  return fmix((Math.imul(a ^ 0x9e3779b9, 0x01000193) + b) | 0);
}

/** Number of set bits in a 32-bit value. */
export function popcount(v: number): number {
  let x = v >>> 0;
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Hamming distance between two 64-bit SimHashes given as (hi, lo) pairs. */
export function hamming64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return popcount(aHi ^ bHi) + popcount(aLo ^ bLo);
}

/** Hex rendering of a 32-bit hash, for ids and evidence. */
export function hex32(h: number): string {
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Clamps to [0, 1]. */
export function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Rounds to `d` decimals (for evidence values). */
export function round(x: number, d = 3): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

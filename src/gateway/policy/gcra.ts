/**
 * GCRA (generic cell rate algorithm) as a pure function over one stored value, the theoretical
 * arrival time (TAT). The in-memory store (./limiter.ts) and a future Redis/Lua store must both run
 * exactly this integer arithmetic, so it is spelled out here step by step.
 *
 * ## Exact time: milliseconds plus a fraction
 * `now` is an integer number of ms since the epoch (the Clock's value). One unit of a rule
 * `limit` per `periodMs` is worth T = periodMs / limit ms, rarely a whole number (7/min: 8571.43 ms).
 * To stay exact, every time quantity is a pair `{ ms, fr }` meaning `ms + fr / den` milliseconds with
 * integers `0 <= fr < den`, where, with g = gcd(periodMs, limit):
 * ```
 * num = periodMs / g,  den = limit / g          -- T = num / den ms, reduced
 * ```
 * Nothing drifts and nothing is rounded: a rule of 90,000/min lets exactly 90,000 units through at
 * once and then exactly one every 2/3 ms. Every intermediate value is an integer below 2^53 — so a
 * Lua port (doubles, like JS) is exact too — as long as `num * den`, `cost * num` and
 * `burst * num` are: {@link compileRule} checks `num * den` and the burst; costs of realistic size
 * (1e9 tokens per day gives num = 54) are far from the limit.
 * `limit`, `periodMs`, `burst` and costs are integers (a fractional cost is rounded up first).
 *
 * ## Algorithm: gcra(tat | nil, now, cost, rule) with rule compiled as below
 * ```
 * emit(n)   = { ms: q*num + floor(r*num/den), fr: (r*num) % den }
 *             where n = max(0, ceil(n)), q = floor(n/den), r = n - q*den
 * dvt       = emit(burst)                           -- the bucket size as a duration (compiled once)
 * inc       = emit(ceil(cost))
 * base      = (tat == nil or tat < {now,0}) and {now,0} or tat     -- pairs compare (ms, then fr)
 * newTat    = base + inc                            -- add fr; if fr >= den: fr -= den, ms += 1
 * diff      = newTat - {now,0}                      -- = { newTat.ms - now, newTat.fr }
 * if diff <= dvt then                               -- ALLOWED: store newTat
 *   remaining    = min(burst, floor(((dvt - diff).ms * den + (dvt - diff).fr) / num))
 *   resetAfterMs = ceil(diff)                        -- ceil({a,b}) = a + (b > 0 and 1 or 0)
 *   retryAfterMs = 0
 * else                                              -- DENIED: store nothing
 *   held         = base - {now,0}
 *   remaining    = max(0, min(burst, floor(((dvt - held).ms * den + (dvt - held).fr) / num)))
 *   resetAfterMs = ceil(held)
 *   retryAfterMs = (ceil(cost) > burst) and +inf or ceil(diff - dvt)
 * ```
 * A stored `fr >= den` (the rule's limit changed under a key) reads as `den - 1`.
 * A TAT not after `now` means a full bucket, the same as no TAT, so a store may delete it then
 * (Redis: `PEXPIRE key ceil(newTat - now)`).
 *
 * ## Retry-after is exact
 * A denied request retried at `now + retryAfterMs` is allowed (if nothing else was charged in
 * between) and at `now + retryAfterMs - 1` it is still denied. `retryAfterMs` is +Infinity when the
 * cost alone exceeds the burst: such a request can never pass.
 */

import { ConfigError } from "../../core/errors.js";

/** A rate-limit rule: `limit` units per `periodMs`, at most `burst` units at once (default `limit`). */
export interface Rule {
  /** Units (requests, tokens…) replenished per period: a positive integer. */
  limit: number;
  /** Period in integer milliseconds, e.g. 60000 for "per minute". */
  periodMs: number;
  /** Bucket size in units (default: `limit`): how many units may be spent at once. Integer ≥ 1. */
  burst?: number;
}

/** A validated rule with its reduced emission interval (num/den ms) and bucket size precomputed. */
export interface CompiledRule {
  readonly limit: number;
  readonly periodMs: number;
  readonly burst: number;
  /** Emission interval numerator: T = num / den ms. */
  readonly num: number;
  /** Emission interval denominator; also the fraction unit of a {@link Tat}. */
  readonly den: number;
  /** The bucket as a duration: emit(burst). */
  readonly dvt: Tat;
}

/** A point in time or a duration: `ms + fr / den` milliseconds, integers, `0 <= fr < den`. */
export interface Tat {
  readonly ms: number;
  readonly fr: number;
}

/** Outcome of one GCRA step; see the module comment for the exact formulas. */
export interface GcraResult {
  allowed: boolean;
  /** TAT to store when allowed; the effective TAT (max(tat, now)) unchanged when denied. */
  newTat: Tat;
  /** Whole units that could still be spent right now (after this charge when allowed). */
  remaining: number;
  /** Ms until the request would be allowed: 0 when allowed, +Infinity when it never can be. */
  retryAfterMs: number;
  /** Ms until the bucket is completely full again. */
  resetAfterMs: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * Validates a rule and precomputes its fraction form. Throws ConfigError unless limit, periodMs and
 * burst are positive integers and the reduced interval fits exact integer arithmetic
 * (`num * den <= 2^53 - 1`; e.g. any limit up to 1.5e11 per minute, 1e8 per day).
 * Already-compiled rules are returned as they are.
 */
export function compileRule(rule: Rule | CompiledRule, what = "rate limit rule"): CompiledRule {
  if (isCompiled(rule)) return rule;
  const { limit, periodMs } = rule;
  const burst = rule.burst ?? limit;
  if (!Number.isSafeInteger(periodMs) || periodMs <= 0) {
    throw new ConfigError(`${what}: periodMs must be a positive integer (got ${periodMs})`);
  }
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new ConfigError(`${what}: limit must be a positive integer (got ${limit})`);
  }
  if (!Number.isSafeInteger(burst) || burst < 1) {
    throw new ConfigError(`${what}: burst must be an integer ≥ 1 (got ${burst})`);
  }
  const g = gcd(periodMs, limit);
  const num = periodMs / g;
  const den = limit / g;
  if (num * den > Number.MAX_SAFE_INTEGER || burst * num > Number.MAX_SAFE_INTEGER) {
    throw new ConfigError(
      `${what}: ${limit} per ${periodMs} ms is too fine-grained for exact arithmetic; use a rounder limit or a shorter period`,
    );
  }
  const partial = { limit, periodMs, burst, num, den, dvt: { ms: 0, fr: 0 } };
  return { ...partial, dvt: emit(burst, partial) };
}

function isCompiled(rule: Rule | CompiledRule): rule is CompiledRule {
  return (rule as CompiledRule).den !== undefined;
}

/** The duration `units` consume under `rule` (rounded up to an integer, negative as 0): exactly units·T. */
export function emit(units: number, rule: Pick<CompiledRule, "num" | "den">): Tat {
  const n = units > 0 ? Math.ceil(units) : 0;
  const q = Math.floor(n / rule.den);
  const r = n - q * rule.den;
  const p = r * rule.num;
  return { ms: q * rule.num + Math.floor(p / rule.den), fr: p % rule.den };
}

/**
 * One GCRA step. `tat` is the stored TAT (undefined when absent), `now` integer ms, `cost` ≥ 0
 * units (0 peeks without charging). Pure: the caller stores `newTat` only when allowed.
 */
export function gcra(
  tat: Tat | undefined,
  now: number,
  cost: number,
  ruleIn: Rule | CompiledRule,
): GcraResult {
  const rule = compileRule(ruleIn);
  const den = rule.den;
  const dvt = rule.dvt;
  const inc = emit(cost, rule);
  let baseMs = now;
  let baseFr = 0;
  if (tat !== undefined && (tat.ms > now || (tat.ms === now && tat.fr > 0))) {
    baseMs = tat.ms;
    baseFr = tat.fr < den ? tat.fr : den - 1;
  }
  let newMs = baseMs + inc.ms;
  let newFr = baseFr + inc.fr;
  if (newFr >= den) {
    newFr -= den;
    newMs += 1;
  }
  const diffMs = newMs - now;
  if (diffMs < dvt.ms || (diffMs === dvt.ms && newFr <= dvt.fr)) {
    return {
      allowed: true,
      newTat: { ms: newMs, fr: newFr },
      remaining: Math.min(rule.burst, unitsIn(dvt.ms - diffMs, dvt.fr - newFr, rule)),
      retryAfterMs: 0,
      resetAfterMs: newFr > 0 ? diffMs + 1 : diffMs,
    };
  }
  const heldMs = baseMs - now;
  let overMs = diffMs - dvt.ms;
  let overFr = newFr - dvt.fr;
  if (overFr < 0) {
    overFr += den;
    overMs -= 1;
  }
  return {
    allowed: false,
    newTat: { ms: baseMs, fr: baseFr },
    remaining: Math.max(0, Math.min(rule.burst, unitsIn(dvt.ms - heldMs, dvt.fr - baseFr, rule))),
    retryAfterMs: Math.ceil(cost) > rule.burst ? Number.POSITIVE_INFINITY : overFr > 0 ? overMs + 1 : overMs,
    resetAfterMs: baseFr > 0 ? heldMs + 1 : heldMs,
  };
}

/** Whole units that fit in the duration `ms + fr/den` (fr may be negative, > -den). */
function unitsIn(ms: number, fr: number, rule: CompiledRule): number {
  return Math.floor((ms * rule.den + fr) / rule.num);
}

/**
 * Applies a usage correction to a stored TAT and returns the TAT to store.
 *
 * A positive `delta` charges more units unconditionally, appended at max(tat, now): usage that
 * already happened may push the key into debt.
 *
 * A negative `delta` refunds units, but only what the reservation still holds:
 * - never below `now` (a TAT in the past already means "full bucket"; going further back would
 *   grant more than the burst);
 * - when `heldUntil` is given — the TAT stored right after the reservation was charged
 *   (`CheckOutcome.tatAfter`) — at most `heldUntil - now`: the part of the reservation that time
 *   has not yet paid back. Without this cap a late refund would also hand back units that other
 *   requests spent meanwhile (the reserved units refilled "under" them). With it the result is
 *   never more generous than if the reservation had been exact from the start.
 * ```
 * base   = max(tat or {now,0}, {now,0})
 * delta >= 0:  newTat = base + emit(delta)
 * delta <  0:  back = emit(-delta)
 *              if heldUntil given: back = min(back, max({0,0}, heldUntil - {now,0}))
 *              newTat = max({now,0}, base - back)
 * ```
 */
export function adjustTat(
  tat: Tat | undefined,
  now: number,
  delta: number,
  ruleIn: Rule | CompiledRule,
  heldUntil?: Tat,
): Tat {
  const rule = compileRule(ruleIn);
  let ms = now;
  let fr = 0;
  if (tat !== undefined && (tat.ms > now || (tat.ms === now && tat.fr > 0))) {
    ms = tat.ms;
    fr = tat.fr < rule.den ? tat.fr : rule.den - 1;
  }
  if (delta >= 0) {
    const inc = emit(delta, rule);
    ms += inc.ms;
    fr += inc.fr;
    if (fr >= rule.den) {
      fr -= rule.den;
      ms += 1;
    }
    return { ms, fr };
  }
  let backMs: number;
  let backFr: number;
  ({ ms: backMs, fr: backFr } = emit(-delta, rule));
  if (heldUntil !== undefined) {
    const leftMs = heldUntil.ms - now;
    const leftFr = heldUntil.fr < rule.den ? heldUntil.fr : rule.den - 1;
    if (leftMs < 0 || (leftMs === 0 && leftFr === 0)) return { ms, fr };
    if (leftMs < backMs || (leftMs === backMs && leftFr < backFr)) {
      backMs = leftMs;
      backFr = leftFr;
    }
  }
  ms -= backMs;
  fr -= backFr;
  if (fr < 0) {
    fr += rule.den;
    ms -= 1;
  }
  return ms < now ? { ms: now, fr: 0 } : { ms, fr };
}

/**
 * The storage form of a TAT shared by every store: `"<ms>:<fr>"` (e.g. `"1700000060000:3"`), so a
 * Redis value written by one implementation reads the same in another.
 */
export function encodeTat(tat: Tat): string {
  return `${tat.ms}:${tat.fr}`;
}

/** Parses {@link encodeTat}'s form; undefined for anything else (treated as "no state"). */
export function decodeTat(text: string | null | undefined): Tat | undefined {
  if (text === null || text === undefined) return undefined;
  const colon = text.indexOf(":");
  if (colon <= 0) return undefined;
  const ms = Number(text.slice(0, colon));
  const fr = Number(text.slice(colon + 1));
  if (!Number.isSafeInteger(ms) || !Number.isSafeInteger(fr) || fr < 0) return undefined;
  return { ms, fr };
}

/** True when `tat` is not after `now`: the bucket is full and the entry may be dropped. */
export function isExpired(tat: Tat, now: number): boolean {
  return tat.ms < now || (tat.ms === now && tat.fr === 0);
}

/**
 * Multi-check rate limiting over GCRA (./gcra.ts): a request is checked against several rules at
 * once (account requests/min, account tokens/min, org tokens/day…) and is charged all-or-nothing.
 * {@link MemoryLimiterStore} keeps TATs in a Map; a Redis store must implement the same
 * {@link LimiterStore} contract with one Lua script per call (atomic, so replicas agree):
 *
 * ```
 * -- KEYS[i] = check key; ARGV = now, then per check: cost, num, den, burst, dvt.ms, dvt.fr
 * --   (from compileRule; a TAT is stored as the string "ms:fr", see encodeTat/decodeTat)
 * pass 1: for each check i in order:
 *           tat_i = the newTat of an earlier ALLOWED check with the same key, else decode(GET KEYS[i])
 *           r_i   = gcra(tat_i, now, cost_i, rule_i)                       -- gcra.ts, step by step
 * if every r_i.allowed:
 *   for each i in order: SET KEYS[i] encode(r_i.newTat) PX max(1, r_i.resetAfterMs)
 * else:
 *   write nothing; the outcomes of checks that passed are recomputed with cost 0 (a peek) on the
 *   stored state, so their "remaining" is what is really left; `denied` = the failing check with
 *   the largest retryAfterMs (the first such in order on ties).
 * adjust(key, rule, delta, now, heldUntil): t = adjustTat(decode(GET key), now, delta, rule, heldUntil);
 *   DEL key if t <= now else SET key encode(t) PX ceil(t - now)
 * ```
 * Expiry: a TAT not after `now` means a full bucket, so entries may vanish then (PX in Redis, the
 * incremental {@link MemoryLimiterStore.sweep} here) without changing any decision.
 */

import { adjustTat, type CompiledRule, gcra, isExpired, type Rule, type Tat } from "./gcra.js";

/** What a limit counts, for the response headers of each API dialect. */
export type LimitKind = "requests" | "tokens" | "input_tokens" | "output_tokens";

/** One rule to check for one request. */
export interface LimitCheck {
  /** Storage key, unique per (subject, rule), e.g. "acct:42:rpm". */
  key: string;
  /** Units this request spends (1 for a request, max_tokens reserved for tokens); ≥ 0. */
  cost: number;
  /** The rule; pass a {@link CompiledRule} (compileRule once at boot) to skip per-call compiling. */
  rule: Rule | CompiledRule;
  /** Human/audit name of the check, e.g. "account:requests_per_minute" (defaults to the key). */
  name?: string;
  /** What it counts, for rate-limit headers (default "requests"). */
  kind?: LimitKind;
}

/** The outcome of one check. */
export interface CheckOutcome {
  name: string;
  key: string;
  kind: LimitKind;
  /** The rule's limit per period (the "-limit" header value). */
  limit: number;
  allowed: boolean;
  /** Units left right now (after the charge when the whole request was allowed). */
  remaining: number;
  /** Ms until this check's bucket is full again. */
  resetAfterMs: number;
  /** Ms until this check would pass: 0 when it passes; +Infinity when it never can. */
  retryAfterMs: number;
  /**
   * The key's TAT right after this request was charged (null when the request was not charged).
   * Keep it with a reservation and pass it to `adjust`/`reconcile` to cap the refund exactly.
   */
  tatAfter: Tat | null;
}

/** The outcome of a whole request. */
export interface LimitResult {
  /** True only if every check passed; then every check was charged, otherwise none was. */
  allowed: boolean;
  /** The `now` (ms) the decision was taken at, for absolute reset times. */
  now: number;
  /** When denied: the largest retry-after among the failing checks (ms; +Infinity if never). 0 when allowed. */
  retryAfterMs: number;
  /** When denied: the failing check with the longest retry-after (the one to name in the error). */
  denied: CheckOutcome | null;
  /** One outcome per check, in the order given. */
  outcomes: CheckOutcome[];
}

/** Storage for rate-limit state; implementations must reproduce {@link MemoryLimiterStore} exactly. */
export interface LimiterStore {
  /** Checks every rule at `now` (ms) and charges all of them only if all pass. */
  apply(checks: readonly LimitCheck[], now: number): LimitResult;
  /**
   * Reconciles a reservation: charges `delta` more units (> 0) or refunds −`delta` units (< 0) on
   * `key` at `now`, never refunding beyond a full bucket, nor (given `heldUntil`, the reservation's
   * `tatAfter`) more than the reservation still holds — see adjustTat in gcra.ts. Returns the resulting state as an outcome
   * (named after the key, kind "tokens": reservations are made for tokens).
   */
  adjust(key: string, rule: Rule | CompiledRule, delta: number, now: number, heldUntil?: Tat): CheckOutcome;
}

/** Options for {@link MemoryLimiterStore}. */
export interface MemoryLimiterOptions {
  /** Entries examined for expiry on every `apply`/`adjust` (default 4). */
  sweepPerOp?: number;
}

/** An in-process {@link LimiterStore}: TATs (µs) in a Map, expired keys swept incrementally. */
export class MemoryLimiterStore implements LimiterStore {
  private readonly tats = new Map<string, Tat>();
  private readonly sweepPerOp: number;
  private cursor: Iterator<[string, Tat]> | null = null;

  constructor(options: MemoryLimiterOptions = {}) {
    this.sweepPerOp = options.sweepPerOp ?? 4;
  }

  /** Number of keys currently held (expired ones included until swept). */
  get size(): number {
    return this.tats.size;
  }

  /** The stored TAT of `key`, or undefined (for tests and diagnostics). */
  peekTat(key: string): Tat | undefined {
    return this.tats.get(key);
  }

  apply(checks: readonly LimitCheck[], now: number): LimitResult {
    const n = checks.length;
    const tats: Tat[] = new Array(n);
    const outcomes: CheckOutcome[] = new Array(n);
    let allowed = true;
    for (let i = 0; i < n; i++) {
      const c = checks[i]!;
      let tat: Tat | undefined;
      let found = false;
      for (let j = i - 1; j >= 0; j--) {
        if (checks[j]!.key === c.key && outcomes[j]!.allowed) {
          tat = tats[j];
          found = true;
          break;
        }
      }
      if (!found) tat = this.tats.get(c.key);
      const r = gcra(tat, now, c.cost, c.rule);
      tats[i] = r.newTat;
      outcomes[i] = outcome(c, r.allowed, r.remaining, r.resetAfterMs, r.retryAfterMs, r.newTat);
      if (!r.allowed) allowed = false;
    }
    let denied: CheckOutcome | null = null;
    if (allowed) {
      for (let i = 0; i < n; i++) this.tats.set(checks[i]!.key, tats[i]!);
    } else {
      for (let i = 0; i < n; i++) outcomes[i]!.tatAfter = null;
      for (let i = 0; i < n; i++) {
        const o = outcomes[i]!;
        if (!o.allowed) {
          if (denied === null || o.retryAfterMs > denied.retryAfterMs) denied = o;
          continue;
        }
        const c = checks[i]!;
        const peek = gcra(this.tats.get(c.key), now, 0, c.rule);
        o.remaining = peek.remaining;
        o.resetAfterMs = peek.resetAfterMs;
      }
    }
    this.sweep(now, this.sweepPerOp);
    return { allowed, now, retryAfterMs: denied === null ? 0 : denied.retryAfterMs, denied, outcomes };
  }

  adjust(key: string, rule: Rule | CompiledRule, delta: number, now: number, heldUntil?: Tat): CheckOutcome {
    const newTat = adjustTat(this.tats.get(key), now, delta, rule, heldUntil);
    if (isExpired(newTat, now)) this.tats.delete(key);
    else this.tats.set(key, newTat);
    const peek = gcra(newTat, now, 0, rule);
    this.sweep(now, this.sweepPerOp);
    return {
      name: key,
      key,
      kind: "tokens",
      limit: rule.limit,
      allowed: peek.allowed,
      remaining: peek.remaining,
      resetAfterMs: peek.resetAfterMs,
      retryAfterMs: peek.retryAfterMs,
      tatAfter: isExpired(newTat, now) ? null : newTat,
    };
  }

  /**
   * Examines up to `budget` entries (continuing where the last call stopped; a call ends at the end
   * of a pass, the next one starts a new pass) and
   * deletes those whose TAT is not after `now`: they mean a full bucket, the same as no entry.
   * Returns how many were deleted. Call it from a timer for a full pass when traffic is idle.
   */
  sweep(now: number, budget: number): number {
    let deleted = 0;
    for (let k = 0; k < budget; k++) {
      if (this.cursor === null) {
        if (this.tats.size === 0) break;
        this.cursor = this.tats.entries();
      }
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = null;
        break;
      }
      const [key, tat] = next.value;
      if (isExpired(tat, now) && this.tats.get(key) === tat) {
        this.tats.delete(key);
        deleted++;
      }
    }
    return deleted;
  }
}

function outcome(
  c: LimitCheck,
  allowed: boolean,
  remaining: number,
  resetAfterMs: number,
  retryAfterMs: number,
  tatAfter: Tat,
): CheckOutcome {
  return {
    name: c.name ?? c.key,
    key: c.key,
    kind: c.kind ?? "requests",
    limit: c.rule.limit,
    allowed,
    remaining,
    resetAfterMs,
    retryAfterMs,
    tatAfter,
  };
}

/** A {@link LimiterStore} bound to a {@link Clock}-like time source: what the gateway calls. */
export class RateLimiter {
  constructor(
    readonly store: LimiterStore,
    private readonly clock: { now(): number },
  ) {}

  /** Checks and (all-or-nothing) charges `checks` at the clock's current time. */
  check(checks: readonly LimitCheck[]): LimitResult {
    return this.store.apply(checks, this.clock.now());
  }

  /**
   * Reconciles a reservation made with `check`: `actual - reserved` units are charged (when
   * positive) or refunded (when negative) on `key`. Pass the reservation's outcome `tatAfter` as
   * `heldUntil` so a late refund returns only what the reservation still holds (recommended).
   * Returns the key's state afterwards.
   */
  reconcile(
    key: string,
    rule: Rule | CompiledRule,
    reserved: number,
    actual: number,
    heldUntil?: Tat | null,
  ): CheckOutcome {
    return this.store.adjust(key, rule, actual - reserved, this.clock.now(), heldUntil ?? undefined);
  }
}

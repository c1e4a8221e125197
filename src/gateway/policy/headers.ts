/**
 * Rate-limit response headers for both API dialects, built from a {@link LimitResult}.
 *
 * When several checks count the same kind (account and org tokens/min, say) the header reports the
 * most restrictive one: the fewest units remaining, then the latest reset (as both providers do).
 *
 * Retry: on a denial both dialects get `retry-after` (integer seconds, rounded up, per RFC 9110)
 * and `retry-after-ms` (exact ms). The official SDKs (openai 6.x, @anthropic-ai/sdk 1.x) read
 * `retry-after-ms` first and `retry-after` second, and sleep that long before retrying a 429; the
 * Anthropic SDK ignores a value ≤ 0, so both values here are ≥ 1. When the request can never pass
 * (its cost exceeds the bucket) no retry-after is sent and `x-should-retry: false` tells both SDKs
 * not to retry.
 */

import type { CheckOutcome, LimitKind, LimitResult } from "./limiter.js";

/** Header name → value. */
export type HeaderRecord = Record<string, string>;

interface Names {
  limit: string;
  remaining: string;
  reset: string;
}

function names(prefix: string, suffix = ""): Names {
  return {
    limit: `${prefix}limit${suffix}`,
    remaining: `${prefix}remaining${suffix}`,
    reset: `${prefix}reset${suffix}`,
  };
}

const ANTHROPIC: Record<LimitKind, Names> = {
  requests: names("anthropic-ratelimit-requests-"),
  tokens: names("anthropic-ratelimit-tokens-"),
  input_tokens: names("anthropic-ratelimit-input-tokens-"),
  output_tokens: names("anthropic-ratelimit-output-tokens-"),
};

const OPENAI = { requests: names("x-ratelimit-", "-requests"), tokens: names("x-ratelimit-", "-tokens") };

const KINDS: readonly LimitKind[] = ["requests", "tokens", "input_tokens", "output_tokens"];

/**
 * Anthropic dialect: `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,
 * remaining,reset}` (reset as RFC 3339 UTC, whole seconds, rounded up) for every kind present, and
 * the retry headers on a denial. Writes into `out` (a new object by default) and returns it.
 */
export function anthropicRateLimitHeaders(result: LimitResult, out: HeaderRecord = {}): HeaderRecord {
  for (const kind of KINDS) {
    const o = mostRestrictive(result.outcomes, kind, false);
    if (o === null) continue;
    const n = ANTHROPIC[kind];
    out[n.limit] = String(Math.floor(o.limit));
    out[n.remaining] = String(o.remaining);
    out[n.reset] = rfc3339Seconds(result.now + o.resetAfterMs);
  }
  return retryHeaders(result, out);
}

/**
 * OpenAI dialect: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (reset as a duration such
 * as "1s", "6m0s", "20ms"; all token kinds count as "tokens") and the retry headers on a denial.
 */
export function openaiRateLimitHeaders(result: LimitResult, out: HeaderRecord = {}): HeaderRecord {
  for (const suffix of ["requests", "tokens"] as const) {
    const o = mostRestrictive(result.outcomes, suffix, suffix === "tokens");
    if (o === null) continue;
    const n = OPENAI[suffix];
    out[n.limit] = String(Math.floor(o.limit));
    out[n.remaining] = String(o.remaining);
    out[n.reset] = formatDuration(o.resetAfterMs);
  }
  return retryHeaders(result, out);
}

/**
 * Adds `retry-after` + `retry-after-ms` to `out` when the result is a finite denial, or
 * `x-should-retry: false` when it can never pass; nothing when allowed.
 */
export function retryHeaders(result: LimitResult, out: HeaderRecord = {}): HeaderRecord {
  if (result.allowed) return out;
  const ms = result.retryAfterMs;
  if (!Number.isFinite(ms)) {
    out["x-should-retry"] = "false";
    return out;
  }
  const wait = Math.max(1, Math.ceil(ms));
  out["retry-after"] = String(Math.ceil(wait / 1000));
  out["retry-after-ms"] = String(wait);
  return out;
}

/**
 * Formats ms as a Go-style duration, the form OpenAI uses in `x-ratelimit-reset-*`: "0s", "20ms",
 * "1s", "1.5s", "6m0s", "1h2m3s". Negative or non-finite input reads as "0s".
 */
export function formatDuration(ms: number): string {
  if (!(ms > 0) || !Number.isFinite(ms)) return "0s";
  const total = Math.ceil(ms);
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const sMs = total % 60_000;
  const whole = Math.floor(sMs / 1000);
  const frac = sMs % 1000;
  let s = frac === 0 ? `${whole}s` : `${whole}.${String(frac).padStart(3, "0").replace(/0+$/, "")}s`;
  if (h > 0) s = `${h}h${m}m${s}`;
  else if (m > 0) s = `${m}m${s}`;
  return s;
}

/** Formats ms since epoch as RFC 3339 UTC with whole seconds, rounded up: "2026-02-01T12:00:01Z". */
export function rfc3339Seconds(ms: number): string {
  const sec = Math.ceil(ms / 1000);
  for (let i = 0; i < CACHE; i++) if (cacheSec[i] === sec) return cacheText[i]!;
  const text = `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
  cacheSec[cacheNext] = sec;
  cacheText[cacheNext] = text;
  cacheNext = (cacheNext + 1) % CACHE;
  return text;
}

// A tiny cache: within a second, the reset times of all kinds format to a handful of strings.
const CACHE = 4;
const cacheSec = new Float64Array(CACHE).fill(Number.NaN);
const cacheText: string[] = new Array(CACHE).fill("");
let cacheNext = 0;

function mostRestrictive(
  outcomes: readonly CheckOutcome[],
  kind: LimitKind,
  anyTokenKind: boolean,
): CheckOutcome | null {
  let best: CheckOutcome | null = null;
  for (const o of outcomes) {
    const match = anyTokenKind ? o.kind !== "requests" : o.kind === kind;
    if (!match) continue;
    if (
      best === null ||
      o.remaining < best.remaining ||
      (o.remaining === best.remaining && o.resetAfterMs > best.resetAfterMs)
    ) {
      best = o;
    }
  }
  return best;
}

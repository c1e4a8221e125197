import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  anthropicRateLimitHeaders,
  formatDuration,
  openaiRateLimitHeaders,
  retryHeaders,
  rfc3339Seconds,
} from "./headers.js";
import { type LimitCheck, MemoryLimiterStore } from "./limiter.js";

/** Parses a Go-style duration ("6m0s", "1.5s", "20ms") back to ms. */
function parseDuration(s: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(s);
  assert.ok(m, `not a duration: ${s}`);
  return (
    Number(m[1] ?? 0) * 3_600_000 +
    Number(m[2] ?? 0) * 60_000 +
    Math.round(Number(m[3] ?? 0) * 1000) +
    Number(m[4] ?? 0)
  );
}

/** What the official SDKs compute from the headers (retry-after-ms first, then retry-after). */
function sdkWaitMs(h: Record<string, string>): number | undefined {
  const ms = h["retry-after-ms"] === undefined ? Number.NaN : Number.parseFloat(h["retry-after-ms"]);
  if (!Number.isNaN(ms) && ms > 0) return ms;
  const s = h["retry-after"] === undefined ? Number.NaN : Number.parseFloat(h["retry-after"]);
  return Number.isNaN(s) ? undefined : s * 1000;
}

const NOW = Date.UTC(2026, 1, 1, 12, 0, 0, 250);
const rpm = { limit: 50, periodMs: 60_000 };
const tpmAcct = { limit: 40_000, periodMs: 60_000 };
const tpmOrg = { limit: 100_000, periodMs: 60_000 };

function checks(tokens: number): LimitCheck[] {
  return [
    { key: "a:rpm", cost: 1, rule: rpm, kind: "requests", name: "account:requests_per_minute" },
    { key: "a:tpm", cost: tokens, rule: tpmAcct, kind: "tokens", name: "account:tokens_per_minute" },
    { key: "o:tpm", cost: tokens, rule: tpmOrg, kind: "tokens", name: "org:tokens_per_minute" },
  ];
}

describe("rate-limit headers", () => {
  it("Anthropic: limit/remaining/reset per kind, the most restrictive check, no retry when allowed", () => {
    const store = new MemoryLimiterStore();
    const r = store.apply(checks(10_000), NOW);
    const h = anthropicRateLimitHeaders(r);
    assert.equal(h["anthropic-ratelimit-requests-limit"], "50");
    assert.equal(h["anthropic-ratelimit-requests-remaining"], "49");
    assert.equal(h["anthropic-ratelimit-tokens-limit"], "40000", "the account limit is the tighter one");
    assert.equal(h["anthropic-ratelimit-tokens-remaining"], "30000");
    const reset = Date.parse(h["anthropic-ratelimit-tokens-reset"]!);
    assert.ok(h["anthropic-ratelimit-tokens-reset"]!.endsWith("Z"));
    assert.ok(
      reset >= NOW + 15_000 && reset < NOW + 16_000,
      `reset ${h["anthropic-ratelimit-tokens-reset"]}`,
    );
    assert.equal(Date.parse(h["anthropic-ratelimit-requests-reset"]!), Date.UTC(2026, 1, 1, 12, 0, 2));
    assert.equal(h["retry-after"], undefined);
    assert.equal(h["anthropic-ratelimit-input-tokens-limit"], undefined);
  });

  it("OpenAI: limit/remaining/reset durations that parse back to the outcome", () => {
    const store = new MemoryLimiterStore();
    const r = store.apply(checks(10_000), NOW);
    const h = openaiRateLimitHeaders(r);
    assert.equal(h["x-ratelimit-limit-requests"], "50");
    assert.equal(h["x-ratelimit-remaining-requests"], "49");
    assert.equal(h["x-ratelimit-limit-tokens"], "40000");
    assert.equal(h["x-ratelimit-remaining-tokens"], "30000");
    assert.equal(h["x-ratelimit-reset-tokens"], "15s");
    assert.equal(h["x-ratelimit-reset-requests"], "1.2s");
    assert.equal(parseDuration(h["x-ratelimit-reset-requests"]!), r.outcomes[0]!.resetAfterMs);
  });

  it("a denial carries retry-after (s, rounded up) and retry-after-ms that the SDKs honour exactly", () => {
    const store = new MemoryLimiterStore();
    store.apply(checks(39_990), NOW);
    const r = store.apply(checks(1_000), NOW + 10);
    assert.equal(r.allowed, false);
    assert.equal(r.denied?.name, "account:tokens_per_minute");
    for (const h of [anthropicRateLimitHeaders(r), openaiRateLimitHeaders(r)]) {
      assert.equal(h["retry-after-ms"], String(r.retryAfterMs));
      assert.equal(h["retry-after"], String(Math.ceil(r.retryAfterMs / 1000)));
      assert.equal(sdkWaitMs(h), r.retryAfterMs);
    }
    // Waiting what the SDK waits makes the request pass.
    assert.equal(store.apply(checks(1_000), NOW + 10 + sdkWaitMs(retryHeaders(r))!).allowed, true);
  });

  it("a request that can never pass says x-should-retry: false and no retry-after", () => {
    const store = new MemoryLimiterStore();
    const r = store.apply(checks(50_000), NOW);
    const h = openaiRateLimitHeaders(r);
    assert.equal(h["x-should-retry"], "false");
    assert.equal(h["retry-after"], undefined);
    assert.equal(h["x-ratelimit-remaining-tokens"], "40000");
  });

  it("formats durations the Go way and RFC 3339 times in whole seconds", () => {
    assert.deepEqual([0, -5, 17, 999, 1000, 1500, 60_000, 360_000, 90_500, 3_723_004].map(formatDuration), [
      "0s",
      "0s",
      "17ms",
      "999ms",
      "1s",
      "1.5s",
      "1m0s",
      "6m0s",
      "1m30.5s",
      "1h2m3.004s",
    ]);
    for (const ms of [17, 999, 1500, 90_500, 3_723_004]) assert.equal(parseDuration(formatDuration(ms)), ms);
    assert.equal(rfc3339Seconds(Date.UTC(2026, 0, 1, 0, 0, 0, 1)), "2026-01-01T00:00:01Z");
    assert.equal(rfc3339Seconds(Date.UTC(2026, 0, 1)), "2026-01-01T00:00:00Z");
  });
});

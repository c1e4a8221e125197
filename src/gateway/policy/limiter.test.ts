import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "./clock.js";
import { type LimitCheck, MemoryLimiterStore, RateLimiter } from "./limiter.js";

const rpm = { limit: 2, periodMs: 60_000 };
const tpm = { limit: 1000, periodMs: 60_000 };

function checks(tokens: number): LimitCheck[] {
  return [
    { key: "acct:1:rpm", cost: 1, rule: rpm, name: "account:requests_per_minute", kind: "requests" },
    { key: "acct:1:tpm", cost: tokens, rule: tpm, name: "account:tokens_per_minute", kind: "tokens" },
  ];
}

describe("MemoryLimiterStore.apply", () => {
  it("charges every check when all pass", () => {
    const store = new MemoryLimiterStore();
    const r = store.apply(checks(100), 0);
    assert.equal(r.allowed, true);
    assert.equal(r.denied, null);
    assert.deepEqual(
      r.outcomes.map((o) => [o.name, o.remaining]),
      [
        ["account:requests_per_minute", 1],
        ["account:tokens_per_minute", 900],
      ],
    );
    assert.deepEqual(store.peekTat("acct:1:rpm"), { ms: 30_000, fr: 0 });
    assert.deepEqual(store.peekTat("acct:1:tpm"), { ms: 6_000, fr: 0 });
  });

  it("is all-or-nothing: a denial by one check charges none", () => {
    const store = new MemoryLimiterStore();
    store.apply(checks(900), 0);
    const before = store.peekTat("acct:1:rpm");
    const r = store.apply(checks(200), 0);
    assert.equal(r.allowed, false);
    assert.equal(r.denied?.name, "account:tokens_per_minute");
    assert.equal(r.retryAfterMs, 6_000); // 100 tokens missing × 60 ms
    assert.equal(store.peekTat("acct:1:rpm"), before, "the request check was not charged");
    const reqOutcome = r.outcomes[0]!;
    assert.equal(reqOutcome.allowed, true);
    assert.equal(reqOutcome.remaining, 1, "remaining reflects the uncharged state");
    // The request slot is still free: a small request passes.
    assert.equal(store.apply(checks(100), 0).allowed, true);
  });

  it("names the check with the longest wait when several deny", () => {
    const store = new MemoryLimiterStore();
    store.apply(checks(1000), 0);
    store.apply(checks(0), 0);
    const r = store.apply(checks(20), 1_000); // 16 tokens refilled in 1 s: 4 missing

    assert.equal(r.allowed, false);
    assert.equal(r.outcomes.filter((o) => !o.allowed).length, 2);
    assert.equal(r.outcomes[1]!.retryAfterMs, 200);
    assert.equal(r.denied?.name, "account:requests_per_minute"); // 29 s, vs 0.2 s for tokens
    assert.equal(r.retryAfterMs, 29_000);
  });

  it("sees its own tentative charges when two checks share a key", () => {
    const store = new MemoryLimiterStore();
    const rule = { limit: 1, periodMs: 1000 };
    const r = store.apply(
      [
        { key: "k", cost: 1, rule },
        { key: "k", cost: 1, rule },
      ],
      0,
    );
    assert.equal(r.allowed, false);
    assert.equal(store.peekTat("k"), undefined);
  });
});

describe("MemoryLimiterStore.adjust (reservation reconciliation)", () => {
  it("refunds unused reserved tokens", () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(new MemoryLimiterStore(), clock);
    const reserve = limiter.check([{ key: "t", cost: 1000, rule: tpm, kind: "tokens" }]);
    assert.equal(reserve.allowed, true);
    assert.equal(reserve.outcomes[0]!.remaining, 0);
    const after = limiter.reconcile("t", tpm, 1000, 100);
    assert.equal(after.remaining, 900);
    assert.equal(limiter.check([{ key: "t", cost: 901, rule: tpm }]).allowed, false);
    assert.equal(limiter.check([{ key: "t", cost: 900, rule: tpm }]).allowed, true);
  });

  it("charges usage above the reservation, into debt if need be", () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(new MemoryLimiterStore(), clock);
    limiter.check([{ key: "t", cost: 1000, rule: tpm }]);
    const after = limiter.reconcile("t", tpm, 1000, 1500);
    assert.equal(after.remaining, 0);
    assert.equal(after.resetAfterMs, 90_000);
    const next = limiter.check([{ key: "t", cost: 1, rule: tpm }]);
    assert.equal(next.allowed, false);
    assert.equal(next.retryAfterMs, 30_060); // the 500-token debt plus one token
  });

  it("never refunds beyond a full bucket, even after time passed", () => {
    const clock = new ManualClock(0);
    const store = new MemoryLimiterStore();
    const limiter = new RateLimiter(store, clock);
    limiter.check([{ key: "t", cost: 1000, rule: tpm }]);
    clock.advance(50_000); // 833 tokens refilled already
    const after = limiter.reconcile("t", tpm, 1000, 0);
    assert.equal(after.remaining, 1000);
    assert.equal(store.peekTat("t"), undefined, "a full bucket needs no entry");
    assert.equal(limiter.check([{ key: "t", cost: 1001, rule: tpm }]).allowed, false);
    assert.equal(limiter.check([{ key: "t", cost: 1000, rule: tpm }]).allowed, true);
  });

  it("refund after a partial refill gives back only what is still outstanding", () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(new MemoryLimiterStore(), clock);
    limiter.check([{ key: "t", cost: 1000, rule: tpm }]); // TAT = 60 s
    clock.advance(30_000); // 500 refilled
    const after = limiter.reconcile("t", tpm, 1000, 800); // refund 200 → TAT = 48 s
    assert.equal(after.resetAfterMs, 18_000);
    assert.equal(after.remaining, 700);
  });

  it("with the reservation's tatAfter, a late refund gives back only what the reservation still holds", () => {
    for (const capped of [true, false]) {
      const clock = new ManualClock(0);
      const limiter = new RateLimiter(new MemoryLimiterStore(), clock);
      const reserve = limiter.check([{ key: "t", cost: 1000, rule: tpm }]); // A holds the whole bucket
      const heldUntil = reserve.outcomes[0]!.tatAfter;
      assert.deepEqual(heldUntil, { ms: 60_000, fr: 0 });
      clock.advance(50_000); // 833 tokens refilled while A was running
      assert.equal(limiter.check([{ key: "t", cost: 100, rule: tpm }]).allowed, true); // C spends 100
      // A used nothing. Had A reserved 0, C's 100 would leave 900 now.
      const after = limiter.reconcile("t", tpm, 1000, 0, capped ? heldUntil : undefined);
      assert.equal(after.remaining, capped ? 900 : 1000, capped ? "exact" : "uncapped refund is generous");
    }
  });

  it("a refund after the reservation fully drained changes nothing", () => {
    const clock = new ManualClock(0);
    const store = new MemoryLimiterStore();
    const limiter = new RateLimiter(store, clock);
    const heldUntil = limiter.check([{ key: "t", cost: 500, rule: tpm }]).outcomes[0]!.tatAfter; // 30 s
    clock.advance(40_000);
    limiter.check([{ key: "t", cost: 300, rule: tpm }]); // TAT = 58 s
    const before = store.peekTat("t");
    limiter.reconcile("t", tpm, 500, 0, heldUntil);
    assert.deepEqual(store.peekTat("t"), before);
  });

  it("a denied request reports no tatAfter", () => {
    const store = new MemoryLimiterStore();
    const r = store.apply(checks(5000), 0);
    assert.equal(r.allowed, false);
    assert.deepEqual(
      r.outcomes.map((o) => o.tatAfter),
      [null, null],
    );
  });

  it("reconciling an expired (swept) key charges from now", () => {
    const clock = new ManualClock(0);
    const store = new MemoryLimiterStore();
    const limiter = new RateLimiter(store, clock);
    limiter.check([{ key: "t", cost: 10, rule: tpm }]);
    clock.advance(120_000);
    store.sweep(clock.now(), 10);
    assert.equal(store.size, 0);
    assert.equal(limiter.reconcile("t", tpm, 10, 60).remaining, 950);
  });
});

describe("MemoryLimiterStore.sweep", () => {
  it("deletes only expired entries, incrementally, and apply sweeps as it goes", () => {
    const store = new MemoryLimiterStore({ sweepPerOp: 0 });
    const rule = { limit: 10, periodMs: 1000 };
    for (let i = 0; i < 100; i++) store.apply([{ key: `k${i}`, cost: 1, rule }], 0); // TAT = 100 ms
    store.apply([{ key: "long", cost: 10, rule }], 0); // TAT = 1000 ms
    assert.equal(store.size, 101);
    assert.equal(store.sweep(50, 1000), 0);
    assert.equal(store.sweep(100, 30), 30); // a new pass starts after the full pass above
    assert.equal(store.size, 71);
    assert.equal(store.sweep(100, 1000), 70);
    assert.deepEqual(store.size, 1);
    assert.deepEqual(store.peekTat("long"), { ms: 1_000, fr: 0 });

    const auto = new MemoryLimiterStore({ sweepPerOp: 4 });
    for (let i = 0; i < 20; i++) auto.apply([{ key: `k${i}`, cost: 1, rule }], 0);
    for (let i = 0; i < 10; i++) auto.apply([{ key: "hot", cost: 1, rule }], 500);
    assert.equal(auto.size, 1, "20 stale keys swept by 10 operations of 4 probes each (+ the hot key)");
  });
});

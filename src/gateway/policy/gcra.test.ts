import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../core/errors.js";
import { adjustTat, compileRule, decodeTat, emit, encodeTat, gcra, type Rule, type Tat } from "./gcra.js";

/** Runs `costs` at the same instant against one state, storing only allowed results. */
function burstAt(
  now: number,
  costs: number[],
  rule: Rule,
  tat?: Tat,
): { allowed: boolean[]; tat?: Tat | undefined } {
  const allowed: boolean[] = [];
  let t = tat;
  for (const c of costs) {
    const r = gcra(t, now, c, rule);
    allowed.push(r.allowed);
    if (r.allowed) t = r.newTat;
  }
  return { allowed, tat: t };
}

describe("gcra", () => {
  it("lets exactly `burst` unit requests through at once, then denies", () => {
    const rule = { limit: 10, periodMs: 1000 };
    const { allowed } = burstAt(5_000, new Array(11).fill(1), rule);
    assert.deepEqual(allowed, [...new Array(10).fill(true), false]);
  });

  it("honours an explicit burst smaller than the limit", () => {
    const rule = { limit: 10, periodMs: 1000, burst: 3 };
    const { allowed } = burstAt(0, [1, 1, 1, 1], rule);
    assert.deepEqual(allowed, [true, true, true, false]);
  });

  it("allows exactly the burst when the emission interval is not a whole ms (7/min, 90000/min)", () => {
    const rule = { limit: 7, periodMs: 60_000 };
    const { allowed } = burstAt(1_000, new Array(8).fill(1), rule);
    assert.deepEqual(allowed, [...new Array(7).fill(true), false]);
    const big = compileRule({ limit: 90_000, periodMs: 60_000 });
    let tat: Tat | undefined;
    let passed = 0;
    for (let i = 0; i < 90_010; i++) {
      const r = gcra(tat, 0, 1, big);
      if (r.allowed) {
        passed++;
        tat = r.newTat;
      }
    }
    assert.equal(passed, 90_000);
    assert.deepEqual(tat, { ms: 60_000, fr: 0 });
    // Then exactly 3 units every 2 ms: at +1 ms one unit (2/3 ms each) fits, at +2 ms three.
    assert.equal(burstAt(60_001 - 60_000, [1, 1], big, tat).allowed.filter(Boolean).length, 1);
    assert.equal(burstAt(2, [1, 1, 1, 1], big, tat).allowed.filter(Boolean).length, 3);
  });

  it("sustains the steady rate with burst 1: every 100 ms passes, 99 ms does not", () => {
    const rule = { limit: 10, periodMs: 1000, burst: 1 };
    let tat: Tat | undefined;
    for (let i = 0; i < 50; i++) {
      const now = 10_000 + i * 100;
      if (i > 0) assert.equal(gcra(tat, now - 1, 1, rule).allowed, false, `early at step ${i}`);
      const r = gcra(tat, now, 1, rule);
      assert.equal(r.allowed, true, `on time at step ${i}`);
      tat = r.newTat;
    }
  });

  it("charges cost > 1 in proportion and computes the wait for the missing units", () => {
    const rule = { limit: 1000, periodMs: 60_000 }; // 60 ms per token
    const first = gcra(undefined, 0, 600, rule);
    assert.equal(first.allowed, true);
    assert.equal(first.remaining, 400);
    assert.equal(first.resetAfterMs, 36_000);
    const second = gcra(first.newTat, 0, 600, rule);
    assert.equal(second.allowed, false);
    assert.equal(second.retryAfterMs, 12_000); // 200 tokens missing × 60 ms
    assert.equal(second.remaining, 400);
    assert.deepEqual(second.newTat, first.newTat, "a denial leaves the state as it was");
  });

  it("retry-after is exact: allowed at now+retryAfter, denied at now+retryAfter-1", () => {
    const rules: Rule[] = [
      { limit: 7, periodMs: 60_000 },
      { limit: 3, periodMs: 1_000, burst: 2 },
      { limit: 90_000, periodMs: 60_000 },
      { limit: 1, periodMs: 86_400_000 },
      { limit: 13, periodMs: 997, burst: 5 },
    ];
    const costs = [1, 2, 5, 7, 333];
    for (const rule of rules) {
      for (const cost of costs) {
        const burst = rule.burst ?? rule.limit;
        if (cost > burst) continue;
        // Fill the bucket at t=1000, then ask for `cost` more.
        let tat: Tat | undefined;
        for (let i = 0; i < burst + 2; i++) {
          const r = gcra(tat, 1_000, 1, rule);
          if (r.allowed) tat = r.newTat;
        }
        const denied = gcra(tat, 1_000, cost, rule);
        const label = `${JSON.stringify(rule)} cost ${cost}`;
        assert.equal(denied.allowed, false, label);
        assert.ok(Number.isInteger(denied.retryAfterMs) && denied.retryAfterMs > 0, label);
        assert.equal(gcra(tat, 1_000 + denied.retryAfterMs, cost, rule).allowed, true, label);
        assert.equal(gcra(tat, 1_000 + denied.retryAfterMs - 1, cost, rule).allowed, false, label);
      }
    }
  });

  it("reports an impossible request (cost above the bucket) with an infinite retry-after", () => {
    const r = gcra(undefined, 0, 11, { limit: 10, periodMs: 1000 });
    assert.equal(r.allowed, false);
    assert.equal(r.retryAfterMs, Number.POSITIVE_INFINITY);
    assert.equal(r.remaining, 10);
  });

  it("treats a TAT in the past like an empty state (the bucket refilled)", () => {
    const rule = { limit: 5, periodMs: 1000 };
    const old = gcra(undefined, 0, 5, rule).newTat;
    assert.deepEqual(gcra(old, 10_000, 2, rule), gcra(undefined, 10_000, 2, rule));
  });

  it("keeps time exact as ms plus a fraction of 1/den ms", () => {
    const rule = compileRule({ limit: 7, periodMs: 60_000 });
    assert.equal(rule.num, 60_000);
    assert.equal(rule.den, 7);
    assert.deepEqual(emit(3, rule), { ms: 25_714, fr: 2 }); // 180000/7 = 25714 + 2/7
    let tat: Tat | undefined;
    for (let i = 0; i < 7; i++) tat = gcra(tat, 1_700_000_000_123, 1, rule).newTat;
    assert.deepEqual(tat, { ms: 1_700_000_000_123 + 60_000, fr: 0 }, "7 × 60000/7 ms sums exactly");
    assert.deepEqual(emit(2.2, rule), emit(3, rule), "fractional costs round up");
  });
});

describe("adjustTat", () => {
  const rule = { limit: 1000, periodMs: 60_000 };
  it("refunds down to now at most and charges into debt without bound", () => {
    const reserved = adjustTat(undefined, 5_000, 1000, rule);
    assert.deepEqual(reserved, { ms: 65_000, fr: 0 });
    assert.deepEqual(adjustTat(reserved, 5_000, -900, rule), { ms: 11_000, fr: 0 });
    assert.deepEqual(adjustTat(reserved, 5_000, -5000, rule), { ms: 5_000, fr: 0 });
    assert.deepEqual(adjustTat(reserved, 5_000, 500, rule), { ms: 95_000, fr: 0 });
  });
  it("caps a refund at what the reservation still holds (heldUntil - now)", () => {
    const held = { ms: 60_000, fr: 0 };
    const tat = { ms: 66_000, fr: 0 };
    assert.deepEqual(adjustTat(tat, 50_000, -1000, rule, held), { ms: 56_000, fr: 0 });
    assert.deepEqual(
      adjustTat(tat, 50_000, -100, rule, held),
      { ms: 60_000, fr: 0 },
      "small refunds are not capped",
    );
    assert.deepEqual(adjustTat(tat, 60_000, -1000, rule, held), tat, "fully drained: nothing to refund");
    const r7 = { limit: 7, periodMs: 60_000 };
    assert.deepEqual(adjustTat({ ms: 20_000, fr: 5 }, 10_000, -7, r7, { ms: 10_000, fr: 3 }), {
      ms: 20_000,
      fr: 2,
    });
  });
  it("borrows across the fraction when refunding", () => {
    const r7 = { limit: 7, periodMs: 60_000 };
    const t = adjustTat(undefined, 0, 1, r7); // 8571 + 3/7
    assert.deepEqual(t, { ms: 8_571, fr: 3 });
    assert.deepEqual(adjustTat(adjustTat(t, 0, 2, r7), 0, -2, r7), t, "charge then refund is the identity");
  });
});

describe("compileRule", () => {
  it("rejects unusable rules with a ConfigError", () => {
    assert.throws(() => compileRule({ limit: 0, periodMs: 1000 }), ConfigError);
    assert.throws(() => compileRule({ limit: 5, periodMs: 1.5 }), ConfigError);
    assert.throws(() => compileRule({ limit: 2.5, periodMs: 1000 }), ConfigError);
    assert.throws(() => compileRule({ limit: 5, periodMs: 1000, burst: 0 }), ConfigError);
    assert.throws(() => compileRule({ limit: 999_999_937, periodMs: 86_400_001 }), /too fine-grained/);
  });
  it("reduces the interval and precomputes the bucket", () => {
    const r = compileRule({ limit: 1_000_000_000, periodMs: 86_400_000, burst: 2 });
    assert.equal(r.num, 54);
    assert.equal(r.den, 625);
    assert.deepEqual(r.dvt, { ms: 0, fr: 108 });
    assert.equal(compileRule(r), r);
  });
});

describe("encodeTat / decodeTat", () => {
  it("round-trips and rejects malformed state", () => {
    const t = { ms: 1_700_000_060_000, fr: 3 };
    assert.equal(encodeTat(t), "1700000060000:3");
    assert.deepEqual(decodeTat(encodeTat(t)), t);
    for (const bad of [null, undefined, "", "12", ":3", "a:b", "1:-1", "1.5:0"])
      assert.equal(decodeTat(bad), undefined, String(bad));
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { greenTail, holm, normalUpperTail } from "./stats.js";

describe("green-count tail", () => {
  it("matches hand-computed binomial tails", () => {
    // Binomial(4, 1/2): P(S >= 3) = 5/16.
    assert.ok(Math.abs(greenTail(new Map([[2, 4]]), 3).pValue - 5 / 16) < 1e-12);
    // Binomial(1,1/2) + Binomial(1,1/3): P(S >= 2) = 1/6, P(S >= 1) = 1 - 1/2 * 2/3 = 2/3.
    const c = new Map([
      [2, 1],
      [3, 1],
    ]);
    assert.ok(Math.abs(greenTail(c, 2).pValue - 1 / 6) < 1e-12);
    assert.ok(Math.abs(greenTail(c, 1).pValue - 2 / 3) < 1e-12);
    assert.equal(greenTail(c, 0).pValue, 1);
    assert.equal(greenTail(c, 3).pValue, 0);
  });

  it("is a valid test: P(p <= a) <= a under H0 for every a (exact distribution)", () => {
    // Enumerate S for n = 10 positions with k = 2 and 5 with k = 3; sum P(S = s) over s with p(s) <= a.
    const counts = new Map([
      [2, 10],
      [3, 5],
    ]);
    const p = (s: number) => greenTail(counts, s).pValue;
    for (const a of [0.001, 0.01, 0.05, 0.1, 0.5]) {
      let mass = 0;
      for (let s = 0; s <= 15; s++) if (p(s) <= a) mass += p(s) - p(s + 1);
      assert.ok(mass <= a + 1e-12, `size ${mass} > ${a}`);
    }
  });

  it("normal tail agrees with known values", () => {
    assert.ok(Math.abs(normalUpperTail(1.959963985) - 0.025) < 1e-9);
    assert.ok(Math.abs(normalUpperTail(0) - 0.5) < 1e-15);
    assert.ok(Math.abs(normalUpperTail(6) / 9.865876450377e-10 - 1) < 1e-6);
  });
});

describe("holm", () => {
  it("adjusts step-down and keeps order", () => {
    assert.deepEqual(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConcurrencyLimiter } from "./concurrency.js";

describe("ConcurrencyLimiter", () => {
  it("grants up to max slots per key, independently per key", () => {
    const c = new ConcurrencyLimiter();
    const a1 = c.acquire("a", 2);
    const a2 = c.acquire("a", 2);
    assert.ok(a1 && a2);
    assert.equal(c.acquire("a", 2), null);
    assert.ok(c.acquire("b", 2));
    assert.equal(c.inFlight("a"), 2);
    assert.equal(c.inFlight("b"), 1);
  });

  it("a double release is harmless and frees only one slot", () => {
    const c = new ConcurrencyLimiter();
    const a1 = c.acquire("a", 2)!;
    const a2 = c.acquire("a", 2)!;
    assert.equal(a1.release(), true);
    assert.equal(a1.release(), false);
    assert.equal(a1.release(), false);
    assert.equal(c.inFlight("a"), 1, "the second lease is still counted");
    assert.ok(c.acquire("a", 2));
    assert.equal(c.acquire("a", 2), null);
    a2.release();
    assert.equal(c.inFlight("a"), 1);
  });

  it("forgets keys with nothing in flight", () => {
    const c = new ConcurrencyLimiter();
    const l = c.acquire("a", 1)!;
    assert.equal(c.size, 1);
    l.release();
    assert.equal(c.size, 0);
    assert.equal(c.inFlight("a"), 0);
  });
});

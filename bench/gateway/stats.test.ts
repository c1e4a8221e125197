import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { median, percentileSorted, rotation, summarize } from "./stats.js";

describe("bench stats", () => {
  it("takes nearest-rank percentiles", () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentileSorted(sorted, 0.5), 50);
    assert.equal(percentileSorted(sorted, 0.99), 99);
    assert.equal(percentileSorted(sorted, 1), 100);
    assert.equal(percentileSorted([7], 0.99), 7);
    assert.ok(Number.isNaN(percentileSorted([], 0.5)));
  });

  it("summarizes unsorted samples without changing them", () => {
    const samples = [5, 1, 4, 2, 3];
    const s = summarize(samples);
    assert.deepEqual(samples, [5, 1, 4, 2, 3]);
    assert.equal(s.count, 5);
    assert.equal(s.p50, 3);
    assert.equal(s.p99, 5);
    assert.equal(s.max, 5);
    assert.equal(s.mean, 3);
  });

  it("takes medians, skipping NaN", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([Number.NaN, 9, 1]), 5);
    assert.ok(Number.isNaN(median([])));
  });

  it("rotates the run order by one place per round", () => {
    assert.deepEqual(rotation(["a", "b", "c"], 0), ["a", "b", "c"]);
    assert.deepEqual(rotation(["a", "b", "c"], 1), ["b", "c", "a"]);
    assert.deepEqual(rotation(["a", "b", "c"], 4), ["b", "c", "a"]);
    assert.deepEqual(rotation([], 2), []);
  });
});

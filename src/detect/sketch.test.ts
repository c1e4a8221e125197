import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BandSet, entropy, HeavyHitters, MinHash, RunningStats, SmallSet } from "./sketch.js";

describe("sketches", () => {
  it("BandSet answers as a SmallSet of the same cap does, before and after its bit map and at the cap", () => {
    let rng = 12345;
    const next = () => {
      rng = (Math.imul(rng, 1103515245) + 12345) >>> 0;
      return rng;
    };
    for (const [cap, spread] of [
      [64, 4096],
      [64, 40],
      [10, 4096],
      [8, 12],
    ] as const) {
      const a = new BandSet(cap);
      const b = new SmallSet<number>(cap);
      let kept = 0;
      for (let i = 0; i < 2000; i++) {
        const v = (next() >>> 8) % spread;
        const added = a.add(v);
        assert.equal(added, b.add(v), `cap ${cap}, value ${v}, step ${i}`);
        if (added) kept++;
        assert.equal(a.size, b.size);
        const probe = (next() >>> 8) % 4096;
        assert.equal(a.has(probe), b.has(probe), `cap ${cap}, probe ${probe}`);
      }
      assert.equal(kept, Math.min(cap, spread === 4096 ? cap : spread));
    }
  });
  it("HeavyHitters keeps a value that holds most of the stream, within n/(k+1)", () => {
    const hh = new HeavyHitters(4);
    let n = 0;
    for (let i = 0; i < 1000; i++) {
      hh.add(i % 3 === 0 ? 7 : 1000 + i);
      n++;
    }
    assert.equal(hh.topKey(), 7);
    const true7 = Math.ceil(1000 / 3);
    assert.ok(hh.topCount() <= true7 && hh.topCount() >= true7 - n / 5, String(hh.topCount()));
  });
  it("HeavyHitters memory stays bounded whatever the stream", () => {
    const hh = new HeavyHitters(8);
    for (let i = 0; i < 100000; i++) hh.add(i);
    assert.ok(hh.keys.length <= 8);
  });
  it("MinHash estimates Jaccard similarity", () => {
    const a = new MinHash(64);
    const b = new MinHash(64);
    const c = new MinHash(64);
    for (let i = 0; i < 200; i++) {
      a.add(i);
      b.add(i + 100); // overlap 100 of 300 -> J = 1/3
      c.add(i + 10000);
    }
    assert.ok(Math.abs(a.jaccard(b) - 1 / 3) < 0.15, String(a.jaccard(b)));
    assert.ok(a.jaccard(c) < 0.1);
    assert.equal(a.jaccard(a), 1);
  });
  it("RunningStats gives a low coefficient of variation for regular gaps and a high one for bursty gaps", () => {
    const regular = new RunningStats();
    const bursty = new RunningStats();
    for (let i = 0; i < 100; i++) {
      regular.add(10 + (i % 3) * 0.5);
      bursty.add(i % 10 === 0 ? 300 : 1);
    }
    assert.ok(regular.cv() < 0.1);
    assert.ok(bursty.cv() > 1.5);
  });
  it("SmallSet caps its size but still counts that more values existed", () => {
    const s = new SmallSet<number>(3);
    for (const v of [1, 2, 2, 3, 4, 5]) s.add(v);
    assert.deepEqual(s.values, [1, 2, 3]);
    assert.equal(s.size, 4);
  });
  it("SmallSet answers alike below and above the length where it starts keeping a lookup set", () => {
    const s = new SmallSet<string>(40);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const v = `10.0.${(i * 7919) % 53}.0/24`;
      assert.equal(s.add(v), !seen.has(v) && seen.size < 40, `add #${i} ${v}`);
      if (seen.size < 40) seen.add(v);
      assert.equal(s.has(v), seen.has(v));
      assert.equal(s.has(`x${v}`), false);
    }
    assert.deepEqual(s.values, [...seen]);
    assert.equal(s.size, 41);
  });
  it("entropy is 0 for one bucket and log2(k) for k equal buckets", () => {
    assert.equal(entropy([5, 0, 0]), 0);
    assert.ok(Math.abs(entropy([1, 1, 1, 1]) - 2) < 1e-9);
  });
});

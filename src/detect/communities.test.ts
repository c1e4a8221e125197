import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Link, splitMembers } from "./communities.js";

/** Deterministic pseudo-random numbers for building graphs. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** A random graph inside [from, to) with edge probability p. */
function dense(from: number, to: number, p: number, random: () => number, out: Link[]): void {
  for (let a = from; a < to; a++) {
    for (let b = a + 1; b < to; b++) if (random() < p) out.push({ a, b, w: 1.5 + random() });
  }
}

const opts = { mergeRatio: 0.3, minGroup: 10 };

describe("splitMembers", () => {
  for (const seed of [1, 2, 3]) {
    it(`separates two operations joined by a few bridges (seed ${seed})`, () => {
      const random = rng(seed);
      const links: Link[] = [];
      dense(0, 120, 0.15, random, links);
      dense(120, 160, 0.3, random, links);
      for (let i = 0; i < 4; i++) links.push({ a: i * 7, b: 120 + i * 3, w: 2 });
      const groups = splitMembers(160, links, { ...opts, seed });
      assert.equal(groups.length, 2, JSON.stringify(groups.map((g) => g.members.length)));
      assert.deepEqual(
        groups[0]!.members,
        Array.from({ length: 120 }, (_, i) => i),
      );
      assert.deepEqual(
        groups[1]!.members,
        Array.from({ length: 40 }, (_, i) => 120 + i),
      );
      assert.ok(groups[0]!.tie < 0.3 && groups[0]!.tie > 0, String(groups[0]!.tie));
    });
    it(`keeps one homogeneous campaign whole, though Louvain cuts it (seed ${seed})`, () => {
      const random = rng(100 + seed);
      const links: Link[] = [];
      dense(0, 400, 0.04, random, links);
      const groups = splitMembers(400, links, { ...opts, seed });
      assert.equal(groups.length, 1, JSON.stringify(groups.map((g) => [g.members.length, g.tie])));
      assert.equal(groups[0]!.members.length, 400);
    });
  }
  it("keeps weakly tied groups together when they act alike", () => {
    const random = rng(7);
    const links: Link[] = [];
    dense(0, 60, 0.3, random, links);
    dense(60, 100, 0.3, random, links);
    links.push({ a: 1, b: 61, w: 2 });
    assert.equal(splitMembers(100, links, opts).length, 2);
    assert.equal(splitMembers(100, links, { ...opts, alike: () => true }).length, 1);
    // the callback sees the two groups' members
    const seen: number[] = [];
    splitMembers(100, links, {
      ...opts,
      alike: (a, b) => {
        seen.push(a.length + b.length);
        return false;
      },
    });
    assert.deepEqual(seen, [100]);
  });
  it("leaves a group smaller than minGroup with the group it links to", () => {
    const random = rng(9);
    const links: Link[] = [];
    dense(0, 80, 0.2, random, links);
    dense(80, 86, 1, random, links);
    links.push({ a: 3, b: 81, w: 2 });
    const groups = splitMembers(86, links, opts);
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.members.length, 86);
  });
  it("puts members without links in the largest group, and is reproducible", () => {
    const random = rng(11);
    const links: Link[] = [];
    dense(0, 50, 0.3, random, links);
    dense(50, 80, 0.3, random, links);
    links.push({ a: 0, b: 50, w: 2 });
    // members 80..89 have no links at all
    const a = splitMembers(90, links, opts);
    const b = splitMembers(90, links, opts);
    assert.deepEqual(a, b);
    assert.equal(a.length, 2);
    for (let i = 80; i < 90; i++) assert.ok(a[0]!.members.includes(i));
    assert.equal(a[0]!.members.length, 60);
  });
  it("returns everyone as one group when there is nothing to split", () => {
    assert.deepEqual(splitMembers(5, [], opts), [{ members: [0, 1, 2, 3, 4], tie: 0 }]);
    assert.equal(splitMembers(30, [], opts)[0]!.members.length, 30);
  });
});

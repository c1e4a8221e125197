import assert from "node:assert/strict";
import { test } from "node:test";
import { TimeHeap } from "./heap.js";
import { hash32, Rng } from "./rng.js";

test("same seed gives the same sequence; different seeds differ", () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const sa = Array.from({ length: 50 }, () => a.u32());
  assert.deepEqual(
    sa,
    Array.from({ length: 50 }, () => b.u32()),
  );
  assert.notDeepEqual(
    sa,
    Array.from({ length: 50 }, () => c.u32()),
  );
});

test("fork streams are independent of the parent's later draws", () => {
  const a = new Rng(7);
  const b = new Rng(7);
  b.u32();
  b.u32();
  assert.equal(a.fork("x").u32(), b.fork("x").u32());
  assert.notEqual(a.fork("x").u32(), a.fork("y").u32());
});

test("float is in [0,1) with a mean near 1/2; int covers its range", () => {
  const r = new Rng(1);
  let sum = 0;
  const seen = new Set<number>();
  for (let i = 0; i < 20000; i++) {
    const f = r.float();
    assert.ok(f >= 0 && f < 1);
    sum += f;
    seen.add(r.int(10));
  }
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.02);
  assert.equal(seen.size, 10);
});

test("zipf favours low ranks and stays in range", () => {
  const r = new Rng(3);
  const counts = new Array(100).fill(0);
  for (let i = 0; i < 20000; i++) counts[r.zipf(100, 1.1)]++;
  assert.ok(counts[0] > counts[10] && counts[10] > counts[90]);
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    20000,
  );
});

test("hash32 is stable", () => {
  assert.equal(hash32("abc"), hash32("abc"));
  assert.notEqual(hash32("abc"), hash32("abd"));
});

test("heap pops in (time, seq) order", () => {
  const h = new TimeHeap<string>();
  const r = new Rng(9);
  const items: [number, number][] = [];
  for (let i = 0; i < 500; i++) items.push([r.int(50), i]);
  for (const [t, s] of items) h.push(t, s, `${t}:${s}`);
  const out: string[] = [];
  while (h.size > 0) out.push(h.pop()!);
  const expected = [...items].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([t, s]) => `${t}:${s}`);
  assert.deepEqual(out, expected);
  assert.equal(h.pop(), undefined);
});

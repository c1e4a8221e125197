import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../sim/rng.js";
import { parseNaiveSpec, RollingLimit } from "./naive.js";

test("parses N/unit limits and rejects nonsense", () => {
  assert.deepEqual(parseNaiveSpec("60/h"), { label: "60/h", limit: 60, windowMs: 3_600_000 });
  assert.equal(parseNaiveSpec("20/m").windowMs, 60_000);
  assert.equal(parseNaiveSpec("500/2h").windowMs, 7_200_000);
  assert.throws(() => parseNaiveSpec("60 per hour"), /expected N\/unit/);
  assert.throws(() => parseNaiveSpec("0/h"), /positive/);
});

test("rolling limit matches a brute-force count over bucket-aligned windows", () => {
  const spec = parseNaiveSpec("8/h");
  const bucket = spec.windowMs / 60;
  const r = new Rng(5);
  for (let trial = 0; trial < 20; trial++) {
    const lim = new RollingLimit(spec, 2);
    const times: number[] = [];
    let t = r.int(10_000_000);
    let firstOver = -1;
    for (let i = 0; i < 300; i++) {
      t += Math.floor(r.exp(trial % 2 === 0 ? 300_000 : 60_000));
      times.push(t);
      const over = lim.hit(trial % 3, t);
      // Brute force: events whose bucket is within the last 60 buckets of this event's bucket.
      const b = Math.floor(t / bucket);
      const count = times.filter((x) => Math.floor(x / bucket) > b - 60).length;
      assert.equal(over, count > spec.limit, `trial ${trial} event ${i}`);
      if (over && firstOver < 0) firstOver = i;
    }
  }
});

test("accounts are counted separately", () => {
  const lim = new RollingLimit(parseNaiveSpec("2/m"), 1);
  assert.equal(lim.hit(0, 1000), false);
  assert.equal(lim.hit(5, 1001), false);
  assert.equal(lim.hit(0, 1002), false);
  assert.equal(lim.hit(0, 1003), true);
  assert.equal(lim.hit(5, 1004), false);
  assert.equal(lim.hit(0, 1000 + 120_000), false, "window slid past");
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { capNames } from "./capabilities.js";
import { fingerprintText, SimHasher } from "./fingerprint.js";
import { fmix, hamming64 } from "./hash.js";

function print(text: string) {
  const sim = new SimHasher();
  const p = fingerprintText(text, sim);
  return { ...p, hi: sim.hi(), lo: sim.lo() };
}

const fillA =
  "Alice bought 12 apples at $3 each and gave 5 of them to Bob. How many dollars did Alice spend? " +
  "Think step by step and show your reasoning before giving the final answer.";
const fillB =
  "Carol bought 7 apples at $4 each and gave 2 of them to Dave. How many dollars did Carol spend? " +
  "Think step by step and show your reasoning before giving the final answer.";
const other =
  "Write a short poem about the autumn sea for my grandmother's birthday card, in a warm and gentle tone.";

describe("fingerprintText", () => {
  it("gives one skeleton to two fills of a template (numbers and names changed)", () => {
    assert.equal(print(fillA).skeleton, print(fillB).skeleton);
    assert.equal(print(fillA).head, print(fillB).head);
    assert.equal(print(fillA).tail, print(fillB).tail);
  });
  it("keeps different tasks apart: skeleton differs and SimHash is far", () => {
    const a = print(fillA);
    const c = print(other);
    assert.notEqual(a.skeleton, c.skeleton);
    assert.ok(hamming64(a.hi, a.lo, c.hi, c.lo) > 16, "unrelated prompts should be far apart");
  });
  it("puts a lightly edited prompt near the original", () => {
    const a = print(fillA);
    const edited = print(fillA.replace("gave", "handed").replace("final answer", "answer"));
    assert.notEqual(a.skeleton, edited.skeleton);
    assert.ok(hamming64(a.hi, a.lo, edited.hi, edited.lo) < 16);
  });
  it("catches a fixed wrapper around changing content with the tail hash", () => {
    const wrap = (q: string) => `${q}\n\nExplain your reasoning step by step, then grade it with the rubric.`;
    const x = print(wrap("Why is the sky blue during the day?"));
    const y = print(wrap("What causes ocean tides on a planet with one moon?"));
    assert.notEqual(x.skeleton, y.skeleton);
    assert.notEqual(x.head, y.head);
    assert.equal(x.tail, y.tail);
  });
  it("tags capabilities from phrases", () => {
    assert.deepEqual(capNames(print(fillA).tags), ["cot", "math"]);
    assert.ok(
      capNames(print("Rewrite this politically sensitive paragraph in a neutral way").tags).includes(
        "policy_rewrite",
      ),
    );
    assert.ok(!capNames(print("Rewrite this paragraph to be shorter").tags).includes("policy_rewrite"));
    assert.ok(
      capNames(print("Score the response on a scale of 1 to 10 using the rubric").tags).includes("grading"),
    );
    assert.ok(capNames(print("Fix the bug in this Python function").tags).includes("coding"));
    assert.deepEqual(capNames(print(other).tags), ["creative"]);
  });
  it("reads only the first 8,000 characters, a word cut there ending at the cut", () => {
    const body = "Compute 17 widgets for Zed and explain each step. ".repeat(200);
    const long = `${body.slice(0, 7997)}abcdefgh and more words after the limit`;
    const cut = `${body.slice(0, 7997)}abc`;
    assert.deepEqual(print(long), print(cut));
    assert.notDeepEqual(print(`${body.slice(0, 7997)}abd`), print(cut));
  });
  it("treats a capitalised word with digits as a number and keeps non-ASCII letters in words", () => {
    assert.equal(print("Order X42 now").skeleton, print("Order 7 now").skeleton);
    assert.equal(print("Meet Zoë today").skeleton, print("Meet Anna today").skeleton);
    assert.notEqual(print("über alles").skeleton, print("uber alles").skeleton);
  });
});

describe("SimHasher", () => {
  /** The definition: per bit, +1 for each shingle whose hash has it set, -1 otherwise; the bit is set when the sum is positive. */
  function reference(values: number[]): { hi: number; lo: number } {
    const acc = new Array<number>(64).fill(0);
    for (const s of values) {
      const a = fmix(s);
      const b = fmix(s ^ 0x5bd1e995);
      for (let i = 0; i < 32; i++) {
        acc[i]! += (a >>> i) & 1 ? 1 : -1;
        acc[i + 32]! += (b >>> i) & 1 ? 1 : -1;
      }
    }
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < 32; i++) {
      if (acc[i]! > 0) lo |= 1 << i;
      if (acc[i + 32]! > 0) hi |= 1 << i;
    }
    return { hi: hi >>> 0, lo: lo >>> 0 };
  }

  it("matches the per-bit definition for short and long runs (packed counts folded before they overflow)", () => {
    let x = 12345;
    const next = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x;
    };
    for (const count of [1, 2, 63, 254, 255, 256, 600, 2000]) {
      // one value repeated (every set bit counted each time: a lane overflow would show) and a mixed run
      const same = new Array<number>(count).fill(0xdeadbeef);
      const mixed = Array.from({ length: count }, (_, k) => (k % 3 === 0 ? 0xdeadbeef : next()));
      for (const values of [same, mixed]) {
        const sim = new SimHasher();
        for (const v of values) sim.add(v);
        assert.deepEqual({ hi: sim.hi(), lo: sim.lo() }, reference(values), `${count} shingles`);
        assert.equal(sim.shingles, count);
      }
    }
  });
  it("adds a snapshot exactly as adding its shingles again", () => {
    const first = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => v * 0x9e3779b1);
    const second = [10, 11, 12, 13].map((v) => v * 0x85ebca6b);
    const part = new SimHasher();
    for (const v of first) part.add(v);
    const whole = new SimHasher();
    whole.addSnapshot(part.snapshot());
    for (const v of second) whole.add(v);
    assert.deepEqual({ hi: whole.hi(), lo: whole.lo() }, reference([...first, ...second]));
    whole.reset();
    assert.deepEqual({ hi: whole.hi(), lo: whole.lo(), n: whole.shingles }, { hi: 0, lo: 0, n: 0 });
  });
});

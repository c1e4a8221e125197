import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { capNames } from "./capabilities.js";
import { fingerprintText, SimHasher } from "./fingerprint.js";
import { hamming64 } from "./hash.js";

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
});

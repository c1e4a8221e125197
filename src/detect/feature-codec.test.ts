import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CODEC_FIELDS,
  decodeFeatures,
  encodeFeatures,
  StringDecoder,
  StringEncoder,
} from "./feature-codec.js";
import { extractFeatures, type RequestFeatures } from "./features.js";
import { accountEvents, hydraAccounts, legitAccounts, rng, T0 } from "./fixtures.js";

describe("feature codec", () => {
  const r = rng(5);
  const events = [
    ...accountEvents(legitAccounts(1, r)[0]!, T0, 20, r),
    ...accountEvents(hydraAccounts(1, r)[0]!, T0, 20, r),
  ];
  const features = events.map((e) => extractFeatures(e));

  it("carries every field of RequestFeatures", () => {
    assert.deepEqual([...CODEC_FIELDS].sort(), Object.keys(features[0]!).sort());
  });

  it("round-trips real features exactly, key order included", () => {
    const back = decodeFeatures(encodeFeatures(features));
    assert.deepEqual(back, features);
    assert.deepEqual(Object.keys(back[0]!), Object.keys(features[0]!));
  });

  it("keeps nulls, NaN, booleans and distinct values apart in every column", () => {
    const base = features[0]!;
    const odd: RequestFeatures[] = [
      { ...base, asn: null, verified: null, orgId: null, createdMs: Number.NaN, cot: false, banned: false },
      { ...base, asn: 0, verified: false, orgId: "", cot: true, banned: true, country: "" },
      { ...base, asn: 4294967295, verified: true, orgId: "org-1", sysKey: -123456789, simHi: 0x7fffffff },
    ];
    // every numeric / string field gets a value of its own, so a swapped column cannot pass
    const distinct = { ...base } as Record<string, unknown>;
    let i = 1;
    for (const k of Object.keys(base)) {
      if (typeof distinct[k] === "number") distinct[k] = 1000 + i++;
      else if (typeof distinct[k] === "string") distinct[k] = `v${i++}`;
    }
    odd.push(distinct as unknown as RequestFeatures);
    assert.deepEqual(decodeFeatures(encodeFeatures(odd)), odd);
  });

  it("sends each string once across the batches of one dictionary, and decodes them in order", () => {
    const enc = new StringEncoder();
    const dec = new StringDecoder();
    const half = Math.floor(features.length / 2);
    const a = encodeFeatures(features.slice(0, half), enc);
    const b = encodeFeatures(features.slice(half), enc);
    const c = encodeFeatures(features.slice(0, half), enc);
    // the second account's batch brings its own strings only; a repeated batch brings none
    assert.ok(a.fresh.length > 0 && b.fresh.length > 0);
    assert.equal(c.fresh.length, 0);
    for (const s of b.fresh) assert.ok(!a.fresh.includes(s), s);
    const back = [...decodeFeatures(a, dec), ...decodeFeatures(b, dec)];
    assert.deepEqual(back, features);
    const again = decodeFeatures(c, dec);
    assert.deepEqual(again, features.slice(0, half));
    // out of order, the table lacks the strings the batch refers to: a clear error, not wrong strings
    assert.throws(() => decodeFeatures(b, new StringDecoder()), /not in the dictionary/);
  });

  it("sends strings inline once its dictionary is full, and they decode the same", () => {
    const enc = new StringEncoder(3);
    const dec = new StringDecoder();
    const a = encodeFeatures(features, enc);
    assert.equal(a.fresh.length, 3);
    assert.ok(a.inline.length > 0);
    assert.deepEqual(decodeFeatures(a, dec), features);
    assert.deepEqual(decodeFeatures(encodeFeatures(features, enc), dec), features);
  });
});

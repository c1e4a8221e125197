import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CODEC_FIELDS, decodeFeatures, encodeFeatures } from "./feature-codec.js";
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
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../core/errors.js";
import { defaultConfig, parseDetectorConfig } from "./config.js";

describe("detector config", () => {
  it("fills defaults under a partial override", () => {
    const c = parseDetectorConfig({ passIntervalSec: 30, verdict: { campaignBlock: 4 } });
    assert.equal(c.passIntervalSec, 30);
    assert.equal(c.verdict.campaignBlock, 4);
    assert.equal(c.verdict.campaignThrottle, defaultConfig().verdict.campaignThrottle);
  });
  it("rejects unknown keys and wrong types with the path", () => {
    assert.throws(() => parseDetectorConfig({ passIntervalSecs: 30 }), ConfigError);
    assert.throws(
      () => parseDetectorConfig({ verdict: { campaignBlock: "high" } }),
      /verdict\.campaignBlock/,
    );
  });
});

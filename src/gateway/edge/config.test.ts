import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../core/errors.js";
import { compileEdgeConfig, DEFAULT_STRIP_HEADERS, edgeHeadersToStrip } from "./config.js";
import { edgeAnonymitySignal, normalizeCountry } from "./country.js";

describe("compileEdgeConfig", () => {
  it("defaults to trusting nobody and strips the well-known headers", () => {
    const c = compileEdgeConfig();
    assert.equal(c.trust.empty, true);
    assert.equal(c.forwarding.header, "x-forwarded-for");
    for (const h of DEFAULT_STRIP_HEADERS) assert.ok(c.stripSet.has(h), h);
  });

  it("adds the configured edge headers (lowercased) to the strip list", () => {
    const c = compileEdgeConfig({
      trustedProxies: ["private"],
      forwardedHeader: "X-Edge-Client",
      countryHeader: "CF-IPCountry",
      tlsFingerprintHeader: "X-Edge-JA4",
      asnHeader: "x-edge-asn",
      stripHeaders: ["X-Other"],
    });
    const strip = edgeHeadersToStrip(c);
    for (const h of ["x-edge-client", "cf-ipcountry", "x-edge-ja4", "x-edge-asn", "x-other"]) {
      assert.ok(strip.includes(h), h);
    }
    assert.equal(c.countryHeader, "cf-ipcountry");
    assert.equal(new Set(strip).size, strip.length, "no duplicates");
  });

  it("throws ConfigError on bad CIDRs, header names and hop counts", () => {
    assert.throws(() => compileEdgeConfig({ trustedProxies: ["10.0.0.0/99"] }), /edge.trustedProxies/);
    assert.throws(() => compileEdgeConfig({ countryHeader: "bad header" }), ConfigError);
    assert.throws(() => compileEdgeConfig({ forwardedHeader: "" }), ConfigError);
    assert.throws(() => compileEdgeConfig({ maxHops: 0 }), ConfigError);
    assert.throws(() => compileEdgeConfig({ stripHeaders: ["ok", "x:y"] }), ConfigError);
  });
});

describe("normalizeCountry", () => {
  it("uppercases real codes and drops pseudo-codes", () => {
    const cases: [string | null, string | null][] = [
      ["us", "US"],
      [" de ", "DE"],
      ["UK", "GB"],
      ["XK", "XK"],
      ["XX", null],
      ["T1", null],
      ["A1", null],
      ["EU", null],
      ["ZZ", null],
      ["QZ", null],
      ["XA", null],
      ["USA", null],
      ["1A", null],
      ["", null],
      [null, null],
    ];
    for (const [raw, want] of cases) assert.equal(normalizeCountry(raw), want, String(raw));
    assert.equal(edgeAnonymitySignal("t1"), "tor");
    assert.equal(edgeAnonymitySignal("A1"), "anonymous_proxy");
    assert.equal(edgeAnonymitySignal("US"), null);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileEdgeConfig } from "./config.js";
import type { IpInfo } from "./ipdb.js";
import { extractClientMetadata, type IpLookup, parseAsn } from "./metadata.js";

const stub: IpLookup = {
  lookup(ip: string): IpInfo {
    if (ip === "8.8.8.8") {
      return {
        country: "US",
        asn: 15169,
        org: "Google LLC",
        network: "datacenter",
        networkBasis: "asn-table",
      };
    }
    if (ip === "73.1.2.3") {
      return { country: "US", asn: 7922, org: "Comcast", network: "residential", networkBasis: "org-name" };
    }
    return { country: null, asn: null, org: null, network: "unknown", networkBasis: "none" };
  },
};

const edge = compileEdgeConfig({
  trustedProxies: ["10.0.0.0/8"],
  countryHeader: "cf-ipcountry",
  tlsFingerprintHeader: "x-ja4",
  asnHeader: "x-asn",
});

describe("extractClientMetadata", () => {
  it("believes edge headers only from a trusted hop", () => {
    const headers = {
      "x-forwarded-for": "73.1.2.3",
      "cf-ipcountry": "fr",
      "x-ja4": "t13d1516h2_8daaf6152771_b186095e22b6",
      "user-agent": "curl/8.0",
    };
    const viaEdge = extractClientMetadata({ remoteAddress: "10.1.1.1", headers }, edge, stub);
    assert.deepEqual(viaEdge, {
      ip: "73.1.2.3",
      user_agent: "curl/8.0",
      tls_fingerprint: "t13d1516h2_8daaf6152771_b186095e22b6",
      country: "FR",
      asn: 7922,
      network: "residential",
    });
    const direct = extractClientMetadata({ remoteAddress: "8.8.8.8", headers }, edge, stub);
    assert.deepEqual(direct, {
      ip: "8.8.8.8",
      user_agent: "curl/8.0",
      tls_fingerprint: null,
      country: "US",
      asn: 15169,
      network: "datacenter",
    });
  });

  it("falls back to the database for junk country codes and marks Tor as vpn", () => {
    const base = { "x-forwarded-for": "8.8.8.8" };
    const xx = extractClientMetadata(
      { remoteAddress: "10.0.0.1", headers: { ...base, "cf-ipcountry": "XX" } },
      edge,
      stub,
    );
    assert.equal(xx.country, "US");
    assert.equal(xx.network, "datacenter");
    const tor = extractClientMetadata(
      { remoteAddress: "10.0.0.1", headers: { ...base, "cf-ipcountry": "T1" } },
      edge,
      stub,
    );
    assert.equal(tor.country, "US");
    assert.equal(tor.network, "vpn");
  });

  it("lets a trusted edge ASN win and re-classifies from it", () => {
    const m = extractClientMetadata(
      { remoteAddress: "10.0.0.1", headers: { "x-forwarded-for": "73.1.2.3", "x-asn": "AS16509" } },
      edge,
      stub,
    );
    assert.equal(m.asn, 16509);
    assert.equal(m.network, "datacenter");
  });

  it("rejects malformed fingerprints, truncates long user agents, works without a database", () => {
    const m = extractClientMetadata(
      { remoteAddress: "10.0.0.1", headers: { "x-ja4": "<script>", "user-agent": "x".repeat(2000) } },
      edge,
    );
    assert.equal(m.tls_fingerprint, null);
    assert.equal(m.user_agent?.length, 512);
    assert.equal(m.ip, "10.0.0.1");
    assert.equal(m.country, null);
    assert.equal(m.asn, null);
    assert.equal(m.network, "unknown");
    const none = extractClientMetadata({ remoteAddress: undefined, headers: {} }, edge, stub);
    assert.equal(none.ip, null);
    assert.equal(none.user_agent, null);
  });

  it("parses ASN header values", () => {
    assert.deepEqual(["13335", "AS13335", "as13335", " 7 ", "AS", "0", "4294967296", "12a"].map(parseAsn), [
      13335,
      13335,
      13335,
      7,
      null,
      null,
      null,
      null,
    ]);
  });
});

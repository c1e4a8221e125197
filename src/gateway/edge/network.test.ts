import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyNetwork, HOSTING_ASNS, TRANSIT_ASNS, VPN_ASNS } from "./network.js";

describe("classifyNetwork", () => {
  it("uses the ASN tables first", () => {
    assert.equal(classifyNetwork(16509, "Amazon.com, Inc."), "datacenter");
    assert.equal(classifyNetwork(15169, "Google LLC"), "datacenter");
    assert.equal(classifyNetwork(39351, "31173 Services AB"), "vpn");
    assert.equal(classifyNetwork(24940, null), "datacenter");
    assert.equal(
      classifyNetwork(174, "Cogent Communications"),
      "unknown",
      "transit, despite an ISP-like name",
    );
  });
  it("falls back to the organisation name", () => {
    assert.equal(classifyNetwork(64500, "Example VPN Services Ltd"), "vpn");
    assert.equal(classifyNetwork(64501, "Acme Hosting GmbH"), "datacenter");
    assert.equal(classifyNetwork(64502, "Sky Cloud Servers"), "datacenter");
    assert.equal(classifyNetwork(64503, "Some Data Center LLC"), "datacenter");
    assert.equal(classifyNetwork(64504, "Comcast Cable Communications, LLC"), "residential");
    assert.equal(classifyNetwork(64505, "Deutsche Telekom AG"), "residential");
    assert.equal(classifyNetwork(64506, "Example Mobile Wireless"), "residential");
    assert.equal(classifyNetwork(64507, "Example University"), "unknown");
    assert.equal(classifyNetwork(null, null), "unknown");
  });
  it("keeps the two tables disjoint", () => {
    for (const asn of VPN_ASNS.keys())
      assert.equal(HOSTING_ASNS.has(asn) || TRANSIT_ASNS.has(asn), false, String(asn));
    for (const asn of HOSTING_ASNS.keys()) assert.equal(TRANSIT_ASNS.has(asn), false, String(asn));
  });
});

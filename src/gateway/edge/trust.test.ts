import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../core/errors.js";
import { parseCidr, TrustedProxies } from "./trust.js";

describe("parseCidr", () => {
  it("computes inclusive ranges and masks host bits", () => {
    assert.deepEqual(parseCidr("10.0.0.0/8"), { kind: 4, start: 0x0a000000, end: 0x0affffff });
    assert.deepEqual(parseCidr("10.1.2.3/8"), { kind: 4, start: 0x0a000000, end: 0x0affffff });
    assert.deepEqual(parseCidr("1.2.3.4"), { kind: 4, start: 0x01020304, end: 0x01020304 });
    assert.deepEqual(parseCidr("0.0.0.0/0"), { kind: 4, start: 0, end: 0xffffffff });
    const v6 = parseCidr("2001:db8::/32");
    assert.equal(v6.kind, 6);
    assert.equal(v6.start, 0x20010db8n << 96n);
    assert.equal(v6.end, (0x20010db8n << 96n) | ((1n << 96n) - 1n));
    assert.deepEqual(parseCidr("::ffff:10.0.0.0/104"), { kind: 4, start: 0x0a000000, end: 0x0affffff });
  });
  it("rejects bad input with ConfigError", () => {
    for (const bad of [
      "10.0.0.0/33",
      "10.0.0.0/x",
      "hello",
      "2001:db8::/129",
      "[::1]/128",
      "::ffff:1.2.3.4/64",
      "",
    ]) {
      assert.throws(() => parseCidr(bad), ConfigError, bad);
    }
  });
});

describe("TrustedProxies", () => {
  it("matches keywords, CIDRs and bare addresses for IPv4, IPv6 and mapped IPv4", () => {
    const t = TrustedProxies.compile(["loopback", "private", "203.0.113.7", "2001:db8:100::/48"]);
    const yes = [
      "127.0.0.1",
      "127.255.255.254",
      "::1",
      "10.9.8.7",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "fd12:3456::1",
      "203.0.113.7",
      "::ffff:10.0.0.1",
      "2001:db8:100:ffff::1",
      "[::1]:8080",
    ];
    const no = [
      "172.32.0.1",
      "172.15.255.255",
      "8.8.8.8",
      "203.0.113.8",
      "2001:db8:101::1",
      "fe80::1",
      "::2",
      "garbage",
      "",
      "169.254.1.1",
    ];
    for (const ip of yes) assert.equal(t.containsText(ip), true, ip);
    for (const ip of no) assert.equal(t.containsText(ip), false, ip);
    assert.equal(t.unix, false);
    assert.equal(t.empty, false);
  });
  it("an empty list trusts nothing; unix is a flag; bad entries throw", () => {
    const none = TrustedProxies.compile([]);
    assert.equal(none.empty, true);
    assert.equal(none.containsText("127.0.0.1"), false);
    assert.equal(TrustedProxies.compile(["unix"]).unix, true);
    assert.throws(() => TrustedProxies.compile(["loopback", "10.0.0.0/40"]), /prefix/);
    assert.throws(() => TrustedProxies.compile(["intranet"]), ConfigError);
  });
  it("handles overlapping entries", () => {
    const t = TrustedProxies.compile(["10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/24", "11.0.0.0/8"]);
    for (const ip of ["10.0.0.1", "10.1.2.3", "10.255.255.255", "11.0.0.0"])
      assert.equal(t.containsText(ip), true, ip);
    assert.equal(t.containsText("12.0.0.0"), false);
    assert.equal(t.containsText("9.255.255.255"), false);
  });
});

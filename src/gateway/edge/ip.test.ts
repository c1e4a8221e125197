import assert from "node:assert/strict";
import { isIP } from "node:net";
import { describe, it } from "node:test";
import { canonicalIp, formatIpv6, parseIp, parseIpv4 } from "./ip.js";

describe("parseIpv4", () => {
  it("parses dotted quads and rejects near misses", () => {
    assert.equal(parseIpv4("0.0.0.0"), 0);
    assert.equal(parseIpv4("255.255.255.255"), 0xffffffff);
    assert.equal(parseIpv4("8.8.8.8"), 0x08080808);
    for (const bad of [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "1..2.3",
      "1.2.3.4 ",
      "a.b.c.d",
      "1.2.3.-4",
    ]) {
      assert.equal(parseIpv4(bad), -1, bad);
    }
  });
});

describe("parseIp", () => {
  it("canonicalises IPv4, ports, brackets, zones and IPv4-mapped IPv6", () => {
    const cases: [string, string | null][] = [
      ["1.2.3.4", "1.2.3.4"],
      [" 1.2.3.4 ", "1.2.3.4"],
      ["1.2.3.4:8080", "1.2.3.4"],
      ["::ffff:1.2.3.4", "1.2.3.4"],
      ["::FFFF:0102:0304", "1.2.3.4"],
      ["[::ffff:1.2.3.4]:443", "1.2.3.4"],
      ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
      ["[2001:db8::1]:443", "2001:db8::1"],
      ["[2001:db8::1]", "2001:db8::1"],
      ["fe80::1%eth0", "fe80::1"],
      ["::", "::"],
      ["::1", "::1"],
      ["1::", "1::"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
      ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"],
      ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
      ["unknown", null],
      ["_hidden", null],
      ["", null],
      ["1.2.3.4:", null],
      ["1.2.3.4:99999x", null],
      ["[2001:db8::1", null],
      ["[2001:db8::1]x", null],
      ["2001:db8::1::2", null],
      ["1:2:3:4:5:6:7:8:9", null],
      ["12345::1", null],
      ["2001:db8:::1", null],
      ["2001:db8::1:", null],
      ["fe80::1%", null],
      [":1", null],
      ["1.2.3.4:80:90", null],
    ];
    for (const [input, want] of cases) assert.equal(canonicalIp(input), want, JSON.stringify(input));
  });

  it("agrees with node:net on which strings are IPv6 (a small fuzz over generated forms)", () => {
    const parts = ["0", "1", "ffff", "db8", "2001", "", "1.2.3.4", "g", "12345"];
    let checked = 0;
    for (const a of parts) {
      for (const b of parts) {
        for (const sep of [":", "::"]) {
          for (const c of parts) {
            const s = `${a}${sep}${b}:${c}`;
            const ours = parseIp(s);
            const node = isIP(s) === 6;
            if (node) {
              assert.ok(ours !== null, `node accepts ${s}`);
            } else {
              assert.ok(ours === null || s.split(":").length === 2, `we accept ${s} but node does not`);
            }
            checked++;
          }
        }
      }
    }
    assert.ok(checked > 100);
  });

  it("formats the longest zero run, the first on ties", () => {
    assert.equal(formatIpv6([0x20010db8, 0, 0x00010000, 0x00000001]), "2001:db8::1:0:0:1");
    assert.equal(formatIpv6([0, 0, 0, 0]), "::");
    assert.equal(formatIpv6([0x20010000, 0x00010001, 0x00010001, 0x00010001]), "2001:0:1:1:1:1:1:1");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { forwardedFors, resolveClientIp } from "./forwarded.js";
import { TrustedProxies } from "./trust.js";

const trust = TrustedProxies.compile(["loopback", "10.0.0.0/8", "2001:db8:ed9e::/48"]);
const xff = (v: string | string[]) => ({ "x-forwarded-for": v });

describe("resolveClientIp", () => {
  it("ignores a spoofed X-Forwarded-For from an untrusted peer", () => {
    assert.deepEqual(resolveClientIp("198.51.100.9", xff("1.1.1.1"), trust), {
      ip: "198.51.100.9",
      viaTrustedHop: false,
    });
    assert.deepEqual(resolveClientIp("::ffff:198.51.100.9", xff("1.1.1.1"), trust), {
      ip: "198.51.100.9",
      viaTrustedHop: false,
    });
  });

  it("walks a trusted chain from the right and stops at the first untrusted address", () => {
    // client claims 1.1.1.1; real client 198.51.100.9; then two internal proxies.
    const h = xff("1.1.1.1, 198.51.100.9, 10.0.0.5,10.0.0.6");
    assert.deepEqual(resolveClientIp("127.0.0.1", h, trust), { ip: "198.51.100.9", viaTrustedHop: true });
  });

  it("accepts ports, brackets and IPv6 entries", () => {
    assert.equal(resolveClientIp("10.0.0.1", xff("[2001:DB8:cafe::17]:4711"), trust).ip, "2001:db8:cafe::17");
    assert.equal(resolveClientIp("10.0.0.1", xff("198.51.100.9:5555"), trust).ip, "198.51.100.9");
    assert.equal(
      resolveClientIp("2001:db8:ed9e::1", xff("2001:db8:cafe::17"), trust).ip,
      "2001:db8:cafe::17",
    );
    assert.equal(resolveClientIp("::1", xff("::ffff:198.51.100.9"), trust).ip, "198.51.100.9");
  });

  it("stops at garbage and returns the nearest trusted hop instead of anything left of it", () => {
    const h = xff("1.1.1.1, unknown, 10.0.0.7");
    assert.deepEqual(resolveClientIp("127.0.0.1", h, trust), { ip: "10.0.0.7", viaTrustedHop: true });
    assert.deepEqual(resolveClientIp("127.0.0.1", xff("1.1.1.1, <script>"), trust), {
      ip: "127.0.0.1",
      viaTrustedHop: true,
    });
  });

  it("skips empty list items and joins repeated header lines", () => {
    assert.equal(resolveClientIp("127.0.0.1", xff("198.51.100.9, , 10.0.0.2,"), trust).ip, "198.51.100.9");
    assert.equal(
      resolveClientIp("127.0.0.1", xff(["1.1.1.1", "198.51.100.9", "10.0.0.2"]), trust).ip,
      "198.51.100.9",
    );
  });

  it("uses the peer when a trusted peer sends no header, and the leftmost hop when all are trusted", () => {
    assert.deepEqual(resolveClientIp("10.0.0.1", {}, trust), { ip: "10.0.0.1", viaTrustedHop: true });
    assert.equal(resolveClientIp("10.0.0.1", xff("10.0.0.3, 10.0.0.2"), trust).ip, "10.0.0.3");
  });

  it("examines at most maxHops entries", () => {
    const h = xff("198.51.100.9, 10.0.0.4, 10.0.0.3, 10.0.0.2");
    const opts = { header: "x-forwarded-for", maxHops: 2 };
    assert.equal(resolveClientIp("10.0.0.1", h, trust, opts).ip, "10.0.0.3");
    assert.equal(resolveClientIp("10.0.0.1", h, trust, { ...opts, maxHops: 4 }).ip, "198.51.100.9");
  });

  it("reads the RFC 7239 Forwarded header", () => {
    const opts = { header: "forwarded", maxHops: 10 };
    const h = {
      forwarded: 'for=1.1.1.1, for="[2001:db8:cafe::17]:4711";proto=https, For=10.0.0.9;by=10.0.0.1',
    };
    assert.deepEqual(resolveClientIp("127.0.0.1", h, trust, opts), {
      ip: "2001:db8:cafe::17",
      viaTrustedHop: true,
    });
    const hidden = { forwarded: "for=198.51.100.9, for=_hidden, for=10.0.0.9" };
    assert.equal(resolveClientIp("127.0.0.1", hidden, trust, opts).ip, "10.0.0.9");
    // An X-Forwarded-For from the client is not read when the gateway is configured for Forwarded.
    assert.equal(resolveClientIp("127.0.0.1", { ...xff("198.51.100.9") }, trust, opts).ip, "127.0.0.1");
  });

  it("treats a peer without an address as untrusted unless `unix` is configured", () => {
    assert.deepEqual(resolveClientIp(undefined, xff("198.51.100.9"), trust), {
      ip: "",
      viaTrustedHop: false,
    });
    const unix = TrustedProxies.compile(["unix"]);
    assert.deepEqual(resolveClientIp(undefined, xff("198.51.100.9"), unix), {
      ip: "198.51.100.9",
      viaTrustedHop: true,
    });
  });
});

describe("forwardedFors", () => {
  it("parses elements, quoting and escapes", () => {
    assert.deepEqual(forwardedFors('for=a;by=b, proto=http, for="x,y;z", for="q\\"r"'), [
      "a",
      null,
      "x,y;z",
      'q"r',
    ]);
    assert.deepEqual(forwardedFors(""), []);
    assert.deepEqual(forwardedFors("for=, garbage"), ["", null]);
  });
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { addressIn, DATACENTER, ipToInt, RESIDENTIAL, VPN } from "./network.js";
import { Rng } from "./rng.js";

/** Loads an ip-location-db "num" CSV: [start, end, value]. */
function table(pkg: string, file: string): [number, number, string][] {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve(`${pkg}/package.json`));
  return readFileSync(join(dir, file), "utf8")
    .trim()
    .split("\n")
    .map((l) => {
      const p = l.split(",");
      return [Number(p[0]), Number(p[1]), p[2] ?? ""] as [number, number, string];
    });
}

function lookup(t: [number, number, string][], x: number): string | null {
  let lo = 0;
  let hi = t.length - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    const r = t[m]!;
    if (r[1] < x) lo = m + 1;
    else if (r[0] > x) hi = m - 1;
    else return r[2];
  }
  return null;
}

test("every block's addresses have the ASN and country the public tables give", () => {
  const asn = table("@ip-location-db/asn", "asn-ipv4-num.csv");
  const geo = table("@ip-location-db/geo-whois-asn-country", "geo-whois-asn-country-ipv4-num.csv");
  const rng = new Rng(1);
  for (const b of [...RESIDENTIAL, ...DATACENTER, ...VPN]) {
    const start = ipToInt(b.start);
    for (const x of [start, start + b.size - 1]) {
      assert.equal(lookup(asn, x), String(b.asn), `${b.org} ${b.start} asn`);
      assert.equal(lookup(geo, x), b.country, `${b.org} ${b.start} country`);
    }
    for (let i = 0; i < 20; i++) {
      const e = addressIn(b, rng);
      assert.equal(lookup(asn, ipToInt(e.ip)), String(b.asn), `${b.org} ${e.ip}`);
      assert.equal(e.network, b.network);
    }
  }
});

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { IpDatabase } from "./ipdb.js";

const IPCAT = "../shared/data/network/ipcat-datacenters.csv";

describe("IpDatabase on small fixture files", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "dg-ipdb-"));
    await writeFile(
      join(dir, "geo-whois-asn-country-ipv4-num.csv"),
      // 1.0.0.0-1.0.0.255 AU with a nested 1.0.0.16-1.0.0.31 JP (the packages contain such rows)
      "16777216,16777471,AU\n16777232,16777247,jp\n134744064,134744319,US\n",
    );
    await writeFile(
      join(dir, "geo-whois-asn-country-ipv6.csv"),
      "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,US\n",
    );
    await writeFile(
      join(dir, "asn-ipv4-num.csv"),
      '16777216,16777471,13335,"Cloudflare, Inc."\n134744064,134744319,15169,Google LLC\n',
    );
    await writeFile(
      join(dir, "asn-ipv6.csv"),
      "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\r\n",
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("returns nulls before load, then answers from the files", async () => {
    const db = new IpDatabase({ countryDir: dir, asnDir: dir });
    assert.equal(db.loaded, false);
    assert.deepEqual(db.lookup("8.8.8.8"), {
      country: null,
      asn: null,
      org: null,
      network: "unknown",
      networkBasis: "none",
    });
    const stats = await db.load();
    assert.equal(db.loaded, true);
    assert.deepEqual(stats.rows, { country4: 4, country6: 1, asn4: 2, asn6: 1, datacenter4: 0 });
    assert.deepEqual(db.lookup("8.8.8.8"), {
      country: "US",
      asn: 15169,
      org: "Google LLC",
      network: "datacenter",
      networkBasis: "asn-table",
    });
    assert.equal(db.lookup("1.0.0.20").country, "JP", "the nested row wins");
    assert.equal(db.lookup("1.0.0.32").country, "AU", "the enclosing row resumes after it");
    assert.equal(db.lookup("1.0.0.1").org, "Cloudflare, Inc.");
    assert.equal(db.lookup("2001:4860:4860::8888").asn, 15169);
    assert.equal(db.lookup("::ffff:8.8.8.8").country, "US");
    assert.equal(db.lookup("9.9.9.9").country, null);
    assert.equal(db.lookup("not an ip").asn, null);
  });

  it("skips missing files and keeps working", async () => {
    const db = new IpDatabase({ countryDir: join(dir, "nope"), asnDir: null });
    const stats = await db.load();
    assert.equal(stats.skipped.length, 3);
    assert.equal(db.lookup("8.8.8.8").country, null);
  });
});

describe("IpDatabase on the installed @ip-location-db packages", () => {
  let db: IpDatabase;
  before(async () => {
    const ipcat = existsSync(IPCAT) ? IPCAT : null;
    db = await IpDatabase.open({ datacenterRangesFile: ipcat });
  });

  it("knows Google DNS: 8.8.8.8 → US, AS15169, datacenter", () => {
    const r = db.lookup("8.8.8.8");
    assert.equal(r.country, "US");
    assert.equal(r.asn, 15169);
    assert.equal(r.network, "datacenter");
  });

  it("knows a residential ISP address (Comcast, 73.0.0.0/8)", () => {
    const r = db.lookup("73.162.1.1");
    assert.equal(r.country, "US");
    assert.equal(r.asn, 7922);
    assert.equal(r.network, "residential");
  });

  it("knows IPv6: Google DNS 2001:4860:4860::8888 and Comcast 2601::/20", () => {
    const g = db.lookup("2001:4860:4860::8888");
    assert.equal(g.asn, 15169);
    assert.equal(g.country, "US");
    const c = db.lookup("2601:600::1");
    assert.equal(c.asn, 7922);
    assert.equal(c.network, "residential");
  });

  it("says nothing about private and documentation addresses", () => {
    for (const ip of [
      "192.168.1.1",
      "10.0.0.1",
      "100.64.0.1",
      "127.0.0.1",
      "2001:db8::1",
      "fd00::1",
      "::1",
    ]) {
      assert.equal(db.lookup(ip).country, null, ip);
      assert.equal(db.lookup(ip).asn, null, ip);
    }
  });

  it("adds datacenter ranges from the ipcat list when present", (t) => {
    if (!existsSync(IPCAT)) {
      t.skip(`${IPCAT} not present`);
      return;
    }
    // 3.0.0.0/15 is listed as Amazon AWS in ipcat.
    assert.equal(db.datacenterProvider("3.0.0.1"), "Amazon AWS");
  });
});

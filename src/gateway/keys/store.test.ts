import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../../test/helpers/tmp.js";
import { generateKey, keyIdOf } from "./format.js";
import { KeyStore } from "./store.js";

function tempStore(): string {
  return join(tempDir("dg-keys-"), "keys.json");
}

describe("key format", () => {
  it("generates keys whose id is their visible prefix", () => {
    const k = generateKey();
    assert.match(k.secret, /^dg-[a-z0-9]{12}-[A-Za-z0-9_-]{43}$/);
    assert.equal(keyIdOf(k.secret), k.id);
    assert.ok(k.secret.startsWith(k.id));
    assert.equal(keyIdOf("sk-ant-something"), null);
  });
});

describe("KeyStore", () => {
  it("authenticates issued keys, refuses unknown and revoked ones", () => {
    const store = KeyStore.open(null);
    const org = store.createOrg({ name: "Acme" });
    const acct = store.createAccount({ org_id: org.id, tier: "scale", verified: true });
    const { record, secret } = store.createKey(acct.id, "ci");
    const ok = store.authenticate(secret);
    assert.ok(ok.ok);
    if (ok.ok) {
      assert.equal(ok.account.id, acct.id);
      assert.equal(ok.org?.id, org.id);
    }
    const forged = `${record.id}-${"A".repeat(43)}`;
    assert.deepEqual(store.authenticate(forged), { ok: false, reason: "invalid" });
    assert.deepEqual(store.authenticate("garbage"), { ok: false, reason: "invalid" });
    store.revokeKey(record.id);
    assert.deepEqual(store.authenticate(secret), { ok: false, reason: "revoked" });
  });

  it("stores only hashes on disk and persists across opens", () => {
    const path = tempStore();
    const a = KeyStore.open(path);
    const acct = a.createAccount({});
    const { secret } = a.createKey(acct.id);
    const onDisk = readFileSync(path, "utf8");
    assert.ok(!onDisk.includes(secret), "the secret must not be written");
    assert.ok(!onDisk.includes(secret.slice(-43)), "no part of the secret's random half may be written");
    const b = KeyStore.open(path);
    assert.ok(b.authenticate(secret).ok);
  });

  it("does not lose writes made by two store instances (two processes) on one file", () => {
    const path = tempStore();
    const a = KeyStore.open(path);
    const b = KeyStore.open(path);
    const acctA = a.createAccount({ id: "acct_a" });
    const acctB = b.createAccount({ id: "acct_b" });
    const keyA = a.createKey(acctA.id);
    const keyB = b.createKey(acctB.id);
    const c = KeyStore.open(path);
    assert.deepEqual(
      c
        .listAccounts()
        .map((x) => x.id)
        .sort(),
      ["acct_a", "acct_b"],
    );
    assert.ok(c.authenticate(keyA.secret).ok);
    assert.ok(c.authenticate(keyB.secret).ok);
  });

  it("refuses accounts in unknown orgs and duplicate ids", () => {
    const store = KeyStore.open(null);
    assert.throws(() => store.createAccount({ org_id: "org_missing" }), /does not exist/);
    store.createAccount({ id: "acct_1" });
    assert.throws(() => store.createAccount({ id: "acct_1" }), /already exists/);
  });
});

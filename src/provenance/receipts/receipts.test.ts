import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../../test/helpers/tmp.js";
import { KeyRing } from "./keyring.js";
import { leafHash, MerkleTree, nodeHash, verifyInclusion } from "./merkle.js";
import { sha256Hex } from "./receipt.js";
import { ReceiptSigner } from "./signer.js";
import { appendBatch, readReceipts, resumeState } from "./store.js";
import { verifyReceipt } from "./verify.js";

/** RFC 6962 MTH written the recursive way, as the RFC states it. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const input = (i: number) => ({
  requestHash: sha256Hex(`req ${i}`),
  responseHash: sha256Hex(`res ${i}`),
  textHash: sha256Hex(`text ${i}`),
  account_id: `acct_${i % 3}`,
  model: "claude-x",
  key_id: "wm-0123456789abcdef",
});

describe("merkle", () => {
  it("bottom-up root equals the RFC 6962 recursive root, and every proof verifies, for sizes 1..33", () => {
    for (let n = 1; n <= 33; n++) {
      const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
      const tree = new MerkleTree(leaves);
      assert.ok(tree.root.equals(mth(leaves)), `root n=${n}`);
      for (let i = 0; i < n; i++) {
        assert.ok(verifyInclusion(leaves[i] as Buffer, i, n, tree.proof(i), tree.root), `proof ${i}/${n}`);
        if (n > 1)
          assert.equal(verifyInclusion(leaves[(i + 1) % n] as Buffer, i, n, tree.proof(i), tree.root), false);
      }
    }
  });
});

describe("receipt signer", () => {
  it("batches, signs once per batch, and every receipt verifies offline", async () => {
    const keys = KeyRing.memory();
    const heads: string[] = [];
    const signer = new ReceiptSigner({
      keys,
      maxBatch: 5,
      maxDelayMs: 10_000,
      onBatch: (_r, _h, jws) => heads.push(jws),
    });
    const issued = Array.from({ length: 12 }, (_, i) => signer.sign(input(i)));
    assert.equal(signer.get(issued[11]?.id as string), "pending");
    signer.flush();
    const receipts = await Promise.all(issued.map((x) => x.receipt));
    assert.equal(heads.length, 3); // 5 + 5 + 2
    for (const [i, r] of receipts.entries()) {
      const v = verifyReceipt(r, keys.jwks(), {
        request: `req ${i}`,
        response: `res ${i}`,
        text: `text ${i}`,
      });
      assert.ok(v.ok, JSON.stringify(v.checks));
      assert.equal(v.leaf?.account_id, `acct_${i % 3}`);
    }
    // Batches chain: the third head names the hash of the second.
    const third = JSON.parse(Buffer.from(heads[2]?.split(".")[1] ?? "", "base64url").toString());
    assert.equal(
      third.prev,
      createHash("sha256")
        .update(heads[1] ?? "")
        .digest("base64url"),
    );
    assert.equal(third.first_index, 10);
  });

  it("rejects a tampered response, leaf, proof or signature", async () => {
    const keys = KeyRing.memory();
    const signer = new ReceiptSigner({ keys, maxBatch: 4 });
    const all = [0, 1, 2, 3].map((i) => signer.sign(input(i)));
    const r = await (all[1]?.receipt as Promise<import("./receipt.js").Receipt>);
    assert.equal(verifyReceipt(r, keys.jwks(), { response: "res 2" }).ok, false);
    const leaf = JSON.parse(Buffer.from(r.leaf, "base64url").toString());
    leaf.account_id = "someone_else";
    assert.equal(
      verifyReceipt({ ...r, leaf: Buffer.from(JSON.stringify(leaf)).toString("base64url") }, keys.jwks()).ok,
      false,
    );
    assert.equal(verifyReceipt({ ...r, leaf_index: 2 }, keys.jwks()).ok, false);
    const [h, p, s] = r.sth.split(".");
    const badSig = Buffer.from(s ?? "", "base64url");
    badSig[0] = (badSig[0] ?? 0) ^ 1;
    assert.equal(
      verifyReceipt({ ...r, sth: `${h}.${p}.${badSig.toString("base64url")}` }, keys.jwks()).ok,
      false,
    );
    assert.equal(verifyReceipt(r, KeyRing.memory().jwks()).ok, false);
  });

  it("keeps old keys in the JWKS after rotation; keys on disk are 0600 and reload", async () => {
    const dir = tempDir("dg-ring-");
    const ring = KeyRing.open(dir);
    const first = ring.active;
    const signer = new ReceiptSigner({ keys: ring, maxBatch: 1 });
    const before = await signer.sign(input(0)).receipt;
    const second = ring.rotate();
    assert.notEqual(first, second);
    const after = await signer.sign(input(1)).receipt;
    const reopened = KeyRing.open(dir);
    assert.equal(reopened.active, second);
    assert.deepEqual(
      reopened
        .jwks()
        .keys.map((k) => k.kid)
        .sort(),
      [first, second].sort(),
    );
    assert.ok(verifyReceipt(before, reopened.jwks()).ok);
    assert.ok(verifyReceipt(after, reopened.jwks()).ok);
    assert.equal(statSync(join(dir, `${first}.jwk.json`)).mode & 0o777, 0o600);
    assert.equal(JSON.stringify(reopened.jwks()).includes('"d"'), false);
  });

  it("receipt log round-trips and resumes the chain", async () => {
    const dir = tempDir("dg-log-");
    const keys = KeyRing.memory();
    const s1 = new ReceiptSigner({ keys, maxBatch: 2, onBatch: (r) => appendBatch(dir, r) });
    await Promise.all([0, 1, 2, 3].map((i) => s1.sign(input(i)).receipt));
    const logged = readReceipts(dir);
    assert.equal(logged.length, 4);
    const state = resumeState(logged);
    assert.equal(state.batch, 2);
    assert.equal(state.nextIndex, 4);
    const s2 = new ReceiptSigner({ keys, maxBatch: 1, resume: state });
    const next = await s2.sign(input(9)).receipt;
    const head = JSON.parse(Buffer.from(next.sth.split(".")[1] ?? "", "base64url").toString());
    assert.equal(head.prev, state.prev);
    assert.equal(head.batch, 2);
  });

  it("a reserved id is pending until signed, then resolves to its receipt", async () => {
    const signer = new ReceiptSigner({ keys: KeyRing.memory(), maxBatch: 100, maxDelayMs: 60_000 });
    const id = signer.reserve();
    assert.equal(signer.get(id), "pending");
    const other = signer.reserve();
    signer.release(other);
    assert.equal(signer.get(other), null);
    const { id: same, receipt } = signer.sign(input(1), id);
    assert.equal(same, id);
    signer.flush();
    assert.equal((await receipt).receipt_id, id);
    assert.equal((signer.get(id) as { leaf_json: { receipt_id: string } }).leaf_json.receipt_id, id);
  });

  it("receipt ids are unguessable and unique", () => {
    const signer = new ReceiptSigner({ keys: KeyRing.memory() });
    const ids = new Set(Array.from({ length: 200 }, () => signer.sign(input(0)).id));
    assert.equal(ids.size, 200);
    signer.close();
    assert.ok([...ids].every((id) => /^rcpt_[A-Za-z0-9_-]{16}$/.test(id)));
    void randomBytes;
  });
});

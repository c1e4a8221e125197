/**
 * Receipts checked by an independent implementation: `jose` verifies the tree-head JWS against the
 * JWKS served over HTTP, and the Merkle inclusion is recomputed here with node:crypto from RFC 9162
 * directly. Nothing from src/provenance is used on the verifying side.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { compactVerify, createLocalJWKSet } from "jose";
import { request } from "undici";
import { KeyRing } from "../src/provenance/receipts/keyring.js";
import { handleReceiptRoute, RECEIPT_HEADER } from "../src/provenance/receipts/route.js";
import { ReceiptSigner } from "../src/provenance/receipts/signer.js";

const h = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();

/** RFC 9162 2.1.3.2, written independently of the project's code. */
function rootFromPath(leaf: Buffer, index: number, size: number, path: Buffer[]): Buffer | null {
  let fn = index;
  let sn = size - 1;
  let r = h(Buffer.of(0), leaf);
  for (const p of path) {
    if (sn === 0) return null;
    if ((fn & 1) === 1 || fn === sn) {
      r = h(Buffer.of(1), p, r);
      while ((fn & 1) === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else r = h(Buffer.of(1), r, p);
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : null;
}

describe("receipts verified by an independent implementation (jose + node:crypto)", () => {
  it("fetches receipts and the JWKS over HTTP and verifies them without project code", async () => {
    const keys = KeyRing.memory();
    const signer = new ReceiptSigner({ keys, maxDelayMs: 60_000 });
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0] as string;
      if (!handleReceiptRoute(req, res, path, signer)) {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const bodies = Array.from({ length: 7 }, (_, i) => `{"answer":"response number ${i}"}`);
      const ids = bodies.map((b, i) =>
        signer.sign({
          requestHash: createHash("sha256").update(`request ${i}`).digest("hex"),
          responseHash: createHash("sha256").update(b).digest("hex"),
          account_id: `acct_${i}`,
          model: "m",
        }),
      );
      const first = await request(`${base}/v1/receipts/${ids[0]?.id}`);
      assert.equal(first.statusCode, 202); // batch still open
      await first.body.dump();
      signer.flush();
      await Promise.all(ids.map((x) => x.receipt));
      const jwksRes = await request(`${base}/.well-known/jwks.json`);
      const jwks = createLocalJWKSet((await jwksRes.body.json()) as Parameters<typeof createLocalJWKSet>[0]);
      for (const [i, { id }] of ids.entries()) {
        const res = await request(`${base}/v1/receipts/${id}`);
        assert.equal(res.statusCode, 200);
        const r = (await res.body.json()) as {
          leaf: string;
          leaf_index: number;
          tree_size: number;
          proof: string[];
          sth: string;
        };
        const { payload, protectedHeader } = await compactVerify(r.sth, jwks);
        assert.equal(protectedHeader.alg, "EdDSA");
        const head = JSON.parse(new TextDecoder().decode(payload)) as { root: string; tree_size: number };
        assert.equal(head.tree_size, r.tree_size);
        const leaf = Buffer.from(r.leaf, "base64url");
        const root = rootFromPath(
          leaf,
          r.leaf_index,
          r.tree_size,
          r.proof.map((p) => Buffer.from(p, "base64url")),
        );
        assert.ok(root?.equals(Buffer.from(head.root, "base64url")), `inclusion of ${i}`);
        const fields = JSON.parse(leaf.toString("utf8")) as { response_sha256: string; account_id: string };
        assert.equal(
          fields.response_sha256,
          createHash("sha256")
            .update(bodies[i] as string)
            .digest("hex"),
        );
        assert.equal(fields.account_id, `acct_${i}`);
      }
      const missing = await request(`${base}/v1/receipts/rcpt_nope`);
      assert.equal(missing.statusCode, 404);
      await missing.body.dump();
      assert.equal(RECEIPT_HEADER, "x-distillguard-receipt");
    } finally {
      signer.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

/**
 * Provenance at the gateway over real HTTP: every answer gets a signed receipt that a third party
 * verifies with node:crypto alone (Ed25519 JWS + RFC 6962 inclusion proof), and, when enabled,
 * answers carry the account's keyed watermark, streamed and not.
 */
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify as edVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";
import {
  deriveWatermarkKey,
  PositionSet,
  provenancePaths,
  scopes,
  scoreKey,
} from "../src/provenance/index.js";
import { startTestGateway, type TestGateway } from "./helpers/gateway.js";

interface Receipt {
  leaf: string;
  leaf_index: number;
  tree_size: number;
  proof: string[];
  sth: string;
}

/** RFC 6962 root from a leaf and its audit path, written independently of the project's code. */
function rootFromProof(leaf: Buffer, index: number, size: number, proof: Buffer[]): Buffer {
  const h = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
  let r = h(Buffer.from([0]), leaf);
  let fn = index;
  let sn = size - 1;
  for (const p of proof) {
    if (sn === 0) throw new Error("proof too long");
    if (fn % 2 === 1 || fn === sn) {
      r = h(Buffer.from([1]), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else r = h(Buffer.from([1]), r, p);
    fn >>= 1;
    sn >>= 1;
  }
  assert.equal(sn, 0, "proof consumed the whole path");
  return r;
}

async function fetchReceipt(base: string, id: string): Promise<Receipt> {
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${base}/v1/receipts/${id}`);
    if (r.status === 200) return (await r.json()) as Receipt;
    assert.equal(r.status, 202, "pending until its batch is signed");
    await sleep(50);
  }
  throw new Error("receipt never signed");
}

describe("provenance at the gateway", () => {
  let mock: MockUpstream;
  let t: TestGateway;
  before(async () => {
    mock = await startMockUpstream({});
    t = await startTestGateway({
      upstreamUrl: mock.url,
      config: {
        provenance: { receipts: true, watermark: true, watermark_scope: "account", receipt_batch_ms: 50 },
      },
    });
  });
  after(async () => {
    await t.close();
    await mock.close();
  });

  it("signs a receipt that binds request, response bytes, account and model, verifiable with node:crypto alone", async () => {
    const body = JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      messages: [{ role: "user", content: "Describe the water cycle." }],
    });
    const res = await fetch(`${t.gw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": t.secret },
      body,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200);
    const id = res.headers.get("x-distillguard-receipt");
    assert.match(id ?? "", /^rcpt_/);
    const receipt = await fetchReceipt(t.gw.url, id!);

    const jwks = (await (await fetch(`${t.gw.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string; kty: string; crv: string; x: string }[];
    };
    const [h, p, sig] = receipt.sth.split(".") as [string, string, string];
    const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { alg: string; kid: string };
    assert.equal(header.alg, "EdDSA");
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, "the signing key is published");
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x }, format: "jwk" });
    assert.ok(
      edVerify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(sig, "base64url")),
      "signature verifies",
    );
    const head = JSON.parse(Buffer.from(p, "base64url").toString()) as { root: string; tree_size: number };
    const leaf = Buffer.from(receipt.leaf, "base64url");
    const root = rootFromProof(
      leaf,
      receipt.leaf_index,
      receipt.tree_size,
      receipt.proof.map((x) => Buffer.from(x, "base64url")),
    );
    assert.equal(root.toString("base64url"), head.root, "inclusion proof leads to the signed root");
    const leafJson = JSON.parse(leaf.toString()) as Record<string, string>;
    assert.equal(leafJson.account_id, t.accountId);
    assert.equal(leafJson.model, "claude-sonnet-4-5");
    assert.equal(leafJson.request_sha256, createHash("sha256").update(body).digest("hex"));
    assert.equal(leafJson.response_sha256, createHash("sha256").update(bytes).digest("hex"));
    const answer = (JSON.parse(bytes.toString()) as { content: { type: string; text?: string }[] }).content
      .map((b) => b.text ?? "")
      .join("");
    assert.equal(
      leafJson.text_sha256,
      createHash("sha256").update(answer).digest("hex"),
      "binds the answer text",
    );
    // A tampered response no longer matches.
    assert.notEqual(
      leafJson.response_sha256,
      createHash("sha256")
        .update(Buffer.concat([bytes, Buffer.from(" ")]))
        .digest("hex"),
    );
  });

  it("watermarks answers with the account's key, streamed exactly as not streamed", async () => {
    const anthropic = new Anthropic({ apiKey: t.secret, baseURL: t.gw.url, maxRetries: 0 });
    const openai = new OpenAI({ apiKey: t.secret, baseURL: `${t.gw.url}/v1`, maxRetries: 0 });
    const texts: string[] = [];
    for (let i = 0; i < 12; i++) {
      const req = {
        model: "claude-sonnet-4-5",
        max_tokens: 1500,
        messages: [
          {
            role: "user" as const,
            content: `Write a long essay about topic number ${i}: rivers, cities and trade.`,
          },
        ],
      };
      const plain = await anthropic.messages.create(req);
      const streamed = await anthropic.messages.stream(req).finalMessage();
      const text = plain.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      assert.equal(streamed.content.map((b) => (b.type === "text" ? b.text : "")).join(""), text);
      texts.push(text);
      const o = await openai.chat.completions.create({
        model: "gpt-4o",
        max_tokens: 1500,
        messages: [{ role: "user", content: `Explain topic ${i} at length: soil, farming and weather.` }],
      });
      texts.push(o.choices[0]?.message.content ?? "");
    }
    const master = Buffer.from(
      readFileSync(
        provenancePaths(t.gw.keys.path ? join(t.gw.keys.path, "..") : "").watermarkKey,
        "utf8",
      ).trim(),
      "hex",
    );
    const set = new PositionSet();
    for (const x of texts) set.add(x);
    const own = scoreKey(set.positions, deriveWatermarkKey(master, scopes.account(t.accountId)).key);
    const other = scoreKey(
      set.positions,
      deriveWatermarkKey(master, scopes.account("acct_someone_else")).key,
    );
    assert.ok(own.positions >= 30, `enough scored positions (${own.positions})`);
    assert.ok(own.pValue < 1e-4, `the account's key is detected (p = ${own.pValue})`);
    assert.ok(other.pValue > 1e-3, `another account's key is not (p = ${other.pValue})`);
  });
});

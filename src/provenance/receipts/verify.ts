/**
 * Offline receipt verification: the tree head's Ed25519 signature against a JWKS, the leaf's
 * inclusion proof against the signed root, and, when given, that the request, response body or
 * assistant text hash to what the leaf commits to.
 */
import { type Jwks, verifyCompact } from "./jws.js";
import { leafHash, verifyInclusion } from "./merkle.js";
import { type Receipt, type ReceiptLeaf, sha256Hex } from "./receipt.js";

/** Optional material to check against the receipt. */
export interface VerifyMaterial {
  /** Request body bytes as sent. */
  request?: Uint8Array | string;
  /** Response body bytes as received. */
  response?: Uint8Array | string;
  /** Assistant text as received. */
  text?: string;
}

/** Outcome of verifyReceipt: ok only when every check passed. */
export interface VerifyResult {
  ok: boolean;
  checks: Array<{ check: string; ok: boolean; detail?: string }>;
  kid: string | null;
  leaf: ReceiptLeaf | null;
}

/** Verifies a receipt offline against a JWKS (and optionally the exchange itself). */
export function verifyReceipt(receipt: Receipt, jwks: Jwks, material: VerifyMaterial = {}): VerifyResult {
  const checks: VerifyResult["checks"] = [];
  const jws = verifyCompact(receipt.sth, jwks);
  checks.push({ check: "signature", ok: jws.ok, ...(jws.ok ? {} : { detail: jws.error }) });
  let leaf: ReceiptLeaf | null = null;
  const leafBytes = Buffer.from(receipt.leaf ?? "", "base64url");
  try {
    leaf = JSON.parse(leafBytes.toString("utf8")) as ReceiptLeaf;
  } catch {
    checks.push({ check: "leaf", ok: false, detail: "leaf is not JSON" });
  }
  if (jws.ok) {
    const size = Number(jws.payload.tree_size);
    const root = Buffer.from(String(jws.payload.root ?? ""), "base64url");
    const sizeOk = size === receipt.tree_size;
    checks.push({ check: "tree_size", ok: sizeOk, ...(sizeOk ? {} : { detail: `head says ${size}` }) });
    const proof = (receipt.proof ?? []).map((p) => Buffer.from(p, "base64url"));
    const incl = verifyInclusion(leafHash(leafBytes), receipt.leaf_index, size, proof, root);
    checks.push({ check: "inclusion", ok: incl });
  }
  if (leaf) {
    const idOk = leaf.receipt_id === receipt.receipt_id;
    checks.push({ check: "receipt_id", ok: idOk });
    const cmp = (name: string, want: string | null, data: Uint8Array | string | undefined) => {
      if (data === undefined) return;
      const got = sha256Hex(data);
      checks.push({ check: name, ok: want === got, ...(want === got ? {} : { detail: `sha256 ${got}` }) });
    };
    cmp("request", leaf.request_sha256, material.request);
    cmp("response", leaf.response_sha256, material.response);
    cmp("text", leaf.text_sha256, material.text);
  }
  return { ok: checks.every((c) => c.ok), checks, kid: jws.ok ? jws.kid : null, leaf };
}

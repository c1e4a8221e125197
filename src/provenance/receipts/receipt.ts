/**
 * Receipt format. A leaf binds one exchange: hashes of the request and response bodies and of the
 * assistant text, account, model, time and the watermark key id. The leaf travels as the exact bytes
 * that were hashed (base64url), so no JSON canonicalization is needed to verify it.
 */
import { createHash } from "node:crypto";

/** What the gateway knows about one exchange when it asks for a receipt. */
export interface ReceiptInput {
  /** SHA-256 hex of the request body bytes as received. */
  requestHash: string;
  /** SHA-256 hex of the response body bytes as sent to the client (after watermarking). */
  responseHash: string;
  /** SHA-256 hex of the assistant text as sent (see textHash); optional. */
  textHash?: string | null;
  account_id: string;
  model: string;
  /** RFC 3339 time of the exchange (default: now). */
  time?: string;
  /** Watermark key id used for the response, or null when not watermarked. */
  key_id?: string | null;
}

/** The leaf, as committed in the tree. */
export interface ReceiptLeaf {
  v: 1;
  receipt_id: string;
  time: string;
  account_id: string;
  model: string;
  request_sha256: string;
  response_sha256: string;
  text_sha256: string | null;
  watermark_kid: string | null;
}

/** Payload of a signed tree head (the JWS payload). */
export interface TreeHead {
  /** Log id: thumbprint of the first signing key of the log's state dir (stable across rotations). */
  log: string;
  /** Batch sequence number, from 0. */
  batch: number;
  /** Leaves in this batch's tree. */
  tree_size: number;
  /** base64url root hash. */
  root: string;
  /** Leaves in the log before this batch. */
  first_index: number;
  /** base64url SHA-256 of the previous batch's JWS (null for the first): the batches form a hash chain. */
  prev: string | null;
  issued_at: string;
}

/** A per-exchange receipt: leaf, inclusion proof, signed tree head. */
export interface Receipt {
  v: 1;
  receipt_id: string;
  /** base64url of the exact leaf bytes (UTF-8 JSON of a ReceiptLeaf). */
  leaf: string;
  /** The same leaf, decoded, for reading. */
  leaf_json: ReceiptLeaf;
  leaf_index: number;
  tree_size: number;
  /** Audit path, base64url hashes, leaf to root. */
  proof: string[];
  /** Compact JWS (EdDSA) over a TreeHead. */
  sth: string;
}

/** SHA-256 hex of bytes or UTF-8 text. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Hash of assistant text for receipts and forensics: SHA-256 of its UTF-8 bytes (exact text). */
export function textHash(text: string): string {
  return sha256Hex(text);
}

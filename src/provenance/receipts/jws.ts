/**
 * Ed25519 JWS (RFC 7515 compact serialization, RFC 8037 `alg: "EdDSA"`) and JWKS, on node:crypto
 * only. Anyone can verify a tree head with an ordinary JOSE library and the published JWKS.
 */
import { createHash, createPublicKey, type KeyObject, sign, verify } from "node:crypto";

/** A public Ed25519 JWK as published in the JWKS. */
export interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

/** A JSON Web Key Set. */
export interface Jwks {
  keys: PublicJwk[];
}

/** base64url without padding. */
export function b64u(data: Uint8Array | string): string {
  return Buffer.from(data).toString("base64url");
}

/** RFC 7638 thumbprint of an Ed25519 public key (base64url SHA-256 of the canonical members). */
export function jwkThumbprint(x: string): string {
  return createHash("sha256").update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest("base64url");
}

/** Signs `payload` as a compact JWS with the given key and kid. */
export function signCompact(
  payload: object,
  privateKey: KeyObject,
  kid: string,
  typ = "dg-tree-head+jws",
): string {
  const header = b64u(JSON.stringify({ alg: "EdDSA", kid, typ }));
  const body = b64u(JSON.stringify(payload));
  const sig = sign(null, Buffer.from(`${header}.${body}`), privateKey);
  return `${header}.${body}.${b64u(sig)}`;
}

/** Result of verifying a compact JWS. */
export type JwsResult =
  | { ok: true; kid: string; header: Record<string, unknown>; payload: Record<string, unknown> }
  | { ok: false; error: string };

const keyCache = new Map<string, KeyObject>();

/** Verifies a compact JWS against a JWKS (EdDSA / Ed25519 only). */
export function verifyCompact(jws: string, jwks: Jwks): JwsResult {
  const parts = jws.split(".");
  if (parts.length !== 3) return { ok: false, error: "not a compact JWS" };
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    return { ok: false, error: "JWS header or payload is not JSON" };
  }
  if (header.alg !== "EdDSA") return { ok: false, error: `unsupported alg ${String(header.alg)}` };
  const kid = String(header.kid ?? "");
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) return { ok: false, error: `unknown key id ${kid}` };
  let key = keyCache.get(jwk.x);
  if (!key) {
    key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x }, format: "jwk" });
    if (keyCache.size > 64) keyCache.clear();
    keyCache.set(jwk.x, key);
  }
  const good = verify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url"));
  return good ? { ok: true, kid, header, payload } : { ok: false, error: "bad signature" };
}

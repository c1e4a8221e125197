import { createHash, randomBytes } from "node:crypto";

/**
 * API keys look like `dg-<id>-<secret>`: `dg-<id>` is the visible prefix shown in listings and logs
 * (the key id), `<secret>` is 32 random bytes in base64url. Only SHA-256 of the whole key is stored:
 * keys carry 256 bits of entropy, so a fast hash is as strong as a slow one here and keeps
 * authentication O(1) on the hot path.
 */
const KEY_RE = /^dg-([a-z0-9]{12})-([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  /** Key id: the visible prefix, safe to log. */
  id: string;
  /** The full secret key: shown once, never stored. */
  secret: string;
  /** SHA-256 hex of the full key: what is stored. */
  hash: string;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Generates a new key. */
export function generateKey(): NewKey {
  const id = `dg-${randomId(12)}`;
  const secret = `${id}-${randomBytes(32).toString("base64url")}`;
  return { id, secret, hash: hashKey(secret) };
}

/** The key id of a well-formed key, or null (a malformed key never reaches the store lookup). */
export function keyIdOf(key: string): string | null {
  const m = KEY_RE.exec(key);
  return m ? `dg-${m[1]}` : null;
}

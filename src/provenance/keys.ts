/**
 * Watermark keys. A deployment has one secret master key; the key actually used for a response is
 * derived from it for a scope ("deployment", "account:<id>", "campaign:<id>"), so a leaked dataset
 * can be traced to the account or campaign whose key marked it, and no per-account secret needs to
 * be stored. A key id is a short public fingerprint of a derived key (safe to log and to put in
 * receipts); the key itself never leaves the process.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** A derived watermark key with its public id and scope. */
export interface WatermarkKey {
  /** Public fingerprint: "wm-" + 16 hex digits of SHA-256(key). */
  kid: string;
  scope: string;
  key: Buffer;
}

/** Derives the key of one scope from the deployment's master key (HMAC-SHA256 as a KDF). */
export function deriveWatermarkKey(master: Buffer, scope: string): WatermarkKey {
  const key = createHmac("sha256", master).update(`distillguard/watermark/v1\0${scope}`).digest();
  return { kid: watermarkKeyId(key), scope, key };
}

/** Public id of a watermark key. */
export function watermarkKeyId(key: Buffer): string {
  return `wm-${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
}

/** Scope names for deployment, account and campaign keys. */
export const scopes = {
  deployment: () => "deployment",
  account: (id: string) => `account:${id}`,
  campaign: (id: string) => `campaign:${id}`,
};

/**
 * Loads the master key from `file` (hex, one line), creating it with mode 0600 when absent. The file
 * is the only copy of the secret: back it up with the rest of the state directory.
 */
export function loadOrCreateMasterKey(file: string): Buffer {
  if (existsSync(file)) {
    const hex = readFileSync(file, "utf8").trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file}: not a 32-byte hex watermark key`);
    return Buffer.from(hex, "hex");
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return key;
}

/**
 * Field ablation for `analyze --ignore`: reads a log as if it lacked some optional fields of the
 * interchange format (a log converted from a gateway that never sees TLS fingerprints, or an account
 * system that does not pass creation times on). Measures what the detector owes to each field.
 */
import { ConfigError } from "../core/errors.js";
import type { ExchangeEvent } from "./types.js";

/** Optional fields that can be ignored, as dotted paths; a parent ("account") drops all its fields. */
export const IGNORABLE_FIELDS = [
  "org_id",
  "api_key_id",
  "account",
  "account.created_at",
  "account.verified",
  "account.payment_fingerprint",
  "account.email_domain",
  "account.tier",
  "client",
  "client.ip",
  "client.user_agent",
  "client.tls_fingerprint",
  "client.country",
  "client.asn",
  "client.network",
] as const;

export type IgnorableField = (typeof IGNORABLE_FIELDS)[number];

/** Parses a comma-separated list of fields to ignore; unknown or required fields are an error. */
export function parseIgnoredFields(spec: string): IgnorableField[] {
  const out: IgnorableField[] = [];
  for (const raw of spec.split(",")) {
    const f = raw.trim();
    if (f === "") continue;
    if (!(IGNORABLE_FIELDS as readonly string[]).includes(f)) {
      throw new ConfigError(
        `--ignore ${f}: not an optional field of the interchange format (one of ${IGNORABLE_FIELDS.join(", ")})`,
      );
    }
    if (!out.includes(f as IgnorableField)) out.push(f as IgnorableField);
  }
  return out;
}

/** Removes the ignored fields from an event in place (missing optional fields read as null). */
export function dropFields(e: ExchangeEvent, fields: readonly IgnorableField[]): void {
  for (const f of fields) {
    const dot = f.indexOf(".");
    if (dot === -1) {
      (e as unknown as Record<string, unknown>)[f] = null;
      continue;
    }
    const parent = (e as unknown as Record<string, unknown>)[f.slice(0, dot)];
    if (parent !== null && typeof parent === "object")
      delete (parent as Record<string, unknown>)[f.slice(dot + 1)];
  }
}

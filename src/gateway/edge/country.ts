/**
 * Country codes from an edge header, normalised to ISO 3166-1 alpha-2 (uppercase).
 *
 * Accepted: two ASCII letters, any case, surrounding spaces ignored. `UK` becomes `GB` (a common
 * non-ISO spelling). Values that are not countries read as null:
 * - `XX` (Cloudflare: no country known), `ZZ`, `AA`, `QM`–`QZ`, `XA`–`XZ` (ISO user-assigned;
 *   `XK` Kosovo is the exception: it is widely used and kept),
 * - legacy pseudo-codes `EU`, `AP` (regions), `O1` (other), `A2` (satellite provider),
 * - `T1` (Cloudflare: Tor exit) and `A1` (legacy "anonymous proxy"): null as a country, and
 *   reported by {@link edgeAnonymitySignal} so the network class can say "vpn".
 */

const REGIONS = new Set(["EU", "AP", "O1", "A2", "T1", "A1", "AA", "ZZ", "XX"]);

/** The ISO alpha-2 code in `raw`, or null when it is absent, malformed or not a country. */
export function normalizeCountry(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const v = raw.trim().toUpperCase();
  if (v.length !== 2) return null;
  const a = v.charCodeAt(0);
  const b = v.charCodeAt(1);
  if (a < 65 || a > 90 || b < 65 || b > 90) return null;
  if (REGIONS.has(v)) return null;
  if (v === "UK") return "GB";
  if (a === 81 && b >= 77) return null; // QM..QZ
  if (a === 88 && v !== "XK") return null; // XA..XZ
  return v;
}

/** "tor" for Cloudflare's `T1`, "anonymous_proxy" for the legacy `A1`, otherwise null. */
export function edgeAnonymitySignal(raw: string | null | undefined): "tor" | "anonymous_proxy" | null {
  if (raw === null || raw === undefined) return null;
  const v = raw.trim().toUpperCase();
  if (v === "T1") return "tor";
  if (v === "A1") return "anonymous_proxy";
  return null;
}

/**
 * The interchange `client` record of one request, from the socket peer, the edge's headers and the
 * IP database.
 *
 * Precedence, field by field:
 * - `ip`: {@link resolveClientIp} (trusted proxy chain), null when the peer has no usable address;
 * - `user_agent`: the `user-agent` header as sent (cut to 512 characters), null when absent;
 * - `tls_fingerprint`: the configured edge header, only via a trusted hop, only if it looks like a
 *   fingerprint (1–256 characters of `A–Z a–z 0–9 _ - . , :`, as JA4, JA4H and JA3 are), else null;
 * - `country`: the configured edge header via a trusted hop, normalised (see ./country.ts), else
 *   the IP database, else null. A pseudo-code (`XX`, `T1`…) falls through to the database;
 * - `asn`: the configured edge ASN header via a trusted hop (`13335` or `AS13335`), else the IP
 *   database, else null;
 * - `network`: "vpn" when the edge country says Tor (`T1`) or anonymous proxy (`A1`); otherwise the
 *   database's class for the address (./network.ts) — re-classified from the ASN alone when a
 *   trusted edge ASN disagrees with the database — else "unknown".
 * Edge headers from an untrusted peer are ignored entirely (and stripped, see ./config.ts).
 */

import type { ClientInfo } from "../../events/types.js";
import type { CompiledEdgeConfig } from "./config.js";
import { edgeAnonymitySignal, normalizeCountry } from "./country.js";
import { type IncomingHeaders, resolveClientIp } from "./forwarded.js";
import type { IpInfo } from "./ipdb.js";
import { classifyNetwork } from "./network.js";

/** What the gateway knows about the request's connection. */
export interface RequestEdgeView {
  remoteAddress: string | undefined;
  headers: IncomingHeaders;
}

/** Anything that can look an address up (IpDatabase does; tests may pass a stub). */
export interface IpLookup {
  lookup(ip: string): IpInfo;
}

const MAX_UA = 512;
const FINGERPRINT = /^[A-Za-z0-9_\-.,:]{1,256}$/;

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Parses "13335" or "AS13335" (any case) into a valid ASN, else null. */
export function parseAsn(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  let v = raw.trim();
  if (v.length > 2 && (v[0] === "A" || v[0] === "a") && (v[1] === "S" || v[1] === "s")) v = v.slice(2);
  if (!/^\d{1,10}$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 && n <= 0xffffffff ? n : null;
}

/** Builds the interchange ClientInfo for one request; see the module comment for precedence. */
export function extractClientMetadata(
  req: RequestEdgeView,
  edge: CompiledEdgeConfig,
  ipdb?: IpLookup | null,
): ClientInfo {
  const { ip, viaTrustedHop } = resolveClientIp(req.remoteAddress, req.headers, edge.trust, edge.forwarding);
  const h = req.headers;
  const ua = single(h["user-agent"]);
  let tls: string | null = null;
  let edgeCountryRaw: string | undefined;
  let edgeAsn: number | null = null;
  if (viaTrustedHop) {
    if (edge.tlsFingerprintHeader !== null) {
      const v = single(h[edge.tlsFingerprintHeader])?.trim();
      if (v !== undefined && FINGERPRINT.test(v)) tls = v;
    }
    if (edge.countryHeader !== null) edgeCountryRaw = single(h[edge.countryHeader]);
    if (edge.asnHeader !== null) edgeAsn = parseAsn(single(h[edge.asnHeader]));
  }
  const info = ip !== "" && ipdb ? ipdb.lookup(ip) : null;
  const edgeCountry = normalizeCountry(edgeCountryRaw);
  const asn = edgeAsn ?? info?.asn ?? null;
  let network: string;
  if (edgeAnonymitySignal(edgeCountryRaw) !== null) network = "vpn";
  else if (info !== null && (edgeAsn === null || edgeAsn === info.asn)) network = info.network;
  else network = classifyNetwork(asn, null);
  return {
    ip: ip === "" ? null : ip,
    user_agent: ua === undefined || ua === "" ? null : ua.length > MAX_UA ? ua.slice(0, MAX_UA) : ua,
    tls_fingerprint: tls,
    country: edgeCountry ?? info?.country ?? null,
    asn,
    network,
  };
}

/**
 * Edge configuration: which proxies are trusted, which headers carry the client's address, country
 * and TLS fingerprint, and which incoming headers the gateway must remove before forwarding
 * upstream. Compiled once at boot by {@link compileEdgeConfig}; bad values fail fast with a
 * ConfigError.
 */

import { ConfigError } from "../../core/errors.js";
import type { ForwardingOptions } from "./forwarded.js";
import { TrustedProxies } from "./trust.js";

/** Edge settings as written in the gateway's configuration. */
export interface EdgeConfig {
  /**
   * CIDRs, bare addresses and keywords (`loopback`, `private`, `linklocal`, `unix`) of the proxies
   * in front of the gateway. Default: none — every socket peer is the client and no edge header is
   * believed, so nothing can be spoofed until the operator says which hops are theirs.
   */
  trustedProxies: string[];
  /** Header the trusted proxies append the client address to (default `x-forwarded-for`; `forwarded` = RFC 7239). */
  forwardedHeader: string;
  /** At most this many entries of the forwarding header are examined, from the right (default 10). */
  maxHops: number;
  /** Header with the client's ISO country code set by the edge, e.g. `cf-ipcountry` (default none). */
  countryHeader: string | null;
  /** Header with the client's TLS fingerprint (JA4 or JA3) set by the edge, e.g. `x-ja4` (default none). */
  tlsFingerprintHeader: string | null;
  /** Header with the client's autonomous system number set by the edge (default none). */
  asnHeader: string | null;
  /**
   * More header names to strip before forwarding upstream. The forwarding header and the three
   * headers above are always stripped; the default list adds well-known client-address headers
   * that a client could otherwise smuggle through.
   */
  stripHeaders: string[];
}

/** Well-known client-address and edge headers stripped by default. */
export const DEFAULT_STRIP_HEADERS: readonly string[] = [
  "x-forwarded-for",
  "forwarded",
  "x-real-ip",
  "true-client-ip",
  "cf-connecting-ip",
  "cf-connecting-ipv6",
  "cf-ipcountry",
  "fastly-client-ip",
  "x-client-ip",
  "x-cluster-client-ip",
  "x-ja3",
  "x-ja4",
];

/** The defaults: trust nobody, `x-forwarded-for`, 10 hops, no edge headers. */
export const DEFAULT_EDGE_CONFIG: Readonly<EdgeConfig> = {
  trustedProxies: [],
  forwardedHeader: "x-forwarded-for",
  maxHops: 10,
  countryHeader: null,
  tlsFingerprintHeader: null,
  asnHeader: null,
  stripHeaders: [...DEFAULT_STRIP_HEADERS],
};

/** The compiled form the hot path uses. */
export interface CompiledEdgeConfig {
  readonly trust: TrustedProxies;
  readonly forwarding: ForwardingOptions;
  readonly countryHeader: string | null;
  readonly tlsFingerprintHeader: string | null;
  readonly asnHeader: string | null;
  /** Lowercase header names to remove from every request before forwarding it upstream. */
  readonly strip: readonly string[];
  /** The same names as a set. */
  readonly stripSet: ReadonlySet<string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

function headerName(value: unknown, what: string): string {
  if (typeof value !== "string") throw new ConfigError(`edge.${what} must be a header name`);
  const name = value.trim().toLowerCase();
  if (!TOKEN.test(name)) throw new ConfigError(`edge.${what}: "${value}" is not a valid HTTP header name`);
  return name;
}

function optionalHeader(value: unknown, what: string): string | null {
  return value === null || value === undefined || value === "" ? null : headerName(value, what);
}

/**
 * Validates and compiles edge settings (missing ones take {@link DEFAULT_EDGE_CONFIG}'s values).
 * Throws ConfigError on a bad CIDR, keyword, header name or hop count.
 */
export function compileEdgeConfig(cfg: Partial<EdgeConfig> = {}): CompiledEdgeConfig {
  const c = { ...DEFAULT_EDGE_CONFIG, ...cfg };
  if (!Array.isArray(c.trustedProxies)) throw new ConfigError("edge.trustedProxies must be a list");
  let trust: TrustedProxies;
  try {
    trust = TrustedProxies.compile(c.trustedProxies);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`edge.trustedProxies: ${err.message}`);
    throw err;
  }
  if (!Number.isInteger(c.maxHops) || c.maxHops < 1 || c.maxHops > 100) {
    throw new ConfigError(`edge.maxHops must be an integer from 1 to 100 (got ${c.maxHops})`);
  }
  const forwardedHeader = headerName(c.forwardedHeader, "forwardedHeader");
  const countryHeader = optionalHeader(c.countryHeader, "countryHeader");
  const tlsFingerprintHeader = optionalHeader(c.tlsFingerprintHeader, "tlsFingerprintHeader");
  const asnHeader = optionalHeader(c.asnHeader, "asnHeader");
  if (!Array.isArray(c.stripHeaders)) throw new ConfigError("edge.stripHeaders must be a list");
  const stripSet = new Set<string>([forwardedHeader]);
  for (const h of [countryHeader, tlsFingerprintHeader, asnHeader]) if (h !== null) stripSet.add(h);
  for (const h of c.stripHeaders) stripSet.add(headerName(h, "stripHeaders"));
  return {
    trust,
    forwarding: { header: forwardedHeader, maxHops: c.maxHops },
    countryHeader,
    tlsFingerprintHeader,
    asnHeader,
    strip: [...stripSet],
    stripSet,
  };
}

/**
 * The incoming header names (lowercase) the gateway removes before forwarding upstream: the
 * forwarding header, the edge's country / TLS-fingerprint / ASN headers and `stripHeaders`. They
 * are stripped whoever sent them; whether their values are believed is a separate question
 * (only from a trusted hop, see extractClientMetadata).
 */
export function edgeHeadersToStrip(compiled: CompiledEdgeConfig): readonly string[] {
  return compiled.strip;
}

/**
 * The client IP, from the socket peer and a trusted proxy chain — never blindly from a header.
 *
 * 1. The socket peer is the client unless it is a trusted proxy ({@link TrustedProxies}).
 * 2. If it is trusted, the forwarding header is walked from the RIGHT (the entry the nearest proxy
 *    wrote) towards the left: trusted addresses are proxies and are skipped; the first untrusted
 *    address is the client. Everything left of it was written by the client and is ignored.
 * 3. The walk stops, returning the last trusted hop seen (the nearest proxy that vouches for the
 *    request), when it meets an entry that is not an address (`unknown`, `_hidden`, garbage): what
 *    lies beyond it cannot be attributed safely. It also stops after `maxHops` entries.
 * 4. If every entry is trusted, the leftmost one examined is the client (an internal caller).
 *
 * `viaTrustedHop` is true when the socket peer is trusted: only then may the request's edge
 * headers (country, TLS fingerprint) be believed, because only then did a trusted proxy set them.
 *
 * Headers: `x-forwarded-for`-style headers are comma lists of addresses (with optional ports or
 * brackets); `forwarded` (RFC 7239) is parsed for its `for=` parameters, quoted or not. Several
 * header lines arrive joined by commas (Node does this) or as an array; both are handled.
 */

import { formatAddress, readAddress } from "./ip.js";
import type { TrustedProxies } from "./trust.js";

/** Node-style incoming headers (lowercase names). */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** Which header carries the chain and how far to walk it. */
export interface ForwardingOptions {
  /** Lowercase header name; "forwarded" is parsed per RFC 7239, anything else as a comma list. */
  header: string;
  /** At most this many entries are examined, from the right (≥ 1). */
  maxHops: number;
}

/** `x-forwarded-for`, at most 10 hops. */
export const DEFAULT_FORWARDING: ForwardingOptions = { header: "x-forwarded-for", maxHops: 10 };

/** The resolved client address. */
export interface ClientAddress {
  /** Canonical text (IPv4 dotted quad, RFC 5952 IPv6); "" when the peer has no usable address. */
  ip: string;
  /** True when the socket peer is a trusted proxy, so its edge headers may be believed. */
  viaTrustedHop: boolean;
}

const scratch = new Uint32Array(4);

/** Resolves the client address; see the module comment for the exact rules. */
export function resolveClientIp(
  remoteAddress: string | undefined,
  headers: IncomingHeaders,
  trust: TrustedProxies,
  options: ForwardingOptions = DEFAULT_FORWARDING,
): ClientAddress {
  const peer = remoteAddress ?? "";
  const peerKind = readAddress(peer, 0, peer.length, scratch);
  if (peerKind === 0) {
    // No usable peer address: a Unix socket (trusted only with the "unix" keyword) or garbage.
    if (!trust.unix || peer !== "") return { ip: "", viaTrustedHop: false };
    return walk(headers, trust, options, "");
  }
  const peerText = formatAddress(peerKind, scratch);
  if (!trust.contains(peerKind, scratch)) return { ip: peerText, viaTrustedHop: false };
  return walk(headers, trust, options, peerText);
}

function walk(
  headers: IncomingHeaders,
  trust: TrustedProxies,
  options: ForwardingOptions,
  peerText: string,
): ClientAddress {
  const raw = headers[options.header];
  if (raw === undefined || raw.length === 0) return { ip: peerText, viaTrustedHop: true };
  const value = typeof raw === "string" ? raw : raw.join(",");
  return options.header === "forwarded"
    ? walkForwarded(value, trust, options.maxHops, peerText)
    : walkList(value, trust, options.maxHops, peerText);
}

function walkList(value: string, trust: TrustedProxies, maxHops: number, peerText: string): ClientAddress {
  let lastTrusted = peerText;
  let end = value.length;
  let hops = 0;
  while (end > 0 && hops < maxHops) {
    const comma = value.lastIndexOf(",", end - 1);
    const start = comma + 1;
    const segEnd = end;
    end = comma === -1 ? 0 : comma;
    if (isBlank(value, start, segEnd)) continue;
    hops++;
    const kind = readAddress(value, start, segEnd, scratch);
    if (kind === 0) break;
    const text = formatAddress(kind, scratch);
    if (!trust.contains(kind, scratch)) return { ip: text, viaTrustedHop: true };
    lastTrusted = text;
  }
  return { ip: lastTrusted, viaTrustedHop: true };
}

function walkForwarded(
  value: string,
  trust: TrustedProxies,
  maxHops: number,
  peerText: string,
): ClientAddress {
  const fors = forwardedFors(value);
  let lastTrusted = peerText;
  let hops = 0;
  for (let i = fors.length - 1; i >= 0 && hops < maxHops; i--) {
    hops++;
    const f = fors[i]!;
    const kind = f === null ? 0 : readAddress(f, 0, f.length, scratch);
    if (kind === 0) break;
    const text = formatAddress(kind, scratch);
    if (!trust.contains(kind, scratch)) return { ip: text, viaTrustedHop: true };
    lastTrusted = text;
  }
  return { ip: lastTrusted, viaTrustedHop: true };
}

/**
 * The `for=` value of each element of a `Forwarded` header, in order (null for an element without
 * one). Quoted strings may contain `,` and `;` and backslash escapes.
 */
export function forwardedFors(value: string): (string | null)[] {
  const out: (string | null)[] = [];
  let current: string | null = null;
  let sawElement = false;
  let i = 0;
  const n = value.length;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === 44) {
      // ','
      if (sawElement) out.push(current);
      current = null;
      sawElement = false;
      i++;
      continue;
    }
    if (c === 59 || c === 32 || c === 9) {
      // ';' or whitespace
      i++;
      continue;
    }
    // name=value
    const eq = value.indexOf("=", i);
    let stop = eq === -1 ? n : eq;
    for (let k = i; k < stop; k++) {
      const d = value.charCodeAt(k);
      if (d === 44 || d === 59) {
        stop = k;
        break;
      }
    }
    sawElement = true;
    if (stop === n || value.charCodeAt(stop) !== 61) {
      i = stop; // a bare token without "=": ignore it
      continue;
    }
    const name = value.slice(i, stop).trim().toLowerCase();
    i = stop + 1;
    let v: string;
    if (value.charCodeAt(i) === 34) {
      let buf = "";
      i++;
      while (i < n && value.charCodeAt(i) !== 34) {
        if (value.charCodeAt(i) === 92 && i + 1 < n) i++;
        buf += value[i];
        i++;
      }
      i++; // closing quote
      v = buf;
    } else {
      const startV = i;
      while (i < n && value.charCodeAt(i) !== 44 && value.charCodeAt(i) !== 59) i++;
      v = value.slice(startV, i).trim();
    }
    if (name === "for") current = v;
  }
  if (sawElement) out.push(current);
  return out;
}

function isBlank(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

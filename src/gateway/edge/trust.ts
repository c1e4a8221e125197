/**
 * The set of proxies whose forwarding headers are believed: compiled once from CIDRs and keywords,
 * matched with a binary search over sorted ranges (./ranges.ts).
 *
 * Keywords: `loopback` (127.0.0.0/8, ::1/128), `private` (RFC 1918: 10.0.0.0/8, 172.16.0.0/12,
 * 192.168.0.0/16; RFC 4193 ULA: fc00::/7), `linklocal` (169.254.0.0/16, fe80::/10), and `unix`
 * (a peer with no address: the gateway listens on a Unix socket behind a local proxy).
 * A bare address is a /32 (IPv4) or /128 (IPv6); host bits below the prefix are ignored.
 */

import { ConfigError } from "../../core/errors.js";
import { type AddressKind, readAddress } from "./ip.js";
import { bigToWords, flattenRows, type RangeRow, Ranges4, Ranges6, wordsToBig } from "./ranges.js";

/** The keywords accepted in a trusted-proxy list and what they stand for. */
export const PROXY_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  unix: [],
};

/** An inclusive address range from a CIDR: IPv4 as numbers, IPv6 as 128-bit BigInts. */
export type CidrRange = { kind: 4; start: number; end: number } | { kind: 6; start: bigint; end: bigint };

/** Parses `a.b.c.d/n`, `v6/n` or a bare address into an inclusive range; throws ConfigError. */
export function parseCidr(text: string): CidrRange {
  const slash = text.indexOf("/");
  const addr = slash === -1 ? text : text.slice(0, slash);
  const words = new Uint32Array(4);
  const kind = readAddress(addr, 0, addr.length, words);
  if (kind === 0 || addr.includes("[")) throw new ConfigError(`not an IP address or CIDR: "${text}"`);
  let max = kind === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) throw new ConfigError(`bad prefix length in "${text}"`);
    prefix = Number(p);
    // An IPv4-mapped IPv6 CIDR (::ffff:10.0.0.0/104) reads as IPv4 with the prefix shifted.
    if (kind === 4 && addr.includes(":")) {
      if (prefix < 96) throw new ConfigError(`"${text}" reaches outside the IPv4-mapped range`);
      prefix -= 96;
      max = 32;
    }
    if (prefix > max) throw new ConfigError(`prefix /${prefix} is too long for "${text}"`);
  }
  if (kind === 4) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const start = (words[0]! & mask) >>> 0;
    return { kind: 4, start, end: (start | (~mask >>> 0)) >>> 0 };
  }
  const hostBits = BigInt(128 - prefix);
  const value = wordsToBig(words);
  const start = (value >> hostBits) << hostBits;
  return { kind: 6, start, end: start | ((1n << hostBits) - 1n) };
}

/** A compiled trusted-proxy list. Immutable; safe to share. */
export class TrustedProxies {
  private constructor(
    private readonly v4: Ranges4,
    private readonly v6: Ranges6,
    /** Whether a peer without an address (Unix socket) is trusted. */
    readonly unix: boolean,
    /** The entries it was compiled from. */
    readonly entries: readonly string[],
  ) {}

  /** Compiles CIDRs, bare addresses and keywords; throws ConfigError naming the bad entry. */
  static compile(list: readonly string[]): TrustedProxies {
    const rows4: RangeRow<number>[] = [];
    const rows6: RangeRow<bigint>[] = [];
    let unix = false;
    for (const raw of list) {
      const entry = raw.trim().toLowerCase();
      const expanded = PROXY_KEYWORDS[entry];
      if (entry === "unix") unix = true;
      for (const cidr of expanded ?? [entry]) {
        const r = parseCidr(cidr);
        if (r.kind === 4) rows4.push({ start: r.start, end: r.end, value: 1 });
        else rows6.push({ start: r.start, end: r.end, value: 1 });
      }
    }
    const { v4, v6 } = buildRanges(rows4, rows6);
    return new TrustedProxies(v4, v6, unix, list.slice());
  }

  /** True when nothing at all is trusted. */
  get empty(): boolean {
    return !this.unix && this.v4.length === 0 && this.v6.length === 0;
  }

  /** Whether an address read by `readAddress` (kind + words) is trusted. */
  contains(kind: AddressKind, words: Uint32Array): boolean {
    if (kind === 4) return this.v4.find(words[0]!) !== -1;
    if (kind === 6) return this.v6.find(words) !== -1;
    return false;
  }

  /** Whether the address in `text` is trusted (allocates a little; for tests and tools). */
  containsText(text: string): boolean {
    const w = new Uint32Array(4);
    return this.contains(readAddress(text, 0, text.length, w), w);
  }
}

function buildRanges(rows4: RangeRow<number>[], rows6: RangeRow<bigint>[]): { v4: Ranges4; v6: Ranges6 } {
  const flat4 = flattenRows(rows4, 1);
  const flat6 = flattenRows(rows6, 1n);
  const s4 = new Uint32Array(flat4.length);
  const e4 = new Uint32Array(flat4.length);
  flat4.forEach((r, i) => {
    s4[i] = r.start;
    e4[i] = r.end;
  });
  const s6 = new Uint32Array(flat6.length * 4);
  const e6 = new Uint32Array(flat6.length * 4);
  flat6.forEach((r, i) => {
    bigToWords(r.start, s6, i * 4);
    bigToWords(r.end, e6, i * 4);
  });
  return { v4: new Ranges4(s4, e4), v6: new Ranges6(s6, e6) };
}

/** Compiles a list of CIDRs (no keywords) into range sets; throws ConfigError on a bad entry. */
export function compileCidrs(list: readonly string[]): { v4: Ranges4; v6: Ranges6 } {
  const rows4: RangeRow<number>[] = [];
  const rows6: RangeRow<bigint>[] = [];
  for (const cidr of list) {
    const r = parseCidr(cidr);
    if (r.kind === 4) rows4.push({ start: r.start, end: r.end, value: 1 });
    else rows6.push({ start: r.start, end: r.end, value: 1 });
  }
  return buildRanges(rows4, rows6);
}

/**
 * Special-purpose IPv4 ranges that are never a public client (RFC 6890 and friends): "this
 * network", private, CGNAT, loopback, link-local, IETF protocol assignments, documentation,
 * benchmarking, multicast and reserved. IP databases say nothing reliable about them.
 */
export const NON_PUBLIC_V4: readonly string[] = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/3",
];

const nonPublic = compileCidrs([...NON_PUBLIC_V4, "2001:db8::/32"]);

/**
 * True when the address is not a public unicast one: an IPv4 address in {@link NON_PUBLIC_V4}, or
 * an IPv6 address outside global unicast 2000::/3 or in the documentation prefix 2001:db8::/32.
 */
export function isNonPublic(kind: 4 | 6, w: Uint32Array): boolean {
  if (kind === 4) return nonPublic.v4.find(w[0]!) !== -1;
  return w[0]! >>> 29 !== 1 || nonPublic.v6.find(w) !== -1;
}

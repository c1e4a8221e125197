/**
 * Allocation-free IP address parsing for the request hot path.
 *
 * Addresses are read into a caller-owned `Uint32Array(4)`: an IPv4 address as one unsigned 32-bit
 * value in word 0, an IPv6 address as four big-endian 32-bit words. IPv4-mapped IPv6 addresses
 * (`::ffff:1.2.3.4`) are read as IPv4, so one client never appears under two spellings.
 *
 * Accepted text (surrounding spaces ignored): `1.2.3.4`, `1.2.3.4:8080`, `2001:db8::1`,
 * `2001:db8::1%eth0` (zone dropped), `[2001:db8::1]`, `[2001:db8::1]:443`, `::ffff:1.2.3.4`,
 * `::ffff:0102:0304`. Rejected (kind 0): anything else, including IPv4 parts with leading zeros
 * (`01.2.3.4`, octal in some parsers), empty text, `unknown` and obfuscated `_hidden` identifiers.
 */

/** 0 = not an address, 4 = IPv4 (word 0), 6 = IPv6 (words 0..3). */
export type AddressKind = 0 | 4 | 6;

/** Parses dotted-quad IPv4 in `s[start, end)`; returns the unsigned value or -1. */
export function parseIpv4(s: string, start = 0, end = s.length): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  let first = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 0) first = c;
      else if (first === 48) return -1; // leading zero
      part = part * 10 + (c - 48);
      digits++;
      if (digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const groups = new Uint16Array(8);

/**
 * Parses IPv6 text in `s[start, end)` (no brackets; a `%zone` suffix is ignored) into four 32-bit
 * words in `out`. Returns false (leaving `out` unspecified) when the text is not IPv6.
 */
export function parseIpv6(s: string, start: number, end: number, out: Uint32Array): boolean {
  for (let k = start; k < end; k++) {
    if (s.charCodeAt(k) === 37) {
      // "%zone": ignored, but it must not be empty
      if (k === end - 1) return false;
      end = k;
      break;
    }
  }
  if (end - start < 2) return false;
  let n = 0; // groups written
  let gap = -1; // index in `groups` where "::" sits
  let i = start;
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return false;
    gap = 0;
    i += 2;
    if (i === end) {
      out.fill(0);
      return true;
    }
  }
  while (i < end) {
    // Embedded IPv4 in the last 32 bits?
    let j = i;
    let v = 0;
    let len = 0;
    while (j < end) {
      const h = hexVal(s.charCodeAt(j));
      if (h < 0) break;
      v = v * 16 + h;
      len++;
      j++;
    }
    if (j < end && s.charCodeAt(j) === 46) {
      if (n > 6) return false;
      const v4 = parseIpv4(s, i, end);
      if (v4 < 0) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (len === 0 || len > 4 || n === 8) return false;
    groups[n++] = v;
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (s.charCodeAt(i) === 58) {
      if (gap !== -1) return false;
      gap = n;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return false; // trailing single colon
    }
  }
  if (gap === -1) {
    if (n !== 8) return false;
  } else {
    if (n > 7) return false;
    const move = n - gap;
    for (let k = 0; k < move; k++) groups[7 - k] = groups[n - 1 - k]!;
    for (let k = gap; k < 8 - move; k++) groups[k] = 0;
  }
  for (let k = 0; k < 4; k++) out[k] = ((groups[2 * k]! << 16) | groups[2 * k + 1]!) >>> 0;
  return true;
}

/**
 * Reads an address in `s[start, end)` in any accepted form (see the module comment) into `out`.
 * IPv4-mapped IPv6 comes back as kind 4.
 */
export function readAddress(s: string, start: number, end: number, out: Uint32Array): AddressKind {
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  if (start >= end) return 0;
  if (s.charCodeAt(start) === 91) {
    // [v6] or [v6]:port
    const close = indexIn(s, 93, start, end);
    if (close === -1) return 0;
    if (close + 1 < end && !isPort(s, close + 2, end, s.charCodeAt(close + 1))) return 0;
    return v6OrMapped(s, start + 1, close, out);
  }
  const firstColon = indexIn(s, 58, start, end);
  if (firstColon === -1) {
    const v4 = parseIpv4(s, start, end);
    if (v4 < 0) return 0;
    out[0] = v4;
    return 4;
  }
  const second = indexIn(s, 58, firstColon + 1, end);
  if (second === -1) {
    // exactly one colon: IPv4 with a port
    if (!isPort(s, firstColon + 1, end, 58)) return 0;
    const v4 = parseIpv4(s, start, firstColon);
    if (v4 < 0) return 0;
    out[0] = v4;
    return 4;
  }
  return v6OrMapped(s, start, end, out);
}

function v6OrMapped(s: string, start: number, end: number, out: Uint32Array): AddressKind {
  if (!parseIpv6(s, start, end, out)) return 0;
  if (out[0] === 0 && out[1] === 0 && out[2] === 0xffff) {
    out[0] = out[3]!;
    return 4;
  }
  return 6;
}

/** Index of char code `c` in `s[start, end)`, or -1 (never scans past `end`). */
function indexIn(s: string, c: number, start: number, end: number): number {
  for (let i = start; i < end; i++) if (s.charCodeAt(i) === c) return i;
  return -1;
}

function isPort(s: string, from: number, end: number, sep: number): boolean {
  if (sep !== 58 || from >= end || end - from > 5) return false;
  for (let i = from; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** Formats an IPv4 value (unsigned 32-bit) as dotted quad. */
export function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Formats four IPv6 words in RFC 5952 canonical form (lowercase, longest zero run as "::"). */
export function formatIpv6(w: ArrayLike<number>): string {
  const g: number[] = new Array(8);
  for (let k = 0; k < 4; k++) {
    g[2 * k] = w[k]! >>> 16;
    g[2 * k + 1] = w[k]! & 0xffff;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(":");
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** Formats what {@link readAddress} read: dotted quad or canonical IPv6. */
export function formatAddress(kind: 4 | 6, w: Uint32Array): string {
  return kind === 4 ? formatIpv4(w[0]!) : formatIpv6(w);
}

/** A parsed address, for code off the hot path. */
export interface ParsedIp {
  kind: 4 | 6;
  /** Canonical text: dotted quad, or RFC 5952 IPv6. */
  text: string;
  /** Word 0 for IPv4, words 0..3 for IPv6 (a fresh array). */
  words: Uint32Array;
}

/** Parses any accepted address form; null if it is not an address. Allocates; not for the hot path. */
export function parseIp(text: string): ParsedIp | null {
  const words = new Uint32Array(4);
  const kind = readAddress(text, 0, text.length, words);
  if (kind === 0) return null;
  return { kind, text: formatAddress(kind, words), words };
}

/** The canonical text of an address (mapped IPv6 as IPv4), or null when `text` is not one. */
export function canonicalIp(text: string): string | null {
  return parseIp(text)?.text ?? null;
}

/**
 * IP → country and IP → ASN + organisation, from the CSV files of two npm packages:
 * `@ip-location-db/geo-whois-asn-country` (country) and `@ip-location-db/asn` (ASN, organisation),
 * plus an optional list of datacenter ranges (`start_ip,end_ip,provider,url`, e.g. ipcat).
 * Attribution: see docs/ATTRIBUTION.md (CC BY 4.0: DB-IP, RouteViews, NRO).
 *
 * Loading is asynchronous and explicit (`await db.load()`), yielding to the event loop every few
 * thousand rows so a serving gateway keeps answering; lookups are synchronous binary searches
 * over typed arrays and return nulls until the load has finished (or when a file is absent).
 * IPv4 uses the packages' numeric files; IPv6 uses the text files, parsed to four 32-bit words
 * (no BigInt). Overlapping rows are resolved at load: the more specific row wins (see
 * ./ranges.ts — the packages do contain some nested rows).
 */

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseIpv4, parseIpv6, readAddress } from "./ip.js";
import { classifyNetwork, HOSTING_ASNS, type NetworkClass, VPN_ASNS } from "./network.js";
import { flattenRows, type RangeRow, Ranges4, Ranges6, RowBuffer4, RowBuffer6 } from "./ranges.js";
import { isNonPublic } from "./trust.js";

/** Where to load from; every source is optional. */
export interface IpDatabaseOptions {
  /** Directory with geo-whois-asn-country-ipv{4-num,6}.csv; default: the installed package; null: skip. */
  countryDir?: string | null;
  /** Directory with asn-ipv{4-num,6}.csv; default: the installed package; null: skip. */
  asnDir?: string | null;
  /** Optional CSV of datacenter IPv4 ranges (`start_ip,end_ip,provider,url`), e.g. ipcat-datacenters.csv. */
  datacenterRangesFile?: string | null;
  /** Load the IPv6 tables too (default true). */
  ipv6?: boolean;
}

/** What is known about one address. */
export interface IpInfo {
  /** ISO 3166-1 alpha-2, uppercase. */
  country: string | null;
  asn: number | null;
  /** Organisation name of the AS. */
  org: string | null;
  network: NetworkClass;
  /** Why `network` is what it is: "asn-table", "datacenter-ranges", "org-name" or "none". */
  networkBasis: "asn-table" | "datacenter-ranges" | "org-name" | "none";
}

/** Sizes and timings of a load. */
export interface IpDatabaseStats {
  loadMs: number;
  rows: { country4: number; country6: number; asn4: number; asn6: number; datacenter4: number };
  /** Bytes held in typed arrays (excluding organisation strings). */
  tableBytes: number;
  /** Distinct ASNs with an organisation name. */
  asns: number;
  /** Sources skipped because their file was missing, with the reason. */
  skipped: string[];
}

interface Table4 {
  ranges: Ranges4;
  values: Uint32Array;
}
interface Table6 {
  ranges: Ranges6;
  values: Uint32Array;
}

const EMPTY4: Table4 = {
  ranges: new Ranges4(new Uint32Array(0), new Uint32Array(0)),
  values: new Uint32Array(0),
};
const EMPTY6: Table6 = {
  ranges: new Ranges6(new Uint32Array(0), new Uint32Array(0)),
  values: new Uint32Array(0),
};
const YIELD_EVERY = 20_000;

function packageDir(name: string): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An IP database; construct, `await load()`, then look up synchronously. */
export class IpDatabase {
  private country4 = EMPTY4;
  private country6 = EMPTY6;
  private asn4 = EMPTY4;
  private asn6 = EMPTY6;
  private dc4 = EMPTY4;
  private dcProviders: string[] = [];
  private readonly countryCodes: (string | null)[] = [null];
  private readonly countryIds = new Map<string, number>();
  private readonly countryByPair = new Uint16Array(26 * 26);
  private readonly orgs = new Map<number, string>();
  private readonly classes = new Map<number, NetworkClass>();
  private loading: Promise<IpDatabaseStats> | null = null;
  private ready = false;
  private readonly scratch = new Uint32Array(4);

  constructor(private readonly options: IpDatabaseOptions = {}) {}

  /** Creates a database and waits for it to load. */
  static async open(options: IpDatabaseOptions = {}): Promise<IpDatabase> {
    const db = new IpDatabase(options);
    await db.load();
    return db;
  }

  /** True once `load()` has finished. */
  get loaded(): boolean {
    return this.ready;
  }

  /** Loads every configured source (once; later calls return the same promise). */
  load(): Promise<IpDatabaseStats> {
    this.loading ??= this.doLoad();
    return this.loading;
  }

  /** Looks up an address given as text (any form `readAddress` accepts). Nulls for unknown or unloaded. */
  lookup(ip: string): IpInfo {
    const w = this.scratch;
    const kind = readAddress(ip, 0, ip.length, w);
    if (kind === 0) return { country: null, asn: null, org: null, network: "unknown", networkBasis: "none" };
    return this.lookupWords(kind, w);
  }

  /**
   * Looks up an address already read by `readAddress` (kind 4: word 0; kind 6: words 0..3).
   * Non-public addresses (private, loopback, CGNAT, documentation…, see isNonPublic) give nulls.
   */
  lookupWords(kind: 4 | 6, w: Uint32Array): IpInfo {
    if (isNonPublic(kind, w))
      return { country: null, asn: null, org: null, network: "unknown", networkBasis: "none" };
    let country: string | null = null;
    let asn: number | null = null;
    let dc = -1;
    if (kind === 4) {
      const v = w[0]!;
      const c = this.country4.ranges.find(v);
      if (c !== -1) country = this.countryCodes[this.country4.values[c]!] ?? null;
      const a = this.asn4.ranges.find(v);
      if (a !== -1) asn = this.asn4.values[a]!;
      dc = this.dc4.ranges.find(v);
    } else {
      const c = this.country6.ranges.find(w);
      if (c !== -1) country = this.countryCodes[this.country6.values[c]!] ?? null;
      const a = this.asn6.ranges.find(w);
      if (a !== -1) asn = this.asn6.values[a]!;
    }
    if (asn === 0) asn = null;
    const org = asn === null ? null : (this.orgs.get(asn) ?? null);
    if (asn !== null && (VPN_ASNS.has(asn) || HOSTING_ASNS.has(asn))) {
      return {
        country,
        asn,
        org,
        network: VPN_ASNS.has(asn) ? "vpn" : "datacenter",
        networkBasis: "asn-table",
      };
    }
    if (dc !== -1) return { country, asn, org, network: "datacenter", networkBasis: "datacenter-ranges" };
    const network = this.classOf(asn, org);
    return { country, asn, org, network, networkBasis: network === "unknown" ? "none" : "org-name" };
  }

  /** The provider name of the datacenter range holding an IPv4 address, if a range list was loaded. */
  datacenterProvider(ip: string): string | null {
    const kind = readAddress(ip, 0, ip.length, this.scratch);
    if (kind !== 4) return null;
    const i = this.dc4.ranges.find(this.scratch[0]!);
    return i === -1 ? null : (this.dcProviders[this.dc4.values[i]!] ?? null);
  }

  private classOf(asn: number | null, org: string | null): NetworkClass {
    if (asn === null) return classifyNetwork(null, org);
    let c = this.classes.get(asn);
    if (c === undefined) {
      c = classifyNetwork(asn, org);
      this.classes.set(asn, c);
    }
    return c;
  }

  private countryId(code: string): number {
    let id = this.countryIds.get(code);
    if (id === undefined) {
      id = this.countryCodes.length;
      this.countryCodes.push(code);
      this.countryIds.set(code, id);
    }
    return id;
  }

  private async doLoad(): Promise<IpDatabaseStats> {
    const t0 = performance.now();
    const o = this.options;
    const skipped: string[] = [];
    const countryDir =
      o.countryDir === undefined ? packageDir("@ip-location-db/geo-whois-asn-country") : o.countryDir;
    const asnDir = o.asnDir === undefined ? packageDir("@ip-location-db/asn") : o.asnDir;
    const v6 = o.ipv6 ?? true;
    const read = async (path: string): Promise<string | null> => {
      try {
        return await readFile(path, "utf8");
      } catch (err) {
        skipped.push(`${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        return null;
      }
    };
    if (countryDir !== null) {
      const text4 = await read(join(countryDir, "geo-whois-asn-country-ipv4-num.csv"));
      if (text4 !== null) this.country4 = await this.parse4(text4, (t, a, b) => this.countryField(t, a, b));
      if (v6) {
        const text6 = await read(join(countryDir, "geo-whois-asn-country-ipv6.csv"));
        if (text6 !== null) this.country6 = await this.parse6(text6, (t, a, b) => this.countryField(t, a, b));
      }
    } else skipped.push("country: disabled");
    if (asnDir !== null) {
      const text4 = await read(join(asnDir, "asn-ipv4-num.csv"));
      if (text4 !== null) this.asn4 = await this.parse4(text4, (t, a, b) => this.asnField(t, a, b));
      if (v6) {
        const text6 = await read(join(asnDir, "asn-ipv6.csv"));
        if (text6 !== null) this.asn6 = await this.parse6(text6, (t, a, b) => this.asnField(t, a, b));
      }
    } else skipped.push("asn: disabled");
    if (o.datacenterRangesFile) {
      const text = await read(o.datacenterRangesFile);
      if (text !== null) this.dc4 = await this.parseDatacenters(text);
    }
    this.ready = true;
    const bytes = (t: Table4 | Table6) => t.ranges.starts.byteLength * 2 + t.values.byteLength;
    return {
      loadMs: Math.round(performance.now() - t0),
      rows: {
        country4: this.country4.values.length,
        country6: this.country6.values.length,
        asn4: this.asn4.values.length,
        asn6: this.asn6.values.length,
        datacenter4: this.dc4.values.length,
      },
      tableBytes: [this.country4, this.country6, this.asn4, this.asn6, this.dc4].reduce(
        (s, t) => s + bytes(t),
        0,
      ),
      asns: this.orgs.size,
      skipped,
    };
  }

  /** Value of a country field `text[from, to)`: the id of its uppercase code (0 = none). */
  private countryField(text: string, from: number, to: number): number {
    if (to - from !== 2) return 0;
    const a = text.charCodeAt(from) & ~32; // ASCII uppercase
    const b = text.charCodeAt(from + 1) & ~32;
    if (a < 65 || a > 90 || b < 65 || b > 90) return 0;
    const key = (a - 65) * 26 + (b - 65);
    let id = this.countryByPair[key]!;
    if (id === 0) {
      id = this.countryId(String.fromCharCode(a, b));
      this.countryByPair[key] = id;
    }
    return id;
  }

  /** Value of an "asn,org" field `text[from, to)`: the ASN, recording the org the first time. */
  private asnField(text: string, from: number, to: number): number {
    let asn = 0;
    let i = from;
    for (; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      asn = asn * 10 + (c - 48);
    }
    if (i === from || asn > 0xffffffff) return 0;
    if (i < to && text.charCodeAt(i) === 44 && !this.orgs.has(asn)) {
      let org = text.slice(i + 1, to).trim();
      if (org.length >= 2 && org.startsWith('"') && org.endsWith('"'))
        org = org.slice(1, -1).replaceAll('""', '"');
      // A copy, not a slice: a sliced string would keep the whole file's text alive.
      if (org !== "") this.orgs.set(asn, Buffer.from(org, "utf8").toString("utf8"));
    }
    return asn;
  }

  /** Parses "start,end,rest" lines with numeric IPv4 bounds. */
  private async parse4(
    text: string,
    field: (text: string, from: number, to: number) => number,
  ): Promise<Table4> {
    const rows = new RowBuffer4();
    const n = text.length;
    let pos = 0;
    let line = 0;
    while (pos < n) {
      let nl = text.indexOf("\n", pos);
      if (nl === -1) nl = n;
      const lineEnd = text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      let i = pos;
      let start = 0;
      let end = 0;
      const s0 = i;
      while (i < lineEnd && isDigit(text.charCodeAt(i))) start = start * 10 + (text.charCodeAt(i++) - 48);
      const ok1 = i > s0 && text.charCodeAt(i) === 44;
      const e0 = ++i;
      while (i < lineEnd && isDigit(text.charCodeAt(i))) end = end * 10 + (text.charCodeAt(i++) - 48);
      if (ok1 && i > e0 && text.charCodeAt(i) === 44 && end >= start && end <= 0xffffffff) {
        rows.push(start, end, field(text, i + 1, lineEnd));
      }
      pos = nl + 1;
      if (++line % YIELD_EVERY === 0) await yieldNow();
    }
    return rows.flatten();
  }

  /** Parses "startIPv6,endIPv6,rest" lines. */
  private async parse6(
    text: string,
    field: (text: string, from: number, to: number) => number,
  ): Promise<Table6> {
    const rows = new RowBuffer6();
    const ws = new Uint32Array(4);
    const we = new Uint32Array(4);
    const n = text.length;
    let pos = 0;
    let line = 0;
    while (pos < n) {
      let nl = text.indexOf("\n", pos);
      if (nl === -1) nl = n;
      const lineEnd = text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const c1 = indexIn(text, 44, pos, lineEnd);
      const c2 = c1 === -1 ? -1 : indexIn(text, 44, c1 + 1, lineEnd);
      if (c2 !== -1 && parseIpv6(text, pos, c1, ws) && parseIpv6(text, c1 + 1, c2, we)) {
        rows.push(ws, we, field(text, c2 + 1, lineEnd));
      }
      pos = nl + 1;
      if (++line % YIELD_EVERY === 0) await yieldNow();
    }
    return rows.flatten();
  }

  /** Parses "start_ip,end_ip,provider,url" (dotted IPv4; a header line is skipped as unparsable). */
  private async parseDatacenters(text: string): Promise<Table4> {
    const rows: RangeRow<number>[] = [];
    const providerIds = new Map<string, number>();
    for (const line of text.split("\n")) {
      const f = line.split(",");
      if (f.length < 3) continue;
      const start = parseIpv4(f[0]!.trim());
      const end = parseIpv4(f[1]!.trim());
      if (start < 0 || end < start) continue;
      const provider = f[2]!.trim();
      let id = providerIds.get(provider);
      if (id === undefined) {
        id = this.dcProviders.length;
        this.dcProviders.push(provider);
        providerIds.set(provider, id);
      }
      rows.push({ start, end, value: id });
    }
    await yieldNow();
    const flat = flattenRows(rows, 1);
    const starts = Uint32Array.from(flat, (r) => r.start);
    const ends = Uint32Array.from(flat, (r) => r.end);
    const values = Uint32Array.from(flat, (r) => r.value);
    return { ranges: new Ranges4(starts, ends), values };
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function indexIn(s: string, c: number, start: number, end: number): number {
  for (let i = start; i < end; i++) if (s.charCodeAt(i) === c) return i;
  return -1;
}

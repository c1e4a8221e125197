/**
 * IPv4 -> ASN / network class from a range table (the @ip-location-db "asn-ipv4-num.csv" layout:
 * `start,end,asn,name` with numeric addresses). Pure: the caller reads the file.
 */
import { classifyAsName, type NetClass, type NetworkLookup } from "./network.js";

const CLASSES: NetClass[] = ["datacenter", "vpn", "residential", "unknown"];

/** Sorted IPv4 ranges with their AS number and class, binary-searched per lookup. */
export class AsnTable implements NetworkLookup {
  private constructor(
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly asns: Uint32Array,
    private readonly classes: Uint8Array,
  ) {}

  /** Parses the CSV text (rows must be sorted by start address, as shipped). */
  static fromCsv(text: string): AsnTable {
    const rows = text.split("\n");
    const starts = new Uint32Array(rows.length);
    const ends = new Uint32Array(rows.length);
    const asns = new Uint32Array(rows.length);
    const classes = new Uint8Array(rows.length);
    const classOfName = new Map<string, number>();
    let n = 0;
    for (const row of rows) {
      const a = row.indexOf(",");
      const b = row.indexOf(",", a + 1);
      const c = row.indexOf(",", b + 1);
      if (a < 0 || b < 0 || c < 0) continue;
      starts[n] = Number(row.slice(0, a));
      ends[n] = Number(row.slice(a + 1, b));
      asns[n] = Number(row.slice(b + 1, c));
      const name = row.slice(c + 1);
      let cls = classOfName.get(name);
      if (cls === undefined) {
        cls = CLASSES.indexOf(classifyAsName(name));
        classOfName.set(name, cls);
      }
      classes[n] = cls;
      n++;
    }
    return new AsnTable(
      starts.subarray(0, n),
      ends.subarray(0, n),
      asns.subarray(0, n),
      classes.subarray(0, n),
    );
  }

  /** Number of ranges held. */
  get size(): number {
    return this.starts.length;
  }

  /** Looks an IPv4 address up; null for IPv6, unparsable or unrouted addresses. */
  lookup(ip: string): { asn: number | null; netClass: NetClass } | null {
    const v = ipv4ToNumber(ip);
    if (v < 0) return null;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= v) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi < 0 || this.ends[hi]! < v) return null;
    return { asn: this.asns[hi]!, netClass: CLASSES[this.classes[hi]!]! };
  }
}

/** Dotted IPv4 to an unsigned number; -1 when not IPv4. */
export function ipv4ToNumber(ip: string): number {
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return v * 256 + part;
}

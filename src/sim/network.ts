/**
 * Where simulated traffic comes from: IPv4 blocks of real residential ISPs, cloud/hosting providers
 * and VPN exit operators, each with its ASN and country as the public ip-location-db tables record
 * them (a test checks that). IPs are drawn from these blocks, so the extension fields `client.asn`
 * and `client.network` agree with any lookup the detector does itself.
 */
import type { Rng } from "./rng.js";

export type NetworkClass = "residential" | "datacenter" | "vpn";

export interface Block {
  /** First address as dotted quad. */
  start: string;
  /** Number of addresses usable from `start`. */
  size: number;
  asn: number;
  org: string;
  country: string;
  network: NetworkClass;
}

/** One client network location as it appears in `client`. */
export interface Endpoint {
  ip: string;
  asn: number;
  country: string;
  network: NetworkClass;
}

export const RESIDENTIAL: readonly Block[] = [
  { start: "24.0.0.0", size: 1 << 20, asn: 7922, org: "Comcast", country: "US", network: "residential" },
  {
    start: "2.160.0.0",
    size: 1 << 20,
    asn: 3320,
    org: "Deutsche Telekom",
    country: "DE",
    network: "residential",
  },
  { start: "31.48.0.0", size: 1 << 19, asn: 2856, org: "BT", country: "GB", network: "residential" },
  {
    start: "77.96.0.0",
    size: 1 << 19,
    asn: 5089,
    org: "Virgin Media",
    country: "GB",
    network: "residential",
  },
  { start: "78.192.0.0", size: 1 << 20, asn: 12322, org: "Free", country: "FR", network: "residential" },
  {
    start: "2.112.0.0",
    size: 1 << 19,
    asn: 3269,
    org: "Telecom Italia",
    country: "IT",
    network: "residential",
  },
  { start: "60.32.0.0", size: 1 << 20, asn: 4713, org: "NTT", country: "JP", network: "residential" },
  { start: "1.120.0.0", size: 1 << 21, asn: 1221, org: "Telstra", country: "AU", network: "residential" },
  { start: "59.88.0.0", size: 1 << 19, asn: 9829, org: "BSNL", country: "IN", network: "residential" },
  { start: "27.64.0.0", size: 1 << 18, asn: 7552, org: "Viettel", country: "VN", network: "residential" },
  { start: "14.160.0.0", size: 1 << 21, asn: 45899, org: "VNPT", country: "VN", network: "residential" },
];

export const DATACENTER: readonly Block[] = [
  { start: "3.80.0.0", size: 1 << 20, asn: 14618, org: "Amazon AWS", country: "US", network: "datacenter" },
  {
    start: "34.66.0.0",
    size: 1 << 19,
    asn: 396982,
    org: "Google Cloud",
    country: "US",
    network: "datacenter",
  },
  {
    start: "4.148.0.0",
    size: 1 << 19,
    asn: 8075,
    org: "Microsoft Azure",
    country: "US",
    network: "datacenter",
  },
  {
    start: "104.131.0.0",
    size: 1 << 16,
    asn: 14061,
    org: "DigitalOcean",
    country: "US",
    network: "datacenter",
  },
  { start: "5.9.0.0", size: 1 << 16, asn: 24940, org: "Hetzner", country: "DE", network: "datacenter" },
  { start: "5.135.128.0", size: 8192, asn: 16276, org: "OVH", country: "FR", network: "datacenter" },
  { start: "45.76.224.0", size: 8192, asn: 20473, org: "Vultr", country: "US", network: "datacenter" },
  {
    start: "139.162.192.0",
    size: 16384,
    asn: 63949,
    org: "Akamai Linode",
    country: "GB",
    network: "datacenter",
  },
  {
    start: "8.128.0.0",
    size: 1 << 20,
    asn: 37963,
    org: "Alibaba Cloud",
    country: "SG",
    network: "datacenter",
  },
  {
    start: "129.146.0.0",
    size: 1 << 16,
    asn: 31898,
    org: "Oracle Cloud",
    country: "US",
    network: "datacenter",
  },
];

export const VPN: readonly Block[] = [
  { start: "5.157.192.0", size: 4096, asn: 9009, org: "M247", country: "US", network: "vpn" },
  { start: "79.127.219.0", size: 1280, asn: 60068, org: "Datacamp", country: "US", network: "vpn" },
  { start: "31.209.68.0", size: 2048, asn: 136787, org: "PacketHub", country: "GB", network: "vpn" },
];

/** Dotted quad to 32-bit unsigned integer. */
export function ipToInt(ip: string): number {
  const p = ip.split(".").map(Number);
  return (
    (((p[0] as number) << 24) | ((p[1] as number) << 16) | ((p[2] as number) << 8) | (p[3] as number)) >>> 0
  );
}

/** 32-bit unsigned integer to dotted quad. */
export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** A random host address inside a block (avoids .0 and .255). */
export function addressIn(block: Block, rng: Rng): Endpoint {
  const base = ipToInt(block.start);
  let n = base + rng.int(block.size);
  if ((n & 255) === 0) n += 1;
  if ((n & 255) === 255) n -= 1;
  return { ip: intToIp(n >>> 0), asn: block.asn, country: block.country, network: block.network };
}

/** Residential blocks of one country (all of them when the country has none). */
export function residentialFor(country: string): readonly Block[] {
  const own = RESIDENTIAL.filter((b) => b.country === country);
  return own.length > 0 ? own : RESIDENTIAL;
}

/** A home address for a user in `country`. */
export function homeAddress(country: string, rng: Rng): Endpoint {
  return addressIn(rng.pick(residentialFor(country)), rng);
}

/** A cloud egress address, optionally from a named provider. */
export function cloudAddress(rng: Rng, org?: string): Endpoint {
  const blocks = org ? DATACENTER.filter((b) => b.org === org) : DATACENTER;
  return addressIn(rng.pick(blocks.length > 0 ? blocks : DATACENTER), rng);
}

/**
 * A commercial VPN provider: a fixed pool of shared exit IPs. Many unrelated customers (and, in the
 * adversary profiles, attackers using the same provider class) come out of the same exits.
 */
export class VpnProvider {
  readonly exits: Endpoint[];

  constructor(rng: Rng, exitCount: number) {
    this.exits = [];
    for (let i = 0; i < exitCount; i++) this.exits.push(addressIn(rng.pick(VPN), rng));
  }

  /** The exit a session lands on (sessions pick exits at random, popular ones more often). */
  exit(rng: Rng): Endpoint {
    return this.exits[rng.zipf(this.exits.length, 0.8)] as Endpoint;
  }
}

/** Countries of legitimate customers, weighted roughly like a global API's sign-ups. */
export const CUSTOMER_COUNTRIES: Readonly<Record<string, number>> = {
  US: 40,
  GB: 9,
  DE: 9,
  FR: 6,
  IT: 3,
  JP: 7,
  AU: 4,
  IN: 12,
  VN: 4,
};

/** UTC offset in hours of a country's main time zone (no DST; good enough for diurnal shapes). */
export const UTC_OFFSET: Readonly<Record<string, number>> = {
  US: -6,
  GB: 0,
  DE: 1,
  FR: 1,
  IT: 1,
  NL: 1,
  JP: 9,
  AU: 10,
  IN: 5.5,
  VN: 7,
  CN: 8,
};

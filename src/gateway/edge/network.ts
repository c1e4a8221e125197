/**
 * Network class of a client address from its autonomous system: "datacenter" (cloud, hosting,
 * CDN egress), "vpn" (commercial VPN / anonymising proxy operators, Tor), "residential" (access
 * ISPs: home, mobile, business broadband) or "unknown".
 *
 * Order of the rules (first match wins):
 * 1. {@link VPN_ASNS}: ASNs operated by VPN providers themselves            → "vpn"
 * 2. {@link HOSTING_ASNS}: cloud, hosting and CDN ASNs                       → "datacenter"
 *    {@link TRANSIT_ASNS}: backbone carriers (whose names look like ISPs)     → "unknown"
 * 3. organisation name mentions a VPN / proxy service                        → "vpn"
 * 4. organisation name looks like hosting (hosting, cloud, server, data center, VPS, colocation,
 *    dedicated, CDN…)                                                        → "datacenter"
 * 5. organisation name looks like an access ISP (telecom, broadband, cable, fiber, DSL, mobile,
 *    wireless, well-known ISP brands…)                                       → "residential"
 * 6. otherwise                                                               → "unknown"
 * A caller with a datacenter range list (ipcat) checks it before rule 3 (see IpDatabase).
 *
 * Limits, stated plainly: most VPN services rent servers from hosting companies (M247, Datacamp,
 * Leaseweb…), so their exits read "datacenter", which is still the useful signal; residential-proxy
 * networks exit through real home connections and read "residential" — no ASN table can see them.
 * The tables were written by hand from public knowledge of who runs which AS (checked against the
 * organisation names in @ip-location-db/asn); they are a starting point to extend per deployment.
 */

/** The network classes of the interchange format's `client.network`. */
export type NetworkClass = "datacenter" | "vpn" | "residential" | "unknown";

/** ASNs operated by VPN providers (provider name for explanations). */
export const VPN_ASNS: ReadonlyMap<number, string> = new Map([
  [136787, "PacketHub (NordVPN)"],
  [147049, "PacketHub (NordVPN)"],
  [141039, "PacketHub (NordVPN)"],
  [209854, "Cyberzone (Surfshark)"],
  [39351, "31173 Services (Mullvad)"],
  [209103, "Proton AG (Proton VPN)"],
  [62371, "Proton AG (Proton VPN)"],
]);

/** Cloud, hosting and CDN ASNs (provider name for explanations). */
export const HOSTING_ASNS: ReadonlyMap<number, string> = new Map([
  // Hyperscalers
  [16509, "Amazon AWS"],
  [14618, "Amazon AWS"],
  [8987, "Amazon AWS"],
  [15169, "Google"],
  [396982, "Google Cloud"],
  [19527, "Google"],
  [8075, "Microsoft Azure"],
  [8068, "Microsoft"],
  [8069, "Microsoft"],
  [12076, "Microsoft"],
  [31898, "Oracle Cloud"],
  [792, "Oracle"],
  [36351, "IBM Cloud"],
  // Chinese and Asian clouds
  [45102, "Alibaba Cloud"],
  [37963, "Alibaba Cloud"],
  [134963, "Alibaba Cloud"],
  [132203, "Tencent Cloud"],
  [45090, "Tencent Cloud"],
  [136907, "Huawei Cloud"],
  [55990, "Huawei Cloud"],
  [135377, "UCloud"],
  [59019, "Kingsoft Cloud"],
  [55967, "Baidu"],
  [396986, "ByteDance"],
  [137718, "Volcano Engine (ByteDance)"],
  [135161, "GMO-Z.com"],
  // Hosting and VPS
  [14061, "DigitalOcean"],
  [16276, "OVHcloud"],
  [24940, "Hetzner"],
  [213230, "Hetzner"],
  [212317, "Hetzner"],
  [63949, "Linode (Akamai)"],
  [20473, "Vultr (The Constant Company)"],
  [12876, "Scaleway"],
  [51167, "Contabo"],
  [141995, "Contabo"],
  [40021, "Contabo"],
  [60781, "Leaseweb"],
  [28753, "Leaseweb"],
  [30633, "Leaseweb"],
  [59253, "Leaseweb"],
  [395954, "Leaseweb"],
  [9009, "M247"],
  [60068, "Datacamp (CDN77)"],
  [212238, "Datacamp (CDN77)"],
  [19994, "Rackspace"],
  [54825, "Equinix Metal (Packet)"],
  [47583, "Hostinger"],
  [8560, "IONOS"],
  [197540, "netcup"],
  [49505, "Selectel"],
  [200350, "Yandex Cloud"],
  [9123, "Timeweb"],
  [40676, "Psychz Networks"],
  [36352, "ColoCrossing / HostPapa"],
  [8100, "QuadraNet"],
  [26496, "GoDaddy"],
  [21859, "Zenlayer"],
  [199524, "G-Core Labs"],
  [46844, "Sharktech"],
  [53667, "FranTech (BuyVM)"],
  [7979, "Servers.com"],
  [62240, "Clouvider"],
  [43350, "NForce Entertainment"],
  [49981, "WorldStream"],
  [44477, "Stark Industries"],
  [206264, "Amarutu Technology"],
  [200651, "FlokiNET"],
  [202425, "IP Volume"],
  [42831, "UK Dedicated Servers"],
  [29802, "HIVELOCITY"],
  [23470, "ReliableSite"],
  [46562, "Performive"],
  [35916, "Multacom"],
  // CDN / edge egress (Workers, compute@edge, also Cloudflare WARP)
  [13335, "Cloudflare"],
  [54113, "Fastly"],
  [20940, "Akamai"],
  [16625, "Akamai"],
]);

/** Tier-1/backbone carriers: their addresses are mostly infrastructure and enterprise links. */
export const TRANSIT_ASNS: ReadonlyMap<number, string> = new Map([
  [174, "Cogent"],
  [3356, "Lumen (Level 3)"],
  [1299, "Arelion"],
  [2914, "NTT America"],
  [3257, "GTT"],
  [6461, "Zayo"],
  [6762, "Telecom Italia Sparkle"],
  [6453, "Tata Communications"],
  [6939, "Hurricane Electric"],
  [9002, "RETN"],
]);

const VPN_WORDS =
  /\b(vpn|proxy|proxies|anonymi[sz]|tor exit|nordvpn|expressvpn|surfshark|mullvad|private internet access|cyberghost|ipvanish|windscribe|purevpn|hide\.me|tunnelbear|hotspot shield|protonvpn)/i;

const HOSTING_WORDS =
  /(hosting|\bhost|\bcloud|\bservers?\b|\bserver|data ?cent(er|re)|datacent(er|re)|\bvps\b|\bvds\b|\bcolo(cation)?\b|dedicated|\bcdn\b|\bcompute\b|web services|\bdigitalocean|\blinode|\bhetzner|\bovh|\bvultr|\bchoopa|\bcontabo|\bleaseweb|\bscaleway)/i;

const ISP_WORDS =
  /(telecom|telekom|\btele|\btim\b|etisalat|itissalat|sanchar|powercomm|\bdacom|\bwind\b|telecommunication|communications?\b|broadband|\bcable|fib(er|re)|\bdsl|\badsl|\bmobile|wireless|cellular|telephone|telefonica|telefônica|internet service|\bisp\b|\bcomcast|verizon|at&t|\bcharter|vodafone|\borange\b|\bspectrum|\bcox\b|\brogers\b|\bbell\b|telstra|\bjio\b|airtel|chinanet|unicom|china mobile|\bkddi|softbank|virgin media|\btelus|\bshaw\b|swisscom|\btelia|\bkpn\b|ziggo|movistar|\bclaro\b|viettel|\bvnpt|rostelecom|t-mobile|\bsky\b|\bbt\b|\bnetcom\b|\btelenor|\bmegafon|\bbeeline|\bturkcell|\bmaxis|\bsingtel|\boptus|\bcentury ?link|\bfrontier|\bwindstream|\bmediacom|\baltice|\bproximus|\bfree sas)/i;

/** Classifies an ASN and its organisation name (either may be null) per the module's rules. */
export function classifyNetwork(asn: number | null, org: string | null): NetworkClass {
  if (asn !== null) {
    if (VPN_ASNS.has(asn)) return "vpn";
    if (HOSTING_ASNS.has(asn)) return "datacenter";
    if (TRANSIT_ASNS.has(asn)) return "unknown";
  }
  if (org === null || org === "") return "unknown";
  if (VPN_WORDS.test(org)) return "vpn";
  if (HOSTING_WORDS.test(org)) return "datacenter";
  if (ISP_WORDS.test(org)) return "residential";
  return "unknown";
}

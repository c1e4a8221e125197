/**
 * Network features of a request: address prefix, autonomous system, network class, user-agent family.
 * The ASN / class lookup is injected (NetworkLookup) so the core stays pure; the CLI supplies one
 * backed by the @ip-location-db tables (asn-table.ts).
 */

/** "datacenter" | "vpn" | "residential" | "unknown". */
export type NetClass = "datacenter" | "vpn" | "residential" | "unknown";

/** Resolves an IP to its autonomous system and network class, where known. */
export interface NetworkLookup {
  lookup(ip: string): { asn: number | null; netClass: NetClass } | null;
}

/** The /24 of an IPv4 address or the /48 of an IPv6 address, as a string key. "" when unparsable. */
export function ipPrefix(ip: string): string {
  if (ip.includes(":")) {
    const parts = ip.split(":");
    return `${parts[0] ?? ""}:${parts[1] ?? ""}:${parts[2] ?? ""}::/48`;
  }
  const last = ip.lastIndexOf(".");
  if (last <= 0) return "";
  return `${ip.slice(0, last)}.0/24`;
}

/** The /16 of an IPv4 address (coarser infrastructure key), "" for IPv6 or unparsable. */
export function ipPrefix16(ip: string): string {
  const a = ip.indexOf(".");
  if (a <= 0 || ip.includes(":")) return "";
  const b = ip.indexOf(".", a + 1);
  return b > 0 ? `${ip.slice(0, b)}.0.0/16` : "";
}

/** Coarse user-agent family: the client library or browser, without versions. */
export function uaFamily(ua: string): string {
  const s = ua.toLowerCase();
  if (s === "") return "none";
  if (s.includes("anthropic"))
    return s.includes("typescript") || s.includes("node") || s.includes("/js")
      ? "anthropic-ts"
      : "anthropic-py";
  if (s.includes("openai")) return s.includes("node") || s.includes("js") ? "openai-js" : "openai-py";
  if (s.includes("python-requests")) return "python-requests";
  if (s.includes("aiohttp")) return "python-aiohttp";
  if (s.includes("httpx")) return "python-httpx";
  if (s.includes("langchain")) return "langchain";
  if (s.includes("curl")) return "curl";
  if (s.includes("go-http") || s.includes("golang")) return "go";
  if (s.includes("okhttp") || s.includes("java")) return "java";
  if (s.includes("node") || s.includes("undici") || s.includes("axios")) return "node";
  if (s.includes("edg/")) return "browser-edge";
  if (s.includes("firefox")) return "browser-firefox";
  if (s.includes("chrome")) return "browser-chrome";
  if (s.includes("safari")) return "browser-safari";
  if (s.includes("mozilla")) return "browser-other";
  const slash = s.indexOf("/");
  return slash > 0 ? s.slice(0, Math.min(slash, 24)) : s.slice(0, 24);
}

/** Runtimes whose TLS stack a client family implies: "node" for the TypeScript SDKs, etc. */
export const RUNTIMES = ["python", "node", "go", "java", "curl", "browser"] as const;

// a Map, not an object literal: families come from user agents, and "constructor" must not resolve
const RUNTIME_OF = new Map<string, number>([
  ["anthropic-py", 0],
  ["openai-py", 0],
  ["python-requests", 0],
  ["python-aiohttp", 0],
  ["python-httpx", 0],
  ["anthropic-ts", 1],
  ["openai-js", 1],
  ["node", 1],
  ["go", 2],
  ["java", 3],
  ["curl", 4],
]);

/**
 * The runtime (index into RUNTIMES) a user-agent family implies, or -1 where the family does not
 * say (a framework found in several languages, an application's own name).
 */
export function uaRuntime(family: string): number {
  if (family.startsWith("browser-")) return 5;
  return RUNTIME_OF.get(family) ?? -1;
}

/** Keywords in AS names that mark hosting / cloud networks. */
const HOSTING = [
  "amazon",
  "aws",
  "google",
  "microsoft",
  "azure",
  "digitalocean",
  "ovh",
  "hetzner",
  "linode",
  "akamai",
  "vultr",
  "choopa",
  "alibaba",
  "tencent",
  "oracle",
  "hosting",
  "host",
  "cloud",
  "data center",
  "datacenter",
  "server",
  "colo",
  "leaseweb",
  "contabo",
  "scaleway",
];

/** Keywords in AS names that mark VPN / proxy providers. */
const VPN = ["m247", "datacamp", "vpn", "proxy", "privacy", "tunnel", "mullvad", "packethub", "zenlayer"];

/** Classifies an AS by its registered name (heuristic). */
export function classifyAsName(name: string): NetClass {
  const s = name.toLowerCase();
  for (const k of VPN) if (s.includes(k)) return "vpn";
  for (const k of HOSTING) if (s.includes(k)) return "datacenter";
  return "residential";
}

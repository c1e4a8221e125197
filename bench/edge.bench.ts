/**
 * Micro-benchmarks of the gateway's edge and policy primitives: IP database load time and memory,
 * address lookups, client-IP resolution, trusted-proxy matching (ours vs node:net BlockList), GCRA
 * checks and the decision table. Run: `npm run build && node --expose-gc dist/bench/edge.bench.js`
 * (add `--ipcat ../shared/data/network/ipcat-datacenters.csv` to include the datacenter ranges).
 * Prints one JSON object; results are recorded in bench/README.md.
 */

import { BlockList } from "node:net";
import { defaultConfig } from "../src/detect/config.js";
import { joinsSignature, paymentKey, prefixKey, requestKeys, tlsUaKey } from "../src/detect/signature.js";
import { compileEdgeConfig } from "../src/gateway/edge/config.js";
import { resolveClientIp } from "../src/gateway/edge/forwarded.js";
import { formatIpv4 } from "../src/gateway/edge/ip.js";
import { IpDatabase } from "../src/gateway/edge/ipdb.js";
import { extractClientMetadata } from "../src/gateway/edge/metadata.js";
import { TrustedProxies } from "../src/gateway/edge/trust.js";
import { DecisionTable } from "../src/gateway/policy/decisions.js";
import { compileRule, gcra, type Tat } from "../src/gateway/policy/gcra.js";
import { anthropicRateLimitHeaders } from "../src/gateway/policy/headers.js";
import { type LimitCheck, MemoryLimiterStore } from "../src/gateway/policy/limiter.js";

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `fn(i)` for at least `minMs`, returns operations per second (best of 3 rounds). */
function opsPerSec(fn: (i: number) => unknown, minMs = 400): number {
  let best = 0;
  let sink: unknown;
  for (let round = 0; round < 3; round++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < minMs) {
      for (let k = 0; k < 1000; k++) sink = fn(n++);
      t = performance.now();
    }
    best = Math.max(best, (n * 1000) / (t - t0));
  }
  if (sink === Symbol.for("never")) console.log(sink);
  return Math.round(best);
}

const gc = (globalThis as { gc?: () => void }).gc;
const args = process.argv.slice(2);
const ipcatAt = args.indexOf("--ipcat");
const ipcat = ipcatAt === -1 ? null : (args[ipcatAt + 1] ?? null);

async function main(): Promise<void> {
  const r = rng(42);
  const results: Record<string, unknown> = { node: process.version, gcAvailable: gc !== undefined };

  // --- IP database load
  gc?.();
  const m0 = process.memoryUsage();
  const db = new IpDatabase({ datacenterRangesFile: ipcat });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const stats = await db.load();
  const cpu = process.cpuUsage(cpu0);
  const loadWallMs = Math.round(performance.now() - t0);
  gc?.();
  const m1 = process.memoryUsage();
  results.ipdbLoad = {
    loadWallMs,
    loadCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    rows: stats.rows,
    asns: stats.asns,
    tableMB: +(stats.tableBytes / 1e6).toFixed(1),
    heapDeltaMB: +((m1.heapUsed - m0.heapUsed) / 1e6).toFixed(1),
    arrayBuffersDeltaMB: +((m1.arrayBuffers - m0.arrayBuffers) / 1e6).toFixed(1),
    rssMB: +(m1.rss / 1e6).toFixed(0),
  };

  // --- lookups
  const v4 = Array.from({ length: 4096 }, () => formatIpv4(Math.floor(r() * 0xdfffffff) + 0x01000000));
  const v6 = Array.from({ length: 4096 }, () => {
    const g = Array.from({ length: 7 }, () => Math.floor(r() * 0x10000).toString(16));
    return `2${Math.floor(r() * 0x1000)
      .toString(16)
      .padStart(3, "0")}:${g.join(":")}`;
  });
  results.ipdbLookupV4PerSec = opsPerSec((i) => db.lookup(v4[i & 4095]!));
  results.ipdbLookupV6PerSec = opsPerSec((i) => db.lookup(v6[i & 4095]!));

  // --- client IP resolution and metadata
  const edge = compileEdgeConfig({
    trustedProxies: ["loopback", "private", "173.245.48.0/20", "103.21.244.0/22", "2400:cb00::/32"],
    countryHeader: "cf-ipcountry",
    tlsFingerprintHeader: "x-ja4",
  });
  const reqs = v4.map((ip) => ({
    remoteAddress: "10.0.0.2",
    headers: {
      "x-forwarded-for": `1.2.3.4, ${ip}, 173.245.48.7`,
      "cf-ipcountry": "DE",
      "x-ja4": "t13d1516h2_8daaf6152771_b186095e22b6",
      "user-agent": "Anthropic/JS 0.50.0",
    },
  }));
  results.resolveClientIpPerSec = opsPerSec((i) => {
    const q = reqs[i & 4095]!;
    return resolveClientIp(q.remoteAddress, q.headers, edge.trust, edge.forwarding);
  });
  results.extractClientMetadataPerSec = opsPerSec((i) => extractClientMetadata(reqs[i & 4095]!, edge, db));

  // --- trusted-proxy matching: ours vs node:net BlockList, 20 CIDRs
  const cidrs = Array.from({ length: 20 }, (_, k) => `${10 + k}.${k * 7}.0.0/16`);
  const ours = TrustedProxies.compile(cidrs);
  const bl = new BlockList();
  for (const c of cidrs) {
    const [net, len] = c.split("/");
    bl.addSubnet(net!, Number(len), "ipv4");
  }
  const probes = Array.from({ length: 4096 }, (_, k) =>
    k % 4 === 0 ? `${10 + (k % 20)}.${(k % 20) * 7}.1.2` : v4[k]!,
  );
  results.trustContainsPerSec = opsPerSec((i) => ours.containsText(probes[i & 4095]!));
  results.blockListCheckPerSec = opsPerSec((i) => bl.check(probes[i & 4095]!, "ipv4"));

  // --- GCRA
  const rule = compileRule({ limit: 90_000, periodMs: 60_000 });
  let tat: Tat | undefined;
  results.gcraPurePerSec = opsPerSec((i) => {
    const res = gcra(tat, 1_700_000_000_000 + i, 1, rule);
    if (res.allowed) tat = res.newTat;
    return res;
  });
  const store = new MemoryLimiterStore();
  const rpm = compileRule({ limit: 1000, periodMs: 60_000 });
  const tpm = compileRule({ limit: 2_000_000, periodMs: 60_000 });
  const checks: LimitCheck[][] = Array.from({ length: 10_000 }, (_, k) => [
    { key: `a:${k}:rpm`, cost: 1, rule: rpm, kind: "requests", name: "account:requests_per_minute" },
    { key: `a:${k}:tpm`, cost: 4096, rule: tpm, kind: "tokens", name: "account:tokens_per_minute" },
  ]);
  results.limiterApply2ChecksPerSec = opsPerSec((i) =>
    store.apply(checks[i % 10_000]!, 1_700_000_000_000 + (i >> 4)),
  );
  results.limiterKeysAfter = store.size;
  const sample = store.apply(checks[0]!, 1_700_000_000_000);
  results.anthropicHeadersPerSec = opsPerSec(() => anthropicRateLimitHeaders(sample));

  // --- decision table
  const table = new DecisionTable();
  for (let k = 0; k < 100_000; k++) {
    if (k % 10 === 0) table.link(`acct${k}`, `camp${k % 50}`);
    if (k % 7 === 0)
      table.setAccount(`acct${k}`, { action: "throttle", reasonCode: "x", ref: "r", source: "detector" });
  }
  for (let c = 0; c < 50; c++)
    table.setCampaign(`camp${c}`, { action: "block", reasonCode: "c", ref: "r", source: "detector" });
  const ids = Array.from({ length: 4096 }, () => `acct${Math.floor(r() * 200_000)}`);
  results.decisionGetPerSec = opsPerSec((i) => table.get(ids[i & 4095]!, 1_700_000_000_000));

  // --- first-request signature check (PolicyGuard.joiner -> LiveDetector.matchSignature), once a
  // campaign is enforced: the request's keys against 1,000 signature keys of 20 campaigns
  const cfg = defaultConfig();
  const owners = new Map<number, string>();
  for (let k = 0; k < 1000; k++) {
    const c = `campaign-${k % 20}`;
    owners.set(
      k % 3 === 0
        ? paymentKey(`pm_${k}`)
        : k % 3 === 1
          ? tlsUaKey("t13d", `UA ${k}`)
          : prefixKey(`203.0.${k % 250}.0/24`),
      c,
    );
  }
  const identities = Array.from({ length: 4096 }, (_, k) => ({
    ip: `198.51.${k % 200}.${1 + (k % 250)}`,
    asn: 64500 + (k % 100),
    tlsFingerprint: "t13d1516h2_8daaf6152771_02713d6af862",
    userAgent: `anthropic-python/0.40.${k % 30}`,
    paymentFingerprint: `pm_cust_${k}`,
    createdAt: "2025-06-01T10:00:00.000Z",
    emailDomain: `company${k}.com`,
    orgId: `org_${k}`,
  }));
  const match = (i: number) => {
    const { keys, types } = requestKeys(identities[i & 4095]!, cfg);
    for (const k of keys) {
      const c = owners.get(k);
      if (c !== undefined && joinsSignature(keys, types, (x) => owners.get(x) === c, cfg)) return c;
    }
    return null;
  };
  results.signatureCheckNoMatchPerSec = opsPerSec(match);

  console.log(JSON.stringify(results, null, 2));
}

await main();

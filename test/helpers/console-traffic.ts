/**
 * Traffic for the console tests: a small population provisioned in a real gateway's key store
 * (ordinary customers and a hydra cluster shaped like src/detect/fixtures.ts) and a driver that
 * sends their requests through the gateway over HTTP, so the live detector sees real events.
 */
import { Agent, request } from "undici";
import { benchmarkPrompt, HYDRA_SYSTEM, hydraPrompt, organicPrompt, rng } from "../../src/detect/fixtures.js";
import type { KeyStore } from "../../src/gateway/keys/store.js";

export interface Client {
  accountId: string;
  secret: string;
  kind: "hydra" | "legit" | "evalorg";
  uas: string[];
  /** Loopback source address of the client's connections (its IP as the gateway sees it). */
  ip: string;
  dispatcher: Agent;
}

const DAY = 86_400_000;
const BROWSER_UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
];

function from(ip: string): { ip: string; dispatcher: Agent } {
  return { ip, dispatcher: new Agent({ connections: 4, localAddress: ip }) };
}

/** Closes every client's connection pool. */
export async function closeClients(clients: Client[]): Promise<void> {
  await Promise.all(clients.map((c) => c.dispatcher.close()));
}

/** Creates `hydra` fresh, unverified accounts sharing payment instruments and `legit` established ones. */
export function provision(keys: KeyStore, n: { hydra: number; legit: number; evalorg?: number }): Client[] {
  const out: Client[] = [];
  const now = Date.now();
  if (n.evalorg) {
    // a verified organisation running a public benchmark from one egress: heavy, open, not covert
    const org = keys.createOrg({ name: "EvalCo" });
    for (let i = 0; i < n.evalorg; i++) {
      const a = keys.createAccount({
        org_id: org.id,
        created_at: new Date(now - (400 + i) * DAY).toISOString(),
        verified: true,
        payment_fingerprint: "pay-evalco",
        email_domain: "evalco.ai",
        tier: "scale",
      });
      out.push({
        accountId: a.id,
        secret: keys.createKey(a.id, "harness").secret,
        kind: "evalorg",
        uas: ["lm-eval-harness/0.4 python-httpx/0.27"],
        ...from("127.9.9.9"),
      });
    }
  }
  for (let i = 0; i < n.legit; i++) {
    const a = keys.createAccount({
      created_at: new Date(now - (300 + i) * DAY).toISOString(),
      verified: true,
      payment_fingerprint: `pay-legit-${i}`,
      email_domain: `company${i}.com`,
      tier: "build",
    });
    out.push({
      accountId: a.id,
      secret: keys.createKey(a.id, "prod").secret,
      kind: "legit",
      uas: [`internal-tool/${i}.0 python-httpx/0.27`],
      ...from(`127.${20 + i}.${i}.10`),
    });
  }
  for (let i = 0; i < n.hydra; i++) {
    const a = keys.createAccount({
      created_at: new Date(now - 2 * DAY + i * 20_000).toISOString(),
      verified: false,
      payment_fingerprint: `pay-hydra-${i % 3}`,
      email_domain: `mail${i}.example`,
      tier: "education",
    });
    out.push({
      accountId: a.id,
      secret: keys.createKey(a.id, "k").secret,
      kind: "hydra",
      uas: BROWSER_UAS,
      ...from(`127.0.${i % 2}.${10 + i}`),
    });
  }
  return out;
}

/** Sends one Anthropic Messages request for `c`; returns the status and the parsed body. */
export async function send(
  base: string,
  c: Client,
  i: number,
  r: () => number,
): Promise<{ status: number; body: unknown; headers: Record<string, string | string[] | undefined> }> {
  const body: Record<string, unknown> = {
    model: "claude-sonnet-4-5",
    max_tokens: 64,
    messages: [
      {
        role: "user",
        content:
          c.kind === "hydra" ? hydraPrompt(r) : c.kind === "evalorg" ? benchmarkPrompt(r) : organicPrompt(r),
      },
    ],
  };
  if (c.kind === "hydra") body.system = HYDRA_SYSTEM;
  if (c.kind === "evalorg") {
    body.max_tokens = 1100;
    body.thinking = { type: "enabled", budget_tokens: 1024 };
  }
  const res = await request(`${base}/v1/messages`, {
    method: "POST",
    dispatcher: c.dispatcher,
    headers: {
      "content-type": "application/json",
      "x-api-key": c.secret,
      "anthropic-version": "2023-06-01",
      "user-agent": c.uas[i % c.uas.length]!,
    },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: res.statusCode, body: parsed, headers: res.headers };
}

/**
 * Sends `rounds` rounds: every hydra account sends in every round, in lockstep; each ordinary
 * customer sends in about one round in three, at its own moments. Returns the status counts.
 */
export async function drive(
  base: string,
  clients: Client[],
  rounds: number,
  seed = 1,
): Promise<Map<number, number>> {
  const r = rng(seed);
  const statuses = new Map<number, number>();
  for (let k = 0; k < rounds; k++) {
    await Promise.all(
      clients
        .filter((c) => c.kind !== "legit" || r() < 0.35)
        .map(async (c) => {
          const { status } = await send(base, c, k, r);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }),
    );
  }
  return statuses;
}

/** Keeps sending a round every `everyMs` until stopped (for charts with more than one bucket). */
export function background(base: string, clients: Client[], everyMs: number): { stop(): Promise<void> } {
  let stopped = false;
  let seed = 1000;
  const loop = (async () => {
    while (!stopped) {
      await drive(base, clients, 1, seed++).catch(() => undefined);
      await new Promise((res) => setTimeout(res, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

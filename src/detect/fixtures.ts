/**
 * Small hand-made event fixtures for unit tests and micro-benchmarks (not a simulator: the real
 * populations come from `distillguard simulate`). Deterministic for a given seed.
 */
import type { ExchangeEvent } from "../events/types.js";
import { mulberry32 } from "./math.js";

/** Deterministic PRNG (mulberry32). */
export const rng: (seed: number) => () => number = mulberry32;

const TOPICS = [
  "the history of the printing press",
  "how vaccines train the immune system",
  "a packing list for a week of hiking",
  "why the sky looks blue",
  "ideas for a birthday party for a ten year old",
  "the difference between TCP and UDP",
  "how to repot a fiddle leaf fig",
  "a polite email asking for a deadline extension",
  "the rules of cricket in simple words",
  "a weekly meal plan for a vegetarian family",
  "what a mortgage offset account is",
  "tips for learning to play the violin as an adult",
];
const VERBS = ["Explain", "Tell me about", "Give me", "Help me understand", "Write", "Summarise"];
const OPENERS = [
  "",
  "Quick question: ",
  "hey, ",
  "I was wondering about something. ",
  "For a school project: ",
  "Can you help? ",
  "My boss asked me this today. ",
  "ok so ",
  "Please ",
  "Random thought — ",
];
const WORDS =
  "apple river stone cloud paper garden window silver orange ladder candle forest bridge mirror pocket rocket violin harbor meadow pencil blanket lantern tunnel castle button saddle anchor basket copper desert falcon glacier hammer island jungle kettle lemon marble needle ocean parrot quartz ribbon spider tomato umbrella valley walnut yogurt zebra".split(
    " ",
  );
const CLOSERS = [
  "",
  " Keep it short.",
  " Thanks!",
  " Use bullet points if that helps.",
  " I'm a complete beginner here.",
  " Be honest, I can take it.",
  " Go into as much detail as you like.",
  " No jargon please",
];
const NAMES = ["Alice", "Bob", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivan", "Jia"];

/** An organic, varied prompt. */
export function organicPrompt(r: () => number): string {
  const v = VERBS[Math.floor(r() * VERBS.length)]!;
  const t = TOPICS[Math.floor(r() * TOPICS.length)]!;
  const extra = r() < 0.5 ? ` My friend ${NAMES[Math.floor(r() * NAMES.length)]} asked me about it.` : "";
  const opener = OPENERS[Math.floor(r() * OPENERS.length)]!;
  const closer = CLOSERS[Math.floor(r() * CLOSERS.length)]!;
  const w1 = WORDS[Math.floor(r() * WORDS.length)]!;
  const w2 = WORDS[Math.floor(r() * WORDS.length)]!;
  return `${opener}${w1} and ${w2} first: ${v} ${t}.${extra}${closer}`;
}

/** A templated, reasoning-eliciting math prompt with numbers and names filled in. */
export function benchmarkPrompt(r: () => number): string {
  const a = NAMES[Math.floor(r() * NAMES.length)]!;
  const x = 2 + Math.floor(r() * 90);
  const y = 2 + Math.floor(r() * 9);
  return `Question: ${a} has ${x} marbles and buys ${y} bags with ${x % 7} marbles each. How many marbles does ${a} have now?\nLet's think step by step.`;
}

/** The hydra's extraction template: a fixed system prompt and a wrapper around varying content. */
export const HYDRA_SYSTEM =
  "You are an expert tutor. For every task, write out your complete chain of thought in numbered steps before the final answer, and never skip intermediate reasoning.";

/** One hydra request body. */
export function hydraPrompt(r: () => number): string {
  const t = TOPICS[Math.floor(r() * TOPICS.length)]!;
  return `Task ${Math.floor(r() * 100000)}: analyse ${t}. Provide step-by-step reasoning, then a final answer.`;
}

/** Parameters of one synthetic account. */
export interface FixtureAccount {
  id: string;
  org: string | null;
  createdAt: string;
  verified: boolean;
  payment: string;
  email: string;
  tier: string;
  ips: string[];
  uas: string[];
  tls: string;
  country: string;
  system?: string;
  prompt: (r: () => number) => string;
  thinking?: boolean;
  /** Seconds between requests (mean) and jitter share. */
  every: number;
  jitter: number;
}

/** Emits the account's events from `startMs` for `count` requests. */
export function accountEvents(
  a: FixtureAccount,
  startMs: number,
  count: number,
  r: () => number,
): ExchangeEvent[] {
  const out: ExchangeEvent[] = [];
  let t = startMs;
  for (let i = 0; i < count; i++) {
    t += Math.max(1, a.every * (1 + (r() * 2 - 1) * a.jitter)) * 1000;
    const request: Record<string, unknown> = {
      model: "claude-sonnet-x",
      max_tokens: 2048,
      messages: [{ role: "user", content: a.prompt(r) }],
    };
    if (a.system) request.system = a.system;
    if (a.thinking) request.thinking = { type: "enabled", budget_tokens: 8000 };
    out.push({
      id: `${a.id}-${i}`,
      time: new Date(Math.round(t)).toISOString(),
      account_id: a.id,
      org_id: a.org,
      api_key_id: `key-${a.id}`,
      account: {
        created_at: a.createdAt,
        verified: a.verified,
        payment_fingerprint: a.payment,
        email_domain: a.email,
        tier: a.tier,
      },
      client: {
        ip: a.ips[i % a.ips.length]!,
        user_agent: a.uas[i % a.uas.length]!,
        tls_fingerprint: a.tls,
        country: a.country,
      },
      api: "anthropic.messages",
      request,
      response: { status: 200, input_tokens: 300, output_tokens: 600, latency_ms: 2000 },
    });
  }
  return out;
}

/** Merges event lists into time order. */
export function byTime(lists: ExchangeEvent[][]): ExchangeEvent[] {
  return lists.flat().sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
}

export const T0 = Date.parse("2026-02-01T00:00:00.000Z");
const PY_TLS = "t13d1516h2_8daaf6152771_02713d6af862";
const LEGIT_UAS = [
  "anthropic-python/0.40.0",
  "anthropic-python/0.39.1",
  "anthropic-typescript/0.32.1 node/20.11",
  "openai-python/1.55.3",
  "python-httpx/0.27.2",
  "langchain-anthropic/0.3.0",
  "curl/8.5.0",
  "okhttp/4.12.0",
  "Go-http-client/2.0",
  "my-internal-tool/2.3",
];
const BROWSER_UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Edg/130.0",
];

/** Ordinary customers: varied prompts, own infrastructure, established, mostly verified. */
export function legitAccounts(n: number, r: () => number): FixtureAccount[] {
  const out: FixtureAccount[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: `legit-${i}`,
      org: `org-legit-${i}`,
      createdAt: new Date(T0 - (200 + i) * 86_400_000).toISOString(),
      verified: r() < 0.8,
      payment: `pay-legit-${i}`,
      email: `company${i}.com`,
      tier: "build",
      ips: [`10.${i % 200}.${i % 7}.${1 + (i % 250)}`],
      uas: [`${LEGIT_UAS[i % LEGIT_UAS.length]!} (build ${i})`],
      tls: PY_TLS,
      country: "US",
      prompt: organicPrompt,
      every: 120,
      jitter: 0.9,
    });
  }
  return out;
}

/** A hydra: fresh unverified accounts created in a burst, rotating browser UAs over one Python TLS stack. */
export function hydraAccounts(n: number, r: () => number, prefix = "hydra"): FixtureAccount[] {
  const out: FixtureAccount[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: `${prefix}-${i}`,
      org: null,
      createdAt: new Date(T0 - 2 * 86_400_000 + i * 20_000).toISOString(),
      verified: false,
      payment: `pay-${prefix}-${i % 4}`,
      email: `mail${i}.example`,
      tier: "education",
      ips: [0, 1, 2, 3, 4, 5, 6, 7].map((k) => `203.0.${(i * 8 + k) % 250}.${1 + Math.floor(r() * 250)}`),
      uas: BROWSER_UAS,
      tls: PY_TLS,
      country: "SG",
      system: HYDRA_SYSTEM,
      prompt: hydraPrompt,
      every: 20,
      jitter: 0.2,
    });
  }
  return out;
}

/** A verified organisation of many accounts behind one egress and one card, running a public benchmark. */
export function evalOrgAccounts(n: number): FixtureAccount[] {
  const out: FixtureAccount[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: `evalorg-${i}`,
      org: "org-evalco",
      createdAt: new Date(T0 - 400 * 86_400_000 + i * 60_000).toISOString(),
      verified: true,
      payment: "pay-evalco",
      email: "evalco.ai",
      tier: "scale",
      ips: ["198.51.100.7"],
      uas: ["lm-eval-harness/0.4 python-httpx/0.27"],
      tls: PY_TLS,
      country: "US",
      prompt: benchmarkPrompt,
      thinking: true,
      every: 3,
      jitter: 0.3,
    });
  }
  return out;
}

/**
 * A legitimate reseller: aged, verified accounts paid with one card, relaying its customers' organic
 * traffic through the same egress prefixes and TLS stack as a hydra (the hydra rents the same relay).
 */
export function resellerAccounts(n: number, hydraIps: string[], r: () => number): FixtureAccount[] {
  const out: FixtureAccount[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: `reseller-${i}`,
      org: null,
      createdAt: new Date(T0 - (300 + i * 3) * 86_400_000).toISOString(),
      verified: true,
      payment: "pay-reseller",
      email: `customer${i}.example`,
      tier: "build",
      ips: hydraIps.slice(0, 8),
      uas: BROWSER_UAS,
      tls: PY_TLS,
      country: "SG",
      prompt: organicPrompt,
      every: 30 + r() * 30,
      jitter: 0.9,
    });
  }
  return out;
}

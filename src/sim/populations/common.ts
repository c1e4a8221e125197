/** Helpers every population and adversary shares: identities, conversations, emission. */

import type { AccountInfo } from "../../events/types.js";
import { type ClientIdentity, honestIdentity } from "../clients.js";
import { applyTemplate, type Template } from "../content/templates.js";
import { type Capability, drawPrompt, type Prompt } from "../content/types.js";
import { CUSTOMER_COUNTRIES, type Endpoint } from "../network.js";
import { errorResponse, type RequestSpec, synthResponse, type Turn } from "../request.js";
import type { Rng } from "../rng.js";
import { type Account, type ClientSide, DAY, type Emission, type World } from "../world.js";

export const WEBMAIL = [
  "gmail.com",
  "outlook.com",
  "yahoo.com",
  "proton.me",
  "icloud.com",
  "qq.com",
  "163.com",
];
export const UNIVERSITIES = [
  "stanford.edu",
  "mit.edu",
  "tsinghua.edu.cn",
  "ox.ac.uk",
  "ethz.ch",
  "u-tokyo.ac.jp",
  "iitb.ac.in",
  "tum.de",
  "unimelb.edu.au",
  "hust.edu.vn",
  "pku.edu.cn",
  "berkeley.edu",
];
export const DISPOSABLE = [
  "sharklasers.com",
  "yopmail.com",
  "mailinator.com",
  "tmpmail.net",
  "guerrillamail.com",
];

/** A customer's country, weighted like a global API's customer base. */
export function pickCountry(rng: Rng): string {
  return rng.weighted(CUSTOMER_COUNTRIES);
}

/** Account attributes of a legitimate customer who signed up `ageDays` before the start. */
export function legitInfo(
  world: World,
  rng: Rng,
  o: { tier?: string; email?: string; payment?: string | null; ageDays?: number },
): AccountInfo {
  const tier =
    o.tier ?? rng.weighted({ free: 30, build: 45, scale: 8, education: 7, research: 3, startup: 7 } as const);
  const credits = tier === "education" || tier === "research";
  const email =
    o.email ??
    (tier === "education" || tier === "research"
      ? rng.pick(UNIVERSITIES)
      : rng.chance(0.55)
        ? rng.pick(WEBMAIL)
        : `${rng.pick(["acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne", "tyrell", "cyberdyne", "soylent", "wonka"])}${rng.int(900)}.${rng.pick(["com", "io", "ai", "dev", "de", "co.uk", "jp"])}`);
  const age = o.ageDays ?? rng.uniform(3, 900);
  return {
    created_at: new Date(world.start - age * DAY).toISOString(),
    verified: rng.chance(0.93),
    payment_fingerprint:
      o.payment !== undefined ? o.payment : credits && rng.chance(0.6) ? null : `pm_${rng.hex(14)}`,
    email_domain: email,
    tier,
  };
}

/** A client identity picked from a mix table (honest: UA matches TLS stack). */
export function identityFrom(mix: Readonly<Record<string, number>>, rng: Rng): ClientIdentity {
  return honestIdentity(rng.weighted(mix), rng);
}

/** Client-side fields of one request. */
export function clientSide(ep: Endpoint, id: { ua: string; tls: string }): ClientSide {
  return { ip: ep.ip, asn: ep.asn, country: ep.country, network: ep.network, ua: id.ua, tls: id.tls };
}

/** Short assistant reply text used to grow multi-turn histories. */
export function replyText(rng: Rng, cap: Capability): string {
  const openers = [
    "Here is a step-by-step answer.",
    "Sure. The short version:",
    "Good question. Let's break it down.",
    "Here's one way to do it:",
    "The key points are:",
  ];
  const body =
    cap === "code" ? "```\n# implementation\n...\n```" : "1. First point.\n2. Second point.\n3. Conclusion.";
  return `${rng.pick(openers)}\n${body}`;
}

export const FOLLOW_UPS = [
  "Thanks. Can you make it shorter?",
  "That doesn't work for me, I get an error on the second step.",
  "Can you explain the second point in more detail?",
  "Now add error handling.",
  "What about edge cases like empty input?",
  "Can you give an example?",
  "OK, and how would this change if the input were ten times larger?",
  "Rewrite it in a more formal tone.",
];

/** Options for one request of a client. */
export interface SendOptions {
  api: ClientIdentity["api"];
  model: string;
  system?: string;
  turns: Turn[];
  prompt: Prompt;
  maxTokens: number;
  temperature?: number;
  stream: boolean;
  thinking?: number;
  user?: string;
  verbose?: boolean;
  status?: { code: number; error: string };
}

/** Builds one emission (request body rendered in its dialect, response synthesised). */
export function emission(
  t: number,
  account: Account,
  client: ClientSide,
  o: SendOptions,
  rng: Rng,
): Emission {
  const spec: RequestSpec = {
    api: o.api,
    model: o.model,
    turns: o.turns,
    maxTokens: o.maxTokens,
    stream: o.stream,
    ...(o.system ? { system: o.system } : {}),
    ...(o.prompt.tools ? { tools: o.prompt.tools } : {}),
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
    ...(o.thinking ? { thinking: o.thinking } : {}),
    ...(o.user ? { user: o.user } : {}),
  };
  const response = o.status
    ? errorResponse(o.status.code, o.status.error, rng)
    : synthResponse(spec, o.prompt.capability, rng, o.verbose ?? false);
  return { t, account, client, api: o.api, spec, response };
}

/** First user turn of a prompt, optionally wrapped in a template; returns the system prompt too. */
export function firstTurn(
  prompt: Prompt,
  template: Template | null,
  rng: Rng | undefined,
): { system: string | undefined; turn: Turn } {
  const wrapped = template ? applyTemplate(template, prompt.text, rng) : { text: prompt.text };
  const system = [prompt.system, wrapped.system].filter((s) => s).join("\n\n") || undefined;
  return { system, turn: { role: "user", text: wrapped.text, ...(prompt.image ? { image: true } : {}) } };
}

/** Draws a prompt of a capability from the world's source. */
export function draw(world: World, cap: Capability, rng: Rng, skew = 0): Prompt {
  return drawPrompt(world.source, cap, rng, skew);
}

/** Rare transient refusals every client sees (overload, rate limit). */
export function noiseStatus(rng: Rng): { code: number; error: string } | undefined {
  const x = rng.float();
  if (x < 0.002) return { code: 529, error: "DG_OVERLOADED" };
  if (x < 0.004) return { code: 429, error: "DG_RATE_LIMITED" };
  return undefined;
}

/** Diurnal load factor in [0.15, 1] for a local hour (peak early afternoon, trough at night). */
export function diurnal(hour: number): number {
  const x = Math.cos(((hour - 14) / 24) * 2 * Math.PI);
  return 0.15 + 0.85 * ((x + 1) / 2) ** 1.6;
}

/** Mean of `diurnal` over a day (for normalising rates). */
export const DIURNAL_MEAN: number = (() => {
  let sum = 0;
  for (let i = 0; i < 240; i++) sum += diurnal(i / 10);
  return sum / 240;
})();

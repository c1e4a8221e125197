/**
 * Reseller relays: proxy software that pools many upstream accounts behind a few egress IPs and
 * resells access. Legitimate resellers and distillation hydras run the same software, so both
 * arrive with the relay's own HTTP stack and egress.
 */
import { TLS_FINGERPRINTS, type TlsStack } from "../clients.js";
import type { Capability } from "../content/types.js";
import { cloudAddress, type Endpoint } from "../network.js";
import { draw, FOLLOW_UPS, firstTurn, replyText } from "../populations/common.js";
import type { Turn } from "../request.js";
import type { Rng } from "../rng.js";
import type { World } from "../world.js";

export interface Relay {
  id: string;
  egress: Endpoint[];
  stack: TlsStack;
  tls: string;
  /** The relay's own user agent, or null when it forwards its customers' user agents. */
  ua: string | null;
}

/** A relay with `ips` egress addresses at one or two hosting providers. */
export function makeRelay(id: string, rng: Rng, ips: number): Relay {
  const orgs = [rng.pick(["Hetzner", "OVH", "Alibaba Cloud", "DigitalOcean", "Vultr"])];
  if (rng.chance(0.5)) orgs.push(rng.pick(["Amazon AWS", "Google Cloud", "Akamai Linode"]));
  const egress: Endpoint[] = [];
  for (let i = 0; i < ips; i++) egress.push(cloudAddress(rng, orgs[i % orgs.length]));
  const stack: TlsStack = rng.pick(["go", "node", "python-openssl3"]);
  const ua = rng.chance(0.5)
    ? null
    : stack === "go"
      ? "Go-http-client/2.0"
      : stack === "node"
        ? "node"
        : "python-httpx/0.27.0";
  return { id, egress, stack, tls: TLS_FINGERPRINTS[stack], ua };
}

/** Organic end-customer content resold through a relay: chat, code, agents, personas. */
export const RESOLD_MIX: Readonly<Partial<Record<Capability, number>>> = {
  chat: 34,
  code: 24,
  persona: 12,
  agentic: 10,
  math: 6,
  document: 6,
  vision: 4,
  policy: 4,
};

/** One resold customer request: organic prompt, sometimes with a short history. */
export function resoldRequest(
  world: World,
  rng: Rng,
): { cap: Capability; system?: string; turns: Turn[]; prompt: ReturnType<typeof draw> } {
  const cap = rng.weighted(RESOLD_MIX as Record<string, number>) as Capability;
  const prompt = draw(world, cap, rng, 0.9);
  const { system, turn } = firstTurn(prompt, null, undefined);
  const turns: Turn[] = [turn];
  const h = Math.min(4, Math.floor(rng.exp(0.9)));
  for (let k = 0; k < h; k++) {
    turns.push({ role: "assistant", text: replyText(rng, cap) });
    turns.push({ role: "user", text: rng.pick(FOLLOW_UPS) });
  }
  return { cap, ...(system ? { system } : {}), turns, prompt };
}

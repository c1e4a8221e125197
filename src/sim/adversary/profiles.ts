/**
 * Adversary profiles modelled on the public facts (BRIEF): each is a knob set, scaled per preset.
 * - cot_grader: ~150k exchanges; chain-of-thought elicitation, rubric grading, "safe" rewrites.
 * - agentic_vision: ~3.4M; agentic reasoning, tool use, coding, vision; rotating residential proxies.
 * - hydra_coder: ~13M; agentic coding and tool orchestration through a reseller relay with ~20k
 *   accounts, mixed with resold traffic; half its traffic moves to a new model within a day.
 * - low_and_slow: few aged accounts behaving like people with organic-looking prompts.
 */
import type { CampaignKnobs } from "./campaign.js";

/** Knobs that every profile starts from. */
const BASE: Omit<CampaignKnobs, "id" | "profile" | "accounts" | "exchanges" | "capabilities" | "templates"> =
  {
    mode: "pool",
    startDay: 0.2,
    days: 365,
    timing: "flat",
    offset: 8,
    creation: "burst",
    burstSize: 40,
    tiers: { free: 40, build: 40, startup: 10, education: 10 },
    verified: 0.8,
    email: "mixed",
    payment: "shared",
    cards: 10,
    egress: "datacenter",
    egressIps: 16,
    stack: "python-openssl3",
    uaSpoof: "per_account",
    openaiShare: 0.3,
    hourlyCap: 30,
    activeShare: 0.25,
    rotateMin: 90,
    paraphrase: 0.3,
    systemShare: 0.5,
    thinkingShare: 0.3,
    resoldShare: 0,
    banRate: 0.03,
    sweepDays: [],
    sweepShare: 0,
    replacePerBan: 1,
    replaceDelayMin: 20,
    pivotShare: 0,
    pivotDelayHours: 12,
    itemSkew: 0,
  };

/** Sizes of one preset's campaigns. */
export interface CampaignScale {
  /** Accounts of each profile at the start. */
  accounts: { cot_grader: number; agentic_vision: number; hydra_coder: number; low_and_slow: number };
  /** Exchanges of each pooled profile. */
  exchanges: { cot_grader: number; agentic_vision: number; hydra_coder: number; low_and_slow: number };
  /** Egress IPs of the hydra's relay and of datacenter-based campaigns. */
  relayIps: number;
}

/** The four standard campaigns of a preset. */
export function standardCampaigns(s: CampaignScale): CampaignKnobs[] {
  return [
    {
      ...BASE,
      id: "camp-cot-grader",
      profile: "cot_grader",
      accounts: s.accounts.cot_grader,
      exchanges: s.exchanges.cot_grader,
      startDay: 0.6,
      tiers: { education: 35, research: 20, startup: 25, free: 20 },
      capabilities: { math: 30, rubric: 30, policy: 25, chat: 10, code: 5 },
      templates: ["a-cot-1", "a-cot-2", "a-grade", "a-rewrite"],
      systemShare: 0.7,
      thinkingShare: 0.5,
      egress: "vpn",
      egressIps: Math.max(4, Math.round(s.relayIps / 3)),
      cards: 4,
    },
    {
      ...BASE,
      id: "camp-agentic-vision",
      profile: "agentic_vision",
      accounts: s.accounts.agentic_vision,
      exchanges: s.exchanges.agentic_vision,
      startDay: 0.3,
      creation: "mixed",
      tiers: { startup: 40, build: 40, free: 20 },
      capabilities: { agentic: 35, tool_use: 25, code: 25, vision: 15 },
      templates: ["a-agent", "a-explain", "a-plain"],
      paraphrase: 0.5,
      egress: "residential_rotating",
      stack: "go",
      uaSpoof: "per_request",
      payment: "unique",
      hourlyCap: 20,
      activeShare: 0.15,
      openaiShare: 0.5,
    },
    {
      ...BASE,
      id: "camp-hydra-coder",
      profile: "hydra_coder",
      accounts: s.accounts.hydra_coder,
      exchanges: s.exchanges.hydra_coder,
      startDay: 0.1,
      burstSize: 50,
      capabilities: { agentic: 50, code: 30, tool_use: 20 },
      templates: ["a-agent", "a-plain", "a-explain"],
      paraphrase: 0.2,
      systemShare: 0.7,
      egress: "reseller_relay",
      stack: "go",
      cards: Math.max(3, Math.round(s.accounts.hydra_coder / 100)),
      hourlyCap: 25,
      activeShare: 0.1,
      rotateMin: 60,
      resoldShare: 0.3,
      banRate: 0.05,
      sweepDays: [2.5, 9],
      sweepShare: 0.3,
      replaceDelayMin: 10,
      pivotShare: 0.5,
      pivotDelayHours: 6,
      openaiShare: 0.6,
    },
    {
      ...BASE,
      id: "camp-low-and-slow",
      profile: "low_and_slow",
      mode: "personas",
      accounts: s.accounts.low_and_slow,
      exchanges: s.exchanges.low_and_slow,
      startDay: 0,
      timing: "human",
      offset: 0,
      creation: "aged",
      tiers: { build: 60, free: 30, education: 10 },
      verified: 1,
      email: "webmail",
      payment: "unique",
      egress: "residential_rotating",
      uaSpoof: "none",
      capabilities: { chat: 25, math: 20, code: 20, policy: 10, rubric: 10, agentic: 10, tool_use: 5 },
      templates: ["a-cot-1", "a-explain", "a-plain"],
      paraphrase: 1,
      banRate: 0,
      thinkingShare: 0.2,
      itemSkew: 0.9,
      pivotShare: 0.3,
    },
  ];
}

/**
 * Campaign overrides: a JSON file that changes the knobs of a preset's campaigns, so the detector
 * can be evaluated on adversaries it was not developed against (another client stack, egress,
 * sign-up path, campaign size...). The file maps a campaign id to the knobs to replace:
 *
 *   { "camp-cot-grader": { "stack": "go", "egress": "datacenter" },
 *     "camp-hydra-coder": { "burstSize": 10, "cards": 40 } }
 *
 * Every name and value is checked; a mistake is an error naming the campaign, the knob and what
 * is allowed, never a silently ignored knob.
 */
import { ConfigError } from "../core/errors.js";
import type { CampaignKnobs, Egress } from "./adversary/campaign.js";
import { TLS_FINGERPRINTS } from "./clients.js";
import { ADVERSARY_TEMPLATES } from "./content/templates.js";
import { CAPABILITIES } from "./content/types.js";
import type { Preset } from "./presets.js";

type Rule =
  | { kind: "count"; min: number }
  | { kind: "number"; min: number; max?: number }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "weights"; keys?: readonly string[] }
  | { kind: "templates" }
  | { kind: "days" };

const EGRESS: readonly Egress[] = ["datacenter", "residential_rotating", "reseller_relay", "vpn"];

/** What each overridable knob accepts (`id` and `profile` name the campaign and stay fixed). */
const RULES: Readonly<Record<Exclude<keyof CampaignKnobs, "id" | "profile">, Rule>> = {
  accounts: { kind: "count", min: 1 },
  exchanges: { kind: "count", min: 1 },
  startDay: { kind: "number", min: 0 },
  days: { kind: "number", min: 0 },
  mode: { kind: "enum", values: ["pool", "personas"] },
  timing: { kind: "enum", values: ["flat", "human"] },
  offset: { kind: "number", min: -12, max: 14 },
  creation: { kind: "enum", values: ["burst", "aged", "mixed"] },
  burstSize: { kind: "count", min: 1 },
  tiers: { kind: "weights" },
  verified: { kind: "number", min: 0, max: 1 },
  email: { kind: "enum", values: ["disposable", "webmail", "mixed"] },
  payment: { kind: "enum", values: ["shared", "unique"] },
  cards: { kind: "count", min: 1 },
  egress: { kind: "enum", values: EGRESS },
  egressIps: { kind: "count", min: 1 },
  stack: { kind: "enum", values: Object.keys(TLS_FINGERPRINTS) },
  uaSpoof: { kind: "enum", values: ["none", "per_account", "per_request"] },
  openaiShare: { kind: "number", min: 0, max: 1 },
  hourlyCap: { kind: "count", min: 1 },
  activeShare: { kind: "number", min: 0.001, max: 1 },
  rotateMin: { kind: "number", min: 1 },
  capabilities: { kind: "weights", keys: CAPABILITIES },
  templates: { kind: "templates" },
  paraphrase: { kind: "number", min: 0, max: 1 },
  systemShare: { kind: "number", min: 0, max: 1 },
  thinkingShare: { kind: "number", min: 0, max: 1 },
  resoldShare: { kind: "number", min: 0, max: 0.95 },
  banRate: { kind: "number", min: 0 },
  sweepDays: { kind: "days" },
  sweepShare: { kind: "number", min: 0, max: 1 },
  replacePerBan: { kind: "number", min: 0 },
  replaceDelayMin: { kind: "number", min: 0 },
  pivotShare: { kind: "number", min: 0, max: 1 },
  pivotDelayHours: { kind: "number", min: 0 },
  itemSkew: { kind: "number", min: 0 },
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks one knob's value against its rule; returns the problem, or null when it is acceptable. */
function problem(rule: Rule, v: unknown): string | null {
  const finite = typeof v === "number" && Number.isFinite(v);
  switch (rule.kind) {
    case "count":
      return finite && Number.isInteger(v) && v >= rule.min ? null : `an integer ≥ ${rule.min}`;
    case "number":
      return finite && v >= rule.min && (rule.max === undefined || v <= rule.max)
        ? null
        : `a number in ${rule.min}..${rule.max ?? "∞"}`;
    case "enum":
      return typeof v === "string" && rule.values.includes(v) ? null : `one of ${rule.values.join(", ")}`;
    case "weights": {
      const what = `an object of non-negative weights${rule.keys ? ` over ${rule.keys.join(", ")}` : ""}, not all 0`;
      if (!isObject(v)) return what;
      let sum = 0;
      for (const [key, w] of Object.entries(v)) {
        if (rule.keys && !rule.keys.includes(key)) return `${what} (unknown "${key}")`;
        if (typeof w !== "number" || !Number.isFinite(w) || w < 0)
          return `${what} ("${key}": ${JSON.stringify(w)})`;
        sum += w;
      }
      return sum > 0 ? null : what;
    }
    case "templates": {
      const ids = ADVERSARY_TEMPLATES.map((t) => t.id);
      const what = `a non-empty array of template ids (${ids.join(", ")})`;
      if (!Array.isArray(v) || v.length === 0) return what;
      const bad = v.find((id) => typeof id !== "string" || !ids.includes(id));
      return bad === undefined ? null : `${what}, not ${JSON.stringify(bad)}`;
    }
    case "days":
      return Array.isArray(v) && v.every((d) => typeof d === "number" && Number.isFinite(d) && d >= 0)
        ? null
        : "an array of non-negative numbers of days";
  }
}

/**
 * Returns the preset with its campaigns' knobs replaced as `overrides` says (parsed JSON). Throws
 * ConfigError for an unknown campaign id or knob, or a value out of its range; `source` names the
 * file in the message.
 */
export function applyCampaignOverrides(preset: Preset, overrides: unknown, source: string): Preset {
  if (!isObject(overrides))
    throw new ConfigError(`${source}: must be a JSON object mapping campaign ids to knobs`);
  const ids = preset.campaigns.map((k) => k.id);
  for (const id of Object.keys(overrides))
    if (!ids.includes(id))
      throw new ConfigError(`${source}: no campaign "${id}" in preset ${preset.name} (${ids.join(", ")})`);
  const campaigns = preset.campaigns.map((k) => {
    const patch = overrides[k.id];
    if (patch === undefined) return k;
    if (!isObject(patch)) throw new ConfigError(`${source}: "${k.id}" must be an object of knobs`);
    for (const [name, value] of Object.entries(patch)) {
      const rule = (RULES as Readonly<Record<string, Rule>>)[name];
      if (!rule)
        throw new ConfigError(
          `${source}: "${k.id}".${name} is not a campaign knob (${Object.keys(RULES).join(", ")})`,
        );
      const bad = problem(rule, value);
      if (bad)
        throw new ConfigError(`${source}: "${k.id}".${name} = ${JSON.stringify(value)}: must be ${bad}`);
    }
    const merged = { ...k, ...patch } as CampaignKnobs;
    return { ...merged, days: Math.min(merged.days, preset.days) };
  });
  return { ...preset, campaigns };
}

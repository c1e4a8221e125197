/**
 * Scale presets. `quick` (~100k exchanges) for tests and demos, `medium` (~1M), `full` (~16M
 * exchanges with ~24k attacker accounts, the disclosed campaigns' size).
 */
import type { CampaignKnobs } from "./adversary/campaign.js";
import { standardCampaigns } from "./adversary/profiles.js";
import type { PopulationSizes } from "./populations/build.js";

export interface Preset {
  name: string;
  days: number;
  /** Days after the start when the new model is released. */
  releaseDay: number;
  legit: PopulationSizes;
  /** Reseller relays (relay 0 is shared by a legit reseller and the hydra). */
  relays: number;
  relayIps: number;
  campaigns: CampaignKnobs[];
}

function preset(
  name: string,
  days: number,
  legit: PopulationSizes,
  attack: { accounts: [number, number, number, number]; exchanges: [number, number, number, number] },
  relays: number,
  relayIps: number,
): Preset {
  const [c, a, h, l] = attack.accounts;
  const [ce, ae, he, le] = attack.exchanges;
  return {
    name,
    days,
    releaseDay: Math.floor(days / 2) + 0.4,
    legit,
    relays,
    relayIps,
    campaigns: standardCampaigns({
      accounts: { cot_grader: c, agentic_vision: a, hydra_coder: h, low_and_slow: l },
      exchanges: { cot_grader: ce, agentic_vision: ae, hydra_coder: he, low_and_slow: le },
      relayIps,
    }).map((k) => ({ ...k, days: Math.min(k.days, days) })),
  };
}

export const PRESETS: Readonly<Record<string, Preset>> = {
  tiny: preset(
    "tiny",
    2,
    {
      individual_dev: 60,
      production_app: 3,
      batch_job: 2,
      eval_harness: 2,
      multi_account_org: 3,
      vpn_user: 8,
      reseller: 1,
      volume: 0.05,
    },
    { accounts: [8, 10, 30, 4], exchanges: [400, 800, 3000, 100] },
    2,
    4,
  ),
  quick: preset(
    "quick",
    3,
    {
      individual_dev: 700,
      production_app: 14,
      batch_job: 6,
      eval_harness: 6,
      multi_account_org: 20,
      vpn_user: 70,
      reseller: 2,
      volume: 0.25,
    },
    { accounts: [30, 60, 240, 15], exchanges: [2500, 9000, 33000, 600] },
    3,
    8,
  ),
  medium: preset(
    "medium",
    7,
    {
      individual_dev: 4000,
      production_app: 40,
      batch_job: 20,
      eval_harness: 20,
      multi_account_org: 120,
      vpn_user: 400,
      reseller: 6,
      volume: 0.3,
    },
    { accounts: [120, 400, 2000, 60], exchanges: [15000, 110000, 420000, 6000] },
    6,
    16,
  ),
  full: preset(
    "full",
    14,
    {
      individual_dev: 40000,
      production_app: 120,
      batch_job: 50,
      eval_harness: 50,
      multi_account_org: 1000,
      vpn_user: 4000,
      reseller: 20,
      volume: 0.3,
    },
    { accounts: [400, 2000, 9000, 200], exchanges: [110000, 2300000, 8500000, 30000] },
    12,
    48,
  ),
};

/**
 * Forensics on a suspect dataset: watermark evidence pooled over every text against the deployment key
 * and every candidate account / campaign key (Holm-corrected), exact matches of texts against the
 * receipt log (by SHA-256 of the text), and a ranked list of the accounts and campaigns the evidence
 * points to, each with the evidence that names it.
 */
import { type KeyScore, PositionSet, scoreKeys } from "./detect.js";
import { deriveWatermarkKey, scopes, type WatermarkKey } from "./keys.js";
import { type Receipt, textHash } from "./receipts/receipt.js";
import type { SynonymTable } from "./wordnet.js";

/** Input of forensicReport. */
export interface ForensicInput {
  texts: string[];
  /** Deployment master key (absent: no watermark test). */
  masterKey?: Buffer | null;
  accounts?: string[];
  campaigns?: string[];
  receipts?: Receipt[];
  alpha?: number;
  table?: SynonymTable;
}

/** One scope the evidence points to. */
export interface Attribution {
  scope: string;
  /** Watermark evidence (Holm-adjusted p-value) when the scope's key matched. */
  watermarkP: number | null;
  /** Texts in the dataset matching a receipt of this account exactly. */
  exactReceipts: number;
}

/** The forensic report. */
export interface ForensicReport {
  documents: number;
  words: number;
  /** Distinct (context, group) positions scored. */
  positions: number;
  alpha: number;
  watermark: Array<KeyScore & { scope: string }>;
  receipts: {
    searched: number;
    exactMatches: number;
    byAccount: Record<string, number>;
    byModel: Record<string, number>;
    examples: Array<{ receipt_id: string; account_id: string; model: string; time: string }>;
  };
  attribution: Attribution[];
}

/** Builds the candidate keys: deployment, then accounts, then campaigns. */
export function candidateKeys(master: Buffer, accounts: string[], campaigns: string[]): WatermarkKey[] {
  return [
    deriveWatermarkKey(master, scopes.deployment()),
    ...accounts.map((a) => deriveWatermarkKey(master, scopes.account(a))),
    ...campaigns.map((c) => deriveWatermarkKey(master, scopes.campaign(c))),
  ];
}

/** Runs every forensic test on a dataset. */
export function forensicReport(input: ForensicInput): ForensicReport {
  const alpha = input.alpha ?? 0.01;
  const receipts = input.receipts ?? [];
  // Exact matches against the receipt log.
  const byText = new Map<string, Receipt[]>();
  for (const r of receipts) {
    const h = r.leaf_json?.text_sha256;
    if (!h) continue;
    const list = byText.get(h) ?? [];
    list.push(r);
    byText.set(h, list);
  }
  const byAccount: Record<string, number> = {};
  const byModel: Record<string, number> = {};
  const examples: ForensicReport["receipts"]["examples"] = [];
  let exact = 0;
  const set = input.table ? new PositionSet(input.table) : new PositionSet();
  for (const t of input.texts) {
    set.add(t);
    const hits = byText.get(textHash(t));
    if (!hits) continue;
    exact++;
    for (const r of hits) {
      const l = r.leaf_json;
      byAccount[l.account_id] = (byAccount[l.account_id] ?? 0) + 1;
      byModel[l.model] = (byModel[l.model] ?? 0) + 1;
      if (examples.length < 20)
        examples.push({ receipt_id: r.receipt_id, account_id: l.account_id, model: l.model, time: l.time });
    }
  }
  // Watermark evidence: receipts' accounts are candidates too.
  const accounts = [...new Set([...(input.accounts ?? []), ...receipts.map((r) => r.leaf_json.account_id)])];
  const campaigns = [...new Set(input.campaigns ?? [])];
  let watermark: ForensicReport["watermark"] = [];
  if (input.masterKey) {
    const keys = candidateKeys(input.masterKey, accounts, campaigns);
    const scores = scoreKeys(set.positions, keys, alpha);
    watermark = scores.map((s, i) => ({ ...s, scope: (keys[i] as WatermarkKey).scope }));
    watermark.sort((a, b) => a.pValue - b.pValue);
  }
  const attribution = new Map<string, Attribution>();
  for (const w of watermark)
    if (w.match) attribution.set(w.scope, { scope: w.scope, watermarkP: w.adjustedP, exactReceipts: 0 });
  for (const [acct, n] of Object.entries(byAccount)) {
    const scope = scopes.account(acct);
    const a = attribution.get(scope) ?? { scope, watermarkP: null, exactReceipts: 0 };
    a.exactReceipts = n;
    attribution.set(scope, a);
  }
  return {
    documents: input.texts.length,
    words: set.words,
    positions: set.positions.length,
    alpha,
    watermark,
    receipts: { searched: receipts.length, exactMatches: exact, byAccount, byModel, examples },
    attribution: [...attribution.values()].sort(
      (a, b) => b.exactReceipts - a.exactReceipts || (a.watermarkP ?? 1) - (b.watermarkP ?? 1),
    ),
  };
}

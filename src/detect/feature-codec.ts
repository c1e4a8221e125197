/**
 * Packs batches of RequestFeatures into columns for a thread boundary: one Float64Array for the
 * numeric and boolean fields (transferred, not copied) and one flat string array. Structured clone
 * of plain objects writes every property name of every object; columns avoid that, so the thread
 * that decodes pays a fraction of what a clone or a JSON parse would cost it.
 */

import type { RequestFeatures } from "./features.js";
import type { NetClass } from "./network.js";

type NumField = {
  [K in keyof RequestFeatures]: RequestFeatures[K] extends number ? K : never;
}[keyof RequestFeatures];

/** Numeric fields, in column order. `asn` (number | null) and the booleans are handled apart. */
const NUM = [
  "timeMs",
  "sysKey",
  "skeleton",
  "headKey",
  "tailKey",
  "simHi",
  "simLo",
  "caps",
  "shapeKey",
  "maxTokens",
  "turns",
  "images",
  "tools",
  "promptChars",
  "createdMs",
  "status",
  "outputTokens",
] as const satisfies readonly NumField[];

/** String fields, in column order. `orgId` (string | null) is handled apart. */
const STR = [
  "accountId",
  "model",
  "ip",
  "prefix",
  "netClass",
  "country",
  "userAgent",
  "uaFamily",
  "tls",
  "payment",
  "emailDomain",
  "tier",
] as const;

/** Columns per record: numbers, then asn, verified, cot, banned. */
const NW = NUM.length + 4;
/** Strings per record: strings, then orgId (null as the one string no id can be: "\u0000"). */
const SW = STR.length + 1;
const NULL_STR = "\u0000";

/** Every field the codec carries; a test checks this against a real RequestFeatures. */
export const CODEC_FIELDS: readonly string[] = [...NUM, ...STR, "asn", "verified", "cot", "banned", "orgId"];

export interface FeatureColumns {
  count: number;
  nums: Float64Array<ArrayBuffer>;
  strs: string[];
}

export function encodeFeatures(list: readonly RequestFeatures[]): FeatureColumns {
  const nums = new Float64Array(list.length * NW);
  const strs = new Array<string>(list.length * SW);
  for (let i = 0; i < list.length; i++) {
    const f = list[i]!;
    let o = i * NW;
    for (const k of NUM) nums[o++] = f[k];
    nums[o++] = f.asn === null ? Number.NaN : f.asn;
    nums[o++] = f.verified === null ? -1 : f.verified ? 1 : 0;
    nums[o++] = f.cot ? 1 : 0;
    nums[o] = f.banned ? 1 : 0;
    let s = i * SW;
    for (const k of STR) strs[s++] = f[k];
    strs[s] = f.orgId === null ? NULL_STR : f.orgId;
  }
  return { count: list.length, nums, strs };
}

export function decodeFeatures(cols: FeatureColumns): RequestFeatures[] {
  const { nums: n, strs: s } = cols;
  const out = new Array<RequestFeatures>(cols.count);
  for (let i = 0; i < cols.count; i++) {
    const o = i * NW;
    const p = i * SW;
    const asn = n[o + 17]!;
    const verified = n[o + 18]!;
    const org = s[p + 12]!;
    // one literal, so every record gets the same hidden class as extractFeatures' objects
    out[i] = {
      timeMs: n[o]!,
      accountId: s[p]!,
      orgId: org === NULL_STR ? null : org,
      model: s[p + 1]!,
      sysKey: n[o + 1]!,
      skeleton: n[o + 2]!,
      headKey: n[o + 3]!,
      tailKey: n[o + 4]!,
      simHi: n[o + 5]!,
      simLo: n[o + 6]!,
      caps: n[o + 7]!,
      cot: n[o + 19] === 1,
      shapeKey: n[o + 8]!,
      maxTokens: n[o + 9]!,
      turns: n[o + 10]!,
      images: n[o + 11]!,
      tools: n[o + 12]!,
      promptChars: n[o + 13]!,
      ip: s[p + 2]!,
      prefix: s[p + 3]!,
      asn: Number.isNaN(asn) ? null : asn,
      netClass: s[p + 4] as NetClass,
      country: s[p + 5]!,
      userAgent: s[p + 6]!,
      uaFamily: s[p + 7]!,
      tls: s[p + 8]!,
      createdMs: n[o + 14]!,
      verified: verified < 0 ? null : verified === 1,
      payment: s[p + 9]!,
      emailDomain: s[p + 10]!,
      tier: s[p + 11]!,
      status: n[o + 15]!,
      banned: n[o + 20] === 1,
      outputTokens: n[o + 16]!,
    };
  }
  return out;
}

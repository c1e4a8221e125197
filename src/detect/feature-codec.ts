/**
 * Packs batches of RequestFeatures into columns for a thread boundary: one Float64Array for the
 * numeric and boolean fields and one Int32Array of string ids (both transferred, not copied).
 * Structured clone of plain objects writes every property name of every object; columns avoid that,
 * so the thread that decodes pays a fraction of what a clone or a JSON parse would cost it.
 *
 * Strings travel as ids in a dictionary the two sides build together: the encoder (one per sending
 * thread) gives each new string the next id and sends it once, in the batch where it first
 * appears; the decoder appends a batch's new strings to its table before decoding it. A log's
 * strings repeat (accounts, models, client stacks, networks), so most batches send few; the
 * decoding thread allocates no string per request, and the engine's repeated comparisons and map
 * lookups meet the same string object. Batches of one encoder must be decoded in the order they
 * were encoded. Client addresses, and any new string once the dictionary is full, are sent inline
 * with their batch.
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
  /** Per record, one id per string field: >= 0 a dictionary id, < 0 `-1 - i` for `inline[i]`. */
  strIds: Int32Array<ArrayBuffer>;
  /** Strings given dictionary ids in this batch, in id order (they follow the ids sent before). */
  fresh: string[];
  /** Strings sent with this batch only (the dictionary was full). */
  inline: string[];
}

/** Strings the encoder has given ids (one per sending thread; see the module comment). */
export class StringEncoder {
  private readonly ids = new Map<string, number>();
  /** Most ids it gives (an address per request from a proxy pool must not grow it forever). */
  constructor(private readonly cap = 1 << 18) {}

  /** Id of `s`, new ones appended to `fresh`; -1 when the dictionary is full and `s` is not in it. */
  id(s: string, fresh: string[]): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      if (this.ids.size >= this.cap) return -1;
      id = this.ids.size;
      this.ids.set(s, id);
      fresh.push(s);
    }
    return id;
  }
}

/** The decoder's side of a StringEncoder's dictionary. */
export class StringDecoder {
  readonly table: string[] = [];
}

/**
 * Encodes a batch. Without an encoder, the batch carries its own dictionary (decode it with a fresh
 * decoder or none).
 */
export function encodeFeatures(list: readonly RequestFeatures[], dict = new StringEncoder()): FeatureColumns {
  const nums = new Float64Array(list.length * NW);
  const strIds = new Int32Array(list.length * SW);
  const fresh: string[] = [];
  const inline: string[] = [];
  const put = (at: number, v: string) => {
    const id = dict.id(v, fresh);
    if (id >= 0) strIds[at] = id;
    else {
      strIds[at] = -1 - inline.length;
      inline.push(v);
    }
  };
  for (let i = 0; i < list.length; i++) {
    const f = list[i]!;
    let o = i * NW;
    for (const k of NUM) nums[o++] = f[k];
    nums[o++] = f.asn === null ? Number.NaN : f.asn;
    nums[o++] = f.verified === null ? -1 : f.verified ? 1 : 0;
    nums[o++] = f.cot ? 1 : 0;
    nums[o] = f.banned ? 1 : 0;
    let s = i * SW;
    for (const k of STR) {
      // client addresses rarely repeat across a log (a proxy pool's rotate per request): a
      // dictionary of them would only grow, and cost a lookup each
      if (k === "ip") {
        strIds[s++] = -1 - inline.length;
        inline.push(f.ip);
      } else put(s++, f[k]);
    }
    put(s, f.orgId === null ? NULL_STR : f.orgId);
  }
  return { count: list.length, nums, strIds, fresh, inline };
}

/** Decodes a batch; `dict` must have decoded this encoder's earlier batches, in order. */
export function decodeFeatures(cols: FeatureColumns, dict = new StringDecoder()): RequestFeatures[] {
  const { nums: n, strIds: ids, inline } = cols;
  const table = dict.table;
  for (const v of cols.fresh) table.push(v);
  const str = (at: number): string => {
    const id = ids[at]!;
    const v = id >= 0 ? table[id] : inline[-1 - id];
    if (v === undefined)
      throw new Error(
        `feature columns: string id ${id} is not in the dictionary (${table.length} strings): batches decoded out of order or with another encoder's decoder`,
      );
    return v;
  };
  const out = new Array<RequestFeatures>(cols.count);
  for (let i = 0; i < cols.count; i++) {
    const o = i * NW;
    const p = i * SW;
    const asn = n[o + 17]!;
    const verified = n[o + 18]!;
    const org = str(p + 12);
    // one literal, so every record gets the same hidden class as extractFeatures' objects
    out[i] = {
      timeMs: n[o]!,
      accountId: str(p),
      orgId: org === NULL_STR ? null : org,
      model: str(p + 1),
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
      ip: str(p + 2),
      prefix: str(p + 3),
      asn: Number.isNaN(asn) ? null : asn,
      netClass: str(p + 4) as NetClass,
      country: str(p + 5),
      userAgent: str(p + 6),
      uaFamily: str(p + 7),
      tls: str(p + 8),
      createdMs: n[o + 14]!,
      verified: verified < 0 ? null : verified === 1,
      payment: str(p + 9),
      emailDomain: str(p + 10),
      tier: str(p + 11),
      status: n[o + 15]!,
      banned: n[o + 20] === 1,
      outputTokens: n[o + 16]!,
    };
  }
  return out;
}

/**
 * Global index of shared attributes ("keys"): templates, address prefixes, ASNs, TLS+UA stacks,
 * payment fingerprints, creation windows, e-mail domains, organisations. Each key keeps how many
 * accounts hold it (document frequency, for rarity weighting) and a bounded reservoir of members
 * (for candidate generation): linking never compares all pairs.
 */
import { fmix, hashString } from "./hash.js";

export const KeyType = {
  template: 0,
  prefix: 1,
  asn: 2,
  tlsUa: 3,
  payment: 4,
  creation: 5,
  email: 6,
  org: 7,
} as const;
export type KeyTypeId = (typeof KeyType)[keyof typeof KeyType];
export const KEY_TYPE_NAMES = [
  "template",
  "prefix",
  "asn",
  "tlsUa",
  "payment",
  "creation",
  "email",
  "org",
] as const;

const TWO32 = 0x100000000;
const TYPE_UNIT = 2 ** 50;

/** Numeric key (53-bit safe) for a 32-bit hash of a given type. */
export function keyOfHash(type: KeyTypeId, h: number): number {
  return type * TYPE_UNIT + (fmix(h ^ 0x2545f491) & 0x3ffff) * TWO32 + (h >>> 0);
}

/** Numeric key for a string value of a given type (50 bits of two independent hashes). */
export function keyOfString(type: KeyTypeId, s: string): number {
  const a = hashString(s);
  const b = fmix(hashString(`${s}\u0001`));
  return type * TYPE_UNIT + (b & 0x3ffff) * TWO32 + a;
}

/** Key type of a numeric key. */
export function typeOfKey(key: number): KeyTypeId {
  return Math.floor(key / TYPE_UNIT) as KeyTypeId;
}

/** One shared attribute. */
export interface Bucket {
  /** Buckets are numbered 0, 1, ... in order of creation (and never removed). */
  id: number;
  /** Accounts that hold the key. */
  df: number;
  /** Reservoir sample of member account indexes. */
  members: number[];
  /** Short human label for evidence (e.g. the prefix), where one exists. */
  label: string;
}

/** The index itself. */
export class KeyIndex {
  readonly buckets = new Map<number, Bucket>();
  private rng = 0x9e3779b9;

  constructor(private readonly reservoir = 64) {}

  private random(): number {
    // xorshift32
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng / TWO32;
  }

  /** Adds an account to a key's bucket (the caller ensures it is not already a member). */
  add(key: number, account: number, label: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { id: this.buckets.size, df: 0, members: [], label };
      this.buckets.set(key, b);
    }
    b.df++;
    if (b.members.length < this.reservoir) b.members.push(account);
    else {
      const j = Math.floor(this.random() * b.df);
      if (j < this.reservoir) b.members[j] = account;
    }
    return b;
  }

  /** Up to `k` members of a bucket other than `self`, sampled at random. */
  sample(b: Bucket, k: number, self: number, out: number[]): void {
    const m = b.members;
    if (m.length <= k + 1) {
      for (const a of m) if (a !== self) out.push(a);
      return;
    }
    const start = Math.floor(this.random() * m.length);
    let taken = 0;
    for (let i = 0; i < m.length && taken < k; i++) {
      const a = m[(start + i * 67) % m.length]!;
      if (a !== self) {
        out.push(a);
        taken++;
      }
    }
  }
}

/**
 * Prompt fingerprints in one pass over the text, with no per-token allocation:
 * - a skeleton hash of the normalised token sequence (numbers, ids and capitalised names become
 *   placeholders), equal for two fills of the same template;
 * - head and tail hashes (first / last 8 normalised tokens), which catch a fixed wrapper around
 *   variable content;
 * - a 64-bit SimHash over normalised token bigrams, near for near-duplicate prompts;
 * - capability tags from phrase tables (see capabilities.ts).
 */
import { CAPABILITIES, PHRASES } from "./capabilities.js";
import { FNV_OFFSET, fmix, mix2 } from "./hash.js";

const NUM = 0x6e756d21; // placeholder hash for numbers and ids
const NAME = 0x6e616d65; // placeholder hash for capitalised words (names, sentence starts)
const EDGE = 8; // tokens in the head / tail hash (a power of two: the tail ring is indexed with a mask)
const MAX_CHARS = 8000; // characters scanned per text (bounded cost on huge prompts)
const MAX_SHINGLES = 64; // SimHash shingles kept per request (content-sampled on long texts)

/** Result of fingerprinting one text. */
export interface TextPrint {
  skeleton: number;
  head: number;
  tail: number;
  /** Capability bits from phrase tables, before structural tags. */
  tags: number;
  /** Word tokens seen. */
  words: number;
}

// Phrase lookup: hashes of 1-3 word phrases (lower case) -> tag bits, with a 64k-bit pre-filter.
const phraseMap = new Map<number, number>();
const phraseFilter = new Uint8Array(8192);
const REWRITE = 1 << 30;
const SENSITIVE = 1 << 29;

function phraseWords(phrase: string): number[] {
  const out: number[] = [];
  let h = FNV_OFFSET;
  let inWord = false;
  for (let i = 0; i <= phrase.length; i++) {
    const c = i < phrase.length ? phrase.charCodeAt(i) : 32;
    if (isWordChar(c)) {
      h = Math.imul(h ^ lower(c), 0x01000193) >>> 0;
      inWord = true;
    } else if (inWord) {
      out.push(h);
      h = FNV_OFFSET;
      inWord = false;
    }
  }
  return out;
}

/** Cheap chaining of word hashes into a phrase hash (the phrase table is small; collisions are harmless). */
function chain(prev: number, h: number): number {
  return (Math.imul(prev, 0x9e3779b1) ^ h) >>> 0;
}

function phraseHash(words: number[]): number {
  let h = words[0]!;
  for (let i = 1; i < words.length; i++) h = chain(h, words[i]!);
  return h;
}

function filterSlot(h: number): number {
  return (h ^ (h >>> 16)) & 0xffff;
}

for (const [tag, phrases] of Object.entries(PHRASES)) {
  const bit =
    tag === "rewrite_cue"
      ? REWRITE
      : tag === "sensitive_cue"
        ? SENSITIVE
        : 1 << CAPABILITIES.indexOf(tag as (typeof CAPABILITIES)[number]);
  for (const p of phrases) {
    const words = phraseWords(p);
    if (words.length === 0 || words.length > 3) continue;
    const h = phraseHash(words);
    phraseMap.set(h, (phraseMap.get(h) ?? 0) | bit);
    const slot = filterSlot(h);
    phraseFilter[slot >>> 3]! |= 1 << (slot & 7);
  }
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c > 127;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function lookupPhrase(h: number): number {
  const slot = filterSlot(h);
  if ((phraseFilter[slot >>> 3]! & (1 << (slot & 7))) === 0) return 0;
  return phraseMap.get(h) ?? 0;
}

const POLICY_BIT = 1 << CAPABILITIES.indexOf("policy_rewrite");

/**
 * Running SimHash accumulator over several texts (system + user). Per-bit counts are kept packed,
 * four 8-bit lanes to a word (word k counts bits k, k+8, k+16 and k+24 of a hash), so adding a
 * shingle costs eight additions per 32 bits instead of 32; the lanes are folded into the signed
 * per-bit sums (+1 for a set bit, -1 for a clear one) before they could overflow.
 */
export class SimHasher {
  private readonly acc = new Int32Array(64);
  /** Packed counts of set bits since the last fold: 0-7 for the low hash, 8-15 for the high one. */
  private readonly lanes = new Uint32Array(16);
  private pending = 0;
  shingles = 0;

  /** Clears the accumulator. */
  reset(): void {
    this.acc.fill(0);
    this.lanes.fill(0);
    this.pending = 0;
    this.shingles = 0;
  }

  /** Adds one shingle hash. */
  add(s: number): void {
    const a = fmix(s);
    const b = fmix(s ^ 0x5bd1e995);
    const l = this.lanes;
    for (let k = 0; k < 8; k++) {
      l[k]! += (a >>> k) & 0x01010101;
      l[k + 8]! += (b >>> k) & 0x01010101;
    }
    this.shingles++;
    if (++this.pending === 255) this.fold();
  }

  /** Moves the packed counts into the signed per-bit sums. */
  private fold(): void {
    const n = this.pending;
    if (n === 0) return;
    const l = this.lanes;
    const acc = this.acc;
    for (let k = 0; k < 8; k++) {
      const x = l[k]!;
      const y = l[k + 8]!;
      for (let j = 0; j < 4; j++) {
        const bit = k + 8 * j;
        acc[bit]! += ((x >>> (8 * j)) & 0xff) * 2 - n;
        acc[bit + 32]! += ((y >>> (8 * j)) & 0xff) * 2 - n;
      }
    }
    l.fill(0);
    this.pending = 0;
  }

  /** Copies the accumulator out (to cache a text's contribution). */
  snapshot(): { acc: Int32Array; shingles: number } {
    this.fold();
    return { acc: this.acc.slice(), shingles: this.shingles };
  }

  /** Adds a cached contribution. */
  addSnapshot(s: { acc: Int32Array; shingles: number }): void {
    for (let i = 0; i < 64; i++) this.acc[i]! += s.acc[i]!;
    this.shingles += s.shingles;
  }

  /** High 32 bits of the SimHash. */
  hi(): number {
    this.fold();
    let v = 0;
    for (let i = 0; i < 32; i++) if (this.acc[i + 32]! > 0) v |= 1 << i;
    return v >>> 0;
  }

  /** Low 32 bits of the SimHash. */
  lo(): number {
    this.fold();
    let v = 0;
    for (let i = 0; i < 32; i++) if (this.acc[i]! > 0) v |= 1 << i;
    return v >>> 0;
  }
}

const tailRing = new Uint32Array(EDGE);
// The text's UTF-16 code units are copied here once per call: reading a typed array in the scan loop
// is cheaper than charCodeAt, which re-checks the string's representation at every character.
// One unit past the text holds a space, so a word ends there without a bounds test per character.
const unitBytes = Buffer.allocUnsafeSlow((MAX_CHARS + 1) * 2);
const UNITS = new Uint16Array(unitBytes.buffer, unitBytes.byteOffset, MAX_CHARS + 1);

// Character classes for the scanner: 0 punctuation, 1 space, 2 lower-case / other word, 3 upper, 4 digit.
const KIND = new Uint8Array(65536);
for (let c = 0; c < 65536; c++) KIND[c] = isWordChar(c) ? 2 : 0;
for (let c = 65; c <= 90; c++) KIND[c] = 3;
for (let c = 48; c <= 57; c++) KIND[c] = 4;
for (const c of [32, 9, 10, 13, 0xa0]) KIND[c] = 1;

/**
 * Fingerprints one text. Shingles go into `sim` (pass the same hasher for the texts of one request).
 */
export function fingerprintText(text: string, sim: SimHasher): TextPrint {
  const n = Math.min(text.length, MAX_CHARS);
  // Sample shingles by content on long texts so near-duplicates keep the same sample (about 64 kept).
  const sampleMask = n > 1280 ? 15 : n > 640 ? 7 : n > 320 ? 3 : n > 160 ? 1 : 0;
  unitBytes.write(text, 0, n * 2, "utf16le");
  const units = UNITS;
  units[n] = 32;
  let skeleton = FNV_OFFSET;
  let head = FNV_OFFSET;
  let tokens = 0;
  let words = 0;
  let tags = 0;
  let prevNorm = 0;
  let w1 = 0; // previous word hash (lower case), 0 at a sentence break
  let c2 = 0; // chained hash of the previous two words, 0 when fewer
  let i = 0;
  while (i < n) {
    let c = units[i]!;
    let kind = KIND[c]!;
    if (kind === 1) {
      i++;
      continue;
    }
    let norm: number;
    if (kind >= 2) {
      let h = FNV_OFFSET;
      const capital = kind === 3;
      let seen = 0; // bit k set when a character of kind k occurs in the word
      do {
        seen |= 1 << kind;
        // kind 3 (A-Z) is the only odd kind inside a word: add 32 to lower-case it
        h = Math.imul(h ^ (c + ((kind & 1) << 5)), 0x01000193);
        c = units[++i]!;
        kind = KIND[c]!;
      } while (kind >= 2);
      h >>>= 0;
      words++;
      // phrases of 1-3 words
      let bits = lookupPhrase(h);
      let nc2 = 0;
      if (w1 !== 0) {
        nc2 = chain(w1, h);
        bits |= lookupPhrase(nc2);
        if (c2 !== 0) bits |= lookupPhrase(chain(c2, h));
      }
      tags |= bits;
      c2 = nc2;
      w1 = h;
      norm = seen & (1 << 4) ? NUM : capital && seen & (1 << 2) ? NAME : h;
    } else {
      norm = c;
      if (c === 46 || c === 63 || c === 33 || c === 58) {
        w1 = 0;
        c2 = 0;
      }
      i++;
    }
    skeleton = Math.imul(skeleton ^ norm, 0x01000193) >>> 0;
    if (tokens < EDGE) head = mix2(head, norm);
    tailRing[tokens & (EDGE - 1)] = norm;
    if (tokens > 0 && sim.shingles < MAX_SHINGLES) {
      const sh = chain(prevNorm, norm);
      if ((((sh >>> 7) ^ sh) & sampleMask) === 0) sim.add(sh);
    }
    prevNorm = norm;
    tokens++;
  }
  let tail = FNV_OFFSET;
  const k = Math.min(tokens, EDGE);
  for (let j = tokens - k; j < tokens; j++) tail = mix2(tail, tailRing[j & (EDGE - 1)]!);
  if (tags & REWRITE && tags & SENSITIVE) tags |= POLICY_BIT;
  tags &= (1 << CAPABILITIES.length) - 1;
  return { skeleton: fmix(skeleton ^ tokens), head, tail, tags, words };
}

interface CachedPrint {
  print: TextPrint;
  snap: { acc: Int32Array; shingles: number };
}

const cache = new Map<string, CachedPrint>();
const CACHE_MAX = 4096;
const scratch = new SimHasher();

/**
 * Fingerprints a text that repeats across requests (a system prompt), from a bounded cache. Its
 * shingles are added to `sim` exactly as fingerprintText would add them to an empty hasher.
 */
export function fingerprintCached(text: string, sim: SimHasher): TextPrint {
  let hit = cache.get(text);
  if (!hit) {
    scratch.reset();
    const print = fingerprintText(text, scratch);
    hit = { print, snap: scratch.snapshot() };
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(text, hit);
  }
  sim.addSnapshot(hit.snap);
  return hit.print;
}

/**
 * Watermark quality on the 500 real GPT-4 answers.
 *   node dist/bench/provenance/quality.js [--keys 5]
 * - share of words changed, positions per 1,000 words;
 * - protected spans (code blocks, inline code, URLs, numbers, quoted text) byte-identical;
 * - meaning preservation, measured with a corpus the table was not built from (every other real
 *   text in ../shared/data): distributional similarity (PPMI context vectors, window +-2) of each
 *   substitution pair against random word pairs of similar frequency, and the change in bigram
 *   log-probability of the sentence around each substitution;
 * - the most frequent substitutions, for a human to read.
 */
import { createHash } from "node:crypto";
import { createWatermarker } from "../../src/provenance/watermark.js";
import { loadSynonymTable } from "../../src/provenance/wordnet.js";
import { arenaAnswers, cleanCollections, dataDir, rng, wordCount } from "./data.js";

const dir = dataDir();
if (!dir) {
  process.stderr.write("needs ../shared/data (or DG_DATA)\n");
  process.exit(2);
}
const i = process.argv.indexOf("--keys");
const KEYS = i > 0 ? Number(process.argv[i + 1]) : 5;
const out = (s: string) => process.stdout.write(`${s}\n`);
const table = loadSynonymTable();
const answers = arenaAnswers(dir);
const totalWords = answers.reduce((a, t) => a + wordCount(t), 0);

/** Spans that must never change. */
function protectedSpans(t: string): string[] {
  const spans: string[] = [];
  spans.push(...(t.match(/```[\s\S]*?```/g) ?? []));
  const noFence = t.replace(/```[\s\S]*?```/g, "");
  spans.push(...(noFence.match(/`[^`\n]+`/g) ?? []));
  spans.push(...(t.match(/https?:\/\/\S+/g) ?? []));
  spans.push(...(t.match(/\d+(?:[.,]\d+)*/g) ?? []));
  spans.push(...(noFence.match(/"[^"\n]{1,200}"|“[^”\n]{1,200}”/g) ?? []));
  return spans;
}

// ---- Changes and protected spans ----
const subs = new Map<string, number>();
type Sub = { prev: string; from: string; to: string; next: string };
const examples: Sub[] = [];
let changed = 0;
let positions = 0;
let spanTotal = 0;
let spanBroken = 0;
for (let k = 0; k < KEYS; k++) {
  const wm = createWatermarker({ key: createHash("sha256").update(`quality key ${k}`).digest(), table });
  for (const a of answers) {
    const s = wm.stream();
    const marked = s.push(a) + s.end();
    const st = s.stats();
    changed += st.changed;
    positions += st.positions;
    const before = protectedSpans(a);
    const after = protectedSpans(marked);
    spanTotal += before.length;
    const rest = [...after];
    for (const sp of before) {
      const at = rest.indexOf(sp);
      if (at < 0) spanBroken++;
      else rest.splice(at, 1);
    }
    const aw = a.split(/(\s+)/);
    const bw = marked.split(/(\s+)/);
    for (let w = 0; w < aw.length; w++) {
      if (aw[w] === bw[w]) continue;
      const from = (aw[w] as string).replace(/[^A-Za-z]/g, "").toLowerCase();
      const to = (bw[w] as string).replace(/[^A-Za-z]/g, "").toLowerCase();
      subs.set(`${from} -> ${to}`, (subs.get(`${from} -> ${to}`) ?? 0) + 1);
      const prev = (aw[w - 2] ?? "").replace(/[^A-Za-z]/g, "").toLowerCase();
      const next = (aw[w + 2] ?? "").replace(/[^A-Za-z]/g, "").toLowerCase();
      examples.push({ prev, from, to, next });
    }
  }
}
out(`## Watermark quality on ${answers.length} real answers (${totalWords} words), ${KEYS} keys\n`);
out(
  `- words changed: ${((100 * changed) / (KEYS * totalWords)).toFixed(2)}% of all words (${(changed / KEYS).toFixed(0)} per key)`,
);
out(
  `- scored positions: ${((1000 * positions) / (KEYS * totalWords)).toFixed(1)} per 1,000 words; ${((100 * changed) / positions).toFixed(0)}% of them changed`,
);
out(
  `- protected spans (code blocks, inline code, URLs, numbers, quotations): ${spanTotal} checked, ${spanBroken} altered`,
);

// ---- Reference corpus (independent of the table and of the answers) ----
const reference = cleanCollections(dir)
  .filter((c) => c.name !== "arena-hard GPT-4 answers")
  .flatMap((c) => c.docs);
const tok = (t: string) => t.toLowerCase().match(/[a-z]+/g) ?? [];
const freq = new Map<string, number>();
const bigram = new Map<string, number>();
const seqs: string[][] = [];
for (const d of reference) {
  const s = tok(d);
  seqs.push(s);
  for (let j = 0; j < s.length; j++) {
    freq.set(s[j] as string, (freq.get(s[j] as string) ?? 0) + 1);
    if (j > 0) bigram.set(`${s[j - 1]} ${s[j]}`, (bigram.get(`${s[j - 1]} ${s[j]}`) ?? 0) + 1);
  }
}
const N = [...freq.values()].reduce((a, b) => a + b, 0);
const V = freq.size;
// PPMI vectors only for the words we need (substitution words + baseline words).
const need = new Set<string>();
for (const e of examples) {
  need.add(e.from);
  need.add(e.to);
}
const r = rng(3);
const vocab = [...freq.entries()].filter(([, c]) => c >= 5).sort((a, b) => b[1] - a[1]);
const randomPairs: Array<[string, string]> = [];
for (const [a] of [...need].map((w) => [w] as const)) {
  const fa = freq.get(a) ?? 0;
  if (fa < 5) continue;
  // A random word of similar frequency (within a factor of 2).
  const band = vocab.filter(([, c]) => c >= fa / 2 && c <= fa * 2 && true);
  const pick = band[Math.floor(r() * band.length)];
  if (pick && pick[0] !== a) {
    randomPairs.push([a, pick[0]]);
    need.add(pick[0]);
  }
}
const ctx = new Map<string, Map<string, number>>();
for (const s of seqs) {
  for (let j = 0; j < s.length; j++) {
    const w = s[j] as string;
    if (!need.has(w)) continue;
    let m = ctx.get(w);
    if (!m) {
      m = new Map();
      ctx.set(w, m);
    }
    for (let d = -2; d <= 2; d++) {
      const c = s[j + d];
      if (d === 0 || c === undefined) continue;
      m.set(c, (m.get(c) ?? 0) + 1);
    }
  }
}
const vec = new Map<string, Map<string, number>>();
function ppmi(w: string): Map<string, number> {
  const cached = vec.get(w);
  if (cached) return cached;
  const m = ctx.get(w) ?? new Map<string, number>();
  const tot = [...m.values()].reduce((a, b) => a + b, 0);
  const v = new Map<string, number>();
  for (const [c, n] of m) {
    const pmi = Math.log((n * N) / (tot * (freq.get(c) ?? 1)));
    if (pmi > 0) v.set(c, pmi);
  }
  vec.set(w, v);
  return v;
}
function cosine(a: string, b: string): number | null {
  const va = ppmi(a);
  const vb = ppmi(b);
  if (va.size === 0 || vb.size === 0) return null;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [c, x] of va) {
    na += x * x;
    const y = vb.get(c);
    if (y) dot += x * y;
  }
  for (const y of vb.values()) nb += y * y;
  return dot / Math.sqrt(na * nb);
}
const quantiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s[Math.floor(p * (s.length - 1))] ?? Number.NaN).toFixed(3);
  return `median ${q(0.5)}, quartiles ${q(0.25)} / ${q(0.75)}`;
};
const subPairs = [...subs.keys()].map((k) => k.split(" -> ") as [string, string]);
const subCos: number[] = [];
let unseen = 0;
for (const [a, b] of subPairs) {
  const c = cosine(a, b);
  if (c === null) unseen++;
  else subCos.push(c);
}
const randCos = randomPairs.map(([a, b]) => cosine(a, b)).filter((c): c is number => c !== null);
const p95 = [...randCos].sort((a, b) => a - b)[Math.floor(0.95 * (randCos.length - 1))] ?? 1;
out(
  `\n### Meaning preservation (reference corpus: ${reference.length} other real documents, ${N} words, never used to build the table)\n`,
);
out(
  `- distributional similarity (PPMI, window +-2) of the ${subCos.length} distinct substitution pairs: ${quantiles(subCos)}`,
);
out(`- same measure for ${randCos.length} random word pairs of similar frequency: ${quantiles(randCos)}`);
out(
  `- substitution pairs more similar than 95% of random pairs: ${((100 * subCos.filter((c) => c > p95).length) / subCos.length).toFixed(0)}%; pairs not scored because a word is absent from the reference corpus: ${unseen}`,
);
// Bigram fluency change around each substitution (add-one smoothing over the reference corpus).
const lp = (a: string, b: string) =>
  Math.log(((bigram.get(`${a} ${b}`) ?? 0) + 1) / ((freq.get(a) ?? 0) + V));
const deltas = examples.map(
  (e) => lp(e.prev, e.to) + lp(e.to, e.next) - lp(e.prev, e.from) - lp(e.from, e.next),
);
out(
  `- change of bigram log-probability (nats) of (previous word, word, next word) at each of ${deltas.length} substitutions: ${quantiles(deltas)}`,
);
const top = [...subs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
out(`\n### Most frequent substitutions (all keys)\n\n${top.map(([k, n]) => `${k} (${n})`).join(", ")}`);

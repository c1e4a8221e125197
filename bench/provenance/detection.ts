/**
 * Detection power and false-positive rate on real text.
 *   node dist/bench/provenance/detection.js [--trials N]
 * Power: the 500 real GPT-4 answers watermarked with a fresh key per trial; random documents pooled
 * until a word budget is reached; exact p-value. FPR: every clean real document (thousands), each
 * tested against a fresh random key; rejections at level a compared with the exact expected number
 * under H0 (the test is discrete, so P(p <= a) is below a by a known amount), plus randomized
 * p-values, which are exactly uniform under H0.
 */
import { randomBytes } from "node:crypto";
import { PositionSet, scoreKey, scoreKeys } from "../../src/provenance/detect.js";
import { greenTail } from "../../src/provenance/stats.js";
import { createWatermarker } from "../../src/provenance/watermark.js";
import { loadSynonymTable } from "../../src/provenance/wordnet.js";
import { arenaAnswers, cleanCollections, dataDir, rng, wordCount } from "./data.js";

const dir = dataDir();
if (!dir) {
  process.stderr.write("needs ../shared/data (or DG_DATA)\n");
  process.exit(2);
}
const trialsArg = process.argv.indexOf("--trials");
const TRIALS = trialsArg > 0 ? Number(process.argv[trialsArg + 1]) : 100;
const keysArg = process.argv.indexOf("--keys-per-doc");
/** Independent random keys tested on each clean document (each is one H0 test). */
const KPD = keysArg > 0 ? Number(process.argv[keysArg + 1]) : 10;
const table = loadSynonymTable();
const rand = rng(7);
const answers = arenaAnswers(dir);
const out = (s: string) => process.stdout.write(`${s}\n`);

// ---- Power vs words ----
const budgets = [100, 250, 500, 1000, 2000, 5000, 10000, 20000];
out(`## Detection power on watermarked real answers (${TRIALS} trials per row, fresh key per trial)\n`);
out(
  "| words examined | median scored positions | median p-value | detected at p<0.01 | detected at p<1e-6 |",
);
out("| ---: | ---: | ---: | ---: | ---: |");
const rows: Array<{ pos: number[]; p: number[] }> = budgets.map(() => ({ pos: [], p: [] }));
for (let t = 0; t < TRIALS; t++) {
  const key = randomBytes(32);
  const wm = createWatermarker({ key, table });
  const order = answers.map((_, i) => i).sort(() => rand() - 0.5);
  const marked = new Map<number, string>();
  budgets.forEach((budget, bi) => {
    const set = new PositionSet(table);
    let words = 0;
    for (const i of order) {
      if (words >= budget) break;
      let text = marked.get(i);
      if (text === undefined) {
        text = wm.apply(answers[i] as string);
        marked.set(i, text);
      }
      // Take a prefix of the last document so the budget is met exactly.
      const need = budget - words;
      const parts = text.split(/(\s+)/);
      const wc = wordCount(text);
      const piece = wc <= need ? text : parts.slice(0, need * 2).join("");
      set.add(piece);
      words += Math.min(wc, need);
    }
    const s = scoreKey(set.positions, key);
    rows[bi]?.pos.push(s.positions);
    rows[bi]?.p.push(s.pValue);
  });
  if ((t + 1) % 20 === 0) process.stderr.write(`power trial ${t + 1}/${TRIALS}\n`);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const fmt = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));
budgets.forEach((b, bi) => {
  const r = rows[bi] as { pos: number[]; p: number[] };
  const d1 = r.p.filter((p) => p < 0.01).length / r.p.length;
  const d2 = r.p.filter((p) => p < 1e-6).length / r.p.length;
  out(
    `| ${b} | ${median(r.pos)} | ${fmt(median(r.p))} | ${(d1 * 100).toFixed(0)}% | ${(d2 * 100).toFixed(0)}% |`,
  );
});

// ---- False-positive rate on clean text ----
const levels = [0.001, 0.01, 0.05, 0.1];
out(
  `\n## False-positive rate on clean real text (${KPD} independent random keys per document, each one H0 test)\n`,
);
out(
  "| collection | documents | tests (docs with >=1 position x keys) | words | " +
    levels.map((a) => `reject at ${a}: observed / exact expected`).join(" | ") +
    " | randomized p <= 0.01 | randomized p <= 0.05 |",
);
out(`| --- | ---: | ---: | ---: | ${levels.map(() => "---:").join(" | ")} | ---: | ---: |`);
const totals = { docs: 0, scored: 0, obs: levels.map(() => 0), exp: levels.map(() => 0), r1: 0, r5: 0 };
for (const c of cleanCollections(dir)) {
  let scored = 0;
  let words = 0;
  const obs = levels.map(() => 0);
  const exp = levels.map(() => 0);
  let r1 = 0;
  let r5 = 0;
  for (const doc of c.docs) {
    words += wordCount(doc);
    const set = new PositionSet(table);
    set.add(doc);
    if (set.positions.length === 0) continue;
    for (let kk = 0; kk < KPD; kk++) {
      scored++;
      const s = scoreKey(set.positions, randomBytes(32));
      const counts = new Map<number, number>();
      for (const p of set.positions)
        counts.set(p.group.members.length, (counts.get(p.group.members.length) ?? 0) + 1);
      // Exact size of the test at each level for this document: P_H0(p(S) <= a).
      const n = set.positions.length;
      const tail = Array.from({ length: n + 2 }, (_, x) => greenTail(counts, x).pValue);
      levels.forEach((a, li) => {
        if (s.pValue <= a) obs[li] = (obs[li] as number) + 1;
        let size = 0;
        for (let x = 0; x <= n; x++)
          if ((tail[x] as number) <= a) size += (tail[x] as number) - (tail[x + 1] as number);
        exp[li] = (exp[li] as number) + size;
      });
      const u = rand();
      const pr =
        (tail[s.green + 1] as number) + u * ((tail[s.green] as number) - (tail[s.green + 1] as number));
      if (pr <= 0.01) r1++;
      if (pr <= 0.05) r5++;
    }
  }
  totals.docs += c.docs.length;
  totals.scored += scored;
  levels.forEach((_, li) => {
    totals.obs[li] = (totals.obs[li] as number) + (obs[li] as number);
    totals.exp[li] = (totals.exp[li] as number) + (exp[li] as number);
  });
  totals.r1 += r1;
  totals.r5 += r5;
  out(
    `| ${c.name} | ${c.docs.length} | ${scored} | ${words} | ${levels.map((_, li) => `${obs[li]} / ${(exp[li] as number).toFixed(1)}`).join(" | ")} | ${((r1 / Math.max(1, scored)) * 100).toFixed(2)}% | ${((r5 / Math.max(1, scored)) * 100).toFixed(2)}% |`,
  );
  process.stderr.write(`fpr ${c.name} done\n`);
}
out(
  `| **all** | ${totals.docs} | ${totals.scored} | | ${levels.map((_, li) => `${totals.obs[li]} / ${(totals.exp[li] as number).toFixed(1)}`).join(" | ")} | ${((totals.r1 / totals.scored) * 100).toFixed(2)}% | ${((totals.r5 / totals.scored) * 100).toFixed(2)}% |`,
);

// ---- Pooled clean text, one key: larger n, where the exact test's size is close to nominal ----
{
  const all = cleanCollections(dir).flatMap((c) => c.docs);
  const POOLS1 = 1000;
  const lv = [0.01, 0.05];
  const ob = lv.map(() => 0);
  const ex = lv.map(() => 0);
  let npos = 0;
  for (let t = 0; t < POOLS1; t++) {
    const set = new PositionSet(table);
    for (let i = 0; i < 200; i++) set.add(all[Math.floor(rand() * all.length)] as string);
    npos += set.positions.length;
    const s = scoreKey(set.positions, randomBytes(32));
    const counts = new Map<number, number>();
    for (const p of set.positions)
      counts.set(p.group.members.length, (counts.get(p.group.members.length) ?? 0) + 1);
    const n = set.positions.length;
    const tail = Array.from({ length: n + 2 }, (_, x) => greenTail(counts, x).pValue);
    lv.forEach((a, li) => {
      if (s.pValue <= a) ob[li] = (ob[li] as number) + 1;
      for (let x = 0; x <= n; x++)
        if ((tail[x] as number) <= a)
          ex[li] = (ex[li] as number) + (tail[x] as number) - (tail[x + 1] as number);
    });
  }
  out(
    `\nPooled clean text: ${POOLS1} pools of 200 random clean documents (mean ${(npos / POOLS1).toFixed(1)} positions), one random key each: ${lv.map((a, li) => `rejected at ${a}: ${ob[li]} (${((100 * (ob[li] as number)) / POOLS1).toFixed(2)}%; exact expected ${(ex[li] as number).toFixed(1)})`).join("; ")}.`,
  );
}

// ---- Pooled clean text, many account keys, Holm ----
const pooled = cleanCollections(dir).flatMap((c) => c.docs);
const POOLS = 200;
const KEYS = 100;
let fwe = 0;
let pooledPositions = 0;
for (let t = 0; t < POOLS; t++) {
  const set = new PositionSet(table);
  for (let i = 0; i < 50; i++) set.add(pooled[Math.floor(rand() * pooled.length)] as string);
  pooledPositions += set.positions.length;
  const keys = Array.from({ length: KEYS }, (_, i) => ({ kid: `k${i}`, key: randomBytes(32) }));
  if (scoreKeys(set.positions, keys, 0.01).some((s) => s.match)) fwe++;
}
out(
  `\nFamily-wise error with ${KEYS} account keys tested at once (Holm, alpha 0.01) on ${POOLS} pools of 50 random clean documents (mean ${(pooledPositions / POOLS).toFixed(0)} positions per pool): ${fwe} / ${POOLS} pools had any false match.`,
);

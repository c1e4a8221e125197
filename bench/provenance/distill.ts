/**
 * Does the watermark survive distillation? Teacher outputs (real GPT-4 answers and other real
 * assistant text from ../shared/data) are watermarked with a key, or left clean; a word n-gram
 * student is trained on each; text sampled from each student is tested with the key.
 *   node dist/bench/provenance/distill.js [--orders 2,3] [--seeds 5]
 */
import { randomBytes } from "node:crypto";
import { PositionSet, scoreKey } from "../../src/provenance/detect.js";
import { createWatermarker } from "../../src/provenance/watermark.js";
import { loadSynonymTable } from "../../src/provenance/wordnet.js";
import { cleanCollections, dataDir, rng, wordCount } from "./data.js";
import { NgramModel } from "./ngram.js";

const dir = dataDir();
if (!dir) {
  process.stderr.write("needs ../shared/data (or DG_DATA)\n");
  process.exit(2);
}
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] as string) : dflt;
};
const ORDERS = arg("--orders", "2,3").split(",").map(Number);
const SEEDS = Number(arg("--seeds", "5"));
const FRACTIONS = arg("--fractions", "1,0.5,0").split(",").map(Number);
const BUDGETS = [1000, 2000, 5000, 10000, 20000, 50000, 100000];
const table = loadSynonymTable();
const key = randomBytes(32);
const wm = createWatermarker({ key, table });
const out = (s: string) => process.stdout.write(`${s}\n`);

// Teacher outputs: real model answers and real assistant prose (code and math pass unmarked).
const teacher = cleanCollections(dir)
  .filter((c) => c.name !== "arena-hard questions")
  .flatMap((c) => c.docs);
const words = teacher.reduce((a, d) => a + wordCount(d), 0);
process.stderr.write(`teacher corpus: ${teacher.length} documents, ${words} words\n`);
const marked = teacher.map((d) => wm.apply(d));
let teacherPositions = 0;
{
  const s = new PositionSet(table);
  for (const d of marked) s.add(d);
  teacherPositions = s.positions.length;
  const sc = scoreKey(s.positions, key);
  out(
    `Teacher corpus: ${teacher.length} documents, ${words} words, ${teacherPositions} distinct scored positions, all green (${sc.green}/${sc.positions}).\n`,
  );
}

const fmt = (p: number) => (p === 0 ? "<1e-300" : p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

out(
  `| student | watermarked share of training text | ${BUDGETS.map((b) => `${b / 1000}k words`).join(" | ")} |`,
);
out(`| --- | ---: | ${BUDGETS.map(() => "---:").join(" | ")} |`);
for (const order of ORDERS) {
  for (const frac of FRACTIONS) {
    const pick = rng(11);
    const student = new NgramModel(order);
    for (let i = 0; i < teacher.length; i++)
      student.train(pick() < frac ? (marked[i] as string) : (teacher[i] as string));
    const cells: string[][] = BUDGETS.map(() => []);
    const ps: number[][] = BUDGETS.map(() => []);
    const pos: number[][] = BUDGETS.map(() => []);
    const green: number[][] = BUDGETS.map(() => []);
    for (let seed = 0; seed < SEEDS; seed++) {
      const r = rng(1000 + seed);
      const set = new PositionSet(table);
      let n = 0;
      let bi = 0;
      while (bi < BUDGETS.length) {
        const doc = student.sample(r);
        set.add(doc);
        n += wordCount(doc);
        while (bi < BUDGETS.length && n >= (BUDGETS[bi] as number)) {
          const s = scoreKey(set.positions, key);
          ps[bi]?.push(s.pValue);
          pos[bi]?.push(s.positions);
          green[bi]?.push(s.positions > 0 ? s.green / s.positions : 0);
          bi++;
        }
      }
    }
    BUDGETS.forEach((_, bi) => {
      const g = Math.round(100 * median(green[bi] as number[]));
      cells[bi]?.push(`${fmt(median(ps[bi] as number[]))} (n=${median(pos[bi] as number[])}, ${g}% green)`);
    });
    out(`| ${order}-gram | ${Math.round(frac * 100)}% | ${cells.map((c) => c.join("")).join(" | ")} |`);
    process.stderr.write(`order ${order} fraction ${frac} done\n`);
  }
}
out(
  `\nMedian over ${SEEDS} independent samples per cell; n = distinct scored positions in the student text.`,
);

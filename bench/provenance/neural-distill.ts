/**
 * Distillation into a small neural student (see neural.ts): same teacher outputs and test as
 * distill.js, one student trained on watermarked outputs and one on clean outputs.
 *   node dist/bench/provenance/neural-distill.js [--epochs 2] [--vocab 6000] [--seeds 5]
 */
import { randomBytes } from "node:crypto";
import { PositionSet, scoreKey } from "../../src/provenance/detect.js";
import { createWatermarker } from "../../src/provenance/watermark.js";
import { loadSynonymTable } from "../../src/provenance/wordnet.js";
import { cleanCollections, dataDir, rng, wordCount } from "./data.js";
import { NeuralLM } from "./neural.js";

const dir = dataDir();
if (!dir) {
  process.stderr.write("needs ../shared/data (or DG_DATA)\n");
  process.exit(2);
}
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] as string) : dflt;
};
const EPOCHS = Number(arg("--epochs", "2"));
const VOCAB = Number(arg("--vocab", "6000"));
const SEEDS = Number(arg("--seeds", "5"));
const BUDGETS = [1000, 2000, 5000, 10000, 20000, 50000, 100000];
const table = loadSynonymTable();
const key = randomBytes(32);
const wm = createWatermarker({ key, table });
const out = (s: string) => process.stdout.write(`${s}\n`);
const teacher = cleanCollections(dir)
  .filter((c) => c.name !== "arena-hard questions")
  .flatMap((c) => c.docs);
const marked = teacher.map((d) => wm.apply(d));
const keep = new Set(table.byWord.keys());
const fmt = (p: number) => (p === 0 ? "<1e-300" : p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

out(
  `Neural student: log-bilinear LM over the two previous tokens, ${VOCAB} most frequent tokens plus every synonym-group word seen, 32-dim embeddings, class-factored softmax (100 classes), ${EPOCHS} SGD epochs over ${teacher.length} teacher documents.\n`,
);
out(
  `| student | training text | train loss (nats/token) | ${BUDGETS.map((b) => `${b / 1000}k words`).join(" | ")} |`,
);
out(`| --- | --- | ---: | ${BUDGETS.map(() => "---:").join(" | ")} |`);
for (const [name, docs] of [
  ["watermarked", marked],
  ["clean", teacher],
] as const) {
  const lm = new NeuralLM({ vocab: VOCAB, dim: 32, classes: 100, epochs: EPOCHS, lr: 0.1, seed: 1, keep });
  let lastLoss = 0;
  const t0 = Date.now();
  lm.train(docs, rng(5), (e, loss) => {
    lastLoss = loss;
    process.stderr.write(
      `${name}: epoch ${e + 1} loss ${loss.toFixed(3)} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
    );
  });
  const ps: number[][] = BUDGETS.map(() => []);
  const pos: number[][] = BUDGETS.map(() => []);
  const green: number[][] = BUDGETS.map(() => []);
  for (let seed = 0; seed < SEEDS; seed++) {
    const r = rng(2000 + seed);
    const set = new PositionSet(table);
    let n = 0;
    let bi = 0;
    while (bi < BUDGETS.length) {
      const doc = lm.sample(r);
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
  const cells = BUDGETS.map(
    (_, bi) =>
      `${fmt(median(ps[bi] as number[]))} (n=${median(pos[bi] as number[])}, ${Math.round(100 * median(green[bi] as number[]))}% green)`,
  );
  out(`| neural | ${name} | ${lastLoss.toFixed(2)} | ${cells.join(" | ")} |`);
}
out(`\nMedian over ${SEEDS} independent samples of student text per cell; n = distinct scored positions.`);

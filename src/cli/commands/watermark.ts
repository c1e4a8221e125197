import { writeFileSync } from "node:fs";
import { ConfigError } from "../../core/errors.js";
import { PositionSet, scoreKeys } from "../../provenance/detect.js";
import { candidateKeys } from "../../provenance/forensics.js";
import { deriveWatermarkKey } from "../../provenance/keys.js";
import { createWatermarker } from "../../provenance/watermark.js";
import type { Register } from "./index.js";
import { fmtP, idList, masterKey, readDocuments, type StateOpts, stateOptions } from "./provenance-common.js";

interface DetectOpts extends StateOpts {
  accounts?: string;
  accountsFile?: string;
  campaigns?: string;
  alpha: string;
  field?: string;
  perFile?: boolean;
}

function scopeOf(o: { account?: string; campaign?: string; scope?: string }): string {
  if (o.account) return `account:${o.account}`;
  if (o.campaign) return `campaign:${o.campaign}`;
  return o.scope ?? "deployment";
}

/** `distillguard watermark ...`: keygen, apply, detect. */
export const register: Register = (program) => {
  const wm = program
    .command("watermark")
    .description("keyed lexical watermark of response text: keys, apply, detect");

  stateOptions(
    wm.command("keygen").description("create the deployment's watermark master key (mode 0600) if absent"),
  ).action((o: StateOpts) => {
    const key = masterKey(o, true);
    const d = deriveWatermarkKey(key, "deployment");
    process.stdout.write(
      o.json
        ? `${JSON.stringify({ deployment_kid: d.kid })}\n`
        : `watermark key ready (deployment kid ${d.kid})\n`,
    );
  });

  stateOptions(
    wm.command("apply").description("watermark text (plain files, or .jsonl records) and print it"),
  )
    .argument("[files...]", "files to watermark (default: stdin)")
    .option("--account <id>", "use the account's key")
    .option("--campaign <id>", "use the campaign's key")
    .option("--field <path>", "JSONL field holding the text")
    .option("-o, --out <file>", "write here instead of stdout")
    .action(
      (
        files: string[],
        o: StateOpts & { account?: string; campaign?: string; field?: string; out?: string },
      ) => {
        const k = deriveWatermarkKey(masterKey(o, false), scopeOf(o));
        const w = createWatermarker({ key: k.key });
        const docs = readDocuments(files.length ? files : ["-"], o.field);
        const out = docs
          .map((d) =>
            files.some((f) => f.endsWith(".jsonl"))
              ? `${JSON.stringify({ text: w.apply(d) })}\n`
              : w.apply(d),
          )
          .join("");
        if (o.out) writeFileSync(o.out, out);
        else process.stdout.write(out);
        process.stderr.write(`watermarked ${docs.length} document(s) with ${k.kid} (${k.scope})\n`);
      },
    );

  stateOptions(
    wm
      .command("detect")
      .description(
        "test texts for the watermark: exact p-value, positions scored, matching keys (Holm-corrected)",
      )
      .argument("<files...>", "text files or .jsonl datasets ('-' for stdin)"),
  )
    .option("--accounts <ids>", "comma-separated account ids whose keys to test")
    .option("--accounts-file <file>", "file with one account id per line")
    .option("--campaigns <ids>", "comma-separated campaign ids whose keys to test")
    .option("--alpha <a>", "family-wise significance level", "0.01")
    .option("--field <path>", "JSONL field holding the text")
    .option("--per-file", "test each file on its own")
    .action((files: string[], o: DetectOpts) => {
      const alpha = Number(o.alpha);
      if (!(alpha > 0 && alpha < 1)) throw new ConfigError(`--alpha must be in (0,1) (got ${o.alpha})`);
      const keys = candidateKeys(
        masterKey(o, false),
        idList(o.accounts, o.accountsFile),
        idList(o.campaigns, undefined),
      );
      const groups = o.perFile ? files.map((f) => [f]) : [files];
      const results = groups.map((fs) => {
        const set = new PositionSet();
        const docs = readDocuments(fs, o.field);
        for (const d of docs) set.add(d);
        const scores = scoreKeys(set.positions, keys, alpha).map((s, i) => ({
          scope: keys[i]?.scope ?? "",
          ...s,
        }));
        return {
          files: fs,
          documents: docs.length,
          words: set.words,
          positions: set.positions.length,
          alpha,
          keys: scores,
        };
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
        return;
      }
      for (const r of results) {
        process.stdout.write(
          `${r.files.join(", ")}: ${r.documents} document(s), ${r.words} words, ${r.positions} scored positions\n`,
        );
        for (const s of r.keys) {
          const mark = s.match ? "MATCH" : "-";
          process.stdout.write(
            `  ${mark.padEnd(5)} ${s.scope.padEnd(24)} ${s.kid}  green ${s.green}/${s.positions} (expected ${s.expected.toFixed(1)})  p=${fmtP(s.pValue)}  holm=${fmtP(s.adjustedP)}\n`,
          );
        }
      }
    });
};

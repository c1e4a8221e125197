import { existsSync } from "node:fs";
import { ConfigError } from "../../core/errors.js";
import { forensicReport } from "../../provenance/forensics.js";
import { readReceipts } from "../../provenance/receipts/store.js";
import type { Register } from "./index.js";
import {
  fmtP,
  idList,
  masterKey,
  pathsOf,
  readDocuments,
  type StateOpts,
  stateOptions,
} from "./provenance-common.js";

/** `distillguard forensics DATASET...`: watermark evidence, exact receipts, attribution. */
export const register: Register = (program) => {
  stateOptions(
    program
      .command("forensics")
      .description(
        "examine a suspected harvested dataset: watermark evidence, exact receipt matches, accounts implicated",
      )
      .argument("<files...>", "JSONL datasets (one text per line) or text files"),
  )
    .option(
      "--accounts <ids>",
      "comma-separated extra account ids to test (accounts in the receipt log are always tested)",
    )
    .option("--accounts-file <file>", "file with one account id per line")
    .option("--campaigns <ids>", "comma-separated campaign ids")
    .option("--receipts <dir>", "receipt log directory (default: <state>/provenance/receipts)")
    .option("--field <path>", "JSONL field holding the text")
    .option("--alpha <a>", "family-wise significance level", "0.01")
    .action(
      (
        files: string[],
        o: StateOpts & {
          accounts?: string;
          accountsFile?: string;
          campaigns?: string;
          receipts?: string;
          field?: string;
          alpha: string;
        },
      ) => {
        const alpha = Number(o.alpha);
        if (!(alpha > 0 && alpha < 1)) throw new ConfigError(`--alpha must be in (0,1) (got ${o.alpha})`);
        const paths = pathsOf(o);
        const keyFile = o.keyFile ?? paths.watermarkKey;
        const texts = readDocuments(files, o.field);
        process.stderr.write(`read ${texts.length} texts\n`);
        const receipts = readReceipts(o.receipts ?? paths.receipts);
        const report = forensicReport({
          texts,
          masterKey: existsSync(keyFile) ? masterKey(o, false) : null,
          accounts: idList(o.accounts, o.accountsFile),
          campaigns: idList(o.campaigns, undefined),
          receipts,
          alpha,
        });
        if (o.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        const w = process.stdout.write.bind(process.stdout);
        w(
          `dataset: ${report.documents} texts, ${report.words} words, ${report.positions} watermark positions\n`,
        );
        if (report.watermark.length === 0) w("watermark: no key available, not tested\n");
        else {
          const top = report.watermark.slice(0, 10);
          w(`watermark (${report.watermark.length} keys tested, Holm at ${alpha}):\n`);
          for (const s of top)
            w(
              `  ${s.match ? "MATCH" : "-    "} ${s.scope.padEnd(28)} green ${s.green}/${s.positions}  p=${fmtP(s.pValue)}  holm=${fmtP(s.adjustedP)}\n`,
            );
        }
        w(
          `receipts: ${report.receipts.exactMatches} texts match a receipt exactly (of ${report.receipts.searched} receipts searched)\n`,
        );
        for (const [a, n] of Object.entries(report.receipts.byAccount)
          .sort((x, y) => y[1] - x[1])
          .slice(0, 20))
          w(`  ${a}: ${n}\n`);
        w("evidence points to:\n");
        if (report.attribution.length === 0) w("  nothing\n");
        for (const a of report.attribution)
          w(
            `  ${a.scope}: ${a.exactReceipts} exact receipts${a.watermarkP !== null ? `, watermark holm p=${fmtP(a.watermarkP)}` : ""}\n`,
          );
      },
    );
};

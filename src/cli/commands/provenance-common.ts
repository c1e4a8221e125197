/** Shared option handling of the provenance commands (watermark, verify, forensics). */
import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { ConfigError } from "../../core/errors.js";
import { loadGatewayConfig } from "../../gateway/config.js";
import { loadOrCreateMasterKey } from "../../provenance/keys.js";
import { provenancePaths } from "../../provenance/paths.js";
import { documentsOf } from "../../provenance/texts.js";

/** Options every provenance command takes. */
export interface StateOpts {
  config?: string;
  stateDir?: string;
  keyFile?: string;
  json?: boolean;
}

/** Adds --config, --state-dir, --key-file and --json. */
export function stateOptions(cmd: Command): Command {
  return cmd
    .option("-c, --config <file>", "gateway config file (for its state_dir)")
    .option("--state-dir <dir>", "state directory (default: .distillguard)")
    .option("--key-file <file>", "watermark master key file (default: <state>/provenance/watermark.key)")
    .option("--json", "print JSON");
}

/** Provenance paths of the chosen state dir. */
export function pathsOf(o: StateOpts) {
  return provenancePaths(o.stateDir ?? loadGatewayConfig(o.config).state_dir);
}

/** Reads the master key; `create` makes one when absent (else a missing key is a usage error). */
export function masterKey(o: StateOpts, create: boolean): Buffer {
  const file = o.keyFile ?? pathsOf(o).watermarkKey;
  if (!create && !existsSync(file))
    throw new ConfigError(`no watermark key at ${file} (see: distillguard watermark keygen)`);
  try {
    return loadOrCreateMasterKey(file);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** Reads documents from files (plain text: one document; .jsonl: one per line); "-" is stdin. */
export function readDocuments(files: string[], field?: string): string[] {
  const docs: string[] = [];
  for (const f of files) {
    let content: string;
    try {
      content = readFileSync(f === "-" ? 0 : f, "utf8");
    } catch (err) {
      throw new ConfigError(`cannot read ${f}: ${(err as Error).message}`);
    }
    docs.push(...documentsOf(f, content, field));
  }
  return docs;
}

/** Reads a list of ids: comma-separated values and/or a file with one id per line. */
export function idList(values: string | undefined, file: string | undefined): string[] {
  const ids = (values ?? "").split(",").map((s) => s.trim());
  if (file) {
    try {
      ids.push(
        ...readFileSync(file, "utf8")
          .split("\n")
          .map((s) => s.trim()),
      );
    } catch (err) {
      throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
    }
  }
  return [...new Set(ids.filter((s) => s.length > 0))];
}

/** Formats a p-value for people. */
export function fmtP(p: number): string {
  if (p === 0) return "<1e-300";
  return p < 1e-4 ? p.toExponential(2) : p.toPrecision(3);
}

import { Command, CommanderError } from "commander";
import { ConfigError } from "../core/errors.js";
import { commands } from "./commands/index.js";

/** Builds the `distillguard` program; every subcommand lives in its own file under commands/. */
export function buildProgram(): Command {
  const program = new Command("distillguard")
    .description("Protects an LLM API from industrial-scale distillation")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI. Configuration errors print one line and exit 2; anything else exits 1. */
export async function run(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`distillguard: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`distillguard: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

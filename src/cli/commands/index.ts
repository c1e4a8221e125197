import type { Command } from "commander";
import { register as analyze } from "./analyze.js";
import { register as evaluate } from "./eval.js";
import { register as simulate } from "./simulate.js";

/** Each command module exports one function that adds its subcommand to the program. */
export type Register = (program: Command) => void;

/** Every subcommand, in the order `--help` lists them. */
export const commands: Register[] = [simulate, analyze, evaluate];

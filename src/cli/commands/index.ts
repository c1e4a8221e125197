import type { Command } from "commander";
import { register as analyze } from "./analyze.js";
import { register as consoleUser } from "./console-user.js";
import { register as demo } from "./demo.js";
import { register as evaluate } from "./eval.js";
import { register as forensics } from "./forensics.js";
import { register as keys } from "./keys.js";
import { register as mockUpstream } from "./mock-upstream.js";
import { register as serve } from "./serve.js";
import { register as simulate } from "./simulate.js";
import { register as verify } from "./verify.js";
import { register as watermark } from "./watermark.js";

/** Each command module exports one function that adds its subcommand to the program. */
export type Register = (program: Command) => void;

/** Every subcommand, in the order `--help` lists them. */
export const commands: Register[] = [
  demo,
  serve,
  keys,
  simulate,
  analyze,
  evaluate,
  watermark,
  verify,
  forensics,
  mockUpstream,
  consoleUser,
];

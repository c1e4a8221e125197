import type { Command } from "commander";
import { register as demo } from "./demo.js";
import { register as forensics } from "./forensics.js";
import { register as keys } from "./keys.js";
import { register as mockUpstream } from "./mock-upstream.js";
import { register as serve } from "./serve.js";
import { register as verify } from "./verify.js";
import { register as watermark } from "./watermark.js";

/** Each command module exports one function that adds its subcommand to the program. */
export type Register = (program: Command) => void;

/** Every subcommand, in the order `--help` lists them. */
export const commands: Register[] = [demo, serve, keys, mockUpstream, watermark, verify, forensics];

import { ConfigError } from "../../core/errors.js";
import type { PromptSource } from "../content/types.js";
import type { Preset } from "../presets.js";

/** Placeholder until the live replay lands. */
export async function replayCommand(_o: {
  preset: Preset;
  seed: number;
  source: PromptSource;
  target: string;
  speed: number;
  quiet: boolean;
  start?: number;
}): Promise<void> {
  throw new ConfigError("--target: live replay is not implemented yet");
}

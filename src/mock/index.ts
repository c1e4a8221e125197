/** The built-in mock upstream model API (Anthropic Messages + OpenAI Chat Completions). */
export * from "./anthropic.js";
export * from "./auth.js";
export * from "./corpus.js";
export * from "./errors.js";
export * from "./faults.js";
export * from "./models.js";
export * from "./openai.js";
export * from "./plan.js";
export * from "./rng.js";
export * from "./schema.js";
export * from "./schema-check.js";
export * from "./server.js";
export * from "./sse.js";
export * from "./text.js";
export * from "./tokens.js";

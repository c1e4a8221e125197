/** Policy primitives for the gateway hot path: rate limits, concurrency, decisions, headers. */
export * from "./clock.js";
export * from "./concurrency.js";
export * from "./decisions.js";
export * from "./gcra.js";
export * from "./headers.js";
export * from "./limiter.js";

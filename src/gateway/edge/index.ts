/** Client metadata from the fronting edge: trusted proxy chain, edge headers, IP database. */
export * from "./config.js";
export * from "./country.js";
export * from "./forwarded.js";
export * from "./ip.js";
export * from "./ipdb.js";
export * from "./metadata.js";
export * from "./network.js";
export { Ranges4, Ranges6 } from "./ranges.js";
export * from "./trust.js";

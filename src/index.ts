export * from "./core/errors.js";
export * from "./events/parse.js";
export * from "./events/reader.js";
export * from "./events/report.js";
export * from "./events/truth.js";
export * from "./events/types.js";

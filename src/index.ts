export * from "./core/errors.js";
export * from "./events/parse.js";
export * from "./events/reader.js";
export * from "./events/types.js";

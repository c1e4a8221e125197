/** Every renderer of an evaluation in one import. */
export { renderMarkdown, renderText } from "./render.js";
export { renderSvg } from "./svg.js";

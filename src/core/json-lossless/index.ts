// Lossless JSON editing: parse bytes, edit the plain value in place, render the bytes back
// with everything the edits did not touch copied from the source.

export type { JsonDoc, JsonNode } from "./parse.js";
export { MAX_DEPTH, parseJsonDoc } from "./parse.js";
export { renderJsonDoc, renderJsonText } from "./render.js";

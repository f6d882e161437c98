// Text from files we do not own (names, ids, annotations) made safe to print on a terminal:
// control characters (C0, DEL, C1), line and paragraph separators and bidi overrides become
// visible escapes, so a name can neither send terminal escape sequences nor forge a line.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Replaces each unsafe character with \xNN (below 0x100) or \uNNNN; a backslash is doubled
 * only when it could be read as the start of such an escape. */
export function escapeControl(text: string): string {
  return text.replace(/\\(?=x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/g, "\\\\").replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** JSON text with the characters JSON.stringify leaves raw (DEL, C1, separators, bidi) escaped. */
export function escapeJsonText(json: string): string {
  return json.replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

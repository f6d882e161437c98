// Lenient JSON reading for data we do not own (files under the root, engine state files):
// never throws; anything that is not the expected shape comes back as undefined.

/** Parses text; undefined when it is not valid JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses text into an object; undefined for invalid JSON or any other shape. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const v = parseJson(text);
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The ContainerID a metadata file names, if any. */
export function containerIdIn(text: string): string | undefined {
  const id = parseJsonObject(text)?.ContainerID;
  return typeof id === "string" ? id : undefined;
}

/** A non-empty string, else undefined. */
export function nonEmpty(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

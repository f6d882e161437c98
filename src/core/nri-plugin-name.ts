// How an NRI plugin is named to the runtime: `<idx>-<name>`, where the index (two digits)
// orders plugins. Stated once here; the config schema and the NRI stub both check it.

/** A plugin index: exactly two digits ("00"–"99"). */
export const NRI_PLUGIN_IDX_PATTERN = /^[0-9]{2}$/;
/** A plugin name: a plain segment of 1–64 characters. */
export const NRI_PLUGIN_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

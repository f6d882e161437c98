// The few numeric flags the benchmarks take (`--rounds 15` or `--rounds=15`).

/** Reads an integer flag from argv; refuses values below min with a message naming the flag. */
export function intFlag(argv: readonly string[], name: string, fallback: number, min: number): number {
  let raw: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === name) raw = argv[i + 1];
    else if (arg.startsWith(`${name}=`)) raw = arg.slice(name.length + 1);
  });
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name}: expected an integer ≥ ${min}, got ${JSON.stringify(raw)} (${typeof raw})`);
  return value;
}

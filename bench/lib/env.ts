// The environment every benchmarked process gets: PATH plus the given settings, nothing from
// the caller's shell. A runtime gives hooks its own env, not a developer's, and shell
// variables skew start-up: on the machine this was written on, NODE_EXTRA_CA_CERTS alone
// made `node -e ""` ~70–100 ms slower (node reads the bundle eagerly; Bun does not).

/** A clean env: PATH (with the sbin dirs, where runc lives) and `extra`. */
export function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ...extra };
}

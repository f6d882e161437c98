import assert from "node:assert/strict";
import { test } from "node:test";
import { NriMetrics } from "../../../../src/engines/nri/pure/metrics.js";

const PROCESS = { residentBytes: 1234, startTimeSeconds: 1700000000 };

test("an idle plugin reports zero counters, its state and the process figures", () => {
  const m = new NriMetrics();
  const text = m.render(PROCESS);
  assert.match(text, /^oci_metadata_nri_containers_injected_total 0$/m);
  assert.match(text, /^oci_metadata_nri_connection_state\{state="connecting"\} 1$/m);
  assert.match(text, /^oci_metadata_nri_connection_state\{state="synchronized"\} 0$/m);
  assert.match(text, /^process_resident_memory_bytes 1234$/m);
  assert.equal(m.healthy(), false);
  assert.ok(text.endsWith("\n"));
});

test("counters by label, histograms cumulative, health follows the state", () => {
  const m = new NriMetrics();
  m.injected += 2;
  m.skip("not-opted-in");
  m.skip("not-opted-in");
  m.skip("mount-conflict");
  m.error("netns-missing");
  m.fileWrite.observe(0.003);
  m.fileWrite.observe(0.2);
  m.state = "synchronized";
  const text = m.render(PROCESS);
  assert.match(text, /^oci_metadata_nri_containers_injected_total 2$/m);
  assert.match(text, /^oci_metadata_nri_containers_skipped_total\{reason="not-opted-in"\} 2$/m);
  assert.match(text, /^oci_metadata_nri_containers_skipped_total\{reason="mount-conflict"\} 1$/m);
  assert.match(text, /^oci_metadata_nri_errors_total\{code="netns-missing"\} 1$/m);
  assert.match(text, /^oci_metadata_nri_file_write_seconds_bucket\{le="0.0025"\} 0$/m);
  assert.match(text, /^oci_metadata_nri_file_write_seconds_bucket\{le="0.005"\} 1$/m);
  assert.match(text, /^oci_metadata_nri_file_write_seconds_bucket\{le="0.25"\} 2$/m);
  assert.match(text, /^oci_metadata_nri_file_write_seconds_bucket\{le="\+Inf"\} 2$/m);
  assert.match(text, /^oci_metadata_nri_file_write_seconds_count 2$/m);
  assert.equal(m.healthy(), true);
});

test("every sample line belongs to a family declared with HELP and TYPE", () => {
  const m = new NriMetrics();
  m.skip('we"ird\\');
  const lines = m.render(PROCESS).trim().split("\n");
  const typed = new Set(lines.filter((l) => l.startsWith("# TYPE ")).map((l) => l.split(" ")[2]));
  for (const l of lines.filter((l) => !l.startsWith("#"))) {
    const name = l.split(/[{ ]/)[0]!.replace(/_(bucket|sum|count)$/, "");
    assert.ok(typed.has(name) || typed.has(l.split(/[{ ]/)[0]!), `untyped sample: ${l}`);
  }
  assert.ok(lines.includes('oci_metadata_nri_containers_skipped_total{reason="we\\"ird\\\\"} 1'));
});

test("health follows the connection, whichever of Synchronize and the registration answer comes first", () => {
  const m = new NriMetrics();
  m.onConnection("connecting", false);
  m.onConnection("registered", false);
  assert.equal(m.healthy(), false, "registered, not yet synchronized");
  m.state = "synchronized"; // the Synchronize handler
  assert.equal(m.healthy(), true);
  // Synchronize first, then our side sees the registration answer: still healthy.
  m.onConnection("lost", false);
  assert.equal(m.state, "connecting");
  m.state = "synchronized";
  m.onConnection("registered", false);
  assert.equal(m.healthy(), true);
  // A launched plugin (NRI 0.6 never synchronizes it) is healthy once registered.
  const launched = new NriMetrics();
  launched.onConnection("connecting", true);
  launched.onConnection("registered", true);
  assert.equal(launched.healthy(), true);
  launched.onConnection("lost", true);
  assert.equal(launched.healthy(), false);
});

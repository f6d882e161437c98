// Lossless spec editing vs JSON.parse + JSON.stringify on a real ~10 KB config (Docker 28.5's,
// from the corpus): parse, add a mount + env var + hook, render. Both run in one process,
// alternating rounds; the ratio is what matters (the floor is measured in the same run).
import { readFileSync } from "node:fs";
import { parseJsonDoc, renderJsonDoc } from "../src/core/json-lossless/index.js";

const bytes = new Uint8Array(readFileSync(new URL("../test/fixtures/spec-corpus/docker-28.5.json", import.meta.url)));
const text = new TextDecoder().decode(bytes);
const encoder = new TextEncoder();

function edit(spec: Record<string, any>): void {
  spec.mounts.push({
    destination: "/ecs/metadata/x",
    source: "/var/lib/ecs/data/metadata/t/x",
    type: "bind",
    options: ["rbind", "ro"],
  });
  spec.process.env.push("ECS_CONTAINER_METADATA_FILE=/ecs/metadata/x/ecs-container-metadata.json");
  spec.hooks ??= {};
  spec.hooks.poststop = [
    { path: "/usr/local/bin/oci-metadata", args: ["oci-metadata", "hook", "poststop"], timeout: 10 },
  ];
}
const plain = () => {
  const spec = JSON.parse(new TextDecoder().decode(bytes));
  edit(spec);
  return encoder.encode(JSON.stringify(spec));
};
const lossless = () => {
  const doc = parseJsonDoc(bytes);
  edit(doc.value as Record<string, any>);
  return renderJsonDoc(doc);
};

// Median µs per call over `rounds` rounds of `n` calls.
function time(fn: () => unknown, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - t0) * 1000) / n;
}
for (let i = 0; i < 200; i++) plain(), lossless(); // warm-up
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < 30; r++) {
  a.push(time(plain, 100));
  b.push(time(lossless, 100));
}
const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const cold = performance.now();
parseJsonDoc(encoder.encode(text.replace("ociVersion", "ociVersio2")));
const coldUs = (performance.now() - cold) * 1000;
console.log(
  `config ${bytes.length} bytes; JSON.parse+stringify ${median(a).toFixed(1)} µs, lossless ${median(b).toFixed(1)} µs, ratio ${(median(b) / median(a)).toFixed(2)}; one cold lossless parse ${coldUs.toFixed(0)} µs`,
);

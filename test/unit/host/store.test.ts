// Tests src/host/store.ts against real directories under os.tmpdir(): modes whatever the umask,
// atomic replacement seen by a concurrent reader, no temp files left, no symlink followed, no
// path outside the root (the attacks are named in tables), remove and list.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import {
  chmod,
  chown,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { isOciMetadataError } from "../../../src/core/errors.js";
import { MetadataStore, type Slot } from "../../../src/host/store.js";

let base = "";
let counter = 0;

before(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "om-store-")));
});

after(async () => {
  await rm(base, { recursive: true, force: true });
});

// A fresh, not yet existing root and its store; `outside` is a sibling dir an attack aims at.
async function fresh(): Promise<{ root: string; store: MetadataStore; outside: string }> {
  const dir = join(base, `case-${++counter}`);
  const outside = join(dir, "outside");
  await mkdir(outside, { recursive: true });
  const root = join(dir, "root");
  return { root, store: new MetadataStore(root), outside };
}

const SLOT: Slot = { task: "t1", name: "web" };
const FILE = "ecs-container-metadata.json";

// Creates the slot's dirs as a claim does (claim is the only creating call); returns the path.
async function ensureDir(store: MetadataStore, slot: Slot): Promise<string> {
  await store.claim(slot, FILE, "test-container");
  return store.pathOf(slot);
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

// Runs fn with a restrictive umask, restoring the old one afterwards.
async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const old = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(old);
  }
}

// Awaits a promise that must reject with one of our errors of this code; returns it.
async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp | string) {
  let caught: unknown;
  await promise.then(
    () => assert.fail(`expected a ${code} error`),
    (err: unknown) => {
      caught = err;
    },
  );
  assert.ok(isOciMetadataError(caught), `expected an OciMetadataError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (typeof message === "string") assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

const tempFiles = async (dir: string) => (await readdir(dir)).filter((n) => n.startsWith(".tmp-"));

describe("MetadataStore.claim: the dirs", () => {
  it("creates root/task/name and returns its path", async () => {
    const { root, store } = await fresh();
    const dir = await ensureDir(store, SLOT);
    assert.equal(dir, join(root, "t1", "web"));
    assert.ok((await lstat(dir)).isDirectory());
  });

  it("gives the task and container dirs mode 0755 even under umask 077", async () => {
    const { root, store } = await fresh();
    await withUmask(0o077, () => ensureDir(store, SLOT));
    assert.equal(await modeOf(join(root, "t1")), 0o755);
    assert.equal(await modeOf(join(root, "t1", "web")), 0o755);
  });

  it("gives a root it creates mode 0755 even under umask 077", async () => {
    const { root, store } = await fresh();
    await withUmask(0o077, () => ensureDir(store, SLOT));
    assert.equal(await modeOf(root), 0o755);
  });

  it("is idempotent", async () => {
    const { store } = await fresh();
    const first = await ensureDir(store, SLOT);
    await writeFile(join(first, "keep"), "x");
    assert.equal(await ensureDir(store, SLOT), first);
    assert.equal(await readFile(join(first, "keep"), "utf8"), "x");
  });

  it("adds a second container next to the first in the same task dir", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    await ensureDir(store, { task: "t1", name: "db" });
    assert.deepEqual((await readdir(join(root, "t1"))).sort(), ["db", "web"]);
  });

  it("refuses a root whose parent is a symlink, and creates nothing through it", async () => {
    const { root, outside } = await fresh();
    await symlink(outside, `${root}-parent`);
    const viaLink = new MetadataStore(join(`${root}-parent`, "root"));
    const why = `the dir above it ${root}-parent is a symlink; set hostRoot to the real path`;
    await rejectsWith(
      ensureDir(viaLink, SLOT),
      "root-unsafe",
      `[root-unsafe] creating the metadata dir for t1/web under ${viaLink.root}: ` +
        `creating the metadata root ${viaLink.root}: ${why}`,
    );
    await rejectsWith(viaLink.list(), "root-unsafe", `[root-unsafe] opening the metadata root ${viaLink.root}: ${why}`);
    assert.deepEqual(await readdir(outside), []);
  });

  const unsafe: Array<[string, Slot]> = [
    ["dotdot-task", { task: "..", name: "web" }],
    ["dotdot-name", { task: "t1", name: ".." }],
    ["slash-in-task", { task: "a/b", name: "web" }],
    ["absolute-name", { task: "t1", name: "/etc" }],
    ["empty-name", { task: "t1", name: "" }],
    ["reserved-temp-name", { task: "t1", name: ".tmp-x" }],
  ];
  for (const [name, slot] of unsafe) {
    it(`refuses a slot that is not two safe segments and creates nothing [${name}]`, async () => {
      const { root, store } = await fresh();
      await rejectsWith(
        ensureDir(store, slot),
        "path-escape",
        `[path-escape] using slot ${JSON.stringify(slot)}: not safe path segments`,
      );
      assert.equal(existsSync(root), false);
    });
  }

  it("refuses a regular file where the task dir should be", async () => {
    const { root, store } = await fresh();
    await mkdir(root);
    await writeFile(join(root, "t1"), "not a dir");
    await rejectsWith(
      ensureDir(store, SLOT),
      "path-escape",
      `[path-escape] creating the metadata dir for t1/web under ${root}: using ${join(root, "t1")}: is not a directory`,
    );
  });
});

describe("the root", () => {
  // Each case makes the root (or a dir above it) unsafe; every operation must refuse it with
  // one line, and nothing is created or removed through it.
  const cases: Array<[string, (root: string, outside: string) => Promise<string>]> = [
    [
      "root-is-a-symlink",
      async (root, outside) => {
        await symlink(outside, root);
        return "is a symlink; set hostRoot to the real path";
      },
    ],
    [
      "root-group-writable",
      async (root) => {
        await mkdir(root);
        await chmod(root, 0o775);
        return "writable by group or others (mode 0775)";
      },
    ],
    [
      "root-world-writable-even-sticky",
      async (root) => {
        await mkdir(root);
        await chmod(root, 0o1777);
        return "writable by group or others (mode 1777)";
      },
    ],
    [
      "root-owned-by-a-user",
      async (root) => {
        await mkdir(root);
        await chown(root, 1234, 0);
        return "owned by uid 1234, not root";
      },
    ],
    [
      "parent-world-writable",
      async (root) => {
        await mkdir(root);
        await chmod(dirname(root), 0o777);
        return `the dir above it ${dirname(root)} is writable by group or others (mode 0777)`;
      },
    ],
    [
      "parent-owned-by-a-user",
      async (root) => {
        await mkdir(root);
        await chown(dirname(root), 1234, 0);
        return `the dir above it ${dirname(root)} is owned by uid 1234, not root`;
      },
    ],
  ];
  for (const [name, make] of cases) {
    it(`refuses it for every operation with one line [${name}]`, async () => {
      const { root, store, outside } = await fresh();
      const why = await make(root, outside);
      const line = `opening the metadata root ${root}: ${why}`;
      const creating =
        `[root-unsafe] creating the metadata dir for t1/web under ${root}: ` +
        `creating the metadata root ${root}: ${why}`;
      await rejectsWith(ensureDir(store, SLOT), "root-unsafe", creating);
      await rejectsWith(store.claim(SLOT, FILE, "id"), "root-unsafe", creating);
      await rejectsWith(
        store.write(SLOT, FILE, "x"),
        "root-unsafe",
        `[root-unsafe] writing ${join(root, "t1", "web", FILE)}: ${line}`,
      );
      await rejectsWith(
        store.remove(SLOT),
        "root-unsafe",
        `[root-unsafe] removing ${join(root, "t1", "web")}: ${line}`,
      );
      await rejectsWith(store.list(), "root-unsafe", `[root-unsafe] ${line}`);
      await rejectsWith(store.read(SLOT, FILE), "root-unsafe", `[root-unsafe] ${line}`);
      assert.deepEqual(await readdir(outside), []);
      if (!(await lstat(root)).isSymbolicLink()) assert.deepEqual(await readdir(root), []);
    });
  }

  it("refuses a root (or a dir above it) that is a file, with one line, for readers and writers", async () => {
    const { root, store } = await fresh();
    await writeFile(root, "not a dir");
    const below = new MetadataStore(join(root, "sub"));
    for (const [s, path] of [
      [store, root],
      [below, join(root, "sub")],
    ] as const) {
      const why = "it or a dir above it is not a directory";
      await rejectsWith(s.list(), "root-unsafe", `[root-unsafe] opening the metadata root ${path}: ${why}`);
      await rejectsWith(
        ensureDir(s, SLOT),
        "root-unsafe",
        `[root-unsafe] creating the metadata dir for t1/web under ${path}: creating the metadata root ${path}: ${why}`,
      );
    }
    assert.equal(await readFile(root, "utf8"), "not a dir");
  });

  const badPaths: Array<[string, string, string]> = [
    ["filesystem-root", "/", "is the filesystem root; give a dir of its own"],
    ["relative", "var/lib/x", "not an absolute path without `..`"],
    ["dotdot", "/tmp/../etc", "not an absolute path without `..`"],
  ];
  for (const [name, path, why] of badPaths) {
    it(`refuses a root path that is not a dir of its own [${name}]`, async () => {
      const store = new MetadataStore(path);
      await rejectsWith(store.list(), "root-unsafe", `[root-unsafe] opening the metadata root ${path}: ${why}`);
      const creating = new RegExp(`creating the metadata root .*: ${why}$`);
      await rejectsWith(store.claim(SLOT, FILE, "id"), "root-unsafe", creating);
    });
  }

  it("accepts a parent that is world-writable with the sticky bit (like /tmp)", async () => {
    const { root, store } = await fresh();
    await chmod(dirname(root), 0o1777);
    assert.equal(await ensureDir(store, SLOT), join(root, "t1", "web"));
  });

  it("creates missing parents of the root 0755 and refuses none of them", async () => {
    const { root } = await fresh();
    const deep = new MetadataStore(join(root, "a", "b"));
    await withUmask(0o077, () => ensureDir(deep, SLOT));
    for (const dir of [root, join(root, "a"), join(root, "a", "b")]) assert.equal(await modeOf(dir), 0o755, dir);
  });

  it("reads as empty, without creating it, a root that does not exist", async () => {
    const { root, store } = await fresh();
    assert.deepEqual(await store.list(), []);
    assert.equal(await store.read(SLOT, FILE), "");
    assert.equal(await store.has(SLOT), false);
    await store.remove(SLOT);
    assert.equal(existsSync(root), false);
  });
});

describe("MetadataStore.write", () => {
  it("writes the exact content with mode 0644 even under umask 077", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    const data = `{\n\t"Version": "v1",\n\t"Name": "wéb 🐳"\n}\n`;
    await withUmask(0o077, () => store.write(SLOT, FILE, data));
    const path = join(root, "t1", "web", FILE);
    assert.equal(await readFile(path, "utf8"), data);
    assert.equal(await modeOf(path), 0o644);
    assert.ok((await lstat(path)).isFile());
  });

  it("replaces the content of an earlier write, shorter or longer", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    for (const data of ["a".repeat(10_000), "b", "", "c".repeat(70_000)]) {
      await store.write(SLOT, FILE, data);
      assert.equal(await readFile(join(root, "t1", "web", FILE), "utf8"), data);
    }
  });

  it("leaves no .tmp-* files behind", async () => {
    const { root, store } = await fresh();
    const dir = await ensureDir(store, SLOT);
    for (let i = 0; i < 20; i++) await store.write(SLOT, FILE, `${i}`);
    assert.deepEqual(await readdir(dir), [FILE]);
    assert.deepEqual(await readdir(join(root, "t1")), ["web"]);
  });

  it("removes its temp file when a later step fails", async () => {
    const { store } = await fresh();
    const dir = await ensureDir(store, SLOT);
    await mkdir(join(dir, FILE)); // rename of a file over a directory fails
    await rejectsWith(
      store.write(SLOT, FILE, "x"),
      "io",
      new RegExp(`^\\[io\\] writing ${join(dir, FILE).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `),
    );
    assert.deepEqual(await tempFiles(dir), []);
  });

  it("replaces a symlink at the file's place instead of writing through it", async () => {
    const { store, outside } = await fresh();
    const dir = await ensureDir(store, SLOT);
    const victim = join(outside, "victim");
    await writeFile(victim, "precious");
    await symlink(victim, join(dir, FILE));
    await store.write(SLOT, FILE, "ours");
    assert.equal(await readFile(victim, "utf8"), "precious");
    assert.ok((await lstat(join(dir, FILE))).isFile());
    assert.equal(await readFile(join(dir, FILE), "utf8"), "ours");
  });

  it("replaces atomically: a concurrent reader never sees partial content", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    const path = join(root, "t1", "web", FILE);
    const sizes = [1, 70_000, 17, 300_000, 4096, 65_537, 0, 150_000];
    const content = (i: number) => `${i}:${"x".repeat(sizes[i % sizes.length]!)}\n`;
    await store.write(SLOT, FILE, content(0));

    // The reader runs in its own thread, so it reads truly in parallel with the writes.
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const reader = new Worker(
      `const { workerData, parentPort } = require("node:worker_threads");
       const { readFileSync } = require("node:fs");
       const { path, stop, sizes } = workerData;
       let reads = 0; const bad = [];
       while (Atomics.load(stop, 0) === 0) {
         const text = readFileSync(path, "utf8");
         reads++;
         const m = /^(\\d+):(x*)\\n$/.exec(text);
         if (!m || m[2].length !== sizes[Number(m[1]) % sizes.length]) bad.push(text.length);
       }
       parentPort.postMessage({ reads, bad });`,
      { eval: true, workerData: { path, stop, sizes } },
    );
    const result = new Promise<{ reads: number; bad: number[] }>((resolve, reject) => {
      reader.once("message", resolve);
      reader.once("error", reject);
    });
    for (let i = 1; i <= 200; i++) await store.write(SLOT, FILE, content(i));
    Atomics.store(stop, 0, 1);
    const { reads, bad } = await result;
    await reader.terminate();
    assert.ok(reads > 50, `reader only managed ${reads} reads`);
    assert.deepEqual(bad, [], `${bad.length} of ${reads} reads saw partial content`);
    assert.equal(await readFile(path, "utf8"), content(200));
  });

  it("leaves a whole file when two writes of the same process race (last rename wins)", async () => {
    const { store } = await fresh();
    const dir = await ensureDir(store, SLOT);
    const results = await Promise.allSettled(["a", "b", "c"].map((data) => store.write(SLOT, FILE, data)));
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "fulfilled", "fulfilled"],
    );
    assert.match(await readFile(join(dir, FILE), "utf8"), /^[abc]$/);
    assert.deepEqual(await tempFiles(dir), []);
  });

  const badFiles: Array<[string, string]> = [
    ["empty", ""],
    ["dotdot", ".."],
    ["dotdot-path", "../escape.json"],
    ["slash", "a/b.json"],
    ["reserved-temp-prefix", ".tmp-x"],
    ["hidden", ".hidden"],
  ];
  for (const [name, file] of badFiles) {
    it(`refuses a file name that is not a plain segment [${name}]`, async () => {
      const { store } = await fresh();
      const dir = await ensureDir(store, SLOT);
      await rejectsWith(
        store.write(SLOT, file, "x"),
        "path-escape",
        `[path-escape] writing ${JSON.stringify(file)}: not a plain file name`,
      );
      assert.deepEqual(await readdir(dir), []);
    });
  }

  it("refuses an unsafe slot", async () => {
    const { store } = await fresh();
    await rejectsWith(
      store.write({ task: "..", name: "x" }, FILE, "x"),
      "path-escape",
      `[path-escape] using slot {"task":"..","name":"x"}: not safe path segments`,
    );
  });

  it("fails with one of our errors when the slot was never created", async () => {
    const { store } = await fresh();
    await rejectsWith(store.write(SLOT, FILE, "x"), "io", /^\[io\] writing .*: ENOENT/);
  });

  it("fails (with some error) when the slot was never created, and creates nothing", async () => {
    const { root, store } = await fresh();
    await assert.rejects(store.write(SLOT, FILE, "x"));
    assert.equal(existsSync(root), false);
  });
});

describe("symlinks below the root", () => {
  // Each attack puts a symlink where the store expects a real dir, aiming at `outside`.
  const attacks: Array<[string, (root: string, outside: string) => Promise<void>]> = [
    [
      "symlinked-task-dir",
      async (root, outside) => {
        await mkdir(root, { recursive: true });
        await symlink(outside, join(root, "t1"));
      },
    ],
    [
      "symlinked-container-dir",
      async (root, outside) => {
        await mkdir(join(root, "t1"), { recursive: true });
        await symlink(outside, join(root, "t1", "web"));
      },
    ],
    [
      "dangling-symlinked-task-dir",
      async (root, outside) => {
        await mkdir(root, { recursive: true });
        await symlink(join(outside, "missing"), join(root, "t1"));
      },
    ],
    [
      "relative-symlinked-container-dir",
      async (root) => {
        await mkdir(join(root, "t1"), { recursive: true });
        await symlink("../../outside", join(root, "t1", "web"));
      },
    ],
  ];

  for (const [name, attack] of attacks) {
    it(`ensureDir refuses to follow it and creates nothing through it [${name}]`, async () => {
      const { root, store, outside } = await fresh();
      await attack(root, outside);
      await rejectsWith(ensureDir(store, SLOT), "symlink-refused", /is a symlink, refusing to follow it$/);
      assert.deepEqual(await readdir(outside), []);
    });

    it(`write refuses to follow it and writes nothing through it [${name}]`, async () => {
      const { root, store, outside } = await fresh();
      await attack(root, outside);
      await mkdir(join(outside, "web"), { recursive: true }); // the place a followed task link would lead
      await rejectsWith(
        store.write(SLOT, FILE, "x"),
        "symlink-refused",
        /^\[symlink-refused\] writing .*: using .*: is a symlink, refusing to follow it$/,
      );
      assert.deepEqual(await readdir(outside), ["web"]);
      assert.deepEqual(await readdir(join(outside, "web")), []);
    });

    it(`remove refuses to follow it and deletes nothing through it [${name}]`, async () => {
      const { root, store, outside } = await fresh();
      await attack(root, outside);
      await mkdir(join(outside, "web"), { recursive: true });
      await writeFile(join(outside, "web", FILE), "precious");
      await writeFile(join(outside, "precious"), "precious");
      await rejectsWith(
        store.remove(SLOT),
        "symlink-refused",
        /^\[symlink-refused\] removing .*: is a symlink, refusing to follow it$/,
      );
      assert.equal(await readFile(join(outside, "web", FILE), "utf8"), "precious");
      assert.equal(await readFile(join(outside, "precious"), "utf8"), "precious");
    });
  }

  for (const [name, attack] of attacks) {
    it(`removeIfNamed leaves it alone and deletes nothing through it [${name}]`, async () => {
      const { root, store, outside } = await fresh();
      await attack(root, outside);
      await mkdir(join(outside, "web"), { recursive: true });
      await writeFile(join(outside, "web", FILE), JSON.stringify({ ContainerID: "c1" }));
      await writeFile(join(outside, FILE), JSON.stringify({ ContainerID: "c1" }));
      assert.equal(await store.removeIfNamed(SLOT, FILE, "c1"), false);
      assert.deepEqual((await readdir(outside)).sort(), [FILE, "web"]);
      assert.deepEqual(await readdir(join(outside, "web")), [FILE]);
    });
  }

  it("remove deletes a symlink inside the container dir without touching its target", async () => {
    const { store, outside } = await fresh();
    const dir = await ensureDir(store, SLOT);
    await writeFile(join(outside, "precious"), "precious");
    await symlink(outside, join(dir, "link"));
    await store.remove(SLOT);
    assert.equal(existsSync(dir), false);
    assert.equal(await readFile(join(outside, "precious"), "utf8"), "precious");
  });
});

describe("MetadataStore.slotOf", () => {
  const root = "/var/lib/ecs/data/metadata";
  const store = new MetadataStore(root);

  const accepted: Array<[string, string, Slot]> = [
    ["plain", `${root}/t1/web`, { task: "t1", name: "web" }],
    ["trailing-slash", `${root}/t1/web/`, { task: "t1", name: "web" }],
    ["doubled-slashes", `${root}//t1//web`, { task: "t1", name: "web" }],
    ["dot-segments", `${root}/./t1/./web`, { task: "t1", name: "web" }],
    ["hashed-segments", `${root}/__.._etc-cb7d5d3f/_-a3d4a70d`, { task: "__.._etc-cb7d5d3f", name: "_-a3d4a70d" }],
  ];
  for (const [name, hostDir, slot] of accepted) {
    it(`finds the slot of a container dir [${name}]`, () => assert.deepEqual(store.slotOf(hostDir), slot));
  }

  it("accepts a root given with a trailing slash", () => {
    assert.deepEqual(new MetadataStore(`${root}/`).slotOf(`${root}/t1/web`), { task: "t1", name: "web" });
  });

  const attacks: Array<[string, string]> = [
    ["dotdot-escape", `${root}/t1/../../../../etc`],
    ["dotdot-to-a-sibling-tree", `${root}/../other/t1/web`],
    ["dotdot-to-depth-two-outside", `${root}/../../x/y`],
    ["absolute-outside", "/etc/passwd"],
    ["sibling-with-common-prefix", `${root}-evil/t1/web`],
    ["root-itself", root],
    ["task-dir-only", `${root}/t1`],
    ["too-deep", `${root}/t1/web/extra`],
    ["file-inside", `${root}/t1/web/ecs-container-metadata.json`],
    ["reserved-temp-name", `${root}/t1/.tmp-web`],
    ["hidden-task", `${root}/.hidden/web`],
    ["unsafe-characters", `${root}/t 1/web`],
    ["relative-path", "t1/web"],
    ["empty", ""],
    ["filesystem-root", "/"],
  ];
  for (const [name, hostDir] of attacks) {
    it(`refuses a dir that is not exactly root/task/name [${name}]`, () => {
      assert.throws(
        () => store.slotOf(hostDir),
        (err: unknown) => {
          assert.ok(isOciMetadataError(err));
          assert.equal(err.code, "path-escape");
          assert.equal(
            err.message,
            `[path-escape] locating ${JSON.stringify(hostDir)}: not a container dir under ${root}`,
          );
          return true;
        },
      );
    });
  }
});

describe("MetadataStore.remove", () => {
  it("deletes the container dir with its files and the task dir once it is empty", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    await store.write(SLOT, FILE, "x");
    await store.remove(SLOT);
    assert.equal(existsSync(join(root, "t1")), false);
    assert.ok(existsSync(root));
  });

  it("keeps a task dir that still holds another container", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    await ensureDir(store, { task: "t1", name: "db" });
    await store.write({ task: "t1", name: "db" }, FILE, "db");
    await store.remove(SLOT);
    assert.deepEqual(await readdir(join(root, "t1")), ["db"]);
    assert.equal(await readFile(join(root, "t1", "db", FILE), "utf8"), "db");
  });

  const missing: Array<[string, (store: MetadataStore) => Promise<unknown>]> = [
    ["no-root", async () => undefined],
    ["no-task-dir", (store) => ensureDir(store, { task: "other", name: "web" })],
    ["no-container-dir", (store) => ensureDir(store, { task: "t1", name: "db" })],
  ];
  for (const [name, setup] of missing) {
    it(`is fine with a slot that does not exist [${name}]`, async () => {
      const { store } = await fresh();
      await setup(store);
      await store.remove(SLOT);
    });
  }

  it("is fine when called twice", async () => {
    const { store } = await fresh();
    await ensureDir(store, SLOT);
    await store.remove(SLOT);
    await store.remove(SLOT);
  });

  it("refuses an unsafe slot", async () => {
    const { store } = await fresh();
    await rejectsWith(
      store.remove({ task: "t1", name: "../.." }),
      "path-escape",
      `[path-escape] using slot {"task":"t1","name":"../.."}: not safe path segments`,
    );
  });
});

describe("MetadataStore.removeIfNamed", () => {
  const named = (id: string) => JSON.stringify({ ContainerID: id, Name: "web" });

  it("removes the dir (and the task dir once empty) while its file names the container", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    await store.write(SLOT, FILE, named("c1"));
    assert.equal(await store.removeIfNamed(SLOT, FILE, "c1"), true);
    assert.equal(existsSync(join(root, "t1")), false);
  });

  it("leaves a dir whose file names another container, and its task dir", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    await store.write(SLOT, FILE, named("c2"));
    assert.equal(await store.removeIfNamed(SLOT, FILE, "c1"), false);
    assert.equal(await readFile(join(root, "t1", "web", FILE), "utf8"), named("c2"));
  });

  it("leaves a dir with no file, or with a symlink in the file's place (never read through)", async () => {
    const { root, store, outside } = await fresh();
    await ensureDir(store, SLOT);
    assert.equal(await store.removeIfNamed(SLOT, FILE, "c1"), false);
    await writeFile(join(outside, "target"), named("c1"));
    await symlink(join(outside, "target"), join(root, "t1", "web", FILE));
    assert.equal(await store.removeIfNamed(SLOT, FILE, "c1"), false);
    assert.ok(existsSync(join(root, "t1", "web")));
    assert.equal(await readFile(join(outside, "target"), "utf8"), named("c1"));
  });

  it("keeps a task dir that still holds another container", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    await ensureDir(store, { task: "t1", name: "db" });
    await store.write(SLOT, FILE, named("c1"));
    assert.equal(await store.removeIfNamed(SLOT, FILE, "c1"), true);
    assert.deepEqual(await readdir(join(root, "t1")), ["db"]);
  });

  it("is false for a slot that is a file, and leaves it", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, { task: "t1", name: "db" });
    await writeFile(join(root, "t1", "web"), JSON.stringify({ ContainerID: "c1" }));
    assert.equal(await store.removeIfNamed(SLOT, FILE, "c1"), false);
    assert.equal(await readFile(join(root, "t1", "web"), "utf8"), JSON.stringify({ ContainerID: "c1" }));
  });

  it("refuses an unsafe root with one of our errors, as every operation does", async () => {
    const { root, store, outside } = await fresh();
    await symlink(outside, root);
    await rejectsWith(store.removeIfNamed(SLOT, FILE, "c1"), "root-unsafe");
  });

  it("is false for a slot or root that is not there", async () => {
    const { store } = await fresh();
    assert.equal(await store.removeIfNamed(SLOT, FILE, "c1"), false);
    await ensureDir(store, { task: "t1", name: "db" });
    assert.equal(await store.removeIfNamed(SLOT, FILE, "c1"), false);
  });
});

describe("MetadataStore.writeUnlessSame", () => {
  it("writes when there is no file, and when the file differs", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    assert.equal(await store.writeUnlessSame(SLOT, FILE, "one", () => true), true);
    assert.equal(await store.writeUnlessSame(SLOT, FILE, "two", (old) => old === "two"), true);
    assert.equal(await readFile(join(root, "t1", "web", FILE), "utf8"), "two");
  });

  it("writes nothing when the file is the same (the rename is the change signal)", async () => {
    const { root, store } = await fresh();
    await ensureDir(store, SLOT);
    await store.write(SLOT, FILE, "one");
    const before = (await stat(join(root, "t1", "web", FILE))).ino;
    assert.equal(await store.writeUnlessSame(SLOT, FILE, "one!", (old) => old === "one"), false);
    assert.equal((await stat(join(root, "t1", "web", FILE))).ino, before);
    assert.equal(await readFile(join(root, "t1", "web", FILE), "utf8"), "one");
  });

  it("fails with one of our errors when the slot was never created", async () => {
    const { store } = await fresh();
    await ensureDir(store, { task: "t1", name: "db" });
    await assert.rejects(
      store.writeUnlessSame(SLOT, FILE, "x", () => false),
      (err: unknown) => isOciMetadataError(err),
    );
  });
});

describe("special files under the root", () => {
  it("reads a FIFO at the file's place as empty, without blocking, and claim then refuses", async () => {
    const { store } = await fresh();
    const dir = await ensureDir(store, SLOT);
    execFileSync("mkfifo", [join(dir, FILE)]);
    assert.equal(await store.read(SLOT, FILE), "");
    assert.deepEqual(await store.readAll(FILE), [{ slot: SLOT, text: "" }]);
    assert.equal(await store.claim(SLOT, FILE, "id"), false);
  });

  it("reads a symlink at the file's place as empty, never its target", async () => {
    const { store, outside } = await fresh();
    const dir = await ensureDir(store, SLOT);
    await writeFile(join(outside, "secret"), '{"ContainerID":"id"}');
    await symlink(join(outside, "secret"), join(dir, FILE));
    assert.equal(await store.read(SLOT, FILE), "");
    assert.equal(await store.claim(SLOT, FILE, "id"), false);
  });

  it("remove empties nested dirs, FIFOs and symlinks, leaving every symlink target alone", async () => {
    const { root, store, outside } = await fresh();
    const dir = await ensureDir(store, SLOT);
    await writeFile(join(outside, "precious"), "precious");
    await mkdir(join(dir, "a", "b", "c"), { recursive: true });
    await writeFile(join(dir, "a", "b", "c", "f"), "x");
    execFileSync("mkfifo", [join(dir, "a", "fifo")]);
    await symlink(outside, join(dir, "a", "b", "to-outside"));
    await symlink(join(outside, "precious"), join(dir, "a", "precious"));
    await store.remove(SLOT);
    assert.equal(existsSync(join(root, "t1")), false);
    assert.deepEqual(await readdir(outside), ["precious"]);
    assert.equal(await readFile(join(outside, "precious"), "utf8"), "precious");
  });

  it("remove refuses a tree deeper than 16 levels under the container dir", async () => {
    const { store } = await fresh();
    const dir = await ensureDir(store, SLOT);
    const deep = join(dir, ...Array.from({ length: 20 }, (_, i) => `d${i}`));
    await mkdir(deep, { recursive: true });
    await rejectsWith(
      store.remove(SLOT),
      "path-escape",
      /^\[path-escape\] removing .*\/t1\/web: removing .*: deeper than 16 levels$/,
    );
    assert.ok(existsSync(deep));
  });
});

describe("MetadataStore.list", () => {
  const sorted = (slots: Slot[]) =>
    [...slots].sort((a, b) => `${a.task}/${a.name}`.localeCompare(`${b.task}/${b.name}`));

  it("is empty when the root does not exist yet", async () => {
    const { store } = await fresh();
    assert.deepEqual(await store.list(), []);
  });

  it("lists every slot", async () => {
    const { store } = await fresh();
    for (const slot of [SLOT, { task: "t1", name: "db" }, { task: "t2", name: "web" }]) await ensureDir(store, slot);
    assert.deepEqual(sorted(await store.list()), [
      { task: "t1", name: "db" },
      { task: "t1", name: "web" },
      { task: "t2", name: "web" },
    ]);
  });

  it("skips files, symlinks, temp names and unsafe names", async () => {
    const { root, store, outside } = await fresh();
    await ensureDir(store, SLOT);
    await writeFile(join(root, "stray-file"), "x");
    await writeFile(join(root, "t1", "stray-file"), "x");
    await symlink(outside, join(root, "linked-task"));
    await symlink(outside, join(root, "t1", "linked-name"));
    await mkdir(join(root, ".tmp-task", "web"), { recursive: true });
    await mkdir(join(root, "t1", ".tmp-web"));
    await mkdir(join(root, "bad name", "web"), { recursive: true });
    assert.deepEqual(await store.list(), [SLOT]);
  });

  it("forgets a removed slot", async () => {
    const { store } = await fresh();
    await ensureDir(store, SLOT);
    await store.remove(SLOT);
    assert.deepEqual(await store.list(), []);
  });
});

describe("MetadataStore.pathOf and findByContainerId", () => {
  it("joins the root, the slot and the file without I/O", () => {
    const store = new MetadataStore("/r");
    assert.equal(store.pathOf(SLOT), "/r/t1/web");
    assert.equal(store.pathOf(SLOT, FILE), `/r/t1/web/${FILE}`);
    assert.throws(() => store.pathOf({ task: "..", name: "x" }), /\[path-escape\]/);
  });

  it("finds the slots whose file names exactly this container id", async () => {
    const { root, store } = await fresh();
    const docs: Array<[Slot, string]> = [
      [SLOT, JSON.stringify({ ContainerID: "abc" })],
      [{ task: "t1", name: "db" }, JSON.stringify({ ContainerID: "abcd" })],
      [{ task: "t2", name: "web" }, JSON.stringify({ Other: "abc", ContainerID: "zzz" })],
      [{ task: "t3", name: "bad" }, `{"ContainerID":"abc"`],
    ];
    for (const [slot, text] of docs) {
      await ensureDir(store, slot);
      await store.write(slot, FILE, text);
    }
    await mkdir(join(root, "t4", "empty"), { recursive: true });
    assert.deepEqual(await store.findByContainerId(FILE, "abc"), [SLOT]);
    assert.deepEqual(await store.findByContainerId(FILE, "nope"), []);
  });
});

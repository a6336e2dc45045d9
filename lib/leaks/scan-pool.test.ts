// The push scan on its worker threads: the bundled workers find what the main thread finds, and
// a worker that dies, errs or hangs leaves the scan to the main thread (it is never skipped).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { build } from "esbuild";
import { strToU8, zipSync, type Zippable } from "fflate";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateKey } from "@/lib/api-keys/key-material";
import { findKeysInPackage } from "./find-keys";
import { multipartNuGet58 } from "@/e2e/nupkg";
import { findKeysOffThread, newBodyScan, setScanWorkerFile, stopScanWorker, type BodyScan } from "./scan-pool";

const dir = mkdtempSync(path.join(os.tmpdir(), "scan-worker-"));
const bundled = path.join(dir, "scan-worker.mjs");

function nupkg(files: Record<string, string | Uint8Array>): Uint8Array {
  const zip: Zippable = { "Leaky.nuspec": strToU8("<package/>") };
  for (const [name, content] of Object.entries(files)) zip[name] = typeof content === "string" ? strToU8(content) : content;
  return zipSync(zip, { level: 6 });
}

/** A key in a small entry, another in one over 1 MB (the main thread sends those to zlib's pool), a binary with a key (not read). */
function leaky() {
  const a = generateKey().plaintext;
  const b = generateKey().plaintext;
  const bytes = nupkg({
    "tools/nuget.config": `<add key="src" value="${a}" />`,
    "content/big.txt": `${randomBytes(900 * 1024).toString("base64")}\n${b}\n`,
    "lib/net8.0/Leaky.dll": strToU8(`binary ${generateKey().plaintext}`),
  });
  return { a, b, bytes };
}

/** Workers that fail each their own way: the pool must fall back to the main thread. */
const failingWorkers = {
  "dies.mjs": "process.exit(3);",
  "throws.mjs": 'import { parentPort } from "node:worker_threads"; parentPort.on("message", () => { throw new Error("boom"); });',
  "errs.mjs": 'import { parentPort } from "node:worker_threads"; parentPort.on("message", (m) => parentPort.postMessage({ id: m.id, error: "bad" }));',
  "hangs.mjs": 'import { parentPort } from "node:worker_threads"; parentPort.on("message", () => {});',
};

beforeAll(async () => {
  for (const [name, code] of Object.entries(failingWorkers)) writeFileSync(path.join(dir, name), code);
  // as scripts/build-server.mjs bundles it
  await build({
    entryPoints: ["lib/leaks/scan-worker.ts"],
    outfile: bundled,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "warning",
  });
});

afterAll(async () => {
  setScanWorkerFile(null);
  await stopScanWorker();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A body fed to `scan` 64 kB at a time into shared memory (as readBody does), or into memory of
 * its own (`shared: false`), or moved to a second buffer halfway (as readBody grows a body
 * that announced no length); the package's place in it.
 */
function arrive(scan: BodyScan, body: Uint8Array, memory: "shared" | "own" | "moved" = "shared") {
  const allocate = () => (memory === "own" ? Buffer.alloc(body.byteLength) : Buffer.from(new SharedArrayBuffer(body.byteLength)));
  let buffer = allocate();
  for (let at = 0; at < body.byteLength; at += 65_536) {
    const end = Math.min(body.byteLength, at + 65_536);
    if (memory === "moved" && at === 65_536 * 4) {
      const bigger = allocate();
      buffer.copy(bigger, 0, 0, at);
      buffer.fill(0); // reused by another push meanwhile
      buffer = bigger;
    }
    buffer.set(body.subarray(at, end), at);
    scan.arrived(buffer, end);
  }
  const start = buffer.indexOf("PK\x03\x04");
  const end = buffer.lastIndexOf("\r\n--");
  return { buffer, nupkg: buffer.subarray(start, end) };
}

describe("the push scan's worker", () => {
  it("finds what the main thread finds, package after package (two workers, reused), also several at once", async () => {
    setScanWorkerFile(bundled, undefined, 2);
    // the worker answered every time: nothing fell back to the main thread (logError says so)
    const logged = vi.spyOn(console, "error");
    for (let i = 0; i < 3; i++) {
      const { a, b, bytes } = leaky();
      const expected = [
        { token: a, file: "tools/nuget.config" },
        { token: b, file: "content/big.txt" },
      ];
      expect(await findKeysInPackage(bytes)).toEqual(expected);
      expect(await findKeysOffThread(bytes)).toEqual(expected);
    }
    const many = Array.from({ length: 4 }, leaky);
    const found = await Promise.all(many.map((p) => findKeysOffThread(p.bytes)));
    expect(found.map((f) => f.map((k) => k.token))).toEqual(many.map((p) => [p.a, p.b]));
    // split between the two workers by bytes (the first share ends after a.txt): each key keeps its own file
    const [a, b, c] = [generateKey().plaintext, generateKey().plaintext, generateKey().plaintext];
    const halves = nupkg({ "content/a.txt": `${randomBytes(700 * 1024).toString("base64")}\n${a}`, "content/b.txt": `${b}\n${randomBytes(500 * 1024).toString("base64")}`, "tools/c.ps1": c });
    const split = [
      { token: a, file: "content/a.txt" },
      { token: b, file: "content/b.txt" },
      { token: c, file: "tools/c.ps1" },
    ];
    expect(await findKeysOffThread(halves)).toEqual(split);
    expect(await findKeysInPackage(halves)).toEqual(split);
    // a package the worker cannot read (not a zip) finds nothing, as on the main thread
    expect(await findKeysOffThread(randomBytes(1000))).toEqual([]);
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  it("a worker that dies, throws or hangs: the main thread scans instead", async () => {
    for (const name of Object.keys(failingWorkers)) {
      setScanWorkerFile(path.join(dir, name), 500);
      const { a, b, bytes } = leaky();
      const logged = vi.spyOn(console, "error").mockImplementation(() => {});
      const found = await findKeysOffThread(bytes);
      expect(found.map((k) => k.token), name).toEqual([a, b]);
      expect(logged, name).toHaveBeenCalled();
      logged.mockRestore();
    }
    // no worker file at all (vitest, tsx): the main thread
    setScanWorkerFile(path.join(dir, "missing.mjs"));
    const { a, b, bytes } = leaky();
    expect((await findKeysOffThread(bytes)).map((k) => k.token)).toEqual([a, b]);
  });
});

describe("the scan's head start, while the body arrives", () => {
  it("the workers scan text entries as they arrive; the package's own directory confirms every guess", async () => {
    const logged = vi.spyOn(console, "error");
    // one worker (a machine of two cores), then two
    for (let i = 0; i < 4; i++) {
      if (i % 2 === 0) setScanWorkerFile(bundled, undefined, 1 + i / 2);
      const { a, b, bytes } = leaky();
      const scan = newBodyScan()!;
      expect(scan).not.toBeNull();
      const { buffer, nupkg } = arrive(scan, multipartNuGet58(bytes).body);
      expect(await scan.finish(nupkg, buffer)).toEqual([
        { token: a, file: "tools/nuget.config" },
        { token: b, file: "content/big.txt" },
      ]);
      // the nuspec, nuget.config and big.txt: all three scanned while arriving
      expect(scan.guessed).toBe(3);
    }
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  it("a guess the directory does not confirm is scanned again: local headers that lie, or the package somewhere else", async () => {
    setScanWorkerFile(bundled);
    const { a, b, bytes } = leaky();
    const expected = [
      { token: a, file: "tools/nuget.config" },
      { token: b, file: "content/big.txt" },
    ];
    const config = Buffer.from(bytes).indexOf("tools/nuget.config") - 30;
    // nuget.config's local header claims another inflated size than the directory does
    const lying = Buffer.from(bytes);
    lying.writeUInt32LE(lying.readUInt32LE(config + 22) + 1, config + 22);
    let scan = newBodyScan()!;
    let arrived = arrive(scan, multipartNuGet58(lying).body);
    expect(await scan.finish(arrived.nupkg, arrived.buffer)).toEqual(expected);
    expect(scan.guessed).toBe(2);
    // the package handed to finish is not where the walk found it
    scan = newBodyScan()!;
    arrived = arrive(scan, multipartNuGet58(bytes).body);
    expect(await scan.finish(Buffer.from(arrived.nupkg), arrived.buffer)).toEqual(expected);
    expect(scan.guessed).toBe(0);
    // a body in memory of its own (not shared): the workers cannot read it where it is, nothing is guessed
    scan = newBodyScan()!;
    arrived = arrive(scan, multipartNuGet58(bytes).body, "own");
    expect(await scan.finish(arrived.nupkg, arrived.buffer)).toEqual(expected);
    expect(scan.guessed).toBe(0);
    // a body moved to a larger buffer halfway, the old one overwritten: no guess counts, not even those made before the move
    scan = newBodyScan()!;
    arrived = arrive(scan, multipartNuGet58(bytes).body, "moved");
    expect(await scan.finish(arrived.nupkg, arrived.buffer)).toEqual(expected);
    expect(scan.guessed).toBe(0);
    // a push that ends before its package is scanned sends nothing more
    scan = newBodyScan()!;
    scan.abandon();
    arrived = arrive(scan, multipartNuGet58(bytes).body);
    expect(await scan.finish(arrived.nupkg, arrived.buffer)).toEqual(expected);
    expect(scan.guessed).toBe(0);
  });

  it("guesses a worker failed are scanned on the main thread", async () => {
    setScanWorkerFile(path.join(dir, "errs.mjs"));
    const { a, b, bytes } = leaky();
    const scan = newBodyScan()!;
    const arrived = arrive(scan, multipartNuGet58(bytes).body);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    expect((await scan.finish(arrived.nupkg, arrived.buffer)).map((k) => k.token)).toEqual([a, b]);
    expect(scan.guessed).toBe(3);
    logged.mockRestore();
    // without workers there is no head start: the push scans after its body
    setScanWorkerFile(null);
    expect(newBodyScan()).toBeNull();
  });
});

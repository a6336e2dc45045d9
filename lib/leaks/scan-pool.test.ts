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
import { findKeysOffThread, setScanWorkerFile, stopScanWorker } from "./scan-pool";

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

beforeAll(async () => {
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

describe("the push scan's worker", () => {
  it("finds what the main thread finds, package after package (two workers, reused), also several at once", async () => {
    setScanWorkerFile(bundled);
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
    const cases = {
      "dies.mjs": "process.exit(3);",
      "throws.mjs": 'import { parentPort } from "node:worker_threads"; parentPort.on("message", () => { throw new Error("boom"); });',
      "errs.mjs": 'import { parentPort } from "node:worker_threads"; parentPort.on("message", (m) => parentPort.postMessage({ id: m.id, error: "bad" }));',
      "hangs.mjs": 'import { parentPort } from "node:worker_threads"; parentPort.on("message", () => {});',
    };
    for (const [name, code] of Object.entries(cases)) {
      writeFileSync(path.join(dir, name), code);
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

// First-load JS of an app route, from the built .next: the root main files every page loads
// plus the client chunks of the route's entries (layouts, error boundaries, page), summed raw
// and gzipped. With --url it reads the <script src> of the served HTML instead (a running
// server), which is what a browser really fetches.
// Usage: node bench/first-load-js.mjs [/users/account/LogOn] [--url http://127.0.0.1:3000]
import { readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

const args = process.argv.slice(2);
const route = args.find((a) => a.startsWith("/")) ?? "/users/account/LogOn";
const urlFlag = args.indexOf("--url");
const dist = ".next";

async function chunksFromHtml(base) {
  const html = await (await fetch(new URL(route, base))).text();
  // noModule polyfills are skipped by every browser that runs the app's modules
  return [...html.matchAll(/<script([^>]*)>/g)]
    .filter((m) => !/nomodule/i.test(m[1]))
    .map((m) => m[1].match(/src="([^"]+)"/)?.[1])
    .filter(Boolean)
    .map((src) => src.replace(/^\/_next\//, "").split("?")[0]);
}

function chunksFromManifests() {
  const build = JSON.parse(readFileSync(path.join(dist, "build-manifest.json"), "utf8"));
  const file = path.join(dist, "server/app", route, "page_client-reference-manifest.js");
  const sandbox = { globalThis: {} };
  vm.runInNewContext(readFileSync(file, "utf8"), sandbox);
  const manifest = Object.values(sandbox.globalThis.__RSC_MANIFEST)[0];
  return [...build.rootMainFiles, ...Object.values(manifest.entryJSFiles).flat()];
}

const chunks = [...new Set(urlFlag >= 0 ? await chunksFromHtml(args[urlFlag + 1]) : chunksFromManifests())];
let raw = 0;
let gz = 0;
for (const c of chunks) {
  const buf = readFileSync(path.join(dist, c));
  raw += buf.length;
  gz += gzipSync(buf, { level: 9 }).length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`${route}: ${chunks.length} script chunks, ${kb(raw)} raw, ${kb(gz)} gzip (first-load JS)`);

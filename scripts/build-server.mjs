// Bundles the server (server/main.ts: Next's custom server, which also serves the push) and the
// app code it uses (lib/) into dist/server.mjs, and the push scan's worker into dist/scan-worker.mjs. Packages stay in node_modules; "server-only"
// becomes an empty module: outside Next's bundler it would throw on import.
import { build } from "esbuild";

await build({
  // the push scan's worker thread (lib/leaks/scan-pool.ts finds it beside the server)
  entryPoints: { server: "server/main.ts", "scan-worker": "lib/leaks/scan-worker.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  alias: { "server-only": "./tests/server-only-stub.ts" },
  // the bundled Prisma client and the packages it imports use require()
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "warning",
});

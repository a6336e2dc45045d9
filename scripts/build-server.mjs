// Bundles server/main.ts and the app code it uses (the push, lib/) into dist/server.mjs, the
// production server (see server/main.ts). Packages stay in node_modules; "server-only" becomes
// an empty module: outside Next's bundler it would throw on import.
import { build } from "esbuild";

await build({
  entryPoints: ["server/main.ts"],
  outfile: "dist/server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  alias: { "server-only": "./server/empty.ts" },
  // the bundled Prisma client and the packages it imports use require()
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "warning",
});

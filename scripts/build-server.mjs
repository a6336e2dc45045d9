// Bundles the production server (see server/main.ts) into dist/: server.mjs, the front process
// with the push and the app code it uses (lib/), and next-server.mjs, Next in a child process.
// Packages stay in node_modules; "server-only" becomes an empty module: outside Next's bundler it
// would throw on import.
import { build } from "esbuild";

await build({
  entryPoints: { server: "server/main.ts", "next-server": "server/next.ts" },
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

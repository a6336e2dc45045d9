import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: {
    alias: {
      "@": import.meta.dirname,
      // `server-only` throws outside Next; the data layer is tested directly.
      "server-only": path.join(import.meta.dirname, "tests/server-only-stub.ts"),
    },
  },
  test: {
    environment: "node",
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "tests/**/*.test.ts"],
    // Data-layer suites each migrate their own SQLite file and PostgreSQL database;
    // running files one at a time keeps the two cores free for the databases.
    fileParallelism: false,
    globalSetup: ["tests/global-setup.ts"],
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});

// Stands in for the `server-only` package wherever Next's bundler does not run: under vitest
// (vitest.config.ts) and in the production server bundle dist/server.mjs (scripts/build-server.mjs).
// The real package throws on import outside a React Server Components build.
export {};

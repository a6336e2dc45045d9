// Stands in for the "server-only" package in dist/server.mjs (scripts/build-server.mjs).
export {};

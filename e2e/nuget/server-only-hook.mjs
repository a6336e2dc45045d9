// Node module hooks for the test process only, so the e2e tests can drive the real data layer
// (lib/**/store.ts) on the e2e database:
// - `server-only` throws outside Next's server bundles: here it is an empty module;
// - `next/headers` (via lib/audit.ts) has no "exports" map, so plain ESM resolution needs the
//   file name; outside a request it throws, which the data layer already handles.
export async function resolve(specifier, context, next) {
  if (specifier === "server-only") return { url: "data:text/javascript,export {}", shortCircuit: true };
  if (/^next\/[a-z-]+$/.test(specifier)) return next(`${specifier}.js`, context);
  return next(specifier, context);
}

// Next.js calls register() once as the server starts: a bad environment variable stops it
// there, with lib/env.ts's message, not at the first request that reads it.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkEnv } = await import("@/lib/env");
  checkEnv();
}

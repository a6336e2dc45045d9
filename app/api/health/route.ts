// Liveness for scripts and tests: answers without touching the database or auth.
export function GET() {
  return Response.json({ ok: true });
}

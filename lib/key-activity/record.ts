// Every use of a key, allowed or refused, recorded (issue 14 item 5): a NuGet API handler runs
// inside withKeyActivity, and the key check notes on the request what it learns (the key's id,
// the package, the check that failed). When the handler has answered, one row is queued on the
// process's batch writer (writer.ts): the request path pays for a push onto an array. A key
// that was not found has no row to attach a use to, so nothing is recorded for it.
import "server-only";
import type { Db } from "@/lib/create-db";
import { env } from "@/lib/env";
import { clientIp } from "@/lib/request-context";
import { createBatchWriter, insertKeyActivity, type ActivityRow, type BatchWriter, type BatchWriterStats } from "./writer";

/** Longer user agents are cut here (real clients send well under 200 characters). */
export const MAX_USER_AGENT = 256;
/** nuget.org's id limit is 100 characters and a version's is 64; anything longer is cut. */
const MAX_PACKAGE_ID = 128;
const MAX_VERSION = 64;

/** What a handler and the key check learn about one use, noted on its request. */
export interface UseNote {
  keyId?: string;
  packageId?: string;
  version?: string;
  /** which check refused it (refusals.ts's reasons, and the push's own: version-exists, reserved-prefix, leak …) */
  failedCheck?: string;
  /** "current" or "previous" (a rolled key's old secret) */
  secret?: string;
}

const notes = new WeakMap<object, UseNote>();

/** Adds to what is known about the use of a key this request makes. */
export function noteKeyUse(request: object, note: UseNote): void {
  const known = notes.get(request);
  if (known) Object.assign(known, note);
  else notes.set(request, { ...note });
}

/** A refusal's check when the handler noted none: named by its status. */
function checkByStatus(status: number): string {
  if (status === 400) return "invalid-request";
  if (status === 404) return "package-missing";
  if (status === 408) return "upload-too-slow";
  if (status === 413) return "too-large";
  if (status === 409) return "conflict";
  if (status === 503) return "unavailable";
  return status >= 500 ? "error" : `status-${status}`;
}

const cut = (text: string | null | undefined, max: number) => (text ? text.slice(0, max) : null);

/** The row for a use that answered `status`; null when no key was found. */
export function activityRow(request: { headers: Pick<Headers, "get"> }, action: string, status: number, note: UseNote | undefined, at = new Date()): ActivityRow | null {
  if (!note?.keyId) return null;
  const refused = status >= 400;
  return {
    apiKeyId: note.keyId,
    at,
    action,
    packageId: cut(note.packageId, MAX_PACKAGE_ID),
    version: cut(note.version, MAX_VERSION),
    result: refused ? "refused" : "allowed",
    status,
    failedCheck: refused ? (note.failedCheck ?? checkByStatus(status)) : null,
    clientAddress: clientIp(request.headers),
    userAgent: cut(request.headers.get("user-agent"), MAX_USER_AGENT),
    secret: note.secret ?? null,
  };
}

// On globalThis: the server bundle (server/main.ts, the push) and Next's route handlers load
// this module apart, and must share one buffer per client
const globalForActivity = globalThis as unknown as { nugetKeyActivity?: Map<Db, BatchWriter> };
const writers = (globalForActivity.nugetKeyActivity ??= new Map());

function writerFor(db: Db): BatchWriter {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = createBatchWriter({ write: (rows) => insertKeyActivity(db, rows) })));
  return writer;
}

/** Queues a use (KEY_ACTIVITY=off: nothing). */
export function recordKeyActivity(db: Db, row: ActivityRow): void {
  if (env().KEY_ACTIVITY === "off") return;
  writerFor(db).add(row);
}

/**
 * Runs a keyed API handler and records the use it made, allowed or refused, with the answer's
 * status. A handler that throws is recorded as a 500 ("error") and the error goes on.
 */
export async function withKeyActivity<T extends { status: number }>(db: Db, request: { headers: Pick<Headers, "get"> }, action: string, handle: () => Promise<T>): Promise<T> {
  let status = 500;
  try {
    const answer = await handle();
    status = answer.status;
    return answer;
  } finally {
    const row = activityRow(request, action, status, notes.get(request));
    if (row) recordKeyActivity(db, row);
  }
}

/** Writes every queued use (the server's shutdown); what could not be written in `timeoutMs` is counted as pending. */
export async function flushKeyActivity(timeoutMs = 5_000): Promise<BatchWriterStats[]> {
  const all = [...writers.values()];
  writers.clear();
  return Promise.all(all.map((w) => w.close(timeoutMs)));
}

/** The buffer's counts for a client (tests, the bench). */
export function keyActivityStats(db: Db): BatchWriterStats | null {
  return writers.get(db)?.stats() ?? null;
}

// The push records every use of a found key, allowed or refused, with the check that failed:
// the real push (lib/nuget/push.ts) on each engine, its rows read back after the shutdown flush.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, expect, it, vi } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { buildNupkg, multipartNuGet58, nuspecXml } from "@/e2e/nupkg";
import type { Db } from "@/lib/create-db";

const DAY = 86_400_000;
process.env.PACKAGES_DIR = mkdtempSync(path.join(tmpdir(), "activity-packages-"));
process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "activity-mail-"));
delete process.env.SMTP_URL;
process.env.KEY_ACTIVITY = "on";

type Push = typeof import("@/lib/nuget/push").push;
type Flush = typeof import("./record").flushKeyActivity;

const CLIENT = "NuGet Command Line/5.8.0 (Microsoft Windows NT 10.0.19045.0)";

describeEachDb("key activity of pushes", (getDb) => {
  let push: Push;
  let flush: Flush;
  beforeAll(async () => {
    // lib/db.ts takes the client already on globalThis: the push then runs on this engine's database
    (globalThis as { db?: Db }).db = getDb();
    vi.resetModules();
    ({ push } = await import("@/lib/nuget/push"));
    ({ flushKeyActivity: flush } = await import("./record"));
  });

  async function pushAs(apiKey: string, id: string, version: string, opts: { userAgent?: string; nuspec?: string } = {}) {
    const { body, contentType } = multipartNuGet58(buildNupkg({ id, version, nuspec: opts.nuspec }));
    const headers = new Headers({ "X-NuGet-ApiKey": apiKey, "Content-Type": contentType, "User-Agent": opts.userAgent ?? CLIENT, "X-Forwarded-For": "203.0.113.7" });
    return push({ headers, body: (async function* () { yield body; })() });
  }

  const activityOf = (keyId: string) =>
    getDb().keyActivity.findMany({ where: { apiKeyId: keyId }, orderBy: { at: "asc" }, select: { action: true, packageId: true, version: true, result: true, status: true, failedCheck: true, clientAddress: true, userAgent: true } });

  it("allowed and refused pushes are recorded with the check that failed; an unknown key records nothing", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const other = await insertTestUser(db);
    const p = `Act.${user.username}`;
    const key = await insertTestKey(db, { userId: user.id, subjects: [`${p}.*`] });
    const versionsOnly = await insertTestKey(db, { userId: user.id, actions: ["package:pushversion"], subjects: ["*"] });
    const revoked = await insertTestKey(db, { userId: user.id, revokedAt: new Date() });
    const expired = await insertTestKey(db, { userId: user.id, createdAt: new Date(Date.now() - 40 * DAY), expiresInDays: 30, expiresAt: new Date(Date.now() - DAY) });
    const theirs = await insertTestKey(db, { userId: other.id });
    expect((await pushAs(theirs.plaintext, `${p}.Theirs`, "1.0.0")).status).toBe(201);
    await flush();
    const before = await db.keyActivity.count();

    expect((await pushAs(key.plaintext, `${p}.A`, "1.0.0", { userAgent: "x".repeat(5000) })).status).toBe(201);
    expect((await pushAs(key.plaintext, `${p}.A`, "1.0")).status).toBe(409);
    expect((await pushAs(key.plaintext, `Elsewhere.${user.username}`, "1.0.0")).status).toBe(403);
    expect((await pushAs(key.plaintext, `${p}.Theirs`, "2.0.0")).status).toBe(403);
    expect((await pushAs(versionsOnly.plaintext, `${p}.New`, "1.0.0")).status).toBe(403);
    expect((await pushAs(revoked.plaintext, `${p}.B`, "1.0.0")).status).toBe(403);
    expect((await pushAs(expired.plaintext, `${p}.B`, "1.0.0")).status).toBe(403);
    expect((await pushAs(key.plaintext.slice(0, -1) + (key.plaintext.endsWith("a") ? "b" : "a"), `${p}.B`, "1.0.0")).status).toBe(403);
    expect((await pushAs(key.plaintext, `${p}.C`, "1.0.0", { nuspec: "<package><metadata><id>broken" })).status).toBe(400);
    await flush();

    const rows = await activityOf(key.id);
    expect(rows[0]).toEqual({ action: "push", packageId: `${p}.A`, version: "1.0.0", result: "allowed", status: 201, failedCheck: null, clientAddress: "203.0.113.7", userAgent: "x".repeat(256) });
    expect(rows.slice(1).map((r) => [r.result, r.status, r.failedCheck, r.packageId, r.version])).toEqual([
      ["refused", 409, "version-exists", `${p}.A`, "1.0.0"],
      ["refused", 403, "subject", `Elsewhere.${user.username}`, "1.0.0"],
      ["refused", 403, "not-owner", `${p}.Theirs`, "2.0.0"],
      // the nuspec could not be read: no package id to name
      ["refused", 400, "invalid-request", null, null],
    ]);
    expect(rows[1].userAgent).toBe(CLIENT);
    expect((await activityOf(versionsOnly.id)).map((r) => [r.result, r.failedCheck, r.packageId])).toEqual([["refused", "new-id-needs-push", `${p}.New`]]);
    // refused before the body is read: the key, not the package, is known
    expect((await activityOf(revoked.id)).map((r) => [r.result, r.status, r.failedCheck, r.packageId])).toEqual([["refused", 403, "revoked", null]]);
    expect((await activityOf(expired.id)).map((r) => [r.result, r.failedCheck])).toEqual([["refused", "expired"]]);
    // the mistyped key matched no row: nothing attached to anyone; the other user's push counted once
    expect(await db.keyActivity.count()).toBe(before + 8);
    expect(await activityOf(theirs.id)).toHaveLength(1);
  });

  it("a package carrying a live key is refused as a leak, recorded against the pushing key", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const key = await insertTestKey(db, { userId: user.id });
    const id = `Leaky.${user.username}`;
    const nuspec = nuspecXml(id, "1.0.0").replace("</description>", ` ${key.plaintext}</description>`);
    expect((await pushAs(key.plaintext, id, "1.0.0", { nuspec })).status).toBe(400);
    await flush();
    expect((await activityOf(key.id)).map((r) => [r.result, r.status, r.failedCheck, r.packageId])).toEqual([["refused", 400, "leak", id]]);
  });

  it("a new id inside another account's reserved prefix is refused as reserved-prefix", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const other = await insertTestUser(db);
    const key = await insertTestKey(db, { userId: user.id });
    const prefix = `Res${other.username}.`;
    await db.reservedNamespace.create({ data: { value: prefix, valueKey: prefix.toLowerCase(), owners: { create: { userId: other.id } } } });
    expect((await pushAs(key.plaintext, `${prefix}Pkg`, "1.0.0")).status).toBe(409);
    await flush();
    expect((await activityOf(key.id)).map((r) => [r.result, r.status, r.failedCheck, r.packageId])).toEqual([["refused", 409, "reserved-prefix", `${prefix}Pkg`]]);
  });
});

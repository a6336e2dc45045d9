import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, expect, it } from "vitest";
import { buildNupkg } from "@/e2e/nupkg";
import type { Db } from "@/lib/create-db";
import { parseVersion } from "@/lib/nuget/version";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { describeEachDb } from "@/tests/databases";
import { checkUpload, findPendingUpload, receiveUpload, stagePendingUpload, submitPendingUpload, UPLOAD_MESSAGES } from "./pending-uploads";
import { addPackageVersion } from "./store";
import { discardExpiredUploads, discardPendingUpload, uploadFile, uploadsDir } from "./upload-files";

const noHeaders = { get: () => null };
const fresh = (prefix = "Up") => `${prefix}.${randomBytes(5).toString("hex")}`;

async function* chunks(bytes: Uint8Array, size = 4096): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}

async function insertOrganization(db: Db, memberId: string, confirmed = true): Promise<{ id: string; username: string }> {
  const username = `o_${randomBytes(5).toString("hex")}`;
  const org = await db.user.create({
    data: { username, usernameKey: username, email: `${username}@org.test`, isOrganization: true, emailConfirmedAt: confirmed ? new Date() : null },
    select: { id: true },
  });
  await db.membership.create({ data: { organizationId: org.id, memberId, isAdmin: true } });
  return { id: org.id, username };
}

describeEachDb("pending uploads", (getDb) => {
  let dir: string;
  let user: { id: string; username: string };
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "uploads-"));
    user = await insertTestUser(getDb());
  });

  /** What the upload route does: receive, check, stage. */
  async function upload(userId: string, bytes: Uint8Array, now = new Date()) {
    const received = await receiveUpload(chunks(bytes), 10 * 1024 * 1024, dir);
    if (!received.ok) throw new Error("too large");
    const checked = await checkUpload(getDb(), userId, bytes, noHeaders);
    if (!checked.ok) throw new Error(checked.message);
    return stagePendingUpload(getDb(), userId, received, { packageId: checked.packageId, version: checked.version, fileName: "p.nupkg" }, dir, now);
  }

  it("receives a body to a file under .uploads with its size and SHA-512, and stops past the limit", async () => {
    const bytes = buildNupkg({ id: fresh(), version: "1.0.0" });
    const got = await receiveUpload(chunks(bytes), bytes.byteLength, dir);
    expect(got).toMatchObject({ ok: true, size: bytes.byteLength });
    expect(got.ok && path.dirname(got.file)).toBe(uploadsDir(dir));
    const over = await receiveUpload(chunks(bytes), bytes.byteLength - 1, dir);
    expect(over).toEqual({ ok: false, tooLarge: true });
    // only the first, accepted body's file is there
    expect(readdirSync(uploadsDir(dir))).toHaveLength(1);
  });

  it("a new upload replaces the old one: one row per user, the old file removed", async () => {
    const first = await upload(user.id, buildNupkg({ id: fresh(), version: "1.0.0" }));
    const second = await upload(user.id, buildNupkg({ id: fresh(), version: "2.0.0" }));
    expect(await getDb().pendingUpload.count({ where: { userId: user.id } })).toBe(1);
    expect((await findPendingUpload(getDb(), user.id, dir))?.id).toBe(second.id);
    expect(existsSync(first.file)).toBe(false);
    expect(existsSync(second.file)).toBe(true);
  });

  it("expires: discarded lazily on access and by the jobs' sweep, which also removes orphaned files", async () => {
    const db = getDb();
    const old = new Date(Date.now() - 61 * 60_000);
    const stale = await upload(user.id, buildNupkg({ id: fresh(), version: "1.0.0" }), old);
    expect(await findPendingUpload(db, user.id, dir)).toBeNull();
    expect(await db.pendingUpload.count({ where: { userId: user.id } })).toBe(0);
    expect(existsSync(stale.file)).toBe(false);

    const other = await insertTestUser(db);
    const swept = await upload(other.id, buildNupkg({ id: fresh(), version: "1.0.0" }), old);
    const kept = await upload(user.id, buildNupkg({ id: fresh(), version: "1.0.0" }));
    const orphan = path.join(uploadsDir(dir), "incoming-left-by-a-crash.part");
    writeFileSync(orphan, "x");
    utimesSync(orphan, old, old);
    const young = path.join(uploadsDir(dir), "incoming-in-flight.part");
    writeFileSync(young, "x");
    expect(await discardExpiredUploads(db, dir)).toBeGreaterThanOrEqual(1);
    expect(await db.pendingUpload.findUnique({ where: { id: swept.id } })).toBeNull();
    expect(existsSync(swept.file)).toBe(false);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(young)).toBe(true);
    expect(existsSync(kept.file)).toBe(true);
  });

  it("submit publishes as a push does, marked 'browser' with no key; two submits race to one version", async () => {
    const db = getDb();
    const id = fresh();
    const pending = await upload(user.id, buildNupkg({ id, version: "1.0.0" }));
    const results = await Promise.all([submitPendingUpload(db, user.id, pending.id, null, dir), submitPendingUpload(db, user.id, pending.id, null, dir)]);
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, packageId: id, version: "1.0.0" }]);
    expect(results.find((r) => !r.ok)).toBeDefined();
    const rows = await db.packageVersion.findMany({ where: { registration: { packageId: id } } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: "1.0.0", pushedById: user.id, pushedByKeyId: null, pushedByKeyName: null, pushedVia: "browser" });
    expect(await db.packageOwner.findMany({ where: { registrationId: rows[0].registrationId }, select: { userId: true } })).toEqual([{ userId: user.id }]);
    expect(await db.pendingUpload.count({ where: { userId: user.id } })).toBe(0);
    expect(existsSync(pending.file)).toBe(false);
  });

  it("a new id is published as the organization chosen; an account the user does not act for is refused", async () => {
    const db = getDb();
    const org = await insertOrganization(db, user.id);
    const stranger = await insertTestUser(db);
    const id = fresh();
    const pending = await upload(user.id, buildNupkg({ id, version: "1.0.0" }));
    const checked = await checkUpload(db, user.id, buildNupkg({ id, version: "1.0.0" }), noHeaders);
    expect(checked.ok && checked.owners.map((o) => o.username)).toEqual([user.username, org.username]);
    expect(await submitPendingUpload(db, user.id, pending.id, stranger.username, dir)).toEqual({ ok: false, message: UPLOAD_MESSAGES.ownerNotAllowed(stranger.username) });
    expect(await submitPendingUpload(db, user.id, pending.id, org.username, dir)).toMatchObject({ ok: true });
    const reg = await db.packageRegistration.findFirstOrThrow({ where: { packageId: id }, select: { owners: { select: { userId: true } } } });
    expect(reg.owners).toEqual([{ userId: org.id }]);
  });

  it("cancel removes the row and the file; another user's upload is never reachable", async () => {
    const db = getDb();
    const other = await insertTestUser(db);
    const mine = await upload(user.id, buildNupkg({ id: fresh(), version: "1.0.0" }));
    // the other account: not found, not submitted, not cancelled
    expect(await findPendingUpload(db, other.id, dir)).toBeNull();
    expect(await submitPendingUpload(db, other.id, mine.id, null, dir)).toEqual({ ok: false, message: UPLOAD_MESSAGES.gone });
    expect(await discardPendingUpload(db, other.id, mine.id, dir)).toBe(false);
    expect(existsSync(mine.file)).toBe(true);
    expect(await db.packageVersion.count({ where: { registration: { packageId: mine.packageId } } })).toBe(0);
    // the owner cancels
    expect(await discardPendingUpload(db, user.id, mine.id, dir)).toBe(true);
    expect(await db.pendingUpload.count({ where: { userId: user.id } })).toBe(0);
    expect(existsSync(mine.file)).toBe(false);
    expect(await submitPendingUpload(db, user.id, mine.id, null, dir)).toEqual({ ok: false, message: UPLOAD_MESSAGES.gone });
  });

  it("checks as a push: malformed, an id owned by another, an existing version, a reserved prefix, an unconfirmed organization or account", async () => {
    const db = getDb();
    const other = await insertTestUser(db);
    const taken = fresh("Taken");
    await addPackageVersion(db, { registrationId: null, packageId: taken, ownerId: other.id, version: parseVersion("1.0.0")!, bytes: buildNupkg({ id: taken, version: "1.0.0" }), pushedById: other.id, pushedByKeyId: null, pushedByKeyName: null }, dir);
    const check = (bytes: Uint8Array, userId = user.id) => checkUpload(db, userId, bytes, noHeaders);

    expect(await check(new TextEncoder().encode("not a zip"))).toEqual({ ok: false, status: 400, message: UPLOAD_MESSAGES.invalid("The package is not a valid .nupkg (zip) file.") });
    expect(await check(buildNupkg({ id: taken, version: "2.0.0" }))).toEqual({ ok: false, status: 409, message: `The package ID '${taken}' is not available.` });
    expect(await check(buildNupkg({ id: taken, version: "1.0.0" }), other.id)).toEqual({ ok: false, status: 409, message: `A package with ID '${taken}' and version '1.0.0' already exists and cannot be modified.` });
    expect(await check(buildNupkg({ id: taken, version: "2.0.0" }), other.id)).toMatchObject({ ok: true, existing: true, owners: [{ id: other.id }] });

    const prefix = fresh("Reserved");
    await db.reservedNamespace.create({ data: { value: `${prefix}.`, valueKey: `${prefix}.`.toLowerCase(), isPrefix: true, isShared: false, owners: { create: [{ userId: other.id }] } } });
    const reserved = await check(buildNupkg({ id: `${prefix}.Lib`, version: "1.0.0" }));
    expect(reserved).toMatchObject({ ok: false, status: 409 });
    expect(!reserved.ok && reserved.message).toMatch(/^This package ID has been reserved\./);

    const unconfirmed = await insertTestUser(db);
    const pending = await insertOrganization(db, unconfirmed.id, false);
    const orgOwned = fresh("OrgOwned");
    await addPackageVersion(db, { registrationId: null, packageId: orgOwned, ownerId: pending.id, version: parseVersion("1.0.0")!, bytes: buildNupkg({ id: orgOwned, version: "1.0.0" }), pushedById: unconfirmed.id, pushedByKeyId: null, pushedByKeyName: null }, dir);
    expect(await check(buildNupkg({ id: orgOwned, version: "2.0.0" }), unconfirmed.id)).toEqual({ ok: false, status: 403, message: UPLOAD_MESSAGES.organizationUnconfirmed });
    const unconfirmedUser = await insertTestUser(db, { confirmed: false });
    expect(await check(buildNupkg({ id: fresh(), version: "1.0.0" }), unconfirmedUser.id)).toEqual({ ok: false, status: 403, message: UPLOAD_MESSAGES.accountUnconfirmed });
  });

  it("a package holding a live API key is refused and the key revoked (the push's scan)", async () => {
    const db = getDb();
    const key = await insertTestKey(db, { userId: user.id });
    const bytes = buildNupkg({ id: fresh(), version: "1.0.0", files: { "tools/publish.ps1": `nuget push -ApiKey ${key.plaintext}\n` } });
    const checked = await checkUpload(db, user.id, bytes, noHeaders);
    expect(checked).toEqual({ ok: false, status: 400, message: "The package contains a live API key in the file 'tools/publish.ps1'. The key has been revoked and its owner notified." });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).not.toBeNull();
  });

  it("the file of a staged upload is its user's and row's", async () => {
    const pending = await upload(user.id, buildNupkg({ id: fresh(), version: "1.0.0" }));
    expect(pending.file).toBe(uploadFile(dir, user.id, pending.id));
    await mkdir(uploadsDir(dir), { recursive: true });
    expect(readdirSync(uploadsDir(dir))).toEqual([path.basename(pending.file)]);
  });
});

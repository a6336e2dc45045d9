import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey } from "@/tests/api-keys";
import { joinOrganization, makeOrganization } from "@/tests/organizations";
import type { Db } from "@/lib/create-db";
import { removeMember } from "@/lib/organizations/store";
import { authenticate } from "./authenticate";
import { MESSAGES } from "./rules";
import { findRenewableKey, RENEW_MESSAGES, renewApiKey } from "./renew";
import { createApiKey, revokeApiKey } from "./store";

process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "renew-mail-"));
delete process.env.SMTP_URL;

const DAY = 86_400_000;

async function makeUser(db: Db) {
  const username = `u_${randomBytes(5).toString("hex")}`;
  return db.user.create({ data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: new Date() } });
}

describeEachDb("renew link", (getDb) => {
  it("the holder renews for a chosen duration: same name, owner, scopes and packages, a new value, the old one dead, audited as Regenerate", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const now = new Date();
    const made = await createApiKey(db, user.id, { name: "ci", expiresInDays: 365, ownerId: user.id, actions: ["package:push", "package:unlist"], subjects: ["Contoso.*"] });
    if (!made.ok) throw new Error(made.error);
    const found = await findRenewableKey(db, user.id, made.key.id, now);
    expect(found).toMatchObject({ ok: true, key: { name: "ci", ownerUsername: user.username, actions: ["package:push", "package:unlist"], glob: "Contoso.*", packageIds: [], expired: false } });

    const renewed = await renewApiKey(db, user.id, made.key.id, "90", now);
    if (!renewed.ok) throw new Error(renewed.error);
    expect(renewed.key.expiresAt.getTime()).toBe(now.getTime() + 90 * DAY);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: renewed.key.id }, select: { name: true, ownerId: true, expiresInDays: true, scopes: { select: { action: true, subject: true }, orderBy: { action: "asc" } } } });
    expect(row).toEqual({ name: "ci", ownerId: user.id, expiresInDays: 90, scopes: [{ action: "package:push", subject: "Contoso.*" }, { action: "package:unlist", subject: "Contoso.*" }] });
    expect(await authenticate(db, renewed.plaintext)).toMatchObject({ ok: true, key: { id: renewed.key.id } });
    expect((await authenticate(db, made.plaintext)).ok).toBe(false);
    expect(await db.apiKey.count({ where: { id: made.key.id } })).toBe(0);
    const audits = await db.auditRecord.findMany({ where: { actorId: user.id, target: { in: [made.key.id, renewed.key.id] } }, select: { action: true, target: true } });
    expect(audits).toEqual(expect.arrayContaining([{ action: "AddCredential", target: renewed.key.id }, { action: "RemoveCredential", target: made.key.id }]));
    // the link's id is gone now: a second click finds nothing
    expect(await renewApiKey(db, user.id, made.key.id, "90", now)).toEqual({ ok: false, error: MESSAGES.keyNotFound });
  });

  it("refuses crafted durations: only the offered 1, 90, 180, 270 or 365 days", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const key = await insertTestKey(db, { userId: user.id });
    const refused = { ok: false, error: RENEW_MESSAGES.duration([1, 90, 180, 270, 365]) };
    for (const days of ["0", "-1", "2", "366", "1000", "9999999", "90.5", "1e2", " 90", "", null, undefined, 90.5, {}]) {
      expect(await renewApiKey(db, user.id, key.id, days)).toEqual(refused);
    }
    expect(await db.apiKey.count({ where: { id: key.id } })).toBe(1);
    for (const days of [1, "180", 270, "365"]) {
      const current = (await db.apiKey.findFirstOrThrow({ where: { userId: user.id }, select: { id: true } })).id;
      const r = await renewApiKey(db, user.id, current, days);
      expect(r.ok).toBe(true);
      expect(await db.apiKey.findFirstOrThrow({ where: { userId: user.id }, select: { expiresInDays: true } })).toEqual({ expiresInDays: Number(days) });
    }
  });

  it("an expired key is renewed (the 'has expired' notice's point); a revoked one is refused, and a locked account", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const expired = await insertTestKey(db, { userId: user.id, createdAt: new Date(Date.now() - 100 * DAY), expiresInDays: 90, expiresAt: new Date(Date.now() - 10 * DAY) });
    expect(await findRenewableKey(db, user.id, expired.id)).toMatchObject({ ok: true, key: { expired: true } });
    const renewed = await renewApiKey(db, user.id, expired.id, 180);
    if (!renewed.ok) throw new Error(renewed.error);
    expect(await authenticate(db, renewed.plaintext)).toMatchObject({ ok: true });

    const live = await insertTestKey(db, { userId: user.id });
    expect(await revokeApiKey(db, user.id, live.id)).not.toBeNull();
    expect(await findRenewableKey(db, user.id, live.id)).toEqual({ ok: false, reason: "revoked" });
    expect(await renewApiKey(db, user.id, live.id, 90)).toEqual({ ok: false, error: RENEW_MESSAGES.revoked });
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: live.id }, select: { revokedAt: true } })).not.toEqual({ revokedAt: null });
    // a locked account gets no new secret
    const kept = await insertTestKey(db, { userId: user.id });
    await db.user.update({ where: { id: user.id }, data: { locked: true } });
    expect(await renewApiKey(db, user.id, kept.id, 90)).toEqual({ ok: false, error: MESSAGES.userLocked });
    expect(await db.apiKey.count({ where: { id: kept.id } })).toBe(1);
  });

  it("only the holder: another account's id is not found, an administrator who is not the holder is refused, a holder who left the organization too", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const member = await makeUser(db);
    const stranger = await makeUser(db);
    const org = await makeOrganization(db, admin.id);
    await joinOrganization(db, admin.id, org.username, member, false);
    const orgKey = await insertTestKey(db, { userId: member.id, ownerId: org.id, name: "org key" });
    const personal = await insertTestKey(db, { userId: member.id, name: "personal" });

    expect(await findRenewableKey(db, member.id, orgKey.id)).toMatchObject({ ok: true, key: { ownerUsername: org.username, ownerIsOrganization: true } });
    // a stranger, and an administrator looking at a member's personal key: exactly like a missing id
    for (const [who, id] of [[stranger.id, orgKey.id], [stranger.id, personal.id], [admin.id, personal.id], [member.id, "no-such-key"]] as const) {
      expect(await findRenewableKey(db, who, id)).toEqual({ ok: false, reason: "notFound" });
      expect(await renewApiKey(db, who, id, 90)).toEqual({ ok: false, error: MESSAGES.keyNotFound });
    }
    // the organization's administrator is told who can renew it
    expect(await findRenewableKey(db, admin.id, orgKey.id)).toEqual({ ok: false, reason: "notHolder", creator: member.username, owner: org.username });
    expect(await renewApiKey(db, admin.id, orgKey.id, 90)).toEqual({ ok: false, error: RENEW_MESSAGES.notHolder(member.username, org.username) });
    // an organization account is never a holder
    expect(await renewApiKey(db, org.id, orgKey.id, 90)).toEqual({ ok: false, error: MESSAGES.keyNotFound });

    // #5872: the holder left the organization
    await removeMember(db, member.id, org.username, member.username);
    expect(await findRenewableKey(db, member.id, orgKey.id)).toEqual({ ok: false, reason: "ownerLost", owner: org.username });
    expect(await renewApiKey(db, member.id, orgKey.id, 90)).toEqual({ ok: false, error: RENEW_MESSAGES.ownerLost(org.username) });
    expect(await db.apiKey.count({ where: { id: { in: [orgKey.id, personal.id] } } })).toBe(2);
  });

  it("two renews of one link at once: exactly one succeeds", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const key = await insertTestKey(db, { userId: user.id });
    const results = await Promise.all([renewApiKey(db, user.id, key.id, 90), renewApiKey(db, user.id, key.id, 180)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await db.apiKey.count({ where: { userId: user.id } })).toBe(1);
  });
});

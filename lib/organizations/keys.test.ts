import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey } from "@/tests/api-keys";
import { joinOrganization as join, makeOrganization as makeOrg } from "@/tests/organizations";
import type { Db } from "@/lib/create-db";
import { authenticate } from "@/lib/api-keys/authenticate";
import { createApiKey, editApiKey, listApiKeys, lostOwnerMessage, regenerateApiKey, revokeApiKey, deleteApiKey } from "@/lib/api-keys/store";
import { removeMember } from "./store";
import { listOrganizationKeys, revokeOrganizationKey } from "./keys";

const mailDir = mkdtempSync(path.join(tmpdir(), "org-keys-mail-"));
process.env.MAIL_DIR = mailDir;
delete process.env.SMTP_URL;

function mailsTo(email: string): string[] {
  return readdirSync(mailDir)
    .map((f) => readFileSync(path.join(mailDir, f), "utf8"))
    // quoted-printable soft breaks first (a wrapped line may start with a space), then folded headers
    .map((m) => m.replace(/=\r?\n/g, "").replace(/\r?\n[ \t]+/g, " ").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))))
    .filter((m) => m.includes(`To: ${email}`));
}

async function makeUser(db: Db) {
  const username = `u_${randomBytes(5).toString("hex")}`;
  return db.user.create({ data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: new Date() } });
}

const DAY = 86_400_000;
const SECRET_FIELDS = ["secretHash", "lookupId", "plaintext", "userId", "email"];

/** An organization with an administrator, a second administrator, a collaborator, a former member and an outsider. */
async function team(db: Db) {
  const [admin, admin2, collaborator, former, outsider] = [await makeUser(db), await makeUser(db), await makeUser(db), await makeUser(db), await makeUser(db)];
  const org = await makeOrg(db, admin.id);
  await join(db, admin.id, org.username, admin2, true);
  await join(db, admin.id, org.username, collaborator, false);
  await join(db, admin.id, org.username, former, false);
  return { admin, admin2, collaborator, former, outsider, org };
}

async function orgKey(db: Db, user: { id: string }, ownerId: string, name: string, subjects = ["*"]) {
  const made = await createApiKey(db, user.id, { name, expiresInDays: 90, ownerId, actions: ["package:push", "package:unlist"], subjects });
  if (!made.ok) throw new Error(made.error);
  return made;
}

describeEachDb("organization keys", (getDb) => {
  it("lists exactly the organization's keys, whoever made them, a former member's marked, and never a secret", async () => {
    const db = getDb();
    const { admin, collaborator, former, outsider, org } = await team(db);
    const other = await makeOrg(db, outsider.id);
    const byAdmin = await orgKey(db, admin, org.id, "admin ci");
    const byCollaborator = await orgKey(db, collaborator, org.id, "collab ci");
    const byFormer = await orgKey(db, former, org.id, "former ci");
    const revoked = await insertTestKey(db, { userId: collaborator.id, ownerId: org.id, name: "old", revokedAt: new Date() });
    // not the organization's: personal keys of its members, another organization's, a verification key
    await orgKey(db, admin, admin.id, "personal");
    await orgKey(db, outsider, other.id, "other org");
    await db.apiKey.create({ data: { userId: admin.id, ownerId: org.id, type: "apikey.verify.v1", name: "verify", lookupId: randomBytes(8).toString("hex"), secretHash: randomBytes(32).toString("hex"), expiresInDays: 1, expiresAt: new Date(Date.now() + DAY) } });
    expect(await removeMember(db, former.id, org.username, former.username)).toMatchObject({ ok: true, left: true });

    const listed = await listOrganizationKeys(db, admin.id, org.username.toUpperCase());
    expect(listed?.organization).toBe(org.username);
    expect(listed!.keys.map((k) => k.id).sort()).toEqual([byAdmin.key.id, byCollaborator.key.id, byFormer.key.id, revoked.id].sort());
    const byId = Object.fromEntries(listed!.keys.map((k) => [k.id, k]));
    expect(byId[byCollaborator.key.id]).toMatchObject({ name: "collab ci", creatorUsername: collaborator.username, creatorLeft: false, actions: ["package:push", "package:unlist"], subjects: ["*"], revokedAt: null });
    expect(byId[byFormer.key.id]).toMatchObject({ creatorUsername: former.username, creatorLeft: true });
    expect(byId[revoked.id].revokedAt).toBeInstanceOf(Date);
    // no secret, hash or lookup id in any shape the page could pass on
    const json = JSON.stringify(listed);
    for (const k of listed!.keys) for (const f of SECRET_FIELDS) expect(k).not.toHaveProperty(f);
    const stored = await db.apiKey.findMany({ where: { ownerId: org.id, type: "apikey.v4" }, select: { secretHash: true, lookupId: true } });
    for (const s of stored) {
      expect(json).not.toContain(s.secretHash);
      expect(json).not.toContain(s.lookupId);
    }
    for (const made of [byAdmin, byCollaborator, byFormer]) expect(json).not.toContain(made.plaintext);
    expect(json).not.toContain(collaborator.email);
  });

  it("refuses collaborators, former members, outsiders, another organization's administrators and the organization itself: null, as for no such organization", async () => {
    const db = getDb();
    const { admin, admin2, collaborator, former, outsider, org } = await team(db);
    await orgKey(db, collaborator, org.id, "collab ci");
    const otherOrg = await makeOrg(db, outsider.id);
    expect(await listOrganizationKeys(db, admin2.id, org.username)).not.toBeNull();
    await removeMember(db, admin.id, org.username, former.username);
    for (const who of [collaborator.id, former.id, outsider.id, org.id, "", "x".repeat(300)]) expect(await listOrganizationKeys(db, who, org.username)).toBeNull();
    expect(await listOrganizationKeys(db, admin.id, "no-such-org")).toBeNull();
    expect(await listOrganizationKeys(db, admin.id, admin2.username)).toBeNull();
    expect(await listOrganizationKeys(db, outsider.id, otherOrg.username)).toMatchObject({ organization: otherOrg.username, keys: [] });
  });

  it("an administrator revokes a collaborator's key: revoked as 'Organization', audited, the creator mailed, the key refused on use", async () => {
    const db = getDb();
    const { admin2, collaborator, org } = await team(db);
    const key = await orgKey(db, collaborator, org.id, "collab ci");
    expect(await authenticate(db, key.plaintext)).toMatchObject({ ok: true });
    const now = new Date();
    const revoked = await revokeOrganizationKey(db, admin2.id, org.username, key.key.id, { now, ip: "203.0.113.9" });
    expect(revoked).toMatchObject({ id: key.key.id, name: "collab ci", creatorUsername: collaborator.username, revocationSource: "Organization" });
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.key.id }, select: { revokedAt: true, expiresAt: true, revocationSource: true } });
    expect(row).toEqual({ revokedAt: now, expiresAt: now, revocationSource: "Organization" });
    expect(await authenticate(db, key.plaintext)).toMatchObject({ ok: false, failure: "revoked" });
    const audit = await db.auditRecord.findFirstOrThrow({ where: { action: "RevokeCredential", target: key.key.id }, select: { actorId: true, details: true, ip: true } });
    expect(audit).toMatchObject({ actorId: admin2.id, ip: "203.0.113.9" });
    expect(JSON.parse(audit.details!)).toMatchObject({ source: "Organization", owner: org.username, creator: collaborator.username, name: "collab ci" });
    expect(audit.details).not.toContain(key.plaintext);
    const mail = mailsTo(collaborator.email).find((m) => m.includes("Subject: [NuGet Gallery] API Key 'collab ci' Revoked"));
    expect(mail).toContain(`Your API Key 'collab ci' has been revoked by '${admin2.username}', an administrator of organization '${org.username}'.`);
    // the creator's own page shows it revoked, as any revoked key
    expect((await listApiKeys(db, collaborator.id))[0]).toMatchObject({ id: key.key.id, revocationSource: "Organization" });
    // only once: an already revoked key is not revoked (or mailed) again
    expect(await revokeOrganizationKey(db, admin2.id, org.username, key.key.id)).toBeNull();
    expect(mailsTo(collaborator.email).filter((m) => m.includes("API Key 'collab ci' Revoked"))).toHaveLength(1);
  });

  it("crafted revokes change nothing: a collaborator, an outsider, another organization's key id, a personal key id, an expired key", async () => {
    const db = getDb();
    const { admin, collaborator, outsider, org } = await team(db);
    const target = await orgKey(db, collaborator, org.id, "target");
    const otherOrg = await makeOrg(db, outsider.id);
    const foreign = await orgKey(db, outsider, otherOrg.id, "foreign");
    const personal = await orgKey(db, collaborator, collaborator.id, "personal");
    const expired = await insertTestKey(db, { userId: collaborator.id, ownerId: org.id, createdAt: new Date(Date.now() - 10 * DAY), expiresInDays: 1, expiresAt: new Date(Date.now() - 9 * DAY) });
    expect(await revokeOrganizationKey(db, collaborator.id, org.username, target.key.id)).toBeNull();
    expect(await revokeOrganizationKey(db, outsider.id, org.username, target.key.id)).toBeNull();
    // the outsider administers their own organization: naming it with this organization's key id
    expect(await revokeOrganizationKey(db, outsider.id, otherOrg.username, target.key.id)).toBeNull();
    // an administrator, with ids that are not this organization's keys
    expect(await revokeOrganizationKey(db, admin.id, org.username, foreign.key.id)).toBeNull();
    expect(await revokeOrganizationKey(db, admin.id, otherOrg.username, foreign.key.id)).toBeNull();
    expect(await revokeOrganizationKey(db, admin.id, org.username, personal.key.id)).toBeNull();
    expect(await revokeOrganizationKey(db, admin.id, org.username, expired.id)).toBeNull();
    for (const bad of ["", "x".repeat(65), 42 as unknown as string]) expect(await revokeOrganizationKey(db, admin.id, org.username, bad)).toBeNull();
    const rows = await db.apiKey.findMany({ where: { id: { in: [target.key.id, foreign.key.id, personal.key.id] } }, select: { revokedAt: true } });
    expect(rows).toEqual([{ revokedAt: null }, { revokedAt: null }, { revokedAt: null }]);
    expect(await db.auditRecord.count({ where: { action: "RevokeCredential", target: { in: [target.key.id, foreign.key.id, personal.key.id, expired.id] } } })).toBe(0);
    for (const k of [target, foreign, personal]) expect(await authenticate(db, k.plaintext)).toMatchObject({ ok: true });
  });

  it("#5872: the key of an organization its creator left stays listed for them, cannot be edited or regenerated, can be revoked and deleted; rejoining restores all", async () => {
    const db = getDb();
    const { admin, collaborator, org } = await team(db);
    const key = await orgKey(db, collaborator, org.id, "left behind");
    expect(await removeMember(db, collaborator.id, org.username, collaborator.username)).toMatchObject({ ok: true });
    expect((await listApiKeys(db, collaborator.id)).map((k) => [k.id, k.ownerUsername])).toEqual([[key.key.id, org.username]]);
    expect(await editApiKey(db, collaborator.id, key.key.id, ["Other.*"])).toEqual({ ok: false, error: lostOwnerMessage(org.username), field: null });
    expect(await regenerateApiKey(db, collaborator.id, key.key.id)).toBeNull();
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: key.key.id }, select: { scopes: { select: { subject: true } } } })).toEqual({ scopes: [{ subject: "*" }, { subject: "*" }] });
    await join(db, admin.id, org.username, collaborator, false);
    expect(await editApiKey(db, collaborator.id, key.key.id, ["Other.*"])).toMatchObject({ ok: true });
    await removeMember(db, admin.id, org.username, collaborator.username);
    expect(await revokeApiKey(db, collaborator.id, key.key.id)).toMatchObject({ id: key.key.id });
    expect(await deleteApiKey(db, collaborator.id, key.key.id)).toBe(true);
  });

  it("lists an organization's 1,000 keys, newest first", async () => {
    const db = getDb();
    const { admin, collaborator, org } = await team(db);
    const start = Date.now() - 2000 * 1000;
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      userId: i % 2 ? admin.id : collaborator.id,
      ownerId: org.id,
      name: `bulk ${i}`,
      lookupId: `bulk${randomBytes(10).toString("hex")}`,
      secretHash: randomBytes(32).toString("hex"),
      expiresInDays: 365,
      createdAt: new Date(start + i * 1000),
      expiresAt: new Date(start + i * 1000 + 365 * DAY),
    }));
    await db.apiKey.createMany({ data: rows });
    const keys = await db.apiKey.findMany({ where: { ownerId: org.id }, select: { id: true } });
    await db.apiKeyScope.createMany({ data: keys.flatMap((k) => [{ apiKeyId: k.id, action: "package:push", subject: "Contoso.*" }, { apiKeyId: k.id, action: "package:push", subject: "Fabrikam.Lib" }]) });
    const listed = await listOrganizationKeys(db, admin.id, org.username);
    expect(listed!.keys).toHaveLength(1000);
    expect(listed!.keys[0]).toMatchObject({ name: "bulk 999", creatorUsername: admin.username, subjects: ["Contoso.*", "Fabrikam.Lib"] });
    expect(listed!.keys[999]).toMatchObject({ name: "bulk 0", creatorUsername: collaborator.username });
  });
});

import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { createVerificationKey } from "./verification-keys";
import { authenticate } from "./authenticate";
import { describeKey, selfRevokeKey } from "./introspection";

const mailDir = mkdtempSync(path.join(tmpdir(), "introspect-mail-"));
process.env.MAIL_DIR = mailDir;
delete process.env.SMTP_URL;

function mailsTo(email: string): string[] {
  return readdirSync(mailDir)
    .map((f) => readFileSync(path.join(mailDir, f), "utf8"))
    .filter((m) => m.includes(`To: ${email}`));
}

const DAY = 86_400_000;

describeEachDb("api-keys introspection", (getDb) => {
  it("describeKey: exactly the documented fields, globs apart from ids, and no last-used write", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const createdAt = new Date(Date.now() - 3 * DAY);
    const lastUsedAt = new Date(Date.now() - DAY);
    const key = await insertTestKey(db, {
      userId: user.id,
      name: "ci",
      createdAt,
      expiresInDays: 30,
      actions: ["package:unlist", "package:push"],
      subjects: ["Zeta.Pkg", "Contoso.*", "alpha.pkg"],
    });
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt } });

    const description = await describeKey(db, { id: key.id, userId: user.id });
    expect(description).toEqual({
      name: "ci",
      user: user.username,
      owner: user.username,
      scopes: ["package:push", "package:unlist"],
      packages: ["alpha.pkg", "Zeta.Pkg"],
      glob: "Contoso.*",
      created: createdAt.toISOString(),
      expires: new Date(createdAt.getTime() + 30 * DAY).toISOString(),
      lastUsed: lastUsedAt.toISOString(),
      allowedCidrs: [],
      overlap: null,
    });
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { lastUsedAt: true } });
    expect(row.lastUsedAt).toEqual(lastUsedAt);
    expect(JSON.stringify(description)).not.toContain(key.plaintext);
  });

  it("describeKey: null for another user's id and for a verification key", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const other = await insertTestUser(db);
    const key = await insertTestKey(db, { userId: user.id });
    expect(await describeKey(db, { id: key.id, userId: other.id })).toBeNull();

    const auth = await authenticate(db, key.plaintext);
    if (!auth.ok) throw new Error(auth.failure);
    const verify = await createVerificationKey(db, auth.key, "Some.Pkg");
    const verifyAuth = await authenticate(db, verify.plaintext);
    if (!verifyAuth.ok) throw new Error(verifyAuth.failure);
    expect(await describeKey(db, verifyAuth.key)).toBeNull();
    expect(await selfRevokeKey(db, verifyAuth.key)).toBeNull();
  });

  it("selfRevokeKey: revokes once, as 'User', audited with via api, mailed; the key then fails as revoked", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const key = await insertTestKey(db, { userId: user.id, name: "teardown" });
    const now = new Date();
    expect(await selfRevokeKey(db, { id: key.id, userId: user.id }, { ip: "203.0.113.9", now })).toEqual({ name: "teardown", revokedAt: now });

    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { revokedAt: true, expiresAt: true, revocationSource: true } });
    expect(row).toEqual({ revokedAt: now, expiresAt: now, revocationSource: "User" });
    const audits = await db.auditRecord.findMany({ where: { target: key.id, action: "RevokeCredential" } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: user.id, ip: "203.0.113.9" });
    expect(JSON.parse(audits[0].details!)).toMatchObject({ name: "teardown", source: "User", via: "api", revocationSource: "User", actions: ["package:push"] });
    expect(audits[0].details).not.toContain(key.plaintext);
    const mails = mailsTo(`${user.username}@example.test`);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain("API Key 'teardown' Revoked");
    expect(mails[0]).toContain("DELETE /api/v2/key");

    // a second revoke (the same key presented again, or a concurrent one that lost) changes nothing
    expect(await selfRevokeKey(db, { id: key.id, userId: user.id })).toBeNull();
    expect(await db.auditRecord.count({ where: { target: key.id, action: "RevokeCredential" } })).toBe(1);
    expect(mailsTo(`${user.username}@example.test`)).toHaveLength(1);
    expect(await authenticate(db, key.plaintext)).toMatchObject({ ok: false, failure: "revoked" });
  });

  it("selfRevokeKey: of concurrent revokes exactly one wins; another user's id and an expired key revoke nothing", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const other = await insertTestUser(db);
    const key = await insertTestKey(db, { userId: user.id });
    expect(await selfRevokeKey(db, { id: key.id, userId: other.id })).toBeNull();
    const results = await Promise.all(Array.from({ length: 5 }, () => selfRevokeKey(db, { id: key.id, userId: user.id })));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await db.auditRecord.count({ where: { target: key.id, action: "RevokeCredential" } })).toBe(1);

    const expired = await insertTestKey(db, { userId: user.id, expiresAt: new Date(Date.now() - 1000) });
    expect(await selfRevokeKey(db, { id: expired.id, userId: user.id })).toBeNull();
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: expired.id }, select: { revokedAt: true } })).toEqual({ revokedAt: null });
  });
});

import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { buildNupkg } from "@/e2e/nupkg";
import { describeEachDb } from "@/tests/databases";
import { parseVersion } from "@/lib/nuget/version";
import { addPackageVersion } from "@/lib/packages/store";
import type { Db } from "@/lib/create-db";
import { removeMember } from "@/lib/organizations/store";
import { joinOrganization, makeOrganization } from "@/tests/organizations";
import { authenticate } from "./authenticate";
import { MESSAGES, type KeyField } from "./rules";
import {
  createApiKey,
  deleteApiKey,
  editApiKey,
  listApiKeys,
  listOwnedPackageIds,
  listOwners,
  regenerateApiKey,
  revokeApiKey,
} from "./store";

const mailDir = mkdtempSync(path.join(tmpdir(), "apikeys-mail-"));
process.env.MAIL_DIR = mailDir;
delete process.env.SMTP_URL;

async function makeUser(db: Db, packages: string[] = []) {
  const username = `u_${randomBytes(5).toString("hex")}`;
  const user = await db.user.create({
    data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: new Date() },
  });
  for (const id of packages) {
    await db.packageRegistration.create({ data: { packageId: id, idKey: id.toLowerCase(), owners: { create: { userId: user.id } } } });
  }
  return user;
}

function mailsTo(email: string): string[] {
  return readdirSync(mailDir)
    .map((f) => readFileSync(path.join(mailDir, f), "utf8"))
    .filter((m) => m.includes(`To: ${email}`));
}

describeEachDb("api-keys store", (getDb, provider) => {
  let pkgPrefix: string;
  beforeAll(() => {
    pkgPrefix = `P${provider}${randomBytes(3).toString("hex")}`;
  });

  const base = (ownerId: string, subjects: string[] = ["*"]) => ({
    name: "ci key",
    expiresInDays: 365,
    ownerId,
    actions: ["package:push", "package:unlist"],
    subjects,
  });

  it("creates a key: scope rows per (action, subject), expiry, view without hash, audit without value, mail", async () => {
    const db = getDb();
    const ids = [`${pkgPrefix}.A`, `${pkgPrefix}.B`, `${pkgPrefix}.Other`];
    const user = await makeUser(db, ids);
    const now = new Date("2026-01-01T00:00:00Z");
    const res = await createApiKey(db, user.id, base(user.id, [`${pkgPrefix}.*`, ids[2].toLowerCase(), ids[0]]), now);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.plaintext).toMatch(/^oy2[a-z2-7]{43}$/);
    // the glob's own matches are dropped; the one exact id keeps the owner's casing
    expect(res.key.subjects).toEqual([`${pkgPrefix}.*`]);
    expect(res.key.actions).toEqual(["package:push", "package:unlist"]);
    expect(res.key.expiresAt.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(res.key).not.toHaveProperty("secretHash");
    expect(await db.apiKeyScope.count({ where: { apiKeyId: res.key.id } })).toBe(2);

    const other = await makeUser(db, [`Z${pkgPrefix}`]);
    const two = await createApiKey(db, other.id, { ...base(other.id, [`z${pkgPrefix}`]), actions: ["package:pushversion"] });
    expect(two.ok && two.key.subjects).toEqual([`Z${pkgPrefix}`]);

    const audit = await db.auditRecord.findFirst({ where: { actorId: user.id, action: "AddCredential" } });
    expect(JSON.parse(audit!.details!)).toMatchObject({ name: "ci key", owner: user.username, actions: ["package:push", "package:unlist"] });
    expect(audit!.details).not.toContain(res.plaintext);
    const mails = mailsTo(user.email);
    expect(mails.some((m) => m.includes("[NuGet Gallery] API key added to your account") && m.includes("API key 'ci key' was added"))).toBe(true);
    expect(await authenticate(db, res.plaintext.toUpperCase())).toMatchObject({ ok: true, key: { id: res.key.id } });
  });

  it("refuses bad input with nuget.org's messages", async () => {
    const db = getDb();
    const user = await makeUser(db, [`${pkgPrefix}.Mine`]);
    const stranger = await makeUser(db, [`${pkgPrefix}.Theirs`]);
    // [input, message, the form field it shows under]: scopeUnknown and ownerNotAllowed share a text
    const cases: [Partial<ReturnType<typeof base>> & { expiresInDays?: number | null }, string, KeyField][] = [
      [{ name: "   " }, MESSAGES.nameBlankServer, "name"],
      [{ name: "x".repeat(257) }, MESSAGES.nameTooLong, "name"],
      [{ expiresInDays: 7 }, "API key expiration must be 1, 90, 180, 270, or 365 days.", "expiresInDays"],
      [{ ownerId: "" }, MESSAGES.ownerBlankServer, "owner"],
      [{ ownerId: stranger.id }, MESSAGES.ownerNotAllowed, "owner"],
      [{ actions: [] }, MESSAGES.scopeRequired, "actions"],
      [{ actions: ["package:verify"] }, MESSAGES.scopeUnknown, "actions"],
      [{ actions: ["all"] }, MESSAGES.scopeUnknown, "actions"],
      [{ actions: ["package:push", "package:pushversion"] }, MESSAGES.scopeBothPush, "actions"],
      [{ subjects: [] }, MESSAGES.subjectsRequired, "subjects"],
      [{ subjects: ["  "] }, MESSAGES.subjectsRequired, "subjects"],
      [{ subjects: ["a b*"] }, MESSAGES.globInvalid, "subjects"],
      [{ subjects: ["a?"] }, MESSAGES.globInvalid, "subjects"],
      [{ subjects: ["a*", "b*"] }, MESSAGES.globTooMany, "subjects"],
      [{ subjects: [`${pkgPrefix}.Theirs`] }, MESSAGES.packageNotOwned, "subjects"],
      [{ subjects: ["NoSuchPackage"] }, MESSAGES.packageNotOwned, "subjects"],
    ];
    for (const [patch, error, field] of cases) {
      expect(await createApiKey(db, user.id, { ...base(user.id), ...patch }), JSON.stringify(patch)).toEqual({ ok: false, error, field });
    }
    expect(await db.apiKey.count({ where: { userId: user.id } })).toBe(0);
  });

  it("create reads the user once: locked, owners and the mail's address", async () => {
    const db = getDb();
    const user = await makeUser(db);
    // every query on User, at the top level and inside transactions
    const read: string[] = [];
    const spyDb = db.$extends({
      query: {
        user: {
          $allOperations({ operation, args, query }) {
            read.push(operation);
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    const res = await createApiKey(spyDb, user.id, { ...base(user.id), name: "read once" });
    expect(res.ok).toBe(true);
    expect(read).toHaveLength(1);
    expect(mailsTo(user.email).some((m) => m.includes("API key 'read once' was added"))).toBe(true);
  });

  it("expiry: missing or 0 = 365, above 365 clamped to 365", async () => {
    const db = getDb();
    const user = await makeUser(db);
    for (const requested of [null, 0, -5, 1000]) {
      const res = await createApiKey(db, user.id, { ...base(user.id), expiresInDays: requested });
      expect(res.ok && res.key.expiresInDays).toBe(365);
    }
    const one = await createApiKey(db, user.id, { ...base(user.id), expiresInDays: 1 });
    expect(one.ok && one.key.expiresInDays).toBe(1);
  });

  it("lists newest first, never another user's keys", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const other = await makeUser(db);
    const t = Date.parse("2026-03-01T00:00:00Z");
    for (const [i, name] of ["old", "mid", "new"].entries()) {
      await createApiKey(db, user.id, { ...base(user.id), name }, new Date(t + i * 1000));
    }
    await createApiKey(db, other.id, { ...base(other.id), name: "theirs" });
    expect((await listApiKeys(db, user.id)).map((k) => k.name)).toEqual(["new", "mid", "old"]);
    expect((await listApiKeys(db, other.id)).map((k) => k.name)).toEqual(["theirs"]);
  });

  it("every function is owner-scoped: another user's key answers like a missing one", async () => {
    const db = getDb();
    const owner = await makeUser(db, [`${pkgPrefix}.Scoped`]);
    const intruder = await makeUser(db, [`${pkgPrefix}.Intruder`]);
    const res = await createApiKey(db, owner.id, base(owner.id, [`${pkgPrefix}.Scoped`]));
    if (!res.ok) throw new Error(res.error);
    const id = res.key.id;
    expect((await listApiKeys(db, intruder.id)).map((k) => k.id)).not.toContain(id);
    expect(await editApiKey(db, intruder.id, id, ["*"])).toEqual(await editApiKey(db, intruder.id, "no-such-id", ["*"]));
    expect(await editApiKey(db, intruder.id, id, ["*"])).toEqual({ ok: false, error: MESSAGES.keyNotFound, field: null });
    expect(await regenerateApiKey(db, intruder.id, id)).toBeNull();
    expect(await revokeApiKey(db, intruder.id, id)).toBeNull();
    expect(await deleteApiKey(db, intruder.id, id)).toBe(false);
    expect(await listOwners(db, intruder.id)).toEqual([{ id: intruder.id, username: intruder.username }]);
    expect(await listOwnedPackageIds(db, intruder.id)).toEqual([`${pkgPrefix}.Intruder`]);
    // untouched
    expect(await listApiKeys(db, owner.id)).toEqual([res.key]);
    expect(await authenticate(db, res.plaintext)).toMatchObject({ ok: true, key: { id } });
  });

  it("organizations: the owner list holds the user, then each organization they belong to in either role, and nothing else", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const collaborator = await makeUser(db);
    const outsider = await makeUser(db);
    const first = await makeOrganization(db, admin.id);
    const second = await makeOrganization(db, outsider.id);
    await joinOrganization(db, admin.id, first.username, collaborator, false);
    await joinOrganization(db, outsider.id, second.username, collaborator, true);
    const owner = (u: { id: string; username: string }) => ({ id: u.id, username: u.username });
    expect(await listOwners(db, admin.id)).toEqual([owner(admin), owner(first)]);
    expect(await listOwners(db, collaborator.id)).toEqual([owner(collaborator), owner(first), owner(second)]);
    expect(await listOwners(db, outsider.id)).toEqual([owner(outsider), owner(second)]);
    // an organization has no owner list: it holds no keys
    expect(await listOwners(db, first.id)).toEqual([]);
    await removeMember(db, collaborator.id, first.username, collaborator.username);
    expect(await listOwners(db, collaborator.id)).toEqual([owner(collaborator), owner(second)]);
  });

  it("organizations: a member (either role) makes keys for it over its packages; another organization's id is refused", async () => {
    const db = getDb();
    const admin = await makeUser(db, [`${pkgPrefix}.Personal`]);
    const collaborator = await makeUser(db);
    const stranger = await makeUser(db);
    const org = await makeOrganization(db, admin.id);
    const foreign = await makeOrganization(db, stranger.id);
    await joinOrganization(db, admin.id, org.username, collaborator, false);
    await db.packageRegistration.create({ data: { packageId: `${pkgPrefix}.OrgOwned`, idKey: `${pkgPrefix}.OrgOwned`.toLowerCase(), owners: { create: { userId: org.id } } } });
    expect(await listOwnedPackageIds(db, org.id)).toEqual([`${pkgPrefix}.OrgOwned`]);

    for (const member of [admin, collaborator]) {
      const made = await createApiKey(db, member.id, base(org.id, [`${pkgPrefix}.orgowned`]));
      expect(made).toMatchObject({ ok: true, key: { ownerId: org.id, ownerUsername: org.username, subjects: [`${pkgPrefix}.OrgOwned`] } });
    }
    const refused = (error: string, field: KeyField) => ({ ok: false, error, field });
    // the organization's key covers its packages, not the member's own
    expect(await createApiKey(db, admin.id, base(org.id, [`${pkgPrefix}.Personal`]))).toEqual(refused(MESSAGES.packageNotOwned, "subjects"));
    // a crafted post: an organization the user is not a member of, or the organization acting itself
    expect(await createApiKey(db, collaborator.id, base(foreign.id))).toEqual(refused(MESSAGES.ownerNotAllowed, "owner"));
    expect(await createApiKey(db, org.id, base(org.id))).toEqual(refused(MESSAGES.ownerNotAllowed, "owner"));
    await removeMember(db, collaborator.id, org.username, collaborator.username);
    expect(await createApiKey(db, collaborator.id, base(org.id))).toEqual(refused(MESSAGES.ownerNotAllowed, "owner"));
    expect(await db.apiKey.count({ where: { ownerId: foreign.id } })).toBe(0);
  });

  it("organizations: a new id pushed with an organization's key is the organization's, the version records the person", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const org = await makeOrganization(db, admin.id);
    const made = await createApiKey(db, admin.id, base(org.id, ["*"]));
    if (!made.ok) throw new Error(made.error);
    const auth = await authenticate(db, made.plaintext);
    if (!auth.ok) throw new Error(auth.failure);
    // what the push does with the key (lib/nuget/push.ts): the id's owner is the key's scope owner
    const id = `${pkgPrefix}.OrgPush`;
    const v = parseVersion("1.0.0")!;
    const pushed = await addPackageVersion(
      db,
      { registrationId: null, packageId: id, ownerId: auth.key.ownerId, version: v, bytes: buildNupkg({ id, version: v.normalized }), pushedById: auth.key.userId, pushedByKeyId: auth.key.id, pushedByKeyName: auth.key.name },
      mkdtempSync(path.join(tmpdir(), "apikeys-pkgs-")),
    );
    expect(pushed.status).toBe("created");
    const registration = await db.packageRegistration.findUniqueOrThrow({ where: { idKey: id.toLowerCase() }, select: { owners: { select: { userId: true } }, versions: { select: { pushedById: true } } } });
    expect(registration).toEqual({ owners: [{ userId: org.id }], versions: [{ pushedById: admin.id }] });
    expect(await listOwnedPackageIds(db, org.id)).toEqual([id]);
    expect(await listOwnedPackageIds(db, admin.id)).toEqual([]);
  });

  it("edit replaces subjects only, re-checks them, keeps value/expiry/owner/actions", async () => {
    const db = getDb();
    const user = await makeUser(db, [`${pkgPrefix}.E1`, `${pkgPrefix}.E2`]);
    const res = await createApiKey(db, user.id, base(user.id, [`${pkgPrefix}.E1`]));
    if (!res.ok) throw new Error(res.error);
    expect(await editApiKey(db, user.id, res.key.id, [])).toEqual({ ok: false, error: MESSAGES.subjectsRequired, field: "subjects" });
    expect(await editApiKey(db, user.id, res.key.id, ["bad glob"])).toEqual({ ok: false, error: MESSAGES.globInvalid, field: "subjects" });
    expect(await editApiKey(db, user.id, res.key.id, ["NotMine"])).toEqual({ ok: false, error: MESSAGES.packageNotOwned, field: "subjects" });
    const edited = await editApiKey(db, user.id, res.key.id, [`${pkgPrefix}.e2`, "Foo*"]);
    expect(edited).toEqual({ ok: true, key: { ...res.key, subjects: ["Foo*", `${pkgPrefix}.E2`] } });
    expect(await db.apiKeyScope.count({ where: { apiKeyId: res.key.id } })).toBe(4);
    expect(await authenticate(db, res.plaintext)).toMatchObject({ ok: true, key: { id: res.key.id } });
    expect(await db.auditRecord.count({ where: { actorId: user.id, action: "EditCredential" } })).toBe(1);
  });

  it("regenerate: same name/owner/scopes/duration from now, new id and secret, old secret dead", async () => {
    const db = getDb();
    const user = await makeUser(db, [`${pkgPrefix}.R`]);
    const res = await createApiKey(db, user.id, { ...base(user.id, [`${pkgPrefix}.R`, "R*"]), expiresInDays: 90 }, new Date("2026-01-01T00:00:00Z"));
    if (!res.ok) throw new Error(res.error);
    const now = new Date("2026-06-01T00:00:00Z");
    const regen = await regenerateApiKey(db, user.id, res.key.id, now);
    expect(regen).not.toBeNull();
    expect(regen!.key).toMatchObject({ name: res.key.name, ownerId: user.id, actions: res.key.actions, subjects: res.key.subjects, expiresInDays: 90 });
    expect(regen!.key.expiresAt.toISOString()).toBe("2026-08-30T00:00:00.000Z");
    expect(regen!.key.id).not.toBe(res.key.id);
    expect(await authenticate(db, res.plaintext, now)).toEqual({ ok: false, failure: "not-found" });
    expect(await authenticate(db, regen!.plaintext, now)).toMatchObject({ ok: true, key: { id: regen!.key.id } });
    expect(await regenerateApiKey(db, user.id, res.key.id)).toBeNull();
    // revoked and expired keys regenerate too
    await revokeApiKey(db, user.id, regen!.key.id);
    const again = await regenerateApiKey(db, user.id, regen!.key.id);
    expect(again?.key.revokedAt).toBeNull();
    // a locked account gets no new secret (nor a new key)
    await db.user.update({ where: { id: user.id }, data: { locked: true } });
    expect(await regenerateApiKey(db, user.id, again!.key.id)).toBeNull();
    expect(await createApiKey(db, user.id, base(user.id))).toEqual({ ok: false, error: MESSAGES.userLocked, field: null });
    expect((await listApiKeys(db, user.id)).map((k) => k.id)).toEqual([again!.key.id]);
  });

  it("20 parallel regenerates of one key leave exactly one live key and the original secret dead", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const res = await createApiKey(db, user.id, base(user.id));
    if (!res.ok) throw new Error(res.error);
    const results = await Promise.all(Array.from({ length: 20 }, () => regenerateApiKey(db, user.id, res.key.id)));
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    const keys = await db.apiKey.findMany({ where: { userId: user.id } });
    expect(keys.map((k) => k.id)).toEqual([winners[0]!.key.id]);
    expect(await authenticate(db, res.plaintext)).toEqual({ ok: false, failure: "not-found" });
    expect(await authenticate(db, winners[0]!.plaintext)).toMatchObject({ ok: true, key: { id: winners[0]!.key.id } });
    expect(await db.apiKeyScope.count({ where: { apiKey: { userId: user.id } } })).toBe(2);
  });

  it("regenerate and delete keep working while pushes commit on the push's own connection", async () => {
    // The push writes through driverWriter's connection, not Prisma's: a Prisma transaction that
    // read before it wrote could not write any more once a push had committed in between.
    const db = getDb();
    const user = await makeUser(db);
    const dir = mkdtempSync(path.join(tmpdir(), "apikeys-pkgs-"));
    const id = `${pkgPrefix}.Busy`;
    let version = 0;
    // pushes spread over the next few milliseconds, so that some commit inside the transactions
    const pushes = () =>
      Promise.all(
        Array.from({ length: 4 }, async (_, i) => {
          const v = parseVersion(`1.0.${version++}`)!;
          await new Promise((resolve) => setTimeout(resolve, i));
          return addPackageVersion(
            db,
            { registrationId: null, packageId: `${id}${v.key}`, ownerId: user.id, version: v, bytes: buildNupkg({ id, version: v.normalized }), pushedById: user.id, pushedByKeyId: null, pushedByKeyName: null },
            dir,
          );
        }),
      );
    for (let round = 0; round < 10; round++) {
      const a = await createApiKey(db, user.id, base(user.id));
      const b = await createApiKey(db, user.id, base(user.id));
      if (!a.ok || !b.ok) throw new Error("create failed");
      const [regenerated, deleted, pushed] = await Promise.all([regenerateApiKey(db, user.id, a.key.id), deleteApiKey(db, user.id, b.key.id), pushes()]);
      expect(regenerated).not.toBeNull();
      expect(deleted).toBe(true);
      expect(pushed.map((r) => r.status)).toEqual(["created", "created", "created", "created"]);
    }
  });

  it("edits racing a delete never fail: each either edits or answers 'not found'", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const res = await createApiKey(db, user.id, base(user.id));
    if (!res.ok) throw new Error(res.error);
    const outcomes = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => editApiKey(db, user.id, res.key.id, [`E${i}*`])),
      deleteApiKey(db, user.id, res.key.id),
    ]);
    for (const o of outcomes.slice(0, 10)) expect(o === true || o === false || o.ok || o.error === MESSAGES.keyNotFound).toBe(true);
    expect(outcomes[10]).toBe(true);
    expect(await db.apiKeyScope.count({ where: { apiKeyId: res.key.id } })).toBe(0);
  });

  it("100 parallel creates give 100 keys", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => createApiKey(db, user.id, { ...base(user.id), name: `k${i}` })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await db.apiKey.count({ where: { userId: user.id } })).toBe(100);
    expect(new Set(results.map((r) => r.ok && r.plaintext)).size).toBe(100);
  });

  it("revoke: only active keys; row stays, expiry now, source; mail", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const res = await createApiKey(db, user.id, { ...base(user.id), name: "to revoke" });
    if (!res.ok) throw new Error(res.error);
    const now = new Date();
    const revoked = await revokeApiKey(db, user.id, res.key.id, "User", now);
    expect(revoked).toMatchObject({ id: res.key.id, revocationSource: "User" });
    expect(revoked!.revokedAt!.getTime()).toBe(now.getTime());
    expect(revoked!.expiresAt.getTime()).toBe(now.getTime());
    expect(await revokeApiKey(db, user.id, res.key.id)).toBeNull();
    const expired = await createApiKey(db, user.id, { ...base(user.id), expiresInDays: 1 }, new Date(Date.now() - 2 * 86400_000));
    expect(await revokeApiKey(db, user.id, expired.ok ? expired.key.id : "")).toBeNull();
    const audit = await db.auditRecord.findFirst({ where: { target: res.key.id, action: "RevokeCredential" } });
    expect(JSON.parse(audit!.details!).source).toBe("User");
    expect(mailsTo(user.email).some((m) => m.includes("[NuGet Gallery] API Key 'to revoke' Revoked") && m.includes("Your API Key 'to revoke' has been revoked."))).toBe(true);
  });

  it("delete removes the key and its scopes, audits and mails", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const res = await createApiKey(db, user.id, { ...base(user.id), name: "gone" });
    if (!res.ok) throw new Error(res.error);
    expect(await deleteApiKey(db, user.id, res.key.id)).toBe(true);
    expect(await db.apiKey.count({ where: { id: res.key.id } })).toBe(0);
    expect(await db.apiKeyScope.count({ where: { apiKeyId: res.key.id } })).toBe(0);
    expect(await deleteApiKey(db, user.id, res.key.id)).toBe(false);
    expect(await db.auditRecord.count({ where: { target: res.key.id, action: "RemoveCredential" } })).toBe(1);
    expect(mailsTo(user.email).some((m) => m.includes("API key removed from your account") && m.includes("API key 'gone' was removed"))).toBe(true);
  });

  it("lists owned package ids A-Z case-insensitively, with filter and paging", async () => {
    const db = getDb();
    const user = await makeUser(db, ["beta", "Alpha", "gamma.Beta"]);
    expect(await listOwnedPackageIds(db, user.id)).toEqual(["Alpha", "beta", "gamma.Beta"]);
    expect(await listOwnedPackageIds(db, user.id, { filter: "BETA" })).toEqual(["beta", "gamma.Beta"]);
    expect(await listOwnedPackageIds(db, user.id, { skip: 1, take: 1 })).toEqual(["beta"]);
  });

  it("no plaintext key in any column of any table", async () => {
    const db = getDb();
    const user = await makeUser(db, [`${pkgPrefix}.Scan`]);
    const plaintexts: string[] = [];
    const a = await createApiKey(db, user.id, base(user.id, [`${pkgPrefix}.Scan`]));
    if (!a.ok) throw new Error(a.error);
    plaintexts.push(a.plaintext);
    const r = await regenerateApiKey(db, user.id, a.key.id);
    plaintexts.push(r!.plaintext);
    await editApiKey(db, user.id, r!.key.id, ["*"]);
    await revokeApiKey(db, user.id, r!.key.id);
    const tables =
      provider === "sqlite"
        ? (await db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type='table'")).map((t) => t.name)
        : (await db.$queryRawUnsafe<{ t: string }[]>("SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema='public'")).map((x) => x.t);
    expect(tables).toEqual(expect.arrayContaining(["ApiKey", "ApiKeyScope", "AuditRecord", "User"]));
    for (const table of tables) {
      const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table}"`);
      const dump = JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v)).toLowerCase();
      for (const p of plaintexts) {
        expect(dump.includes(p), `${table} holds a plaintext key`).toBe(false);
        // nor the secret part alone (the lookup id is public by design)
        expect(dump.includes(p.slice(16, 40)), `${table} holds a key secret`).toBe(false);
      }
    }
  });
});

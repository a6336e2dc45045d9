import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey } from "@/tests/api-keys";
import { joinOrganization, makeOrganization, TEST_ORIGIN as ORIGIN } from "@/tests/organizations";
import type { Db } from "@/lib/create-db";
import { authenticate } from "@/lib/api-keys/authenticate";
import { createSession, findSessionUser } from "@/lib/accounts/users";
import { inviteMember } from "./store";
import { TRANSFORM_MESSAGES as M, transformSchema } from "./transform-rules";
import { acceptTransform, cancelTransform, FROM_ACCOUNT_PAGE, rejectTransform, requestTransform, signInNotice, transformPage, transformState } from "./transform";

const mailDir = mkdtempSync(path.join(tmpdir(), "transform-mail-"));
process.env.MAIL_DIR = mailDir;
delete process.env.SMTP_URL;

function mailsTo(email: string): string[] {
  return readdirSync(mailDir)
    .map((f) => readFileSync(path.join(mailDir, f), "utf8"))
    .map((m) => m.replace(/\r?\n[ \t]+/g, " ").replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))))
    .filter((m) => m.includes(`To: ${email}`));
}

async function makeUser(db: Db, { confirmed = true, locked = false } = {}) {
  const username = `u_${randomBytes(5).toString("hex")}`;
  return db.user.create({
    data: { username, usernameKey: username, email: `${username}@example.test`, emailConfirmedAt: confirmed ? new Date() : null, locked, passwordHash: "x" },
  });
}

async function requested(db: Db) {
  const [me, admin] = [await makeUser(db), await makeUser(db)];
  const r = await requestTransform(db, me.id, admin.username, ORIGIN);
  if (!r.ok) throw new Error(r.error);
  return { me, admin, token: r.token, signInUrl: r.signInUrl };
}

describeEachDb("account transform", (getDb) => {
  it("the Administrator field: required, at most 64 characters", () => {
    expect(transformSchema.safeParse({ adminUsername: " " }).error?.issues[0].message).toBe("The Administrator field is required.");
    expect(transformSchema.safeParse({ adminUsername: "a".repeat(65) }).error?.issues[0].message).toBe("The field Administrator must be a string with a maximum length of 64.");
  });

  it("refuses with each of nuget.org's precondition messages, and saves nothing", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const cases: [Awaited<ReturnType<typeof makeUser>>, string, string][] = [];
    const unconfirmed = await makeUser(db, { confirmed: false });
    cases.push([unconfirmed, admin.username, `Account '${unconfirmed.username}' should be a confirmed user.`]);
    const locked = await makeUser(db, { locked: true });
    cases.push([locked, admin.username, `Account '${locked.username}' is locked and cannot be transformed to an organization. Please contact support@nuget.org.`]);
    const orgRow = await db.user.findUniqueOrThrow({ where: { id: (await makeOrganization(db, admin.id)).id } });
    cases.push([orgRow, admin.username, `Account '${orgRow.username}' is already an organization.`]);
    const member = await makeUser(db);
    await joinOrganization(db, admin.id, orgRow.username, member, false);
    cases.push([member, admin.username, "You are a member of one or more organizations. You must leave all organizations before transforming your account."]);
    const invited = await makeUser(db);
    expect((await inviteMember(db, admin.id, orgRow.username, invited.username, false, ORIGIN)).ok).toBe(true);
    cases.push([invited, admin.username, "You are a member of one or more organizations. You must leave all organizations before transforming your account."]);
    const me = await makeUser(db);
    cases.push([me, admin.email, "You must choose an administrator by username, not an email address."]);
    cases.push([me, "nobody_such_user", "Administrator account 'nobody_such_user' does not exist."]);
    cases.push([me, me.username.toUpperCase(), `Administrator account '${me.username}' cannot be the same account as the one being transformed.`]);
    const unconfirmedAdmin = await makeUser(db, { confirmed: false });
    cases.push([me, unconfirmedAdmin.username, `Administrator account '${unconfirmedAdmin.username}' has not confirmed their email address.`]);
    cases.push([me, orgRow.username, `Administrator account '${orgRow.username}' cannot be an organization.`]);
    for (const [account, adminName, message] of cases) {
      expect(await requestTransform(db, account.id, adminName, ORIGIN)).toEqual({ ok: false, status: 400, error: message });
    }
    expect(await db.organizationMigrationRequest.count({ where: { accountId: { in: cases.map((c) => c[0].id) } } })).toBe(0);
    // the page shows the account's own refusal before anything is sent
    expect((await transformPage(db, member.id))?.refusal).toBe(M.memberOfOrganizations);
    expect((await transformPage(db, me.id))?.refusal).toBeNull();
  });

  it("saves the request as a hash, mails both with nuget.org's texts; a new request replaces it and the old admin is told", async () => {
    const db = getDb();
    const { me, admin, token } = await requested(db);
    const row = await db.organizationMigrationRequest.findUniqueOrThrow({ where: { accountId: me.id } });
    expect(row.adminUserId).toBe(admin.id);
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenHash).not.toContain(token);
    const [toAdmin] = mailsTo(admin.email);
    expect(toAdmin).toContain(`Subject: [NuGet Gallery] Organization transformation for account '${me.username}'`);
    expect(toAdmin).toContain(`To proceed with the transformation and become an administrator of '${me.username}':`);
    expect(toAdmin).toContain(`${ORIGIN}/account/transform/confirm/${me.username}/${token}`);
    expect(toAdmin).toContain(`${ORIGIN}/account/transform/reject/${me.username}/${token}`);
    const [toMe] = mailsTo(me.email);
    expect(toMe).toContain(`We have received a request to transform account '${me.username}' into an organization with user '${admin.username}' as its admin.`);
    expect(toMe).toContain(`${ORIGIN}/account/transform/cancel/${token}`);
    expect((await transformPage(db, me.id))?.pendingAdmin).toBe(admin.username);

    const second = await makeUser(db);
    const again = await requestTransform(db, me.id, second.username, ORIGIN);
    expect(again.ok).toBe(true);
    expect(await db.organizationMigrationRequest.findMany({ where: { accountId: me.id }, select: { adminUserId: true } })).toEqual([{ adminUserId: second.id }]);
    const cancelled = mailsTo(admin.email).find((m) => m.includes("has been cancelled"));
    expect(cancelled).toContain(`Subject: [NuGet Gallery] Transformation of account '${me.username}' has been cancelled`);
    // the first admin's token no longer works
    expect((await acceptTransform(db, admin.id, me.username, token)).ok).toBe(false);
    expect(await transformState(db, admin.id)).toEqual({ ownAdmin: null, asAdmin: [] });
    expect(await transformState(db, second.id)).toEqual({ ownAdmin: null, asAdmin: [{ username: me.username, packages: 0 }] });
    expect((await transformState(db, me.id)).ownAdmin).toBe(second.username);
  });

  it("the sign-in page's message shows only for the current request's own link", async () => {
    const db = getDb();
    const { me, admin, signInUrl } = await requested(db);
    const q = new URL(signInUrl, ORIGIN).searchParams;
    expect(q.get("returnUrl")).toBe("/account/Organizations");
    expect(await signInNotice(db, q.get("transform"), q.get("sig"))).toBe(`Please sign in as administrator '${admin.username}' to finish transforming account '${me.username}' into an organization.`);
    // another account's name with this signature, a made-up signature, nothing
    const { me: other } = await requested(db);
    expect(await signInNotice(db, other.username, q.get("sig"))).toBeNull();
    expect(await signInNotice(db, me.username, "A".repeat(32))).toBeNull();
    expect(await signInNotice(db, me.username, undefined)).toBeNull();
    expect(await signInNotice(db, ["x"], q.get("sig"))).toBeNull();
    // a newer request: the old link says nothing
    expect((await requestTransform(db, me.id, admin.username, ORIGIN)).ok).toBe(true);
    expect(await signInNotice(db, me.username, q.get("sig"))).toBeNull();
  });

  it("accepting transforms in one go: organization, only admin member, sign-in gone, scoped keys moved (not other owners' nor the admin's own)", async () => {
    const db = getDb();
    const { me, admin, token } = await requested(db);
    await db.oAuthAccount.create({ data: { userId: me.id, provider: "github", providerAccountId: randomBytes(4).toString("hex") } });
    const session = await createSession(db, me.id, { ip: null });
    const own = await insertTestKey(db, { userId: me.id, name: "mine" });
    const revoked = await insertTestKey(db, { userId: me.id, name: "old", revokedAt: new Date() });
    const unscoped = await insertTestKey(db, { userId: me.id, name: "legacy", scopes: [] });
    // a key the user made for an organization they have since left (#5608: must not become the new org's)
    const otherAdmin = await makeUser(db);
    const otherOrg = await makeOrganization(db, otherAdmin.id);
    const elsewhere = await insertTestKey(db, { userId: me.id, ownerId: otherOrg.id, name: "for another org" });
    const adminsOwn = await insertTestKey(db, { userId: admin.id, name: "admin's own" });
    const adminsOrgKey = await insertTestKey(db, { userId: admin.id, ownerId: otherOrg.id, name: "admin's other org key" });

    const r = await acceptTransform(db, admin.id, me.username, token, "203.0.113.9");
    expect(r).toEqual({ ok: true, account: me.username, keysTransferred: 2 });
    const row = await db.user.findUniqueOrThrow({ where: { id: me.id } });
    expect(row).toMatchObject({ isOrganization: true, passwordHash: null });
    expect(await db.membership.findMany({ where: { organizationId: me.id }, select: { memberId: true, isAdmin: true } })).toEqual([{ memberId: admin.id, isAdmin: true }]);
    expect(await db.session.count({ where: { userId: me.id } })).toBe(0);
    expect(await findSessionUser(db, me.id, session!)).toBeNull();
    expect(await db.oAuthAccount.count({ where: { userId: me.id } })).toBe(0);
    expect(await db.organizationMigrationRequest.count({ where: { accountId: me.id } })).toBe(0);
    const keys = await db.apiKey.findMany({ where: { id: { in: [own.id, revoked.id, unscoped.id, elsewhere.id, adminsOwn.id, adminsOrgKey.id] } }, select: { id: true, userId: true, ownerId: true } });
    const byId = Object.fromEntries(keys.map((k) => [k.id, { userId: k.userId, ownerId: k.ownerId }]));
    expect(byId).toEqual({
      [own.id]: { userId: admin.id, ownerId: me.id },
      [revoked.id]: { userId: admin.id, ownerId: me.id },
      [adminsOwn.id]: { userId: admin.id, ownerId: admin.id },
      [adminsOrgKey.id]: { userId: admin.id, ownerId: otherOrg.id },
    });
    // the moved key works: its user (the admin) is a member of its owner (the new organization)
    const auth = await authenticate(db, own.plaintext);
    expect(auth.ok && auth.key).toMatchObject({ userId: admin.id, ownerId: me.id, ownerUsername: me.username });
    expect(await db.auditRecord.count({ where: { action: "TransformOrganization", actorId: admin.id, target: me.username } })).toBe(1);
    for (const to of [me.email, admin.email]) {
      const done = mailsTo(to).find((m) => m.includes("has been transformed"));
      expect(done).toContain(`Subject: [NuGet Gallery] Account '${me.username}' has been transformed into an organization`);
      expect(done).toContain(`Account '${me.username}' has been transformed into an organization with user '${admin.username}' as its administrator.`);
    }
    // once only
    expect((await acceptTransform(db, admin.id, me.username, token)).ok).toBe(false);
  });

  it("re-checks every precondition on accept: the account joined an organization, or the admin became one", async () => {
    const db = getDb();
    const a = await requested(db);
    const orgAdmin = await makeUser(db);
    const org = await makeOrganization(db, orgAdmin.id);
    await joinOrganization(db, orgAdmin.id, org.username, a.me, false);
    expect(await acceptTransform(db, a.admin.id, a.me.username, a.token)).toEqual({ ok: false, status: 400, error: M.memberOfOrganizations });
    expect((await db.user.findUniqueOrThrow({ where: { id: a.me.id } })).isOrganization).toBe(false);
    expect(await db.organizationMigrationRequest.count({ where: { accountId: a.me.id } })).toBe(1);

    // the admin had their own account transformed meanwhile (they can then no longer sign in;
    // a session in flight is what this guards)
    const b = await requested(db);
    const c = await makeUser(db);
    const bAdmin = await requestTransform(db, b.admin.id, c.username, ORIGIN);
    expect(bAdmin.ok).toBe(true);
    if (!bAdmin.ok) return;
    expect((await acceptTransform(db, c.id, b.admin.username, bAdmin.token)).ok).toBe(true);
    expect(await acceptTransform(db, b.admin.id, b.me.username, b.token)).toEqual({ ok: false, status: 403, error: "User is not authorized" });
    expect((await db.user.findUniqueOrThrow({ where: { id: b.me.id } })).isOrganization).toBe(false);

    // and the other way round: an account named as someone's admin, transformed first
    const d = await requested(db);
    const e = await makeUser(db);
    const dAdmin = await requestTransform(db, d.admin.id, e.username, ORIGIN);
    if (!dAdmin.ok) throw new Error(dAdmin.error);
    await db.user.update({ where: { id: d.me.id }, data: { locked: true } });
    expect(await acceptTransform(db, d.admin.id, d.me.username, d.token)).toEqual({ ok: false, status: 400, error: M.accountLocked(d.me.username) });
  });

  it("crafted answers: another account's name or token, a wrong token, someone else's request: refused, nothing changed", async () => {
    const db = getDb();
    const a = await requested(db);
    const b = await requested(db);
    const stranger = await makeUser(db);
    // A's admin with B's account name and A's token, or B's token
    expect(await acceptTransform(db, a.admin.id, b.me.username, a.token)).toEqual({ ok: false, status: 400, error: M.noRequest(b.me.username) });
    // a stranger with A's genuine link: told whom to sign in as, nothing else
    expect(await acceptTransform(db, stranger.id, a.me.username, a.token)).toEqual({ ok: false, status: 400, error: M.signInAsAdmin(a.admin.username, a.me.username) });
    expect(await acceptTransform(db, stranger.id, a.me.username, FROM_ACCOUNT_PAGE)).toEqual({ ok: false, status: 400, error: M.noRequest(a.me.username) });
    expect(await acceptTransform(db, a.admin.id, a.me.username, "wrong")).toEqual({ ok: false, status: 400, error: M.noRequest(a.me.username) });
    expect(await acceptTransform(db, a.admin.id, a.me.username, "")).toEqual({ ok: false, status: 400, error: M.noRequest(a.me.username) });
    expect(await acceptTransform(db, a.admin.id, "no_such_account", a.token)).toEqual({ ok: false, status: 400, error: M.accountUnknown("no_such_account") });
    expect(await acceptTransform(db, "not-a-user", a.me.username, a.token)).toEqual({ ok: false, status: 403, error: "User is not authorized" });
    // the requester cannot accept their own request, even with the token
    expect((await acceptTransform(db, a.me.id, a.me.username, a.token)).ok).toBe(false);
    expect(await rejectTransform(db, stranger.id, a.me.username, a.token)).toEqual({ ok: false, status: 400, error: M.noRequest(a.me.username) });
    expect(await rejectTransform(db, a.admin.id, b.me.username, b.token)).toEqual({ ok: false, status: 400, error: M.noRequest(b.me.username) });
    // cancel is the requester's own: B's token in A's session, or A's token in a stranger's
    expect(await cancelTransform(db, a.me.id, b.token)).toEqual({ ok: false, status: 400, error: M.noRequestToCancel });
    expect(await cancelTransform(db, stranger.id, a.token)).toEqual({ ok: false, status: 400, error: M.noRequestToCancel });
    expect(await cancelTransform(db, a.admin.id, a.token)).toEqual({ ok: false, status: 400, error: M.noRequestToCancel });
    expect(await db.organizationMigrationRequest.count({ where: { accountId: { in: [a.me.id, b.me.id] } } })).toBe(2);
    expect(await db.user.count({ where: { id: { in: [a.me.id, b.me.id] }, isOrganization: true } })).toBe(0);
    expect(await db.membership.count({ where: { memberId: { in: [a.admin.id, b.admin.id, stranger.id] } } })).toBe(0);
  });

  it("declining and cancelling: the request goes, the other party is mailed", async () => {
    const db = getDb();
    const a = await requested(db);
    expect(await rejectTransform(db, a.admin.id, a.me.username, FROM_ACCOUNT_PAGE)).toEqual({ ok: true, account: a.me.username });
    expect(mailsTo(a.me.email).find((m) => m.includes("has been cancelled"))).toContain(`Transformation of account '${a.me.username}' has been cancelled by user '${a.admin.username}'.`);
    const b = await requested(db);
    expect(await cancelTransform(db, b.me.id, b.token)).toEqual({ ok: true, message: "The transform request for your account has been successfully cancelled." });
    expect(mailsTo(b.admin.email).find((m) => m.includes("has been cancelled"))).toContain(`Transformation of account '${b.me.username}' has been cancelled by user '${b.me.username}'.`);
    const c = await requested(db);
    expect((await cancelTransform(db, c.me.id, FROM_ACCOUNT_PAGE)).ok).toBe(true);
    expect(await db.organizationMigrationRequest.count({ where: { accountId: { in: [a.me.id, b.me.id, c.me.id] } } })).toBe(0);
    expect((await cancelTransform(db, c.me.id, FROM_ACCOUNT_PAGE)).ok).toBe(false);
  });

  it("accept racing cancel: either a transformed organization or nothing changed, never half", async () => {
    const db = getDb();
    for (let i = 0; i < 6; i++) {
      const { me, admin, token } = await requested(db);
      const key = await insertTestKey(db, { userId: me.id });
      const [accepted, cancelled] = await Promise.all([acceptTransform(db, admin.id, me.username, token), cancelTransform(db, me.id, token)]);
      expect(accepted.ok !== cancelled.ok, JSON.stringify([accepted, cancelled])).toBe(true);
      const row = await db.user.findUniqueOrThrow({ where: { id: me.id }, select: { isOrganization: true } });
      const members = await db.membership.count({ where: { organizationId: me.id } });
      const k = await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { userId: true } });
      if (accepted.ok) expect({ row, members, k }).toEqual({ row: { isOrganization: true }, members: 1, k: { userId: admin.id } });
      else expect({ row, members, k }).toEqual({ row: { isOrganization: false }, members: 0, k: { userId: me.id } });
      expect(await db.organizationMigrationRequest.count({ where: { accountId: me.id } })).toBe(0);
    }
  });
});

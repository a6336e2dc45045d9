import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { makeOrganization, joinOrganization } from "@/tests/organizations";
import { removeMember } from "@/lib/organizations/store";
import type { Db } from "@/lib/create-db";
import { authenticate, touchKey } from "./authenticate";
import { describeKey } from "./introspection";
import { endOverlap, rollApiKey } from "./roll";
import { ROLL_MESSAGES } from "./roll-rules";
import { createApiKey, deleteApiKey, editApiKey, listApiKeys, regenerateApiKey, revokeApiKey } from "./store";
import { MESSAGES } from "./rules";
import { ACTIONS } from "./scopes";
import { revokeLeakedKeys } from "@/lib/leaks/revoke";
import { settleLeakMails } from "@/lib/leaks/mails";

const HOUR = 3_600_000;

async function storeKey(db: Db, userId: string, extra: { allowedCidrs?: string[]; ownerId?: string } = {}) {
  const r = await createApiKey(db, userId, {
    name: `k${Math.random()}`,
    expiresInDays: 365,
    ownerId: extra.ownerId ?? userId,
    actions: [ACTIONS.push],
    subjects: ["Roll.*"],
    allowedCidrs: extra.allowedCidrs,
  });
  if (!r.ok) throw new Error(r.error);
  return { id: r.key.id, name: r.key.name, plaintext: r.plaintext };
}

async function roll(db: Db, userId: string, keyId: string, hours: number, now: Date) {
  const r = await rollApiKey(db, userId, keyId, hours, now);
  if (!r.ok) throw new Error(r.error);
  return r;
}

describeEachDb("roll with overlap", (getDb) => {
  it("a roll keeps the row, name, owner, scopes and limits; both secrets work until the grace ends, then the old one is refused as not found", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const k = await storeKey(db, user.id, { allowedCidrs: ["10.0.0.0/8"] });
    const t0 = new Date();
    await touchKey(db, { id: k.id, lastUsedAt: null }, new Date(t0.getTime() - 5 * 60_000));
    const rolled = await roll(db, user.id, k.id, 24, t0);
    expect(rolled.previousValidUntil).toEqual(new Date(t0.getTime() + 24 * HOUR));
    expect(rolled.plaintext).not.toBe(k.plaintext);

    const [view] = (await listApiKeys(db, user.id)).filter((v) => v.id === k.id);
    expect(view).toMatchObject({ name: k.name, actions: [ACTIONS.push], subjects: ["Roll.*"], allowedCidrs: ["10.0.0.0/8"], lastUsedAt: null });
    expect(view.previousValidUntil).toEqual(rolled.previousValidUntil);
    // the old secret's last use moved with it
    expect(view.previousLastUsedAt).toEqual(new Date(t0.getTime() - 5 * 60_000));

    const during = new Date(t0.getTime() + 24 * HOUR - 1);
    expect(await authenticate(db, rolled.plaintext, during)).toMatchObject({ ok: true, key: { id: k.id, secret: "current", allowedCidrs: "10.0.0.0/8" } });
    expect(await authenticate(db, k.plaintext, during)).toMatchObject({ ok: true, key: { id: k.id, secret: "previous", name: k.name } });
    // a wrong secret with the old lookup id is still refused
    const forged = k.plaintext.slice(0, 12) + rolled.plaintext.slice(12);
    expect((await authenticate(db, forged, during)).ok).toBe(false);

    const after = new Date(t0.getTime() + 24 * HOUR);
    expect(await authenticate(db, k.plaintext, after)).toEqual({ ok: false, failure: "not-found" });
    expect(await authenticate(db, rolled.plaintext, after)).toMatchObject({ ok: true, key: { secret: "current" } });

    const audit = await db.auditRecord.findFirst({ where: { action: "RollCredential", target: k.id } });
    expect(JSON.parse(audit!.details!)).toMatchObject({ name: k.name, graceHours: 24, previousValidUntil: rolled.previousValidUntil!.toISOString() });
    expect(audit!.details).not.toContain(rolled.plaintext);
    expect(audit!.details).not.toContain(k.plaintext);
  });

  it("the old secret's use is recorded apart, at most once a minute; the new secret's as usual", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const k = await storeKey(db, user.id);
    const t0 = new Date();
    const rolled = await roll(db, user.id, k.id, 1, t0);
    const old = await authenticate(db, k.plaintext, new Date(t0.getTime() + 1000));
    if (!old.ok) throw new Error("old secret refused");
    await touchKey(db, old.key, new Date(t0.getTime() + 1000));
    const read = () => db.apiKey.findUniqueOrThrow({ where: { id: k.id }, select: { lastUsedAt: true, previousLastUsedAt: true } });
    expect(await read()).toEqual({ lastUsedAt: null, previousLastUsedAt: new Date(t0.getTime() + 1000) });
    // within the minute: no write
    const again = await authenticate(db, k.plaintext, new Date(t0.getTime() + 30_000));
    await touchKey(db, again.ok ? again.key : old.key, new Date(t0.getTime() + 30_000));
    expect((await read()).previousLastUsedAt).toEqual(new Date(t0.getTime() + 1000));
    const current = await authenticate(db, rolled.plaintext, new Date(t0.getTime() + 2000));
    if (!current.ok) throw new Error("new secret refused");
    await touchKey(db, current.key, new Date(t0.getTime() + 2000));
    expect(await read()).toEqual({ lastUsedAt: new Date(t0.getTime() + 2000), previousLastUsedAt: new Date(t0.getTime() + 1000) });
  });

  it("grace 'now' stops the old secret at once; a second roll during an overlap is refused until it is ended", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const k = await storeKey(db, user.id);
    const t0 = new Date();
    const first = await roll(db, user.id, k.id, 0, t0);
    expect(first.previousValidUntil).toBeNull();
    expect(await authenticate(db, k.plaintext, t0)).toEqual({ ok: false, failure: "not-found" });

    const second = await roll(db, user.id, k.id, 168, t0);
    const refused = await rollApiKey(db, user.id, k.id, 1, new Date(t0.getTime() + HOUR));
    expect(refused).toEqual({ ok: false, error: ROLL_MESSAGES.overlapRunning(second.previousValidUntil!) });
    // nothing changed: both still work
    expect((await authenticate(db, first.plaintext, new Date(t0.getTime() + HOUR))).ok).toBe(true);
    expect((await authenticate(db, second.plaintext, new Date(t0.getTime() + HOUR))).ok).toBe(true);

    expect(await endOverlap(db, user.id, k.id, new Date(t0.getTime() + HOUR))).toBe(true);
    expect(await endOverlap(db, user.id, k.id, new Date(t0.getTime() + HOUR))).toBe(false);
    expect(await authenticate(db, first.plaintext, new Date(t0.getTime() + HOUR))).toEqual({ ok: false, failure: "not-found" });
    expect((await authenticate(db, second.plaintext, new Date(t0.getTime() + HOUR))).ok).toBe(true);
    expect(await db.auditRecord.count({ where: { action: "EndCredentialOverlap", target: k.id } })).toBe(1);
    // after the end (or the grace), rolling again is allowed
    expect((await rollApiKey(db, user.id, k.id, 1, new Date(t0.getTime() + 2 * HOUR))).ok).toBe(true);
    // and after a grace that ran out on its own too
    expect((await rollApiKey(db, user.id, k.id, 1, new Date(t0.getTime() + 4 * HOUR))).ok).toBe(true);
  });

  it("revoking or deleting ends both secrets; regenerate (nuget.org's meaning) kills both and keeps the limits", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const t0 = new Date();
    const a = await storeKey(db, user.id);
    const aNew = await roll(db, user.id, a.id, 24, t0);
    expect(await revokeApiKey(db, user.id, a.id, "User", new Date(t0.getTime() + 1000))).not.toBeNull();
    for (const secret of [a.plaintext, aNew.plaintext]) expect(await authenticate(db, secret, new Date(t0.getTime() + 2000))).toMatchObject({ ok: false, failure: "revoked" });
    // a revoked key is not rolled
    expect(await rollApiKey(db, user.id, a.id, 1, new Date(t0.getTime() + 3000))).toEqual({ ok: false, error: ROLL_MESSAGES.notActive });

    const b = await storeKey(db, user.id);
    const bNew = await roll(db, user.id, b.id, 24, t0);
    expect(await deleteApiKey(db, user.id, b.id)).toBe(true);
    for (const secret of [b.plaintext, bNew.plaintext]) expect(await authenticate(db, secret, t0)).toEqual({ ok: false, failure: "not-found" });

    const c = await storeKey(db, user.id, { allowedCidrs: ["2001:db8::/32"] });
    const cNew = await roll(db, user.id, c.id, 24, t0);
    const regenerated = await regenerateApiKey(db, user.id, c.id, t0);
    for (const secret of [c.plaintext, cNew.plaintext]) expect(await authenticate(db, secret, t0)).toEqual({ ok: false, failure: "not-found" });
    expect(regenerated!.key.allowedCidrs).toEqual(["2001:db8::/32"]);
    expect(regenerated!.key.previousValidUntil).toBeNull();
  });

  it("another account's key, an unknown id, a bad grace, a lost organization and a locked account are refused; nothing changes", async () => {
    const db = getDb();
    const owner = await insertTestUser(db);
    const intruder = await insertTestUser(db);
    const k = await storeKey(db, owner.id);
    const t0 = new Date();
    expect(await rollApiKey(db, intruder.id, k.id, 24, t0)).toEqual({ ok: false, error: MESSAGES.keyNotFound });
    expect(await rollApiKey(db, owner.id, "no-such-key", 24, t0)).toEqual({ ok: false, error: MESSAGES.keyNotFound });
    expect(await rollApiKey(db, owner.id, k.id, 2, t0)).toEqual({ ok: false, error: ROLL_MESSAGES.badGrace });
    expect(await rollApiKey(db, owner.id, k.id, Number.NaN, t0)).toEqual({ ok: false, error: ROLL_MESSAGES.badGrace });
    expect((await authenticate(db, k.plaintext, t0)).ok).toBe(true);
    await roll(db, owner.id, k.id, 24, t0);
    expect(await endOverlap(db, intruder.id, k.id, t0)).toBe(false);
    expect(await editApiKey(db, intruder.id, k.id, ["Roll.*"], { allowedCidrs: ["10.0.0.0/8"] })).toMatchObject({ ok: false, error: MESSAGES.keyNotFound });
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: k.id }, select: { allowedCidrs: true, previousValidUntil: true } })).toEqual({
      allowedCidrs: null,
      previousValidUntil: new Date(t0.getTime() + 24 * HOUR),
    });
    expect(await db.auditRecord.count({ where: { actorId: intruder.id } })).toBe(0);

    // a key of an organization its user left
    const admin = await insertTestUser(db);
    const member = await insertTestUser(db);
    const org = await makeOrganization(db, admin.id);
    await joinOrganization(db, admin.id, org.username, member, false);
    const orgKey = await storeKey(db, member.id, { ownerId: org.id });
    await removeMember(db, member.id, org.username, member.username);
    expect(await rollApiKey(db, member.id, orgKey.id, 1, t0)).toMatchObject({ ok: false, error: expect.stringContaining("no longer a member") });

    const locked = await insertTestUser(db);
    const lockedKey = await insertTestKey(db, { userId: locked.id });
    await db.user.update({ where: { id: locked.id }, data: { locked: true } });
    expect(await rollApiKey(db, locked.id, lockedKey.id, 1, t0)).toEqual({ ok: false, error: MESSAGES.userLocked });
  });

  it("two concurrent rolls of one key: one wins, the other is refused, and one old secret is kept", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const k = await storeKey(db, user.id);
    const t0 = new Date();
    const results = await Promise.all([rollApiKey(db, user.id, k.id, 24, t0), rollApiKey(db, user.id, k.id, 24, t0)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const winner = results.find((r) => r.ok)!;
    expect((await authenticate(db, winner.ok ? winner.plaintext : "", t0)).ok).toBe(true);
    expect((await authenticate(db, k.plaintext, t0)).ok).toBe(true);
  });

  it("a leak of the old secret during its grace revokes the key; after the grace it is reported as ours but dead", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const t0 = new Date();
    const a = await storeKey(db, user.id);
    const aNew = await roll(db, user.id, a.id, 1, t0);
    const b = await storeKey(db, user.id);
    await roll(db, user.id, b.id, 1, t0);
    const opts = { origin: "http://localhost", now: new Date(t0.getTime() + 1000) };
    expect((await revokeLeakedKeys(db, [{ token: a.plaintext, url: null }], "GitHub", opts)).verdicts).toEqual(["revoked"]);
    expect(await authenticate(db, aNew.plaintext, opts.now)).toMatchObject({ ok: false, failure: "revoked" });
    const late = { ...opts, now: new Date(t0.getTime() + 2 * HOUR) };
    expect((await revokeLeakedKeys(db, [{ token: b.plaintext, url: null }], "GitHub", late)).verdicts).toEqual(["dead"]);
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: b.id }, select: { revokedAt: true } })).toEqual({ revokedAt: null });
    await settleLeakMails();
  });

  it("introspection reports the overlap (and which secret asked) and the address limits, never a secret", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const k = await storeKey(db, user.id, { allowedCidrs: ["10.0.0.0/8", "::1/128"] });
    const t0 = new Date();
    expect(await describeKey(db, { id: k.id, userId: user.id }, t0)).toMatchObject({ allowedCidrs: ["10.0.0.0/8", "::1/128"], overlap: null });
    const rolled = await roll(db, user.id, k.id, 1, t0);
    const old = await authenticate(db, k.plaintext, t0);
    const description = await describeKey(db, old.ok ? old.key : { id: "", userId: "" }, t0);
    expect(description?.overlap).toEqual({ previousValidUntil: rolled.previousValidUntil!.toISOString(), previousLastUsed: null, presented: "previous" });
    expect(JSON.stringify(description)).not.toContain(k.plaintext.slice(3, 15));
    expect((await describeKey(db, { id: k.id, userId: user.id }, new Date(t0.getTime() + HOUR)))?.overlap).toBeNull();
  });
});

describeEachDb("address limits in the store", (getDb) => {
  it("create and edit store normalised ranges; edit without them leaves them; audit names both", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const k = await storeKey(db, user.id, { allowedCidrs: ["10.0.0.0/8"] });
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: k.id }, select: { allowedCidrs: true } })).toEqual({ allowedCidrs: "10.0.0.0/8" });
    expect(await editApiKey(db, user.id, k.id, ["Roll.*"])).toMatchObject({ ok: true, key: { allowedCidrs: ["10.0.0.0/8"] } });
    expect(await editApiKey(db, user.id, k.id, ["Roll.*"], { allowedCidrs: ["192.0.2.0/24", "2001:db8::/32"] })).toMatchObject({
      ok: true,
      key: { allowedCidrs: ["192.0.2.0/24", "2001:db8::/32"] },
    });
    const edits = await db.auditRecord.findMany({ where: { action: "EditCredential", target: k.id }, select: { details: true } });
    // the edit that left the limits alone does not name them; the one that changed them names both
    expect(edits.map((e) => JSON.parse(e.details!)).map((d) => [d.allowedCidrs ?? null, d.previousAllowedCidrs ?? null])).toEqual(
      expect.arrayContaining([[null, null], [["192.0.2.0/24", "2001:db8::/32"], ["10.0.0.0/8"]]]),
    );
    expect(await editApiKey(db, user.id, k.id, ["Roll.*"], { allowedCidrs: [] })).toMatchObject({ ok: true, key: { allowedCidrs: [] } });
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: k.id }, select: { allowedCidrs: true } })).toEqual({ allowedCidrs: null });
  });
});

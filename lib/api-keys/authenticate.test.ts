import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { authenticate, touchKey } from "./authenticate";
import { generateKey } from "./key-material";
import { createApiKey, deleteApiKey, regenerateApiKey, revokeApiKey } from "./store";
import { makeOrganization, joinOrganization } from "@/tests/organizations";
import { removeMember } from "@/lib/organizations/store";
import { createDb, type Db } from "@/lib/create-db";
import { ACTIONS } from "./scopes";

/** A key made by the API keys store, as the page makes them; `now` moves its creation in time. */
async function storeKey(db: Db, userId: string, actions: string[], subjects: string[], opts: { expiresInDays?: number; now?: Date } = {}) {
  const r = await createApiKey(db, userId, { name: `k${Math.random()}`, expiresInDays: opts.expiresInDays ?? 365, ownerId: userId, actions, subjects }, opts.now);
  if (!r.ok) throw new Error(r.error);
  return { id: r.key.id, name: r.key.name, plaintext: r.plaintext };
}

describeEachDb("authenticate", (getDb, _provider, getUrl) => {
  it("refuses a missing or empty header as 'missing' (401)", async () => {
    expect(await authenticate(getDb(), null)).toEqual({ ok: false, failure: "missing" });
    expect(await authenticate(getDb(), "  ")).toEqual({ ok: false, failure: "missing" });
  });

  it("refuses a malformed key without a database query", async () => {
    const queries: string[] = [];
    const spyDb = new Proxy(getDb(), {
      get(target, prop) {
        queries.push(String(prop));
        return Reflect.get(target, prop);
      },
    });
    const good = generateKey().plaintext;
    const typo = good.slice(0, -1) + (good.endsWith("a") ? "b" : "a");
    expect(await authenticate(spyDb, typo)).toEqual({ ok: false, failure: "not-found" });
    expect(await authenticate(spyDb, "oy2-not-a-key")).toEqual({ ok: false, failure: "not-found" });
    expect(queries).toEqual([]);
  });

  it("refuses a well-formed key that is not stored", async () => {
    expect(await authenticate(getDb(), generateKey().plaintext)).toEqual({ ok: false, failure: "not-found" });
  });

  it("accepts a valid key, in any case, with its scopes and owner", async () => {
    const user = await insertTestUser(getDb());
    const k = await storeKey(getDb(), user.id, [ACTIONS.push], ["A*"]);
    for (const presented of [k.plaintext, k.plaintext.toUpperCase(), ` ${k.plaintext} `]) {
      const r = await authenticate(getDb(), presented);
      expect(r.ok && r.key).toMatchObject({ id: k.id, ownerId: user.id, ownerUsername: user.username, scopes: [{ action: ACTIONS.push, subject: "A*" }] });
    }
  });

  it("refuses expired and revoked keys by name", async () => {
    const user = await insertTestUser(getDb());
    const now = new Date();
    // made a day ago with a 1-day expiry: it expires exactly now
    const expired = await storeKey(getDb(), user.id, [ACTIONS.push], ["*"], { expiresInDays: 1, now: new Date(now.getTime() - 86_400_000) });
    const revoked = await storeKey(getDb(), user.id, [ACTIONS.push], ["*"]);
    expect(await revokeApiKey(getDb(), user.id, revoked.id, "User", new Date(now.getTime() - 1000))).not.toBeNull();
    expect(await authenticate(getDb(), expired.plaintext, now)).toEqual({ ok: false, failure: "expired", keyName: expired.name, keyId: expired.id });
    expect(await authenticate(getDb(), revoked.plaintext, now)).toEqual({ ok: false, failure: "revoked", keyName: revoked.name, keyId: revoked.id });
  });

  it("sees revocation, deletion, regeneration and the owner's state changed by another client at once", async () => {
    // another connection (another process or app instance): nothing may be cached between checks
    const other = createDb(getUrl());
    try {
      const user = await insertTestUser(getDb());
      const [revoked, deleted, regenerated] = [
        await storeKey(getDb(), user.id, [ACTIONS.push], ["*"]),
        await storeKey(getDb(), user.id, [ACTIONS.push], ["*"]),
        await storeKey(getDb(), user.id, [ACTIONS.push], ["*"]),
      ];
      for (const k of [revoked, deleted, regenerated]) expect(await authenticate(getDb(), k.plaintext)).toMatchObject({ ok: true, key: { ownerConfirmed: true, ownerLocked: false } });

      expect(await revokeApiKey(other, user.id, revoked.id)).not.toBeNull();
      expect(await deleteApiKey(other, user.id, deleted.id)).toBe(true);
      const fresh = await regenerateApiKey(other, user.id, regenerated.id);
      await other.user.update({ where: { id: user.id }, data: { emailConfirmedAt: null, locked: true } });

      expect(await authenticate(getDb(), revoked.plaintext)).toEqual({ ok: false, failure: "revoked", keyName: revoked.name, keyId: revoked.id });
      expect(await authenticate(getDb(), deleted.plaintext)).toEqual({ ok: false, failure: "not-found" });
      expect(await authenticate(getDb(), regenerated.plaintext)).toEqual({ ok: false, failure: "not-found" });
      expect(await authenticate(getDb(), fresh!.plaintext)).toMatchObject({ ok: true, key: { ownerConfirmed: false, ownerLocked: true } });
    } finally {
      await other.$disconnect();
    }
  });

  it("reads a key with no scopes as an empty list, and its expiry to the millisecond", async () => {
    const user = await insertTestUser(getDb());
    const expiresAt = new Date("2031-02-03T04:05:06.789Z");
    const k = await insertTestKey(getDb(), { userId: user.id, actions: [], expiresAt });
    expect(await authenticate(getDb(), k.plaintext, new Date(expiresAt.getTime() - 1))).toMatchObject({ ok: true, key: { scopes: [], expiresAt } });
    expect(await authenticate(getDb(), k.plaintext, expiresAt)).toMatchObject({ ok: false, failure: "expired" });
  });

  it("refuses a key whose user no longer matches its owner scope", async () => {
    const user = await insertTestUser(getDb());
    const other = await insertTestUser(getDb());
    // the store refuses such a key: a person's keys act for them or their organizations only
    const k = await insertTestKey(getDb(), { userId: user.id, ownerId: other.id, actions: [ACTIONS.push] });
    expect(await authenticate(getDb(), k.plaintext)).toMatchObject({ ok: false, failure: "owner-mismatch" });
  });

  it("accepts an organization's key while its user is a member, refuses it once they leave, and again accepts it on rejoining", async () => {
    const db = getDb();
    const admin = await insertTestUser(db);
    const member = await insertTestUser(db);
    const org = await makeOrganization(db, admin.id);
    await joinOrganization(db, admin.id, org.username, member, false);
    const created = await createApiKey(db, member.id, { name: "org ci", expiresInDays: 365, ownerId: org.id, actions: [ACTIONS.push], subjects: ["*"] });
    if (!created.ok) throw new Error(created.error);
    const works = { ok: true, key: { userId: member.id, ownerId: org.id, ownerUsername: org.username, ownerConfirmed: true } };
    expect(await authenticate(db, created.plaintext)).toMatchObject(works);
    expect(await removeMember(db, member.id, org.username, member.username)).toMatchObject({ ok: true, left: true });
    expect(await authenticate(db, created.plaintext)).toEqual({ ok: false, failure: "owner-mismatch", keyName: "org ci", keyId: created.key.id });
    await joinOrganization(db, admin.id, org.username, member, true);
    expect(await authenticate(db, created.plaintext)).toMatchObject(works);
    // removed by an administrator: the same
    expect(await removeMember(db, admin.id, org.username, member.username)).toMatchObject({ ok: true, left: false });
    expect(await authenticate(db, created.plaintext)).toMatchObject({ ok: false, failure: "owner-mismatch" });
  });

  it("refuses a key held by an organization, even one scoped to itself", async () => {
    const db = getDb();
    const admin = await insertTestUser(db);
    const org = await makeOrganization(db, admin.id);
    const k = await insertTestKey(db, { userId: org.id, actions: [ACTIONS.push] });
    expect(await authenticate(db, k.plaintext)).toMatchObject({ ok: false, failure: "owner-mismatch" });
  });

  it("updates lastUsedAt at most once a minute, without a query within the minute the key check read", async () => {
    const user = await insertTestUser(getDb());
    const k = await storeKey(getDb(), user.id, [ACTIONS.push], ["*"]);
    const t0 = new Date("2026-03-01T10:00:00Z");
    await touchKey(getDb(), { id: k.id, lastUsedAt: null }, t0);
    // a stale read (another request, another instance): the update's own condition holds it back
    await touchKey(getDb(), { id: k.id, lastUsedAt: null }, new Date(t0.getTime() + 30_000));
    const read = async () => (await getDb().apiKey.findUniqueOrThrow({ where: { id: k.id } })).lastUsedAt?.getTime();
    expect(await read()).toBe(t0.getTime());
    const auth = await authenticate(getDb(), k.plaintext, new Date(t0.getTime() + 30_000));
    expect(auth.ok && auth.key.lastUsedAt).toEqual(t0);

    // a stand-in client the driver (driverWriter) refuses outright: any write would throw
    const noWrites = new Proxy(getDb(), {});
    await touchKey(noWrites, auth.ok ? auth.key : { id: k.id, lastUsedAt: null }, new Date(t0.getTime() + 59_999));
    await expect(touchKey(noWrites, auth.ok ? auth.key : { id: k.id, lastUsedAt: null }, new Date(t0.getTime() + 61_000))).rejects.toThrow(/driverWriter/);
    await touchKey(getDb(), auth.ok ? auth.key : { id: k.id, lastUsedAt: null }, new Date(t0.getTime() + 61_000));
    expect(await read()).toBe(t0.getTime() + 61_000);
  });
});

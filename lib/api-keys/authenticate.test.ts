import { describe, expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import {
  authenticate,
  checkAction,
  checkOwnerState,
  checkSubject,
  consumeVerificationKey,
  createVerificationKey,
  daysUntilExpiry,
  explainFailure,
  touchKey,
  type AuthenticatedKey,
} from "./authenticate";
import { generateKey } from "./key-material";
import { createApiKey, deleteApiKey, regenerateApiKey, revokeApiKey } from "./store";
import { createDb, type Db } from "@/lib/create-db";
import { ACTIONS } from "./scopes";
import { VERIFY_KEY_TYPE } from "./verification-keys";

function key(scopes: [string, string][], extra: Partial<AuthenticatedKey> = {}): AuthenticatedKey {
  return {
    id: "k",
    type: "apikey.v4",
    name: "ci",
    userId: "u",
    ownerId: "u",
    ownerUsername: "alice",
    ownerConfirmed: true,
    ownerLocked: false,
    expiresAt: new Date(Date.now() + 100 * 86_400_000),
    lastUsedAt: null,
    scopes: scopes.map(([action, subject]) => ({ action, subject })),
    ...extra,
  };
}

describe("scope checks (pure)", () => {
  it("action filter: push needs push or pushversion, unlist needs unlist", () => {
    expect(checkAction(key([[ACTIONS.pushVersion, "*"]]), "push")).toBeNull();
    expect(checkAction(key([[ACTIONS.unlist, "*"]]), "push")).toBe("action");
    expect(checkAction(key([[ACTIONS.push, "*"]]), "unlist")).toBe("action");
    expect(checkAction(key([["PACKAGE:UNLIST", "*"]]), "unlist")).toBeNull();
    expect(checkAction(key([["all", "*"]]), "unlist")).toBeNull();
    expect(checkAction(key([[ACTIONS.verify, "A"]]), "verify")).toBeNull();
    expect(checkAction(key([[ACTIONS.verify, "A"]]), "push")).toBe("action");
  });

  it("a new id needs push; an existing id takes push or pushversion", () => {
    const pv = key([[ACTIONS.pushVersion, "*"]]);
    expect(checkSubject(pv, "push", "New.Id", false)).toBe("new-id-needs-push");
    expect(checkSubject(pv, "push", "Old.Id", true)).toBeNull();
    expect(checkSubject(key([[ACTIONS.push, "*"]]), "push", "New.Id", false)).toBeNull();
  });

  it("glob Contoso.* matches contoso.lib but not Contoso or Fabrikam.lib", () => {
    const k = key([[ACTIONS.push, "Contoso.*"]]);
    expect(checkSubject(k, "push", "contoso.lib", false)).toBeNull();
    expect(checkSubject(k, "push", "Contoso", false)).toBe("subject");
    expect(checkSubject(k, "push", "Fabrikam.lib", false)).toBe("subject");
  });

  it("needs the action on the matching subject, not on another one", () => {
    const k = key([
      [ACTIONS.push, "A"],
      [ACTIONS.unlist, "B"],
    ]);
    expect(checkSubject(k, "unlist", "B", true)).toBeNull();
    expect(checkSubject(k, "unlist", "A", true)).toBe("action");
  });

  it("verify keys verify with package:verify; normal keys with push", () => {
    expect(checkSubject(key([[ACTIONS.verify, "A"]], { type: VERIFY_KEY_TYPE }), "verify", "a", true)).toBeNull();
    expect(checkSubject(key([[ACTIONS.verify, "A"]], { type: VERIFY_KEY_TYPE }), "verify", "B", true)).toBe("subject");
    expect(checkSubject(key([[ACTIONS.pushVersion, "A"]]), "verify", "A", true)).toBeNull();
  });

  it("owner state: unconfirmed, then locked", () => {
    expect(checkOwnerState(key([], { ownerConfirmed: false, ownerLocked: true }))).toBe("owner-unconfirmed");
    expect(checkOwnerState(key([], { ownerLocked: true }))).toBe("owner-locked");
    expect(checkOwnerState(key([]))).toBeNull();
  });

  it("explains failures without naming other accounts", () => {
    expect(explainFailure("not-owner", { packageId: "X", ownerUsername: "alice" })).toBe(
      "The owner of this API key ('alice') does not own package 'X'.",
    );
    expect(explainFailure("new-id-needs-push", { packageId: "X", keyName: "ci" })).toContain("Push new packages and package versions");
    expect(explainFailure("subject", { packageId: "X", keyName: "ci" })).toContain("not scoped to package 'X'");
    expect(explainFailure("expired", { keyName: "ci" })).toContain("'ci' has expired");
  });

  it("warns from 10 days before expiry, in whole days", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const at = (days: number) => key([], { expiresAt: new Date(now.getTime() + days * 86_400_000) });
    expect(daysUntilExpiry(at(11), now)).toBeNull();
    expect(daysUntilExpiry(at(10), now)).toBe(10);
    expect(daysUntilExpiry(at(0.2), now)).toBe(1);
  });
});

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
    expect(await authenticate(getDb(), expired.plaintext, now)).toEqual({ ok: false, failure: "expired", keyName: expired.name });
    expect(await authenticate(getDb(), revoked.plaintext, now)).toEqual({ ok: false, failure: "revoked", keyName: revoked.name });
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

      expect(await authenticate(getDb(), revoked.plaintext)).toEqual({ ok: false, failure: "revoked", keyName: revoked.name });
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
    // the store refuses such a key; it stands for an organization key whose creator has left
    const k = await insertTestKey(getDb(), { userId: user.id, ownerId: other.id, actions: [ACTIONS.push] });
    expect(await authenticate(getDb(), k.plaintext)).toMatchObject({ ok: false, failure: "owner-mismatch" });
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

    // a stand-in client the driver (hotWriter) refuses outright: any write would throw
    const noWrites = new Proxy(getDb(), {});
    await touchKey(noWrites, auth.ok ? auth.key : { id: k.id, lastUsedAt: null }, new Date(t0.getTime() + 59_999));
    await expect(touchKey(noWrites, auth.ok ? auth.key : { id: k.id, lastUsedAt: null }, new Date(t0.getTime() + 61_000))).rejects.toThrow(/hotWriter/);
    await touchKey(getDb(), auth.ok ? auth.key : { id: k.id, lastUsedAt: null }, new Date(t0.getTime() + 61_000));
    expect(await read()).toBe(t0.getTime() + 61_000);
  });

  it("verification keys: a lowercase GUID, 1 day, package:verify on that id, same owner, hashed, used once", async () => {
    const user = await insertTestUser(getDb());
    const k = await storeKey(getDb(), user.id, [ACTIONS.push], ["*"]);
    const auth = await authenticate(getDb(), k.plaintext);
    if (!auth.ok) throw new Error("key refused");
    const now = new Date();
    const v = await createVerificationKey(getDb(), auth.key, "Contoso.Lib", now);
    expect(v.plaintext).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(v.expiresAt.getTime() - now.getTime()).toBe(86_400_000);
    const row = await getDb().apiKey.findFirstOrThrow({ where: { type: VERIFY_KEY_TYPE, userId: user.id }, include: { scopes: true } });
    expect(row).toMatchObject({ ownerId: user.id, expiresInDays: 1 });
    expect(row.scopes.map((s) => [s.action, s.subject])).toEqual([[ACTIONS.verify, "Contoso.Lib"]]);
    expect(JSON.stringify(row)).not.toContain(v.plaintext);

    // an unused one from two days ago has expired: creating a new one removes it
    const stale = await createVerificationKey(getDb(), auth.key, "Contoso.Old", new Date(now.getTime() - 2 * 86_400_000));
    await createVerificationKey(getDb(), auth.key, "Contoso.New", now);
    expect(await authenticate(getDb(), stale.plaintext)).toEqual({ ok: false, failure: "not-found" });
    const names = (await getDb().apiKey.findMany({ where: { type: VERIFY_KEY_TYPE, userId: user.id } })).map((k) => k.name);
    expect(names.sort()).toEqual(["Verification key for Contoso.Lib", "Verification key for Contoso.New"]);

    const used = await authenticate(getDb(), v.plaintext.toUpperCase());
    expect(used.ok && used.key.type).toBe(VERIFY_KEY_TYPE);
    if (used.ok) await consumeVerificationKey(getDb(), used.key);
    expect(await authenticate(getDb(), v.plaintext)).toEqual({ ok: false, failure: "not-found" });
    // consuming a normal key is a no-op
    await consumeVerificationKey(getDb(), auth.key);
    expect((await authenticate(getDb(), k.plaintext)).ok).toBe(true);
  });
});

import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { authenticate } from "./authenticate";
import { ACTIONS } from "./scopes";
import { consumeVerificationKey, createVerificationKey, VERIFY_KEY_TYPE } from "./verification-keys";

describeEachDb("verification keys", (getDb) => {
  it("verification keys: a lowercase GUID, 1 day, package:verify on that id, same owner, hashed, used once", async () => {
    const user = await insertTestUser(getDb());
    const k = await insertTestKey(getDb(), { userId: user.id, actions: [ACTIONS.push] });
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

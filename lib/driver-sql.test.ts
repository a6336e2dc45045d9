import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import {
  constraintViolation,
  DRIVER_STATEMENTS,
  driverReader,
  driverWriter,
  FIND_PACKAGE,
  INSERT_OWNER,
  INSERT_REGISTRATION,
  INSERT_VERSION,
  KEY_BY_LOOKUP_ID,
  OWNED_PACKAGE_IDS,
  PUSHING_KEY_STATE,
  SESSION_WITH_USER,
  TOUCH_KEY,
  TOUCH_PREVIOUS_SECRET,
} from "./driver-sql";

// The same rows on both engines, made by Prisma as the app makes them; every statement must read
// them back as the same values (after normalisation), so one expectation serves both.
const EXPIRES = new Date("2031-02-03T04:05:06.789Z");
const PUSHED = new Date("2030-01-02T03:04:05.678Z");
const USED = new Date("2030-06-07T08:09:10.111Z");

describeEachDb("driver statements", (getDb) => {
  it("every statement answers alike on both engines", async () => {
    const db = getDb();
    const suffix = Math.random().toString(36).slice(2, 10);
    const [alice, bob] = await Promise.all(
      ["alice", "bob"].map((name) =>
        db.user.create({ data: { username: `${name}-${suffix}`, usernameKey: `${name}-${suffix}`, email: `${name}-${suffix}@example.test`, emailConfirmedAt: name === "alice" ? PUSHED : null, locked: name === "bob" } }),
      ),
    );
    const key = await db.apiKey.create({
      data: {
        userId: alice.id,
        ownerId: alice.id,
        name: "ci",
        lookupId: `lookup-${suffix}`,
        secretHash: "hash",
        expiresInDays: 365,
        expiresAt: EXPIRES,
        scopes: { create: [{ action: "package:push", subject: "Contoso.*" }] },
      },
    });
    const bare = await db.apiKey.create({
      data: { userId: bob.id, ownerId: bob.id, name: "bare", lookupId: `bare-${suffix}`, secretHash: "h", expiresInDays: 1, expiresAt: EXPIRES, revokedAt: PUSHED, lastUsedAt: USED },
    });
    const read = driverReader(db);
    const seen = new Set<string>();
    const one = <T>(sql: typeof KEY_BY_LOOKUP_ID, params: (string | number)[]) => (seen.add(sql.name), read.one<T>(sql, params));

    expect(await one(KEY_BY_LOOKUP_ID, [`lookup-${suffix}`, `lookup-${suffix}`])).toEqual({
      id: key.id, type: "apikey.v4", name: "ci", userId: alice.id, ownerId: alice.id, secretHash: "hash",
      expiresAt: EXPIRES, lastUsedAt: null, lookupId: `lookup-${suffix}`, previousSecretHash: null, previousValidUntil: null,
      previousLastUsedAt: null, allowedCidrs: null, revoked: false, userIsOrganization: false,
      ownerUsername: alice.username, ownerConfirmed: true, ownerLocked: false, ownerMatches: true,
      scopes: [{ action: "package:push", subject: "Contoso.*" }],
    });
    // a key scoped to an organization matches its owner while its user is a member, in either
    // role; a key scoped to another person, or to an organization the user left, does not
    const org = await db.user.create({ data: { username: `org-${suffix}`, usernameKey: `org-${suffix}`, email: `org-${suffix}@example.test`, isOrganization: true } });
    const scoped = (name: string, ownerId: string) =>
      db.apiKey.create({ data: { userId: alice.id, ownerId, name, lookupId: `${name}-${suffix}`, secretHash: "h", expiresInDays: 1, expiresAt: EXPIRES } });
    await scoped("org", org.id);
    await scoped("other", bob.id);
    const matches = async (name: string) => (await one<{ ownerMatches: boolean }>(KEY_BY_LOOKUP_ID, [`${name}-${suffix}`, `${name}-${suffix}`]))?.ownerMatches;
    expect([await matches("org"), await matches("other")]).toEqual([false, false]);
    await db.membership.create({ data: { organizationId: org.id, memberId: alice.id } });
    expect(await one(KEY_BY_LOOKUP_ID, [`org-${suffix}`, `org-${suffix}`])).toMatchObject({ ownerId: org.id, ownerUsername: org.username, ownerConfirmed: false, ownerMatches: true });
    await db.membership.update({ where: { organizationId_memberId: { organizationId: org.id, memberId: alice.id } }, data: { isAdmin: true } });
    expect([await matches("org"), await matches("other")]).toEqual([true, false]);
    await db.membership.deleteMany({ where: { organizationId: org.id } });
    expect(await matches("org")).toBe(false);
    expect(await one(KEY_BY_LOOKUP_ID, [`bare-${suffix}`, `bare-${suffix}`])).toMatchObject({ lastUsedAt: USED, revoked: true, ownerConfirmed: false, ownerLocked: true, scopes: [] });
    expect(await one(KEY_BY_LOOKUP_ID, ["no-such-key", "no-such-key"])).toBeUndefined();

    const write = driverWriter(db);
    const run = (statements: { sql: typeof TOUCH_KEY; params: (string | number | boolean | Date | null)[] }[]) => {
      for (const s of statements) seen.add(s.sql.name);
      return write.transaction(statements, (rows) => rows);
    };
    // the update's condition: only an older last use is replaced
    await run([{ sql: TOUCH_KEY, params: [USED, key.id, new Date(USED.getTime() - 60_000)] }]);
    await run([{ sql: TOUCH_KEY, params: [PUSHED, bare.id, new Date(USED.getTime() - 60_000)] }]);
    expect(await one(KEY_BY_LOOKUP_ID, [`lookup-${suffix}`, `lookup-${suffix}`])).toMatchObject({ lastUsedAt: USED });
    expect(await one(KEY_BY_LOOKUP_ID, [`bare-${suffix}`, `bare-${suffix}`])).toMatchObject({ lastUsedAt: USED });

    // a rolled key: found by the replaced lookup id too, with the old secret's hash, end and last use
    await db.apiKey.update({
      where: { id: key.id },
      data: { previousLookupId: `old-${suffix}`, previousSecretHash: "old-hash", previousValidUntil: EXPIRES, allowedCidrs: "10.0.0.0/8" },
    });
    await run([{ sql: TOUCH_PREVIOUS_SECRET, params: [USED, key.id, new Date(USED.getTime() - 60_000)] }]);
    await run([{ sql: TOUCH_PREVIOUS_SECRET, params: [PUSHED, key.id, new Date(USED.getTime() - 60_000)] }]);
    const rolled = { id: key.id, lookupId: `lookup-${suffix}`, previousSecretHash: "old-hash", previousValidUntil: EXPIRES, previousLastUsedAt: USED, allowedCidrs: "10.0.0.0/8", lastUsedAt: USED };
    expect(await one(KEY_BY_LOOKUP_ID, [`old-${suffix}`, `old-${suffix}`])).toMatchObject(rolled);
    expect(await one(KEY_BY_LOOKUP_ID, [`lookup-${suffix}`, `lookup-${suffix}`])).toMatchObject(rolled);

    const registrationId = `reg-${suffix}`;
    const idKey = `contoso.lib-${suffix}`;
    const rows = await run([
      { sql: INSERT_REGISTRATION, params: [registrationId, `Contoso.Lib-${suffix}`, idKey, PUSHED] },
      { sql: INSERT_OWNER, params: [registrationId, alice.id] },
      { sql: INSERT_VERSION, params: [`ver-${suffix}`, registrationId, "1.0.0", "1.0.0", true, 1234, "sha", PUSHED, alice.id, key.id, "ci", null] },
      { sql: PUSHING_KEY_STATE, params: [key.id] },
      { sql: PUSHING_KEY_STATE, params: [bare.id] },
      { sql: PUSHING_KEY_STATE, params: ["no-such-key"] },
    ]);
    expect(rows).toEqual([undefined, undefined, undefined, { revoked: false, expiresAt: EXPIRES }, { revoked: true, expiresAt: EXPIRES }, undefined]);

    expect(await one(FIND_PACKAGE, [alice.id, "1.0.0", idKey])).toEqual({
      id: registrationId, packageId: `Contoso.Lib-${suffix}`, idKey, owned: true, versionId: `ver-${suffix}`, version: "1.0.0", listed: true, size: 1234,
    });
    expect(await one(FIND_PACKAGE, [bob.id, "2.0.0", idKey])).toEqual({
      id: registrationId, packageId: `Contoso.Lib-${suffix}`, idKey, owned: false, versionId: null, version: null, listed: null, size: null,
    });
    // Prisma reads the driver's writes back as it wrote its own
    expect(await db.packageVersion.findUniqueOrThrow({ where: { id: `ver-${suffix}` } })).toMatchObject({ listed: true, size: 1234, pushedAt: PUSHED });
    expect(await db.packageRegistration.findUniqueOrThrow({ where: { id: registrationId } })).toMatchObject({ createdAt: PUSHED });

    await db.session.create({ data: { id: `sess-${suffix}`, userId: bob.id, createdAt: PUSHED, lastSeenAt: USED } });
    expect(await one(SESSION_WITH_USER, [`sess-${suffix}`])).toEqual({
      userId: bob.id, lastSeenAt: USED, username: bob.username, email: bob.email, emailConfirmed: false, isOrganization: false, locked: true,
    });
    expect(await one(SESSION_WITH_USER, ["no-such-session"])).toBeUndefined();

    // A–Z by the lower-cased id, only the owner's
    await db.packageRegistration.createMany({
      data: [`zeta-${suffix}`, `Alpha-${suffix}`, `beta-${suffix}`].map((packageId) => ({ id: `r-${packageId}`, packageId, idKey: packageId.toLowerCase() })),
    });
    await db.packageOwner.createMany({ data: [`zeta-${suffix}`, `Alpha-${suffix}`, `beta-${suffix}`].map((id) => ({ registrationId: `r-${id}`, userId: bob.id })) });
    seen.add(OWNED_PACKAGE_IDS.name);
    expect(await read.column(OWNED_PACKAGE_IDS, [bob.id])).toEqual([`Alpha-${suffix}`, `beta-${suffix}`, `zeta-${suffix}`]);
    expect(await read.column(OWNED_PACKAGE_IDS, ["no-such-owner"])).toEqual([]);

    expect([...seen].sort()).toEqual(DRIVER_STATEMENTS.map((s) => s.name).sort());
  });

  it("the key lookup finds a key by either lookup id with one probe of each unique index, not a scan", async () => {
    const db = getDb();
    const suffix = Math.random().toString(36).slice(2, 10);
    const user = await db.user.create({ data: { username: `plan-${suffix}`, usernameKey: `plan-${suffix}`, email: `plan-${suffix}@example.test` } });
    // enough rows that a scan would cost the planner more than the indexes
    await db.apiKey.createMany({
      data: Array.from({ length: 3000 }, (_, i) => ({
        userId: user.id, ownerId: user.id, name: `k${i}`, lookupId: `p-${suffix}-${i}`, secretHash: "h", expiresInDays: 1, expiresAt: EXPIRES,
        ...(i % 2 ? { previousLookupId: `q-${suffix}-${i}` } : {}),
      })),
    });
    const provider = driverReader(db).provider;
    let plan: string;
    if (provider === "sqlite") {
      const rows = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${KEY_BY_LOOKUP_ID.sqlite}`, "x", "x");
      plan = rows.map((r) => r.detail).join("\n");
      expect(plan).toContain("MULTI-INDEX OR");
    } else {
      await db.$executeRawUnsafe(`ANALYZE "ApiKey"`);
      const rows = await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${KEY_BY_LOOKUP_ID.postgresql}`, "x", "x");
      plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).toContain("BitmapOr");
    }
    expect(plan).toContain("ApiKey_lookupId_key");
    expect(plan).toContain("ApiKey_previousLookupId_key");
    expect(plan).not.toMatch(/SCAN k\b|Seq Scan on "?ApiKey"?/);
    // and the answer is the row either id names
    expect(await driverReader(db).one(KEY_BY_LOOKUP_ID, [`q-${suffix}-7`, `q-${suffix}-7`])).toMatchObject({ name: "k7", lookupId: `p-${suffix}-7` });
    expect(await driverReader(db).one(KEY_BY_LOOKUP_ID, [`p-${suffix}-8`, `p-${suffix}-8`])).toMatchObject({ name: "k8" });
  });

  it("a failed statement rolls the transaction back and keeps its constraint code", async () => {
    const db = getDb();
    const suffix = Math.random().toString(36).slice(2, 10);
    const insert = { sql: INSERT_REGISTRATION, params: [`dup-${suffix}`, "Dup", `dup-${suffix}`, PUSHED] };
    await expect(driverWriter(db).transaction([insert, insert], () => null)).rejects.toSatisfy((e) => constraintViolation(e) === "unique");
    expect(await db.packageRegistration.count({ where: { id: `dup-${suffix}` } })).toBe(0);
  });
});

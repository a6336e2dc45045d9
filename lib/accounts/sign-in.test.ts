import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { createDb, type Db } from "@/lib/create-db";
import { describeEachDb } from "@/tests/databases";
import { hashPassword } from "./passwords";
import { attemptSignIn } from "./sign-in";
import { checkThrottle, ipBucket, throttleLimits, type ThrottleLimits } from "./throttle";

let n = 0;
async function makeUser(db: Db, password = "right-password") {
  const username = `si${Date.now().toString(36)}${n++}`;
  await db.user.create({ data: { username, usernameKey: username, email: `${username}@example.test`, passwordHash: await hashPassword(password) } });
  return { username, email: `${username}@example.test`, password };
}
/** a sign-in's client: a fresh address each time, so only account limits add up */
const from = () => ({ ip: `10.0.${n++ % 250}.${Math.floor(Math.random() * 250)}` });
const limits: ThrottleLimits = { maxPerAccount: 10, maxPerIp: 100, windowMs: 15 * 60_000 };

describeEachDb("password sign-in and throttling", (getDb, _provider, getUrl) => {
  it("signs in by username or email in any case, and says only 'invalid' otherwise", async () => {
    const u = await makeUser(getDb());
    expect((await attemptSignIn(getDb(), u.username.toUpperCase(), u.password, from(), limits)).ok).toBe(true);
    expect((await attemptSignIn(getDb(), u.email.toUpperCase(), u.password, from(), limits)).ok).toBe(true);
    // a session row is made, and named for the cookie, with where it signed in from
    const signedIn = await attemptSignIn(getDb(), u.username, u.password, { ip: "203.0.113.9", userAgent: "Test/1.0" }, limits);
    if (!signedIn.ok) throw new Error("sign-in refused");
    expect(await getDb().session.findUniqueOrThrow({ where: { id: signedIn.user.sessionId } })).toMatchObject({ userId: signedIn.user.id, ip: "203.0.113.9", userAgent: "Test/1.0" });
    expect(await getDb().session.count({ where: { userId: signedIn.user.id } })).toBe(3);
    expect(await attemptSignIn(getDb(), u.username, "wrong-password", from(), limits)).toEqual({ ok: false, reason: "invalid" });
    expect(await attemptSignIn(getDb(), `nobody-${u.username}`, u.password, from(), limits)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses even the right password after 10 failures per account, across addresses", async () => {
    const u = await makeUser(getDb());
    for (let i = 0; i < 10; i++) expect((await attemptSignIn(getDb(), u.username, `wrong-${i}`, from(), limits)).ok).toBe(false);
    expect(await attemptSignIn(getDb(), u.username, u.password, from(), limits)).toEqual({ ok: false, reason: "throttled", retryAfterMinutes: 15 });
    // by email too: the bucket is the account, not the text typed
    expect(await attemptSignIn(getDb(), u.email, u.password, from(), limits)).toMatchObject({ reason: "throttled" });
  });

  it("parallel wrong passwords cannot get past the limit: at most 10 are ever checked", async () => {
    const u = await makeUser(getDb());
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => attemptSignIn(getDb(), u.username, `wrong-${i}`, from(), limits)));
    const checked = results.filter((r) => !r.ok && r.reason === "invalid").length;
    expect(checked).toBeLessThanOrEqual(10);
    expect(results.filter((r) => !r.ok && r.reason === "throttled").length).toBe(40 - checked);
    expect(await getDb().loginFailure.count({ where: { bucket: `user:${u.username}` } })).toBe(checked);
    // and the right password afterwards is refused once 10 failures stand (made up one by one
    // when the parallel ones refused each other)
    for (let i = checked; i < 10; i++) expect(await attemptSignIn(getDb(), u.username, `wrong-more-${i}`, from(), limits)).toEqual({ ok: false, reason: "invalid" });
    expect(await attemptSignIn(getDb(), u.username, u.password, from(), limits)).toMatchObject({ reason: "throttled" });
  });

  it("a successful sign-in leaves no failure row behind for its account or address", async () => {
    const u = await makeUser(getDb());
    const addr = from();
    expect((await attemptSignIn(getDb(), u.username, u.password, addr, limits)).ok).toBe(true);
    expect(await getDb().loginFailure.count({ where: { bucket: { in: [`user:${u.username}`, ipBucket(addr.ip)] } } })).toBe(0);
  });

  it("keeps counting after a restart (a new client on the same database)", async () => {
    const u = await makeUser(getDb());
    for (let i = 0; i < 9; i++) await attemptSignIn(getDb(), u.username, "wrong", from(), limits);
    const restarted = createDb(getUrl());
    try {
      expect((await attemptSignIn(restarted, u.username, "wrong", from(), limits)).ok).toBe(false);
      expect(await attemptSignIn(restarted, u.username, u.password, from(), limits)).toMatchObject({ ok: false, reason: "throttled" });
    } finally {
      await restarted.$disconnect();
    }
  });

  it("throttles one address that fails against many accounts, while other addresses still sign in", async () => {
    const small: ThrottleLimits = { ...limits, maxPerIp: 5 };
    const attacker = from();
    const victim = await makeUser(getDb());
    for (let i = 0; i < 5; i++) await attemptSignIn(getDb(), `guess-${i}-${victim.username}`, "wrong", attacker, small);
    expect(await checkThrottle(getDb(), { ip: ipBucket(attacker.ip) }, small)).toEqual({ blocked: true, retryAfterMinutes: 15 });
    expect(await attemptSignIn(getDb(), victim.username, victim.password, attacker, small)).toMatchObject({ reason: "throttled" });
    expect((await attemptSignIn(getDb(), victim.username, victim.password, from(), small)).ok).toBe(true);
  });

  it("lets failures age out of the window, and forgives the account on success", async () => {
    const u = await makeUser(getDb());
    const old = new Date(Date.now() - 16 * 60_000);
    await getDb().loginFailure.createMany({ data: Array.from({ length: 10 }, () => ({ bucket: `user:${u.username}`, at: old })) });
    expect((await attemptSignIn(getDb(), u.username, u.password, from(), limits)).ok).toBe(true);
    for (let i = 0; i < 9; i++) await attemptSignIn(getDb(), u.username, "wrong", from(), limits);
    expect((await attemptSignIn(getDb(), u.username, u.password, from(), limits)).ok).toBe(true);
    expect(await getDb().loginFailure.count({ where: { bucket: `user:${u.username}` } })).toBe(0);
  });

  it("a failed sign-in prunes every bucket's failures that left the window, not only its own", async () => {
    const stranger = `user:nobody-${randomUUID()}`;
    const old = new Date(Date.now() - 16 * 60_000);
    await getDb().loginFailure.createMany({ data: [{ bucket: stranger, at: old }, { bucket: "ip:192.0.2.99", at: old }] });
    const recent = await getDb().loginFailure.create({ data: { bucket: stranger, at: new Date() } });
    const u = await makeUser(getDb());
    expect(await attemptSignIn(getDb(), u.username, "wrong-password", from(), limits)).toEqual({ ok: false, reason: "invalid" });
    expect(await getDb().loginFailure.count({ where: { at: { lte: new Date(Date.now() - limits.windowMs) } } })).toBe(0);
    expect(await getDb().loginFailure.findUnique({ where: { id: recent.id } })).not.toBeNull();
  });
});

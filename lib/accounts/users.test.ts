import { expect, it } from "vitest";
import type { Db } from "@/lib/create-db";
import { describeEachDb } from "@/tests/databases";
import { hashPassword } from "./passwords";
import { attemptSignIn } from "./sign-in";
import { countOtherSessions, createSession, endOtherSessions, endSession, findSessionUser, MAX_SESSIONS_PER_USER, SESSION_MAX_AGE_S } from "./users";

let n = 0;
async function makeUser(db: Db, data: { locked?: boolean } = {}) {
  const username = `ss${Date.now().toString(36)}${n++}`;
  const password = "the-password";
  const user = await db.user.create({ data: { username, usernameKey: username, email: `${username}@example.test`, passwordHash: await hashPassword(password), ...data } });
  return { ...user, password };
}
const client = { ip: "198.51.100.4", userAgent: "Mozilla/5.0 Test" };
const limits = { maxPerAccount: 10, maxPerIp: 100, windowMs: 15 * 60_000 };
const DAY = 86_400_000;

describeEachDb("sign-in sessions", (getDb) => {
  it("a sign-in makes a session row that the check finds; sign-out removes it and the check then fails", async () => {
    const u = await makeUser(getDb());
    const result = await attemptSignIn(getDb(), u.username, u.password, client, limits);
    if (!result.ok) throw new Error("sign-in refused");
    const sid = result.user.sessionId;
    expect(sid).toMatch(/^[\w-]{43}$/);
    expect(await findSessionUser(getDb(), u.id, sid)).toEqual({ id: u.id, username: u.username, email: u.email, emailConfirmed: false, sessionId: sid });

    await getDb().user.update({ where: { id: u.id }, data: { emailConfirmedAt: new Date() } });
    expect((await findSessionUser(getDb(), u.id, sid))?.emailConfirmed).toBe(true);

    // a session id with another user's id (a forged pairing) is no session
    const other = await makeUser(getDb());
    expect(await findSessionUser(getDb(), other.id, sid)).toBeNull();
    await endSession(getDb(), other.id, sid);
    expect(await findSessionUser(getDb(), u.id, sid)).not.toBeNull();

    await endSession(getDb(), u.id, sid);
    expect(await getDb().session.findUnique({ where: { id: sid } })).toBeNull();
    expect(await findSessionUser(getDb(), u.id, sid)).toBeNull();
    expect(await findSessionUser(getDb(), u.id, "no-such-session")).toBeNull();
  });

  it("a locked account's session ends at the next check", async () => {
    const u = await makeUser(getDb());
    const sid = (await createSession(getDb(), u.id, client))!;
    expect(await findSessionUser(getDb(), u.id, sid)).not.toBeNull();
    await getDb().user.update({ where: { id: u.id }, data: { locked: true } });
    expect(await findSessionUser(getDb(), u.id, sid)).toBeNull();
  });

  it("signing out of all other sessions keeps the current one and touches no one else's", async () => {
    const u = await makeUser(getDb());
    const other = await makeUser(getDb());
    const [here, a, b] = [await createSession(getDb(), u.id, client), await createSession(getDb(), u.id, client), await createSession(getDb(), u.id, client)] as string[];
    const othersSession = (await createSession(getDb(), other.id, client))!;
    expect(await countOtherSessions(getDb(), u.id, here)).toBe(2);

    expect(await endOtherSessions(getDb(), u.id, here)).toBe(2);
    expect(await findSessionUser(getDb(), u.id, here)).not.toBeNull();
    expect(await findSessionUser(getDb(), u.id, a)).toBeNull();
    expect(await findSessionUser(getDb(), u.id, b)).toBeNull();
    expect(await findSessionUser(getDb(), other.id, othersSession)).not.toBeNull();
    expect(await countOtherSessions(getDb(), u.id, here)).toBe(0);
    expect(await endOtherSessions(getDb(), u.id, here)).toBe(0);
  });

  it("writes lastSeenAt at most once a minute", async () => {
    const u = await makeUser(getDb());
    const t0 = new Date(Date.now() - 10 * 60_000);
    const sid = (await createSession(getDb(), u.id, client, { now: t0 }))!;
    const lastSeen = async () => (await getDb().session.findUniqueOrThrow({ where: { id: sid } })).lastSeenAt.getTime();
    await findSessionUser(getDb(), u.id, sid, new Date(t0.getTime() + 59_000));
    expect(await lastSeen()).toBe(t0.getTime());
    const t1 = new Date(t0.getTime() + 61_000);
    await findSessionUser(getDb(), u.id, sid, t1);
    expect(await lastSeen()).toBe(t1.getTime());
    // another instance that read the row before that write does not write again
    await findSessionUser(getDb(), u.id, sid, new Date(t1.getTime() + 30_000));
    expect(await lastSeen()).toBe(t1.getTime());
  });

  it("prunes rows unused past the cookie's max age, anyone's, and keeps recent ones", async () => {
    const u = await makeUser(getDb());
    const other = await makeUser(getDb());
    const now = Date.now();
    const stale = (await createSession(getDb(), other.id, client, { now: new Date(now - SESSION_MAX_AGE_S * 1000 - 2 * DAY) }))!;
    const recent = (await createSession(getDb(), other.id, client, { now: new Date(now - SESSION_MAX_AGE_S * 1000 + DAY) }))!;
    // not counted as signed in either, before it is pruned
    const mine = (await createSession(getDb(), other.id, client))!;
    expect(await countOtherSessions(getDb(), other.id, mine)).toBe(1);

    await createSession(getDb(), u.id, client);
    expect(await getDb().session.findUnique({ where: { id: stale } })).toBeNull();
    expect(await getDb().session.findUnique({ where: { id: recent } })).not.toBeNull();
    expect(await getDb().session.count({ where: { lastSeenAt: { lt: new Date(now - SESSION_MAX_AGE_S * 1000 - DAY) } } })).toBe(0);
  });

  it(`keeps at most ${MAX_SESSIONS_PER_USER} sessions per user, ending the least recently used`, async () => {
    const u = await makeUser(getDb());
    const start = Date.now() - 60 * 60_000;
    await getDb().session.createMany({
      data: Array.from({ length: MAX_SESSIONS_PER_USER }, (_, i) => ({ id: `cap-${u.id}-${i}`, userId: u.id, lastSeenAt: new Date(start + i * 1000) })),
    });
    const newest = (await createSession(getDb(), u.id, client))!;
    expect(await getDb().session.count({ where: { userId: u.id } })).toBe(MAX_SESSIONS_PER_USER);
    expect(await getDb().session.findUnique({ where: { id: `cap-${u.id}-0` } })).toBeNull();
    expect(await getDb().session.findUnique({ where: { id: `cap-${u.id}-1` } })).not.toBeNull();
    expect(await findSessionUser(getDb(), u.id, newest)).not.toBeNull();
  });
});

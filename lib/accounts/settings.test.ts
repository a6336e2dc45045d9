import { expect, it } from "vitest";
import type { Db } from "@/lib/create-db";
import { describeEachDb } from "@/tests/databases";
import { hashPassword, verifyPassword } from "./passwords";
import { accountOverview, changePassword } from "./settings";
import { createSession, findSessionUser } from "./users";

let n = 0;
async function makeUser(db: Db, password: string) {
  const username = `st${Date.now().toString(36)}${n++}`;
  return db.user.create({ data: { username, usernameKey: username, email: `${username}@example.test`, passwordHash: await hashPassword(password) } });
}

describeEachDb("account settings", (getDb) => {
  it("changes the password only with the current one", async () => {
    const u = await makeUser(getDb(), "old-password");
    expect(await changePassword(getDb(), u.id, "not-it", "new-password")).toMatchObject({ ok: false, field: "currentPassword" });
    expect(await changePassword(getDb(), u.id, "old-password", "new-password")).toEqual({ ok: true });
    const hash = (await getDb().user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash!;
    expect(await verifyPassword(hash, "new-password")).toBe(true);
    expect(hash).not.toContain("new-password");
  });

  it("counts wrong current passwords against the sign-in limit, and refuses even the right one past it", async () => {
    const u = await makeUser(getDb(), "the-password");
    const limits = { maxPerAccount: 3, maxPerIp: 100, windowMs: 60_000 };
    const throttled = (r: Awaited<ReturnType<typeof changePassword>>) => !r.ok && r.message.startsWith("Too many failed sign-in attempts");
    for (let i = 0; i < 3; i++) {
      const r = await changePassword(getDb(), u.id, `guess-${i}`, "new-password", "203.0.113.7", limits);
      expect(r).toMatchObject({ ok: false, message: "The current password is incorrect." });
    }
    expect(throttled(await changePassword(getDb(), u.id, "guess-3", "new-password", "203.0.113.7", limits))).toBe(true);
    expect(throttled(await changePassword(getDb(), u.id, "the-password", "new-password", "203.0.113.7", limits))).toBe(true);
    const hash = (await getDb().user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash!;
    expect(await verifyPassword(hash, "the-password")).toBe(true);

    // in parallel, as a script would guess: still at most 3 guesses are checked
    const v = await makeUser(getDb(), "the-password");
    const guesses = await Promise.all(Array.from({ length: 8 }, (_, i) => changePassword(getDb(), v.id, `guess-${i}`, "new-password", null, limits)));
    expect(guesses.every((g) => !g.ok && g.field === "currentPassword")).toBe(true);
    expect(guesses.filter((g) => !throttled(g)).length).toBeLessThanOrEqual(3);
  });

  it("a password change ends every session of the user, and only of that user", async () => {
    const u = await makeUser(getDb(), "old-password");
    const other = await makeUser(getDb(), "other-password");
    const here = (await createSession(getDb(), u.id, { ip: null }))!;
    const elsewhere = (await createSession(getDb(), u.id, { ip: null }))!;
    const others = (await createSession(getDb(), other.id, { ip: null }))!;
    // a refused change ends nothing
    expect(await changePassword(getDb(), u.id, "wrong", "new-password")).toMatchObject({ ok: false });
    expect((await findSessionUser(getDb(), u.id, here))?.id).toBe(u.id);
    expect(await changePassword(getDb(), u.id, "old-password", "new-password")).toEqual({ ok: true });
    expect(await findSessionUser(getDb(), u.id, here)).toBeNull();
    expect(await findSessionUser(getDb(), u.id, elsewhere)).toBeNull();
    expect(await getDb().session.count({ where: { userId: u.id } })).toBe(0);
    expect((await findSessionUser(getDb(), other.id, others))?.id).toBe(other.id);
    // a sign-in checked against the old password, finishing after the change, gets no session
    expect(await createSession(getDb(), u.id, { ip: null }, { passwordHash: u.passwordHash! })).toBeNull();
    expect(await getDb().session.count({ where: { userId: u.id } })).toBe(0);
  });

  it("sign-ins racing a password change: none checked against the old password outlives it", async () => {
    const u = await makeUser(getDb(), "old-password");
    let changed = false;
    const change = changePassword(getDb(), u.id, "old-password", "new-password").finally(() => (changed = true));
    // sign-ins whose password check passed with the old hash, finishing before, during and after the change
    const signIns: Promise<string | null>[] = [];
    while (!changed) {
      signIns.push(createSession(getDb(), u.id, { ip: null }, { passwordHash: u.passwordHash! }));
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await change).toEqual({ ok: true });
    const made = await Promise.all(signIns);
    expect(made.some((id) => id !== null)).toBe(true);
    expect(await createSession(getDb(), u.id, { ip: null }, { passwordHash: u.passwordHash! })).toBeNull();
    expect(await getDb().session.count({ where: { userId: u.id } })).toBe(0);
  });

  it("never touches another user's row", async () => {
    const alice = await makeUser(getDb(), "alice-password");
    const bob = await makeUser(getDb(), "bob-password");
    const bobBefore = (await getDb().user.findUniqueOrThrow({ where: { id: bob.id } })).passwordHash;
    // Alice's session with Bob's current password: refused, Bob unchanged
    expect(await changePassword(getDb(), alice.id, "bob-password", "hijacked-1")).toMatchObject({ ok: false });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: bob.id } })).passwordHash).toBe(bobBefore);
    expect(await changePassword(getDb(), alice.id, "alice-password", "alice-new-1")).toEqual({ ok: true });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: bob.id } })).passwordHash).toBe(bobBefore);
    expect((await accountOverview(getDb(), alice.id))?.username).toBe(alice.username);
    expect(await accountOverview(getDb(), "no-such-id")).toBeNull();
  });
});

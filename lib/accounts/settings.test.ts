import { expect, it } from "vitest";
import type { Db } from "@/lib/create-db";
import { describeEachDb } from "@/tests/databases";
import { hashPassword, verifyPassword } from "./passwords";
import { accountOverview, changePassword } from "./settings";

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

import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { hashPassword } from "./passwords";
import { confirmEmail, hashToken, issueConfirmationToken, resendAllowed, TOKEN_TTL_MS } from "./email-tokens";
import type { Db } from "@/lib/create-db";

let n = 0;
async function makeUser(db: Db) {
  const username = `tok${Date.now().toString(36)}${n++}`;
  return db.user.create({ data: { username, usernameKey: username, email: `${username}@example.test`, passwordHash: await hashPassword("password-1") } });
}

describeEachDb("email confirmation tokens", (getDb) => {
  it("confirms once; the same link then answers already-confirmed, never confirms twice", async () => {
    const user = await makeUser(getDb());
    const token = await issueConfirmationToken(getDb(), user.id);
    expect(await confirmEmail(getDb(), user.username.toUpperCase(), token)).toEqual({ status: "confirmed", username: user.username });
    const confirmedAt = (await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).emailConfirmedAt;
    expect(confirmedAt).not.toBeNull();
    expect(await confirmEmail(getDb(), user.username, token)).toEqual({ status: "already-confirmed", username: user.username });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).emailConfirmedAt).toEqual(confirmedAt);
  });

  it("stores only the SHA-256 of the token", async () => {
    const user = await makeUser(getDb());
    const token = await issueConfirmationToken(getDb(), user.id);
    const rows = await getDb().emailToken.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("refuses an expired token and leaves the account unconfirmed", async () => {
    const user = await makeUser(getDb());
    const issued = new Date(Date.now() - TOKEN_TTL_MS - 1000);
    const token = await issueConfirmationToken(getDb(), user.id, issued);
    expect(await confirmEmail(getDb(), user.username, token)).toEqual({ status: "expired", username: user.username });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).emailConfirmedAt).toBeNull();
  });

  it("refuses another user's name, a wrong token and a replaced token", async () => {
    const alice = await makeUser(getDb());
    const bob = await makeUser(getDb());
    const first = await issueConfirmationToken(getDb(), alice.id);
    expect(await confirmEmail(getDb(), bob.username, first)).toEqual({ status: "invalid" });
    expect(await confirmEmail(getDb(), alice.username, `${first}x`)).toEqual({ status: "invalid" });
    expect(await confirmEmail(getDb(), alice.username, "")).toEqual({ status: "invalid" });
    const second = await issueConfirmationToken(getDb(), alice.id);
    expect(await confirmEmail(getDb(), alice.username, first)).toEqual({ status: "invalid" });
    expect((await confirmEmail(getDb(), alice.username, second)).status).toBe("confirmed");
    expect((await getDb().user.findUniqueOrThrow({ where: { id: bob.id } })).emailConfirmedAt).toBeNull();
  });

  it("lets two concurrent clicks confirm exactly once", async () => {
    const user = await makeUser(getDb());
    const token = await issueConfirmationToken(getDb(), user.id);
    const results = await Promise.all([confirmEmail(getDb(), user.username, token), confirmEmail(getDb(), user.username, token)]);
    expect(results.filter((r) => r.status === "confirmed")).toHaveLength(1);
  });

  it("allows a resend at most once a minute and not when confirmed", async () => {
    const user = await makeUser(getDb());
    expect(await resendAllowed(getDb(), user.id)).toEqual({ ok: true });
    await issueConfirmationToken(getDb(), user.id);
    expect(await resendAllowed(getDb(), user.id)).toEqual({ ok: false, reason: "too-soon" });
    expect(await resendAllowed(getDb(), user.id, new Date(Date.now() + 61_000))).toEqual({ ok: true });
    await getDb().user.update({ where: { id: user.id }, data: { emailConfirmedAt: new Date() } });
    expect(await resendAllowed(getDb(), user.id, new Date(Date.now() + 61_000))).toEqual({ ok: false, reason: "confirmed" });
  });
});

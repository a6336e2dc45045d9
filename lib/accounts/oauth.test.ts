import { describe, expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { enabledOAuthProviders, findOrCreateOAuthUser, identityFrom, recordOAuthLogin } from "./oauth";
import { USERNAME_PATTERN } from "./validation";

describe("enabledOAuthProviders", () => {
  it("is empty without configuration, so no button is shown", () => {
    expect(enabledOAuthProviders({})).toEqual([]);
  });
  it("refuses an id without its secret (a half-made configuration), naming the missing one", () => {
    expect(() => enabledOAuthProviders({ AUTH_GITHUB_ID: "id" })).toThrow(/AUTH_GITHUB_SECRET must be set together with AUTH_GITHUB_ID/);
    expect(() => enabledOAuthProviders({ AUTH_MICROSOFT_ENTRA_ID_SECRET: "s" })).toThrow(/AUTH_MICROSOFT_ENTRA_ID_ID must be set together/);
  });
  it("switches each provider on by its own id and secret, Microsoft first as on nuget.org", () => {
    expect(enabledOAuthProviders({ AUTH_GITHUB_ID: "id", AUTH_GITHUB_SECRET: "s" }).map((p) => p.id)).toEqual(["github"]);
    const both = enabledOAuthProviders({
      AUTH_GITHUB_ID: "id",
      AUTH_GITHUB_SECRET: "s",
      AUTH_MICROSOFT_ENTRA_ID_ID: "id",
      AUTH_MICROSOFT_ENTRA_ID_SECRET: "s",
      AUTH_MICROSOFT_ENTRA_ID_ISSUER: "https://login.microsoftonline.com/common/v2.0",
    });
    expect(both).toEqual([
      { id: "microsoft-entra-id", label: "Sign in with Microsoft" },
      { id: "github", label: "Sign in with GitHub" },
    ]);
  });
});

describe("identityFrom", () => {
  it("trusts only a verified email", () => {
    expect(identityFrom({ provider: "github", providerAccountId: "1" }, { login: "octo", email: "o@x.test", email_verified: false }).emailVerified).toBe(false);
    expect(identityFrom({ provider: "microsoft-entra-id", providerAccountId: "1" }, { email: "o@x.test", email_verified: true }).emailVerified).toBe(true);
  });
});

let n = 0;
describeEachDb("OAuth accounts", (getDb) => {
  it("creates a user on first sign-in with a valid derived username, and finds it again", async () => {
    const id = `gh-${Date.now()}-${n++}`;
    const identity = { provider: "github", providerAccountId: id, name: "Octo Cat!", email: `${id}@Example.test`, emailVerified: true };
    const first = await findOrCreateOAuthUser(getDb(), identity);
    expect(first).toMatchObject({ ok: true, created: true });
    const again = await findOrCreateOAuthUser(getDb(), identity);
    expect(again).toEqual({ ok: true, userId: first.ok && first.userId, created: false });
    const user = await getDb().user.findUniqueOrThrow({ where: { id: first.ok ? first.userId : "" } });
    expect(user.username).toMatch(USERNAME_PATTERN);
    expect(user.email).toBe(`${id}@example.test`);
    expect(user.emailConfirmedAt).not.toBeNull();
    expect(user.passwordHash).toBeNull();
  });

  it("audits the new account as Register (once, not when found again) and a later sign-in as Login", async () => {
    const id = `gh-audit-${Date.now()}-${n++}`;
    const identity = { provider: "github", providerAccountId: id, name: "audited", email: `${id}@example.test`, emailVerified: true };
    const first = await findOrCreateOAuthUser(getDb(), identity);
    if (!first.ok) throw new Error("refused");
    await findOrCreateOAuthUser(getDb(), identity);
    await recordOAuthLogin(getDb(), first.userId, "github");
    const audits = await getDb().auditRecord.findMany({ where: { actorId: first.userId } });
    expect(audits.map((a) => [a.action, JSON.parse(a.details ?? "{}").method]).sort()).toEqual([
      ["Login", "github"],
      ["Register", "github"],
    ]);
  });

  it("gives a second person with the same display name another username", async () => {
    const a = await findOrCreateOAuthUser(getDb(), { provider: "github", providerAccountId: `a${n++}`, name: "samename", email: `a${n}@x.test`, emailVerified: false });
    const b = await findOrCreateOAuthUser(getDb(), { provider: "github", providerAccountId: `b${n++}`, name: "samename", email: `b${n}@x.test`, emailVerified: false });
    const names = await getDb().user.findMany({ where: { id: { in: [a.ok ? a.userId : "", b.ok ? b.userId : ""] } }, select: { username: true, emailConfirmedAt: true } });
    expect(new Set(names.map((u) => u.username.toLowerCase())).size).toBe(2);
    expect(names.every((u) => u.emailConfirmedAt === null)).toBe(true);
  });

  it("never takes over an existing account through its email address", async () => {
    const email = `taken${n++}@example.test`;
    await getDb().user.create({ data: { username: `owner${n}`, usernameKey: `owner${n}`, email } });
    const result = await findOrCreateOAuthUser(getDb(), { provider: "github", providerAccountId: `x${n++}`, name: "x", email, emailVerified: true });
    expect(result).toEqual({ ok: false, reason: "email-in-use" });
    expect(await getDb().oAuthAccount.count({ where: { providerAccountId: `x${n - 1}` } })).toBe(0);
  });
});

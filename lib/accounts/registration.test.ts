import { describe, expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { registerUser } from "./registration";
import { registerSchema } from "./validation";

let n = 0;
const unique = (p: string) => `${p}${Date.now().toString(36)}${n++}`;

describeEachDb("registration", (getDb) => {
  it("keeps usernames unique without regard to case, and keeps the typed spelling", async () => {
    const name = unique("Alice");
    const first = await registerUser(getDb(), { username: name, email: `${name.toLowerCase()}@example.test`, password: "password-1" });
    expect(first.ok).toBe(true);
    const again = await registerUser(getDb(), { username: name.toUpperCase(), email: `other-${name.toLowerCase()}@example.test`, password: "password-1" });
    expect(again).toEqual({ ok: false, fieldErrors: { username: [`The username '${name.toUpperCase()}' is not available. Please choose another username.`] } });
    const row = await getDb().user.findUnique({ where: { usernameKey: name.toLowerCase() } });
    expect(row?.username).toBe(name);
    expect(row?.emailConfirmedAt).toBeNull();
  });

  it("audits the new account as Register with the client address, and a refused one not at all", async () => {
    const name = unique("Audited");
    const result = await registerUser(getDb(), { username: name, email: `${name.toLowerCase()}@example.test`, password: "password-1" }, "203.0.113.9");
    if (!result.ok) throw new Error("refused");
    expect(await getDb().auditRecord.findMany({ where: { actorId: result.user.id }, select: { action: true, target: true, ip: true } })).toEqual([
      { action: "Register", target: name, ip: "203.0.113.9" },
    ]);
    const before = await getDb().auditRecord.count({ where: { action: "Register" } });
    expect((await registerUser(getDb(), { username: name, email: `again-${name.toLowerCase()}@example.test`, password: "password-1" })).ok).toBe(false);
    expect(await getDb().auditRecord.count({ where: { action: "Register" } })).toBe(before);
  });

  it("stores the email lower-cased and refuses it again in any case", async () => {
    const name = unique("bob");
    const parsed = registerSchema.parse({ username: name, email: ` ${name.toUpperCase()}@Example.TEST `, password: "password-1" });
    expect((await registerUser(getDb(), parsed)).ok).toBe(true);
    expect((await getDb().user.findUnique({ where: { usernameKey: name } }))?.email).toBe(`${name}@example.test`);
    const dup = registerSchema.parse({ username: unique("carol"), email: `${name}@EXAMPLE.test`, password: "password-1" });
    const result = await registerUser(getDb(), dup);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.fieldErrors.email?.[0]).toContain("is already in use");
  });

  it("lets exactly one of two racing registrations of one name win", async () => {
    const name = unique("race");
    const results = await Promise.all(
      ["a", "b"].map((s) => registerUser(getDb(), { username: s === "a" ? name : name.toUpperCase(), email: `${name}-${s}@example.test`, password: "password-1" })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, fieldErrors: { username: [expect.stringContaining("is not available")] } });
  });

  it("never stores the password itself, only an argon2id hash", async () => {
    const name = unique("secret");
    const password = `plain-${name}-text`;
    await registerUser(getDb(), { username: name, email: `${name}@example.test`, password });
    const user = await getDb().user.findUniqueOrThrow({ where: { usernameKey: name } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    // every text column of every row that could hold it
    const dump = JSON.stringify([
      await getDb().user.findMany(),
      await getDb().auditRecord.findMany(),
      await getDb().emailToken.findMany(),
      await getDb().loginFailure.findMany(),
    ]);
    expect(dump).not.toContain(password);
  });
});

describe("registerSchema", () => {
  it("applies nuget.org's username rule with its message", () => {
    for (const bad of ["ab", "-abc", "abc-", "a b c", "ab/c", "x".repeat(65)]) {
      expect(registerSchema.safeParse({ username: bad, email: "a@b.test", password: "password-1" }).success, bad).toBe(false);
    }
    const r = registerSchema.safeParse({ username: "_abc", email: "a@b.test", password: "password-1" });
    expect(r.error?.issues[0].message).toBe(
      "User names must start and end with a letter or number, and may only contain letters, numbers, underscores, periods, and hyphens in between.",
    );
    expect(registerSchema.safeParse({ username: "Jo.hn_D-oe9", email: "a@b.test", password: "password-1" }).success).toBe(true);
  });

  it("wants a valid email and a password of at least 8 characters", () => {
    const r = registerSchema.safeParse({ username: "valid", email: "nope", password: "short" });
    const messages = Object.fromEntries(r.error!.issues.map((i) => [i.path[0], i.message]));
    expect(messages).toEqual({ email: "This doesn't appear to be a valid email address.", password: "Passwords must be at least 8 characters long." });
  });
});

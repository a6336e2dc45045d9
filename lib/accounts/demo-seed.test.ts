import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { DEMO_PACKAGES, seedDemo, shouldSeed } from "@/prisma/seed";
import { verifyPassword } from "./passwords";

it("seeds on the embedded SQLite default only, unless SEED_DEMO says otherwise", () => {
  expect(shouldSeed("file:./.data/nuget.db", undefined)).toBe(true);
  expect(shouldSeed("file:./.data/nuget.db", "0")).toBe(false);
  expect(shouldSeed("postgresql://u@127.0.0.1/db", undefined)).toBe(false);
  expect(shouldSeed("postgres://u@127.0.0.1/db", "1")).toBe(true);
  expect(shouldSeed("postgresql://u@127.0.0.1/db", "0")).toBe(false);
});

describeEachDb("demo seed", (getDb) => {
  it("creates a confirmed demo account owning the sample packages once, then only says it exists", async () => {
    const first = await seedDemo(getDb());
    expect(first.created).toBe(true);
    const demo = await getDb().user.findUniqueOrThrow({ where: { usernameKey: "demo" }, include: { packages: { include: { registration: true } } } });
    expect(demo.emailConfirmedAt).not.toBeNull();
    expect(first.created && (await verifyPassword(demo.passwordHash!, first.password))).toBe(true);
    expect(demo.packages.map((p) => p.registration.packageId).sort()).toEqual([...DEMO_PACKAGES].sort());
    expect(await getDb().packageVersion.count()).toBe(0);

    expect(await seedDemo(getDb())).toEqual({ created: false });
    expect(await getDb().user.count({ where: { usernameKey: "demo" } })).toBe(1);
    expect(await getDb().packageOwner.count({ where: { userId: demo.id } })).toBe(DEMO_PACKAGES.length);
  });
});

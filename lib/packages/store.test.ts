import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, expect, it } from "vitest";
import { buildNupkg } from "@/e2e/nupkg";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { packageFolder } from "@/tests/packages";
import { describeEachDb } from "@/tests/databases";
import { parseVersion } from "@/lib/nuget/version";
import { createDb, isConnectionLost, type Db } from "@/lib/create-db";
import { cutProxy, type CutProxy } from "@/tests/cut-proxy";
import { listOwnedPackages } from "./listing";
import { packageFilePath } from "./files";
import { addPackageVersion, findPackage, setListed, type NewVersion } from "./store";

describeEachDb("package store", (getDb, provider, getUrl) => {
  let dir: string;
  let owner: { id: string; username: string };
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "pkgs-"));
    owner = await insertTestUser(getDb());
  });

  function newVersion(id: string, version: string, registrationId: string | null = null): NewVersion {
    return {
      registrationId,
      packageId: id,
      ownerId: owner.id,
      version: parseVersion(version)!,
      bytes: buildNupkg({ id, version }),
      pushedById: owner.id,
      pushedByKeyId: null,
      pushedByKeyName: "ci",
    };
  }
  /** The id's folder holds exactly the files its version rows name: nothing half-written, nothing left behind. */
  async function expectFilesMatchRows(id: string) {
    const { files, named } = await packageFolder(getDb(), dir, id);
    expect(files, id).toEqual(named);
  }
  it("stores a new id: registration owned by the scope owner, version row, file in place", async () => {
    const input = newVersion(`New.Pkg${Date.now()}`, "1.0");
    const r = await addPackageVersion(getDb(), input, dir);
    expect(r.status).toBe("created");
    const found = await findPackage(getDb(), input.packageId.toUpperCase(), { ownerId: owner.id, versionKey: "1.0.0" }, dir);
    expect(found).toMatchObject({ packageId: input.packageId, owned: true });
    const v = found!.version;
    expect(v).toMatchObject({ version: "1.0.0", listed: true, size: input.bytes.byteLength });
    const file = packageFilePath(dir, input.packageId.toLowerCase(), "1.0.0", v!.id);
    expect(v?.filePath).toBe(file);
    expect(readFileSync(file).equals(Buffer.from(input.bytes))).toBe(true);
    const row = await getDb().packageVersion.findUniqueOrThrow({ where: { id: v!.id } });
    expect(row.sha512).toBe(createHash("sha512").update(input.bytes).digest("base64"));
    expect(row.pushedByKeyName).toBe("ci");
    await expectFilesMatchRows(input.packageId);

    await setListed(getDb(), v!.id, false);
    expect((await findPackage(getDb(), input.packageId, { versionKey: "1.0.0" }, dir))?.version?.listed).toBe(false);
  });

  it("findPackage: one read tells the id, whether an owner owns it and whether the version is there", async () => {
    const db = getDb();
    const input = newVersion(`Find.Pkg${Date.now()}`, "1.2.3");
    if ((await addPackageVersion(db, input, dir)).status !== "created") throw new Error("not stored");
    const other = await db.user.create({ data: { username: `other${Date.now()}`, usernameKey: `other${Date.now()}`, email: `o${Date.now()}@example.test` } });
    expect(await findPackage(db, `No.Such${Date.now()}`, { ownerId: owner.id, versionKey: "1.2.3" })).toBeNull();
    // the id without regard to case; no owner asked: not owned; no version asked: none
    expect(await findPackage(db, input.packageId.toLowerCase())).toMatchObject({ packageId: input.packageId, owned: false, version: null });
    expect(await findPackage(db, input.packageId, { ownerId: other.id, versionKey: "1.2.3" }, dir)).toMatchObject({ owned: false, version: { version: "1.2.3" } });
    expect(await findPackage(db, input.packageId, { ownerId: owner.id, versionKey: "9.9.9" })).toMatchObject({ owned: true, version: null });
    // another id's version of that number is not this id's
    const sibling = newVersion(`Find.Sibling${Date.now()}`, "4.5.6");
    if ((await addPackageVersion(db, sibling, dir)).status !== "created") throw new Error("not stored");
    expect(await findPackage(db, input.packageId, { versionKey: "4.5.6" })).toMatchObject({ version: null });
    expect(await findPackage(db, sibling.packageId, { versionKey: "4.5.6" })).toMatchObject({ version: { version: "4.5.6" } });
  });

  it("a key revoked, expired or deleted while the body uploaded stores nothing (key-gone), a live one stores", async () => {
    const db = getDb();
    const cases: [string, (id: string) => Promise<unknown>][] = [
      ["revoked", (id) => db.apiKey.update({ where: { id }, data: { revokedAt: new Date(), expiresAt: new Date(), revocationSource: "User" } })],
      ["expired", (id) => db.apiKey.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } })],
      ["deleted", (id) => db.apiKey.delete({ where: { id } })],
    ];
    for (const [label, makeDead] of cases) {
      const key = await insertTestKey(db, { userId: owner.id, actions: ["package:push"], subjects: ["*"] });
      await makeDead(key.id);
      const input = { ...newVersion(`Gone.${label}${Date.now()}`, "1.0.0"), pushedByKeyId: key.id };
      expect(await addPackageVersion(db, input, dir), label).toEqual({ status: "key-gone" });
      expect(await findPackage(db, input.packageId), label).toBeNull();
      expect(existsSync(path.join(dir, input.packageId.toLowerCase())), label).toBe(false);
    }
    const live = await insertTestKey(db, { userId: owner.id, actions: ["package:push"], subjects: ["*"] });
    const ok = await addPackageVersion(db, { ...newVersion(`Live.Key${Date.now()}`, "1.0.0"), pushedByKeyId: live.id }, dir);
    expect(ok.status).toBe("created");
  });

  it("beforeCommit is waited for after the file is written: false stores nothing (no row, no file, no marker), true stores", async () => {
    const db = getDb();
    const refused = newVersion(`Hook.No${Date.now()}`, "1.0.0");
    let fileWhenAsked = false;
    const r = await addPackageVersion(
      db,
      {
        ...refused,
        beforeCommit: async () => {
          // asked once the file is in place, the scan's time hidden behind its writing
          fileWhenAsked = (await packageFolder(db, dir, refused.packageId)).files.length === 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return false;
        },
      },
      dir,
    );
    expect(r).toEqual({ status: "refused" });
    expect(fileWhenAsked).toBe(true);
    expect(await findPackage(db, refused.packageId)).toBeNull();
    expect(existsSync(path.join(dir, refused.packageId.toLowerCase()))).toBe(false);
    expect(existsSync(path.join(dir, ".pushing")) ? readdirSync(path.join(dir, ".pushing")) : []).toEqual([]);

    // a hook that throws: nothing stored either, the error goes to the caller
    const failing = newVersion(`Hook.Throws${Date.now()}`, "1.0.0");
    await expect(addPackageVersion(db, { ...failing, beforeCommit: () => Promise.reject(new Error("scan failed")) }, dir)).rejects.toThrow("scan failed");
    expect(await findPackage(db, failing.packageId)).toBeNull();
    expect(existsSync(path.join(dir, failing.packageId.toLowerCase()))).toBe(false);

    const stored = newVersion(`Hook.Yes${Date.now()}`, "1.0.0");
    expect((await addPackageVersion(db, { ...stored, beforeCommit: async () => true }, dir)).status).toBe("created");
    await expectFilesMatchRows(stored.packageId);
  });

  it("a push that fails before the transaction (its folder cannot be made) leaves no row and no file", async () => {
    const id = `Blocked.Pkg${Date.now()}`;
    // a file where the package's folder must go
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, id.toLowerCase()), "in the way");
    await expect(addPackageVersion(getDb(), newVersion(id, "1.0.0"), dir)).rejects.toThrow();
    expect(await findPackage(getDb(), id)).toBeNull();
    expect(readFileSync(path.join(dir, id.toLowerCase()), "utf8")).toBe("in the way");
  });

  it("a push that fails mid-way (its file written, an insert refused) leaves no row and no file, and another version's file alone", async () => {
    const db = getDb();
    const id = `Broken.Pkg${Date.now()}`;
    const first = await addPackageVersion(db, newVersion(id, "1.0.0"), dir);
    if (first.status !== "created") throw new Error(first.status);
    // a pushing user that does not exist: the version's insert fails (foreign key), after the file is written
    await expect(addPackageVersion(db, { ...newVersion(id, "2.0.0", first.registrationId), pushedById: "no-such-user" }, dir)).rejects.toThrow();
    expect(await db.packageVersion.count({ where: { registration: { idKey: id.toLowerCase() } } })).toBe(1);
    await expectFilesMatchRows(id);
  });

  it("a push refused by the database leaves no empty package folders behind", async () => {
    const id = `Orphan.Pkg${Date.now()}`;
    // an owner that does not exist: the registration's insert fails (foreign key)
    await expect(addPackageVersion(getDb(), { ...newVersion(id, "1.0.0"), ownerId: "no-such-user" }, dir)).rejects.toThrow();
    expect(await findPackage(getDb(), id)).toBeNull();
    expect(existsSync(path.join(dir, id.toLowerCase()))).toBe(false);
  });

  it("an existing version answers 'exists' and keeps the first file", async () => {
    const first = newVersion(`Dup.Pkg${Date.now()}`, "2.0.0");
    const r = await addPackageVersion(getDb(), first, dir);
    if (r.status !== "created") throw new Error(r.status);
    const again = { ...newVersion(first.packageId, "2.0.0.0", r.registrationId), bytes: buildNupkg({ id: first.packageId, version: "2.0.0.0" }) };
    expect(await addPackageVersion(getDb(), again, dir)).toEqual({ status: "exists" });
    expect(readFileSync(packageFilePath(dir, first.packageId.toLowerCase(), "2.0.0", r.versionId)).equals(Buffer.from(first.bytes))).toBe(true);
    await expectFilesMatchRows(first.packageId);
  });

  it("20 concurrent pushes of the same new id+version: exactly one stored, the others exists/id-taken", async () => {
    const id = `Race.Pkg${Date.now()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => addPackageVersion(getDb(), newVersion(id, "1.0.0"), dir)));
    expect(results.filter((r) => r.status === "created")).toHaveLength(1);
    expect(results.filter((r) => r.status === "id-taken")).toHaveLength(19);
    const reg = await findPackage(getDb(), id);
    expect(await getDb().packageVersion.count({ where: { registrationId: reg!.registrationId } })).toBe(1);
    expect(await getDb().packageOwner.count({ where: { registrationId: reg!.registrationId } })).toBe(1);
    await expectFilesMatchRows(id);
  });

  it("20 concurrent pushes of the same version of an existing id: exactly one created, 19 exists", async () => {
    const id = `Race2.Pkg${Date.now()}`;
    const first = await addPackageVersion(getDb(), newVersion(id, "1.0.0"), dir);
    if (first.status !== "created") throw new Error(first.status);
    const results = await Promise.all(Array.from({ length: 20 }, () => addPackageVersion(getDb(), newVersion(id, "3.0.0", first.registrationId), dir)));
    expect(results.filter((r) => r.status === "created")).toHaveLength(1);
    expect(results.filter((r) => r.status === "exists")).toHaveLength(19);
    const winner = results.find((r) => r.status === "created")!;
    expect(existsSync(packageFilePath(dir, id.toLowerCase(), "3.0.0", winner.versionId))).toBe(true);
    await expectFilesMatchRows(id);
  });

  it("the rows a push writes read back through Prisma with their types, and show on Manage Packages", async () => {
    const db = getDb();
    const key = await insertTestKey(db, { userId: owner.id, actions: ["package:push"], subjects: ["*"] });
    const id = `Typed.Pkg${Date.now()}`;
    const before = Date.now();
    const first = await addPackageVersion(db, { ...newVersion(id, "1.0.0"), pushedByKeyId: key.id, pushedByKeyName: key.name }, dir);
    if (first.status !== "created") throw new Error(first.status);
    const pre = { ...newVersion(id, "1.1.0-Beta.2", first.registrationId), pushedByKeyId: key.id, pushedByKeyName: key.name };
    const second = await addPackageVersion(db, pre, dir);
    if (second.status !== "created") throw new Error(second.status);
    const after = Date.now();

    const row = await db.packageVersion.findUniqueOrThrow({ where: { id: second.versionId }, include: { registration: { include: { owners: true } } } });
    expect(row.pushedAt).toBeInstanceOf(Date);
    expect(row.pushedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(row.pushedAt.getTime()).toBeLessThanOrEqual(after);
    expect(row).toMatchObject({
      registrationId: first.registrationId,
      version: "1.1.0-Beta.2",
      versionKey: "1.1.0-beta.2",
      listed: true,
      size: pre.bytes.byteLength,
      sha512: createHash("sha512").update(pre.bytes).digest("base64"),
      pushedById: owner.id,
      pushedByKeyId: key.id,
      pushedByKeyName: key.name,
    });
    expect(row.registration.createdAt).toBeInstanceOf(Date);
    expect(row.registration.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(row.registration.createdAt.getTime()).toBeLessThanOrEqual(after);
    expect(row.registration).toMatchObject({ id: first.registrationId, packageId: id, idKey: id.toLowerCase(), owners: [{ registrationId: first.registrationId, userId: owner.id }] });
    // Prisma's own filters on the written values: a date range and a boolean
    expect(await db.packageVersion.count({ where: { registrationId: first.registrationId, listed: true, pushedAt: { gte: new Date(before), lte: new Date(after) } } })).toBe(2);

    await setListed(db, first.versionId, false);
    const listing = await listOwnedPackages(db, owner.id, { q: id });
    expect(listing.total).toBe(1);
    const pkg = listing.packages[0];
    expect(pkg).toMatchObject({ id: first.registrationId, packageId: id, owners: [owner.username], listed: true, latestVersion: "1.1.0-Beta.2", versionCount: 2 });
    expect(pkg.versions).toEqual([
      { version: "1.1.0-Beta.2", listed: true, pushedAt: row.pushedAt, size: pre.bytes.byteLength, pushedBy: owner.username, keyName: key.name, keyDeleted: false, via: null },
      expect.objectContaining({ version: "1.0.0", listed: false, pushedBy: owner.username, keyName: key.name, keyDeleted: false }),
    ]);
    expect(pkg.pushKeys).toEqual([expect.objectContaining({ id: key.id, name: key.name, action: "package:push" })]);
  });

  it("waits for a Prisma interactive transaction that holds a lock across an await, and never blocks the event loop", async () => {
    const db = getDb();
    const id = `Held.Pkg${Date.now()}`;
    class RolledBack extends Error {}
    let locked!: () => void;
    let release!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    // The same new id: SQLite's push waits for the write lock, PostgreSQL's for the unique index.
    const holder = db
      .$transaction(
        async (tx) => {
          await tx.packageRegistration.create({ data: { packageId: id, idKey: id.toLowerCase() } });
          locked();
          await released;
          throw new RolledBack();
        },
        { timeout: 30_000 },
      )
      .catch((e) => {
        if (!(e instanceof RolledBack)) throw e;
      });
    await lockTaken;

    let pushDone = false;
    const push = addPackageVersion(db, newVersion(id, "1.0.0"), dir).finally(() => (pushDone = true));
    // A driver busy-wait would freeze this thread (the holder's await included) for its whole
    // busy timeout, 5 s by default: the longest gap between timer ticks shows it.
    let stall = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const t = performance.now();
      stall = Math.max(stall, t - last);
      last = t;
    }, 5);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pushDone).toBe(false);
      release();
      await holder;
      expect(await push).toMatchObject({ status: "created" });
    } finally {
      clearInterval(ticker);
      release();
    }
    expect(stall).toBeLessThan(2_500);
    expect(await db.packageVersion.count({ where: { registration: { idKey: id.toLowerCase() } } })).toBe(1);
    await expectFilesMatchRows(id);
  });

  if (provider === "postgresql") {
    /** A second client on the same database, through a proxy that can cut its connection. */
    async function throughProxy(run: (db: Db, proxy: CutProxy) => Promise<void>) {
      const proxy = await cutProxy(getUrl());
      const db = createDb(proxy.url);
      try {
        await run(db, proxy);
      } finally {
        await db.$disconnect();
        await proxy.close();
      }
    }

    it("a COMMIT the server carried out but whose answer was lost: the push is created and keeps its file", async () => {
      await throughProxy(async (db, proxy) => {
        const input = newVersion(`Lost.Commit${Date.now()}`, "1.0.0");
        const cut = proxy.cutAt("COMMIT", "after");
        const r = await addPackageVersion(db, input, dir);
        await cut;
        expect(r.status).toBe("created");
        const found = await findPackage(getDb(), input.packageId, { versionKey: "1.0.0" }, dir);
        expect(found?.version?.id).toBe(r.status === "created" ? r.versionId : null);
        expect(readFileSync(found!.version!.filePath).equals(Buffer.from(input.bytes))).toBe(true);
        await expectFilesMatchRows(input.packageId);
      });
    });

    it("a push whose connection is cut before its COMMIT: a connection-lost error, no row, no file", async () => {
      await throughProxy(async (db, proxy) => {
        const input = newVersion(`Lost.Insert${Date.now()}`, "1.0.0");
        const cut = proxy.cutAt("COMMIT", "before");
        const error = await addPackageVersion(db, input, dir).then(() => null, (e: unknown) => e);
        await cut;
        expect(isConnectionLost(error)).toBe(true);
        expect(await findPackage(getDb(), input.packageId)).toBeNull();
        expect(existsSync(path.join(dir, input.packageId.toLowerCase()))).toBe(false);
        // the pool recovers: the next push goes through
        expect((await addPackageVersion(db, newVersion(input.packageId, "1.0.0"), dir)).status).toBe("created");
      });
    });

    it("a read that lost its connection is run again on a new one", async () => {
      await throughProxy(async (db, proxy) => {
        const input = newVersion(`Lost.Read${Date.now()}`, "1.0.0");
        if ((await addPackageVersion(getDb(), input, dir)).status !== "created") throw new Error("not stored");
        const cut = proxy.cutAt(`"PackageOwner" o WHERE`, "before");
        expect(await findPackage(db, input.packageId, { versionKey: "1.0.0" })).toMatchObject({ packageId: input.packageId, version: { version: "1.0.0" } });
        await cut;
        // and Prisma's reads alike
        const prismaCut = proxy.cutAt(`"PackageVersion"`, "before");
        expect(await db.packageVersion.count({ where: { registration: { idKey: input.packageId.toLowerCase() } } })).toBe(1);
        await prismaCut;
      });
    });

    it("connections the server ends while idle in the pool do not crash the process, before Prisma ever connected", async () => {
      const app = `nk_idle_${Date.now()}`;
      const url = new URL(getUrl());
      url.searchParams.set("application_name", app);
      const db = createDb(url.toString());
      try {
        // the hot reader's pool.query only: PrismaPg has not put its listener on the pool yet
        await Promise.all([1, 2, 3].map(() => findPackage(db, `No.Such${Date.now()}`)));
        const admin = createDb(getUrl());
        const ended = await admin.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1`, app);
        await admin.$disconnect();
        expect(Number(ended[0].n)).toBeGreaterThan(0);
        // an uncaught 'error' would have ended the run by now; the pool makes new connections
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(await findPackage(db, `No.Such${Date.now()}`)).toBeNull();
      } finally {
        await db.$disconnect();
      }
    });
  }
});

import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { createDb } from "@/lib/create-db";
import { insertTestUser } from "@/tests/api-keys";
import { describeEachDb } from "@/tests/databases";
import { viewProfile } from "@/lib/profiles/store";
import { DownloadCounter } from "./downloads";
import { viewPackagePage } from "./package-page";

describeEachDb("download counts", (getDb, _provider, getUrl) => {
  async function seed(versions: number) {
    const owner = await insertTestUser(getDb());
    const packageId = `Dl.${Math.random().toString(36).slice(2, 10)}`;
    const reg = await getDb().packageRegistration.create({
      data: {
        packageId,
        idKey: packageId.toLowerCase(),
        owners: { create: { userId: owner.id } },
        versions: { create: Array.from({ length: versions }, (_, i) => ({ version: `1.0.${i}`, versionKey: `1.0.${i}`, size: 1, sha512: "x" })) },
      },
      select: { id: true, versions: { select: { id: true }, orderBy: { versionKey: "asc" } } },
    });
    return { registrationId: reg.id, versionIds: reg.versions.map((v) => v.id), packageId, owner };
  }
  const counts = async (registrationId: string) => {
    const reg = await getDb().packageRegistration.findUniqueOrThrow({
      where: { id: registrationId },
      select: { totalDownloads: true, versions: { select: { downloadCount: true }, orderBy: { versionKey: "asc" } } },
    });
    return { total: reg.totalDownloads, versions: reg.versions.map((v) => v.downloadCount) };
  };

  it("batches downloads in memory and writes them on flush, as increments", async () => {
    const { registrationId, versionIds } = await seed(2);
    const counter = new DownloadCounter(getDb(), { flushMs: 60_000 });
    for (let i = 0; i < 5; i++) counter.count(versionIds[0], registrationId);
    counter.count(versionIds[1], registrationId);
    expect(await counts(registrationId)).toEqual({ total: 0, versions: [0, 0] });
    await counter.flush();
    expect(await counts(registrationId)).toEqual({ total: 6, versions: [5, 1] });
    // nothing pending: a flush writes nothing; new counts add to the stored ones
    await counter.flush();
    counter.count(versionIds[1], registrationId);
    await counter.stop();
    expect(await counts(registrationId)).toEqual({ total: 7, versions: [5, 2] });
  });

  it("two instances flushing at once on one database add up exactly", async () => {
    const { registrationId, versionIds } = await seed(3);
    const other = createDb(getUrl());
    try {
      const a = new DownloadCounter(getDb(), { flushMs: 60_000 });
      const b = new DownloadCounter(other, { flushMs: 60_000 });
      const flushes: Promise<void>[] = [];
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 3; i++) {
          a.count(versionIds[i], registrationId);
          // b counts the versions in the other order
          b.count(versionIds[2 - i], registrationId);
          b.count(versionIds[2 - i], registrationId);
        }
        flushes.push(a.flush(), b.flush());
      }
      await Promise.all([...flushes, a.stop(), b.stop()]);
      expect(await counts(registrationId)).toEqual({ total: 180, versions: [60, 60, 60] });
    } finally {
      await other.$disconnect();
    }
  });

  it("holds at most maxPending versions: a full table is written at once, and counts beyond it are dropped, not buffered", async () => {
    const { registrationId, versionIds } = await seed(3);
    const counter = new DownloadCounter(getDb(), { flushMs: 60_000, maxPending: 2 });
    counter.count(versionIds[0], registrationId);
    counter.count(versionIds[1], registrationId); // full: a flush starts
    counter.count(versionIds[2], registrationId); // taken by the fresh table
    await counter.stop();
    expect(await counts(registrationId)).toEqual({ total: 3, versions: [1, 1, 1] });

    // while a batch waits to be written, a full table takes no more versions
    const slow = new DownloadCounter(getDb(), { flushMs: 60_000, maxPending: 1 });
    slow.count(versionIds[0], registrationId); // full: taken at once
    slow.count(versionIds[1], registrationId); // full: waits for the batch before
    slow.count(versionIds[2], registrationId); // dropped
    slow.count(versionIds[1], registrationId); // counted
    expect(slow.pendingDownloads()).toBe(2);
    await slow.stop();
    expect(await counts(registrationId)).toEqual({ total: 6, versions: [2, 3, 1] });
  });

  it("a failed write keeps its counts for the next flush; a version with no row is skipped", async () => {
    const { registrationId, versionIds } = await seed(1);
    // a database file that is not there: every write fails
    const missing = createDb(`file:${path.join(tmpdir(), `missing-${Date.now()}`, "x.db")}`);
    const failing = new DownloadCounter(missing, { flushMs: 60_000 });
    failing.count(versionIds[0], registrationId);
    failing.count(versionIds[0], registrationId);
    await failing.flush();
    expect(failing.pendingDownloads()).toBe(2);
    await missing.$disconnect();

    const counter = new DownloadCounter(getDb(), { flushMs: 60_000 });
    counter.count(versionIds[0], registrationId);
    counter.count("no-such-version", "no-such-registration");
    await counter.flush();
    expect(counter.pendingDownloads()).toBe(0);
    expect(await counts(registrationId)).toEqual({ total: 1, versions: [1] });
  });

  it("the package page shows each version's downloads and the total; the owner's profile the total of its packages", async () => {
    const { registrationId, versionIds, packageId, owner } = await seed(2);
    const counter = new DownloadCounter(getDb(), { flushMs: 60_000 });
    for (let i = 0; i < 3; i++) counter.count(versionIds[0], registrationId);
    counter.count(versionIds[1], registrationId);
    await counter.stop();
    const page = await viewPackagePage(getDb(), packageId, null, null);
    expect(page?.totalDownloads).toBe(4);
    expect(page?.version).toMatchObject({ version: "1.0.1", downloads: 1 });
    expect(page?.versions.map((v) => [v.version, v.downloads])).toEqual([["1.0.1", 1], ["1.0.0", 3]]);
    expect((await viewProfile(getDb(), owner.username, null))?.totalDownloads).toBe(4);
  });
});

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, expect, it } from "vitest";
import { buildNupkg } from "@/e2e/nupkg";
import { insertTestUser } from "@/tests/api-keys";
import { describeEachDb } from "@/tests/databases";
import { parseVersion } from "@/lib/nuget/version";
import { MARKER_HOST, packageFilePath, reconcilePackageFiles } from "./files";
import { addPackageVersion } from "./store";

/** The pid of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

describeEachDb("package files", (getDb) => {
  let dir: string;
  let owner: { id: string };
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "pkgs-"));
    owner = await insertTestUser(getDb());
  });

  async function stored(id: string, version: string) {
    const r = await addPackageVersion(
      getDb(),
      { registrationId: null, packageId: id, ownerId: owner.id, version: parseVersion(version)!, bytes: buildNupkg({ id, version }), pushedById: owner.id, pushedByKeyId: null, pushedByKeyName: "ci" },
      dir,
    );
    if (r.status !== "created") throw new Error(r.status);
    return packageFilePath(dir, id.toLowerCase(), version, r.versionId);
  }
  const hoursAgo = (file: string, hours: number) => {
    const t = new Date(Date.now() - hours * 3_600_000);
    utimesSync(file, t, t);
  };
  /** a file no row names, as a push cut short leaves it */
  const orphan = (idKey: string, version: string, name: string) => {
    const file = packageFilePath(dir, idKey, version, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "x");
    return file;
  };
  const marker = (host: string, pid: number, file: string) => {
    const at = path.join(dir, ".pushing", [host, pid, path.basename(path.dirname(file)), path.basename(file)].join("@"));
    mkdirSync(path.dirname(at), { recursive: true });
    writeFileSync(at, "");
    return at;
  };

  it("a push leaves no in-flight marker behind, stored or refused", async () => {
    const id = `Marked.Pkg${Date.now()}`;
    await stored(id, "1.0.0");
    await expect(stored(id, "1.0.0")).rejects.toThrow(); // id-taken: the registration exists
    expect(readdirSync(path.join(dir, ".pushing"))).toEqual([]);
    expect(readdirSync(path.join(dir, id.toLowerCase()))).toHaveLength(1);
  });

  it("removes files no row names once an hour old; younger ones may be a push in flight", async () => {
    const db = getDb();
    const kept = await stored(`Kept.Pkg${Date.now()}`, "1.0.0");
    hoursAgo(kept, 2);
    const idKey = path.basename(path.dirname(kept));
    const old = orphan(idKey, "2.0.0", "dead-push");
    hoursAgo(old, 2);
    const recent = orphan(idKey, "3.0.0", "in-flight");
    const lonely = orphan(`lonely.pkg${Date.now()}`, "1.0.0", "dead-push");
    hoursAgo(lonely, 2);

    expect(await reconcilePackageFiles(db, dir)).toEqual({ removed: 2 });
    expect(readdirSync(path.dirname(kept)).sort()).toEqual([path.basename(kept), path.basename(recent)].sort());
    expect(existsSync(path.dirname(lonely))).toBe(false);
    expect(await reconcilePackageFiles(db, dir)).toEqual({ removed: 0 });
    expect(await reconcilePackageFiles(db, path.join(dir, "no-such-folder"))).toEqual({ removed: 0 });
  });

  it("removes at once a file whose marker names a dead process of this host (or our own pid), never a committed one", async () => {
    const db = getDb();
    const committed = await stored(`Crash.Pkg${Date.now()}`, "1.0.0");
    const idKey = path.basename(path.dirname(committed));
    const dead = deadPid();
    const halfWritten = orphan(idKey, "2.0.0", "dead-writer");
    const deadMarkers = [
      marker(MARKER_HOST, dead, halfWritten),
      // died after its commit, before removing its marker
      marker(MARKER_HOST, dead, committed),
      // a dead process whose pid is ours now (this process serves nothing yet)
      marker(MARKER_HOST, process.pid, orphan(idKey, "3.0.0", "same-pid")),
      // died before its file was created
      marker(MARKER_HOST, dead, packageFilePath(dir, idKey, "4.0.0", "never-written")),
    ];
    // in flight: a live process of this host (our parent), a process of another machine (or of
    // this host name before a reboot)
    const live = marker(MARKER_HOST, process.ppid, orphan(idKey, "5.0.0", "live-writer"));
    const elsewhere = marker(`${encodeURIComponent(hostname())}~another-boot`, dead, orphan(idKey, "6.0.0", "other-host"));

    expect(await reconcilePackageFiles(db, dir)).toEqual({ removed: 2 });
    expect(readdirSync(path.dirname(committed)).sort()).toEqual(
      [committed, packageFilePath(dir, idKey, "5.0.0", "live-writer"), packageFilePath(dir, idKey, "6.0.0", "other-host")].map((f) => path.basename(f)).sort(),
    );
    for (const m of deadMarkers) expect(existsSync(m), m).toBe(false);
    expect(readdirSync(path.join(dir, ".pushing")).sort()).toEqual([path.basename(live), path.basename(elsewhere)].sort());

    // the live and the foreign ones follow the age rule, markers and files alike
    for (const f of [live, elsewhere, ...readdirSync(path.dirname(committed)).map((n) => path.join(path.dirname(committed), n))]) hoursAgo(f, 2);
    expect(await reconcilePackageFiles(db, dir)).toEqual({ removed: 2 });
    expect(readdirSync(path.dirname(committed))).toEqual([path.basename(committed)]);
    expect(readdirSync(path.join(dir, ".pushing"))).toEqual([]);
  });
});

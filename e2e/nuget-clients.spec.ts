// Real NuGet clients against the production build: Debian's nuget 2.8.7 (HTTP/1.0, bare-LF
// multipart, preflight GET) and NuGet.exe 5.8 (chunked, V3 index, -SkipDuplicate,
// X-NuGet-Warning). What a user sees is what is asserted: exit code and the printed text (the
// clients print only the HTTP reason phrase), and then the database.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { createUser, e2eDb, type TestUser } from "./fixtures";
import { checkClients, del, NUGET_CLIENTS, pack, push, sandbox, setApiKey, type NugetClient, type RunResult } from "./nuget/clients";
import { findVersion, joinOrganization, makeKey, makeOrganization, regenerateKey, revokeKey } from "./nuget/data";
import { setListed } from "./nuget/http";
import { reserve } from "./site-admin";

const { removeMember } = await import("@/lib/organizations/store");

const BASE = process.env.E2E_BASE_URL!;
const V2 = `${BASE}/api/v2/package`;
const V3 = `${BASE}/v3/index.json`;

// nuget.org's texts (spec §3.3)
const INVALID = "The specified API key is invalid, has expired, or does not have permission to access the specified package.";
const exists = (id: string, v: string) => `A package with ID '${id}' and version '${v}' already exists and cannot be modified.`;
// spec organizations.md §11 (sic: "learn")
const RESERVED =
  "This package ID has been reserved. Please request access to upload to this reserved namespace from the owner of the reserved prefix, or re-upload the package with a different ID. Go to https://docs.microsoft.com/nuget/reference/id-prefix-reservation learn more about Package ID prefix reservation.";

// retries: Debian's Mono 6.8 aborts now and then under load. A command cut short before it
// reached the server runs again (runNuget); one that already took effect cannot (a second push
// gets 409), so the test fails and runs once more, whole, with fresh ids and keys. Playwright
// then reports it as flaky, with the crash in the first attempt's output.
test.describe.configure({ timeout: 180_000, retries: 1 });

test.beforeEach(async () => {
  const found = checkClients();
  if (found.ok) return;
  // the apt command lives in scripts/system-deps.mjs (also used by npm test and .ci/run)
  const deps = (await import("../scripts/system-deps.mjs" as string)) as { findNugetClients(): { install: string } };
  const message = `NuGet clients missing (${found.missing.join(", ")}). Install with: ${deps.findNugetClients().install}`;
  if (process.env.CI === "true") throw new Error(message);
  test.skip(true, message);
});

/** A package id nobody else uses: tests run in parallel on one database. */
function newId(prefix = "Clients") {
  return `${prefix}.T${randomBytes(4).toString("hex")}`;
}

function short(client: NugetClient) {
  return client === "nuget-2.8.7" ? "N287" : "N58";
}

function expectOk(r: RunResult, text: string) {
  expect(r.output).toContain(text);
  expect(r.exitCode, r.output).toBe(0);
}

/** How each client prints an error status with reason phrase R (notes/nuget-clients.md §4). */
function expectRejected(client: NugetClient, r: RunResult, status: number, reason: string) {
  expect(r.exitCode, r.output).toBe(1);
  if (client === "nuget-2.8.7") {
    expect(r.output).toContain(`Failed to process request. '${reason}'.`);
    expect(r.output).toContain(`The remote server returned an error: (${status}) ${reason}.`);
  } else {
    expect(r.output).toContain(`Response status code does not indicate success: ${status} (${reason}).`);
  }
}

async function pushKeyUser(subjects = ["*"]): Promise<{ user: TestUser; key: Awaited<ReturnType<typeof makeKey>> }> {
  const user = await createUser();
  const key = await makeKey(user, { name: "push key", actions: ["package:push"], subjects });
  return { user, key };
}

for (const client of NUGET_CLIENTS) {
  test.describe(client, () => {
    test(`${client}: push with a push key prints "Your package was pushed." and stores the version, owner and key`, async () => {
      const { user, key } = await pushKeyUser();
      const id = newId(short(client));
      const r = await push(client, await pack(id, "1.0.0"), { source: V2, apiKey: key.plaintext });
      expectOk(r, "Your package was pushed.");

      const row = await findVersion(id, "1.0.0");
      expect(row).toMatchObject({ version: "1.0.0", listed: true, pushedById: user.id, pushedByKeyId: key.id, pushedByKeyName: "push key" });
      expect(row!.registration.packageId).toBe(id);
      expect(row!.registration.owners.map((o) => o.userId)).toEqual([user.id]);
      expect(row!.size).toBeGreaterThan(1000);
      const used = await e2eDb().apiKey.findUniqueOrThrow({ where: { id: key.id } });
      expect(used.lastUsedAt).not.toBeNull();
    });

    test(`${client}: -Source <base>/ (the site root) pushes to /api/v2/package/`, async () => {
      // 2.8.7 probes GET / first and appends api/v2/package/ only if / does not redirect
      const { key } = await pushKeyUser();
      const id = newId(short(client));
      expectOk(await push(client, await pack(id, "1.0.0"), { source: `${BASE}/`, apiKey: key.plaintext }), "Your package was pushed.");
      expect(await findVersion(id, "1.0.0")).toMatchObject({ pushedByKeyId: key.id });
    });

    test(`${client}: a key saved with setapikey is sent on the next push`, async () => {
      const { key } = await pushKeyUser();
      const id = newId(short(client));
      const box = await sandbox();
      try {
        expectOk(await setApiKey(client, key.plaintext, V2, box), `was saved for '${V2}'.`);
        const saved = await readFile(box.configFile, "utf8");
        expect(saved).toContain("<apikeys>");
        expect(saved).not.toContain(key.plaintext); // the client stores it encrypted
        expectOk(await push(client, await pack(id, "1.0.0"), { source: V2, box }), "Your package was pushed.");
      } finally {
        await box.dispose();
      }
      expect(await findVersion(id, "1.0.0")).toMatchObject({ pushedByKeyId: key.id });
    });

    test(`${client}: the same version again is refused with 409 and nuget.org's reason`, async () => {
      const { key } = await pushKeyUser();
      const id = newId(short(client));
      const pkg = await pack(id, "1.0.0");
      expectOk(await push(client, pkg, { source: V2, apiKey: key.plaintext }), "Your package was pushed.");
      const again = await push(client, pkg, { source: V2, apiKey: key.plaintext });
      expectRejected(client, again, 409, exists(id, "1.0.0"));
      if (client === "nuget-5.8") expect(again.output).toContain("To skip already published packages, use the option -SkipDuplicate");
      expect(await e2eDb().packageVersion.count({ where: { registration: { idKey: id.toLowerCase() } } })).toBe(1);
    });

    test(`${client}: a pushversion-only key cannot push a new id (403) but can push a new version of an owned one`, async () => {
      const { user, key: pushKey } = await pushKeyUser();
      const versionKey = await makeKey(user, { name: "versions only", actions: ["package:pushversion"], subjects: ["*"] });
      const fresh = newId(short(client));
      expectRejected(client, await push(client, await pack(fresh, "1.0.0"), { source: V2, apiKey: versionKey.plaintext }), 403, INVALID);
      expect(await findVersion(fresh, "1.0.0")).toBeNull();
      expect(await e2eDb().packageRegistration.count({ where: { idKey: fresh.toLowerCase() } })).toBe(0);

      const owned = newId(short(client));
      expectOk(await push(client, await pack(owned, "1.0.0"), { source: V2, apiKey: pushKey.plaintext }), "Your package was pushed.");
      expectOk(await push(client, await pack(owned, "1.1.0"), { source: V2, apiKey: versionKey.plaintext }), "Your package was pushed.");
      expect(await findVersion(owned, "1.1.0")).toMatchObject({ pushedByKeyId: versionKey.id, pushedByKeyName: "versions only" });
    });

    test(`${client}: an id outside the key's glob is refused with 403`, async () => {
      const { key } = await pushKeyUser(["Contoso.*"]);
      const outside = newId(`Fabrikam${short(client)}`);
      expectRejected(client, await push(client, await pack(outside, "1.0.0"), { source: V2, apiKey: key.plaintext }), 403, INVALID);
      expect(await findVersion(outside, "1.0.0")).toBeNull();
      // and the glob does work, case-insensitively
      const inside = newId(`contoso.${short(client)}`);
      expectOk(await push(client, await pack(inside, "1.0.0"), { source: V2, apiKey: key.plaintext }), "Your package was pushed.");
    });

    test(`${client}: an id owned by another account is refused with 403, and the attempt is audited`, async () => {
      const { key: theirKey } = await pushKeyUser();
      const id = newId(short(client));
      expectOk(await push(client, await pack(id, "1.0.0"), { source: V2, apiKey: theirKey.plaintext }), "Your package was pushed.");
      const { user: me, key: myKey } = await pushKeyUser();
      expectRejected(client, await push(client, await pack(id, "1.1.0"), { source: V2, apiKey: myKey.plaintext }), 403, INVALID);
      expect(await findVersion(id, "1.1.0")).toBeNull();
      const audit = await e2eDb().auditRecord.findFirst({ where: { actorId: me.id, action: "PackagePushAttemptByNonOwner" } });
      expect(audit?.target).toBe(id);
      expect(audit?.details).not.toContain(myKey.plaintext);
    });

    test(`${client}: nuget delete of a version that does not exist prints 404 with nuget.org's reason`, async () => {
      const { user, key } = await pushKeyUser();
      const unlistKey = await makeKey(user, { name: "unlister", actions: ["package:unlist"], subjects: ["*"] });
      const id = newId(short(client));
      expectOk(await push(client, await pack(id, "1.0.0"), { source: V2, apiKey: key.plaintext }), "Your package was pushed.");
      expectRejected(client, await del(client, id, "9.9.9", { source: V2, apiKey: unlistKey.plaintext }), 404, `A package with ID '${id}' and version '9.9.9' does not exist.`);
    });

    test(`${client}: an expired key, a revoked key and a regenerated key's old secret are refused with 403`, async () => {
      const user = await createUser();
      const expired = await makeKey(user, { name: "expired", actions: ["package:push"], subjects: ["*"], expiresInDays: 1, createdDaysAgo: 2 });
      const revoked = await makeKey(user, { name: "revoked", actions: ["package:push"], subjects: ["*"] });
      await revokeKey(user, revoked);
      const old = await makeKey(user, { name: "rotated", actions: ["package:push"], subjects: ["*"] });
      const rotated = await regenerateKey(user, old);

      const id = newId(short(client));
      const pkg = await pack(id, "1.0.0");
      for (const key of [expired, revoked, old]) {
        expectRejected(client, await push(client, pkg, { source: V2, apiKey: key.plaintext }), 403, INVALID);
      }
      expect(await findVersion(id, "1.0.0")).toBeNull();
      // the regenerated secret works at once, in upper case too (keys are case-insensitive)
      expectOk(await push(client, pkg, { source: V2, apiKey: rotated.plaintext.toUpperCase() }), "Your package was pushed.");
      expect(await findVersion(id, "1.0.0")).toMatchObject({ pushedByKeyId: rotated.id, pushedByKeyName: "rotated" });
    });

    test(`${client}: nuget delete unlists with an unlist key, a POST relists, a push-only key gets 403`, async () => {
      const { user, key: pushKey } = await pushKeyUser();
      const unlistKey = await makeKey(user, { name: "unlister", actions: ["package:unlist"], subjects: ["*"] });
      const id = newId(short(client));
      expectOk(await push(client, await pack(id, "1.0.0"), { source: V2, apiKey: pushKey.plaintext }), "Your package was pushed.");

      expectRejected(client, await del(client, id, "1.0.0", { source: V2, apiKey: pushKey.plaintext }), 403, INVALID);
      expect(await findVersion(id, "1.0.0")).toMatchObject({ listed: true });

      // typed as a user would: id in another case, version not normalised
      const r = await del(client, id.toLowerCase(), "1.0", { source: V2, apiKey: unlistKey.plaintext });
      expectOk(r, "was deleted successfully.");
      expect(await findVersion(id, "1.0.0")).toMatchObject({ listed: false });

      // no client has a relist command: nuget.org's POST /api/v2/package/{id}/{version}
      expect((await setListed(BASE, id, "1.0.0", true, unlistKey.plaintext)).status).toBe(200);
      expect(await findVersion(id, "1.0.0")).toMatchObject({ listed: true });
      expect((await setListed(BASE, id, "1.0.0", true, pushKey.plaintext)).status).toBe(403);
    });

    test(`${client}: an organization key pushes a new id the organization owns; once the member leaves the same key gets 403; rejoined, it pushes again`, async () => {
      const db = e2eDb();
      const [admin, member] = [await createUser(), await createUser()];
      const org = await makeOrganization(db, admin.id);
      await joinOrganization(db, admin.id, org.username, member, false);
      const key = await makeKey(member, { name: "org key", actions: ["package:push"], subjects: ["*"], ownerId: org.id });
      const id = newId(`Org${short(client)}`);
      expectOk(await push(client, await pack(id, "1.0.0"), { source: V2, apiKey: key.plaintext }), "Your package was pushed.");
      const row = await findVersion(id, "1.0.0");
      expect(row!.registration.owners.map((o) => o.userId)).toEqual([org.id]);
      expect(row).toMatchObject({ pushedById: member.id, pushedByKeyId: key.id });

      const left = await removeMember(db, member.id, org.username, member.username);
      expect(left.ok).toBe(true);
      expectRejected(client, await push(client, await pack(id, "1.1.0"), { source: V2, apiKey: key.plaintext }), 403, INVALID);
      expect(await findVersion(id, "1.1.0")).toBeNull();

      await joinOrganization(db, admin.id, org.username, member, false);
      expectOk(await push(client, await pack(id, "1.1.0"), { source: V2, apiKey: key.plaintext }), "Your package was pushed.");
      expect(await findVersion(id, "1.1.0")).toMatchObject({ pushedByKeyId: key.id });
    });

    test(`${client}: a new id in another account's reserved prefix is refused with 409 and the reserved text; a shared prefix lets it through`, async () => {
      const db = e2eDb();
      const { user, key } = await pushKeyUser();
      const owner = await createUser();
      const org = await makeOrganization(db, owner.id);
      const closed = `Rsv${short(client)}${randomBytes(4).toString("hex")}.`;
      await reserve(closed, [org.username]);
      const inside = `${closed}Core`;
      const refused = await push(client, await pack(inside, "1.0.0"), { source: V2, apiKey: key.plaintext });
      expectRejected(client, refused, 409, RESERVED);
      expect(await db.packageRegistration.count({ where: { idKey: inside.toLowerCase() } })).toBe(0);
      // the organization's own key pushes it, verified
      const orgKey = await makeKey(owner, { name: "org key", actions: ["package:push"], subjects: ["*"], ownerId: org.id });
      expectOk(await push(client, await pack(inside, "1.0.0"), { source: V2, apiKey: orgKey.plaintext }), "Your package was pushed.");
      expect(await db.packageRegistration.findFirst({ where: { idKey: inside.toLowerCase() }, select: { verified: true } })).toEqual({ verified: true });

      const shared = `Shr${short(client)}${randomBytes(4).toString("hex")}.`;
      await reserve(shared, [org.username], { isShared: true });
      const open = `${shared}Community`;
      expectOk(await push(client, await pack(open, "1.0.0"), { source: V2, apiKey: key.plaintext }), "Your package was pushed.");
      const stored = await findVersion(open, "1.0.0");
      expect(stored!.registration.owners.map((o) => o.userId)).toEqual([user.id]);
      expect(stored!.registration.verified).toBe(false);
    });

    test(`${client}: without a key the server answers 401`, async () => {
      const id = newId(short(client));
      const r = await push(client, await pack(id, "1.0.0"), { source: V2 });
      expect(r.exitCode, r.output).toBe(1);
      expect(r.output).toContain("No API Key was provided");
      if (client === "nuget-2.8.7") {
        // 2.8.7 turns a 401 into a credentials prompt, which -NonInteractive refuses
        expect(r.output).toContain(`Please provide credentials for: ${V2}`);
        expect(r.output).toContain("Cannot prompt for input in non-interactive mode.");
      } else {
        expect(r.output).toContain("Response status code does not indicate success: 401 (");
        expect(r.output).toContain("X-NuGet-ApiKey");
      }
      expect(await findVersion(id, "1.0.0")).toBeNull();
    });
  });
}

test.describe("nuget-5.8 only", () => {
  const client: NugetClient = "nuget-5.8";

  test("nuget-5.8: push and delete through -Source <base>/v3/index.json (PackagePublish/2.0.0)", async () => {
    const { user, key } = await pushKeyUser();
    const unlistKey = await makeKey(user, { name: "unlister", actions: ["package:unlist"], subjects: ["*"] });
    const id = newId("V3");
    expectOk(await push(client, await pack(id, "2.0.0"), { source: V3, apiKey: key.plaintext }), "Your package was pushed.");
    expect(await findVersion(id, "2.0.0")).toMatchObject({ listed: true, pushedByKeyId: key.id });
    expectOk(await del(client, id, "2.0.0", { source: V3, apiKey: unlistKey.plaintext }), "was deleted successfully.");
    expect(await findVersion(id, "2.0.0")).toMatchObject({ listed: false });
  });

  test("nuget-5.8: prints the X-NuGet-Warning expiry warning for a key expiring within 10 days", async () => {
    const user = await createUser();
    // made 360 days ago for 365 days: 5 days left
    const key = await makeKey(user, { name: "almost expired", actions: ["package:push"], subjects: ["*"], expiresInDays: 365, createdDaysAgo: 360 });
    const r = await push(client, await pack(newId("Warn"), "1.0.0"), { source: V2, apiKey: key.plaintext });
    expectOk(r, "Your package was pushed.");
    expect(r.output).toMatch(/WARNING: Your API key expires in [45] days\. Visit \S+ to regenerate your API key\./);

    const fresh = await makeKey(user, { name: "fresh", actions: ["package:push"], subjects: ["*"] });
    const quiet = await push(client, await pack(newId("Warn"), "1.0.0"), { source: V2, apiKey: fresh.plaintext });
    expectOk(quiet, "Your package was pushed.");
    expect(quiet.output).not.toContain("expires in");
  });

  test("nuget-5.8: -SkipDuplicate turns the 409 of an existing version into success", async () => {
    const { key } = await pushKeyUser();
    const id = newId("Dup");
    const pkg = await pack(id, "1.0.0");
    expectOk(await push(client, pkg, { source: V2, apiKey: key.plaintext, skipDuplicate: true }), "Your package was pushed.");
    const again = await push(client, pkg, { source: V2, apiKey: key.plaintext, skipDuplicate: true });
    expect(again.exitCode, again.output).toBe(0);
    // 5.8 names the package by its full path
    expect(again.output).toMatch(new RegExp(`Package '/\\S+/${pkg.file.replace(/\./g, "\\.")}' already exists at feed '${V2}'\\.`));
    expect(await e2eDb().packageVersion.count({ where: { registration: { idKey: id.toLowerCase() } } })).toBe(1);
  });
});

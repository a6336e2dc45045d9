import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { buildNupkg } from "@/e2e/nupkg";
import { describeEachDb } from "@/tests/databases";
import { insertTestUser } from "@/tests/api-keys";
import { joinOrganization, makeOrganization } from "@/tests/organizations";
import type { Db } from "@/lib/create-db";
import { MESSAGES } from "@/lib/nuget/responses";
import { parseVersion } from "@/lib/nuget/version";
import { checkNewId, decideNewId, idPrefixes } from "./reserved-namespaces";
import { addPackageVersion } from "./store";

process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "ns-mail-"));
delete process.env.SMTP_URL;

const RESERVED = { allowed: false, reason: MESSAGES.idReserved };
const RESERVED_NO_OWNER = { allowed: false, reason: MESSAGES.idReservedNoOwner };
const ALLOWED = { allowed: true, verified: false };
const VERIFIED = { allowed: true, verified: true };

/** A value no other test uses: every test reserves inside its own random namespace. */
const fresh = (stem = "Ns") => `${stem}${randomBytes(4).toString("hex")}`;

async function reserve(db: Db, value: string, { isPrefix = true, isShared = false, owners = [] as string[] } = {}) {
  await db.reservedNamespace.create({
    data: { value, valueKey: value.toLowerCase(), isPrefix, isShared, owners: { create: owners.map((userId) => ({ userId })) } },
  });
}

it("idPrefixes: every prefix of the lower-cased id, the whole id last", () => {
  expect(idPrefixes("Ab.C")).toEqual(["a", "ab", "ab.", "ab.c"]);
  expect(idPrefixes("x".repeat(100))).toHaveLength(100);
});

it("decideNewId: none → allowed; owned → verified; shared → allowed; else 409 with the text for owned or ownerless", () => {
  const none = { matching: 0, shared: false, owned: false, hasOwners: false };
  expect(decideNewId(none)).toEqual(ALLOWED);
  expect(decideNewId({ ...none, matching: 2, owned: true, hasOwners: true })).toEqual(VERIFIED);
  expect(decideNewId({ ...none, matching: 1, shared: true, hasOwners: true })).toEqual(ALLOWED);
  expect(decideNewId({ ...none, matching: 1, hasOwners: true })).toEqual(RESERVED);
  expect(decideNewId({ ...none, matching: 1 })).toEqual(RESERVED_NO_OWNER);
  // nuget.org's texts, whole (reason phrases stay ASCII and under the 400-character cap)
  expect(MESSAGES.idReserved).toBe(
    "This package ID has been reserved. Please request access to upload to this reserved namespace from the owner of the reserved prefix, or re-upload the package with a different ID. Go to https://docs.microsoft.com/nuget/reference/id-prefix-reservation learn more about Package ID prefix reservation.",
  );
  expect(MESSAGES.idReservedNoOwner).toBe("The package ID is reserved. You can upload your package with a different package ID. Reach out to support@nuget.org if you have questions.");
});

describeEachDb("reserved namespaces on push", (getDb) => {
  let member: { id: string; username: string };
  let outsider: { id: string; username: string };
  let org: { id: string; username: string };
  beforeAll(async () => {
    const db = getDb();
    const admin = await insertTestUser(db);
    member = await insertTestUser(db);
    outsider = await insertTestUser(db);
    org = await makeOrganization(db, admin.id);
    await joinOrganization(db, admin.id, org.username, member, false);
  });

  it("no reservation anywhere near the id: allowed, not verified", async () => {
    expect(await checkNewId(getDb(), `${fresh()}.Core`, outsider.id)).toEqual(ALLOWED);
  });

  it("a prefix matches ids starting with it, ignoring case; its owner pushes verified, anyone else gets 409", async () => {
    const db = getDb();
    const ns = `${fresh("Contoso")}.`;
    await reserve(db, ns, { owners: [org.id] });
    expect(await checkNewId(db, `${ns}Logging`, org.id)).toEqual(VERIFIED);
    expect(await checkNewId(db, `${ns.toUpperCase()}LOGGING`, org.id)).toEqual(VERIFIED);
    expect(await checkNewId(db, `${ns}Logging`, outsider.id)).toEqual(RESERVED);
    expect(await checkNewId(db, `${ns.toLowerCase()}logging.extra`, outsider.id)).toEqual(RESERVED);
    // the prefix itself less its dot, or a longer word, is not inside "Contoso…."
    expect(await checkNewId(db, ns.slice(0, -1), outsider.id)).toEqual(ALLOWED);
    expect(await checkNewId(db, `${ns.slice(0, -1)}Extra`, outsider.id)).toEqual(ALLOWED);
  });

  it("an exact reservation matches only the id itself (any case), not longer ids", async () => {
    const db = getDb();
    const id = `${fresh("Exact")}.Core`;
    await reserve(db, id, { isPrefix: false, owners: [outsider.id] });
    expect(await checkNewId(db, id.toLowerCase(), member.id)).toEqual(RESERVED);
    expect(await checkNewId(db, id, outsider.id)).toEqual(VERIFIED);
    expect(await checkNewId(db, `${id}.Extra`, member.id)).toEqual(ALLOWED);
    expect(await checkNewId(db, id.slice(0, -1), member.id)).toEqual(ALLOWED);
  });

  it("a reservation with no owners refuses everyone with the other text", async () => {
    const db = getDb();
    const ns = `${fresh()}.`;
    await reserve(db, ns);
    expect(await checkNewId(db, `${ns}A`, outsider.id)).toEqual(RESERVED_NO_OWNER);
    expect(await checkNewId(db, `${ns}A`, org.id)).toEqual(RESERVED_NO_OWNER);
  });

  it("a shared namespace lets anyone push, and only its owners' ids are verified", async () => {
    const db = getDb();
    const ns = `${fresh("Shared")}.`;
    await reserve(db, ns, { isShared: true, owners: [org.id] });
    expect(await checkNewId(db, `${ns}Anything`, outsider.id)).toEqual(ALLOWED);
    expect(await checkNewId(db, `${ns}Anything`, org.id)).toEqual(VERIFIED);
    // a shared prefix anywhere among the matches is enough, even beside a closed one inside it
    await reserve(db, `${ns}Closed.`, { owners: [outsider.id] });
    expect(await checkNewId(db, `${ns}Closed.Thing`, member.id)).toEqual(ALLOWED);
  });

  it("an organization's reservation covers its keys' pushes, not its member personally; a member's covers neither the org", async () => {
    const db = getDb();
    const orgNs = `${fresh("OrgNs")}.`;
    await reserve(db, orgNs, { owners: [org.id] });
    expect(await checkNewId(db, `${orgNs}Lib`, org.id)).toEqual(VERIFIED);
    expect(await checkNewId(db, `${orgNs}Lib`, member.id)).toEqual(RESERVED);

    const personalNs = `${fresh("MemberNs")}.`;
    await reserve(db, personalNs, { owners: [member.id] });
    expect(await checkNewId(db, `${personalNs}Lib`, member.id)).toEqual(VERIFIED);
    expect(await checkNewId(db, `${personalNs}Lib`, org.id)).toEqual(RESERVED);
  });

  it("several owners: any one of them may push; '_' and '%' in values are literal, not wildcards", async () => {
    const db = getDb();
    const ns = `${fresh("Multi")}_`;
    await reserve(db, ns, { owners: [outsider.id, org.id] });
    expect(await checkNewId(db, `${ns}X`, outsider.id)).toEqual(VERIFIED);
    expect(await checkNewId(db, `${ns}X`, org.id)).toEqual(VERIFIED);
    expect(await checkNewId(db, `${ns}X`, member.id)).toEqual(RESERVED);
    // "Multi…_" reserved: "Multi…X" (X where '_' stands) is not inside it
    expect(await checkNewId(db, `${ns.slice(0, -1)}XY`, member.id)).toEqual(ALLOWED);
  });

  it("a 100-character id is one query too; an unknown owner id is just not an owner", async () => {
    const db = getDb();
    const ns = fresh("Long");
    await reserve(db, ns, { owners: [org.id] });
    const id = `${ns}${"a".repeat(100 - ns.length)}`;
    expect(id).toHaveLength(100);
    expect(await checkNewId(db, id, org.id)).toEqual(VERIFIED);
    expect(await checkNewId(db, id, "no-such-account")).toEqual(RESERVED);
  });

  it("addPackageVersion stores the verified flag of a new id in the push's transaction; by default it stays off", async () => {
    const db = getDb();
    const dir = mkdtempSync(path.join(tmpdir(), "ns-pkgs-"));
    const make = (id: string, verified?: boolean) =>
      addPackageVersion(
        db,
        { registrationId: null, packageId: id, ownerId: org.id, version: parseVersion("1.0.0")!, bytes: buildNupkg({ id, version: "1.0.0" }), pushedById: member.id, pushedByKeyId: null, pushedByKeyName: null, verified },
        dir,
      );
    const [a, b] = [`${fresh("Ver")}.A`, `${fresh("Ver")}.B`];
    expect((await make(a, true)).status).toBe("created");
    expect((await make(b)).status).toBe("created");
    const rows = await db.packageRegistration.findMany({ where: { idKey: { in: [a.toLowerCase(), b.toLowerCase()] } }, select: { idKey: true, verified: true } });
    expect(Object.fromEntries(rows.map((r) => [r.idKey, r.verified]))).toEqual({ [a.toLowerCase()]: true, [b.toLowerCase()]: false });
  });
});

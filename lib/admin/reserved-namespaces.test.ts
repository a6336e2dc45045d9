import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { makeOrganization } from "@/tests/organizations";
import type { Db } from "@/lib/create-db";
import { checkEnv, parseEnv } from "@/lib/env";
import { checkNewId } from "@/lib/packages/reserved-namespaces";
import { MESSAGES } from "@/lib/nuget/responses";
import { addReservationOwner, listReservations, NAMESPACE_MESSAGES as M, namespaceError, removeReservationOwner, reserveNamespace, unreserveNamespace } from "./reserved-namespaces";
import { isSiteAdmin } from "./site-admins";

process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "ns-admin-mail-"));
delete process.env.SMTP_URL;
// the administrators' names, made per database below; an organization named as one must not act
const ADMIN = `Admin_${randomBytes(4).toString("hex")}`;
const LOCKED_ADMIN = `Locked_${randomBytes(4).toString("hex")}`;
process.env.SITE_ADMINS = ` ${ADMIN.toUpperCase()} , ${LOCKED_ADMIN}`;

const fresh = (stem = "Ns") => `${stem}${randomBytes(4).toString("hex")}`;

async function person(db: Db, username = `u_${randomBytes(5).toString("hex")}`, locked = false) {
  return db.user.create({ data: { username, usernameKey: username.toLowerCase(), email: `${username.toLowerCase()}@example.test`, emailConfirmedAt: new Date(), locked }, select: { id: true, username: true } });
}

describe("SITE_ADMINS", () => {
  it("is a comma-separated list of usernames, compared without regard to case; unset = nobody", () => {
    expect(parseEnv({ SITE_ADMINS: "Alice, bob,alice" }).SITE_ADMINS).toEqual(["alice", "bob"]);
    expect(parseEnv({}).SITE_ADMINS).toBeUndefined();
    expect(isSiteAdmin("ALICE", { SITE_ADMINS: "alice" })).toBe(true);
    expect(isSiteAdmin("alice", {})).toBe(false);
    expect(isSiteAdmin("alicex", { SITE_ADMINS: "alice" })).toBe(false);
    for (const bad of ["alice,,bob", "alice bob", "al*ce", ","]) {
      expect(() => parseEnv({ SITE_ADMINS: bad }), bad).toThrow(/SITE_ADMINS must be a comma-separated list of usernames/);
    }
  });
});

it("namespaceError: nuget.org's namespace rule (the package id rule, ending '.' or '-' allowed) and texts", () => {
  for (const ok of ["Contoso", "Contoso.", "Contoso-", "Contoso.Tools.", "My_Lib", "a"]) expect(namespaceError(ok), ok).toBeNull();
  expect(namespaceError("")).toBe("Invalid namespace specified");
  expect(namespaceError("   ")).toBe("Invalid namespace specified");
  expect(namespaceError("x".repeat(101))).toBe("Namespace must not exceed 100 characters.");
  expect(namespaceError("x".repeat(1000))).toBe("Namespace must not exceed 100 characters.");
  for (const bad of ["Contoso..", ".Contoso", "Con toso", "Contoso.*", "<script>", "a/b", "Ünïcode", "a\u0000b", "a\nb", "-a"]) {
    expect(namespaceError(bad), bad).toBe(`The namespace '${bad}' contains invalid characters. Examples of valid namespaces include 'MyNamespace', 'MyNamespace.' or 'MyNamespace-' etc.`);
  }
});

describeEachDb("reserved namespaces, site administrators", (getDb) => {
  let admin: { id: string; username: string };
  let locked: { id: string };
  let outsider: { id: string; username: string };
  let org: { id: string; username: string };
  beforeAll(async () => {
    checkEnv(); // reads SITE_ADMINS as set above
    const db = getDb();
    admin = await person(db, ADMIN);
    locked = await person(db, LOCKED_ADMIN, true);
    outsider = await person(db);
    org = await makeOrganization(db, outsider.id);
  });

  const reserve = (value: unknown, isPrefix = true, isShared = false, actor = admin.id) => reserveNamespace(getDb(), actor, { value, isPrefix, isShared });
  const ownersOf = async (value: string) => (await listReservations(getDb(), admin.id))!.find((r) => r.value === value)?.owners.map((o) => o.username);

  it("an administrator reserves, lists, adds and removes owners (people and organizations), and deletes, with nuget.org's texts and audits", async () => {
    const db = getDb();
    const ns = `${fresh("Contoso")}.`;
    expect(await reserve(` ${ns} `)).toEqual({ ok: true, message: `The prefix '${ns}' has been reserved.` });
    expect((await listReservations(db, admin.id))!.find((r) => r.value === ns)).toEqual({ value: ns, isPrefix: true, isShared: false, owners: [] });

    expect(await addReservationOwner(db, admin.id, ns.toLowerCase(), org.username.toUpperCase())).toEqual({ ok: true, message: `The user '${org.username}' is now an owner of the prefix '${ns}'.` });
    expect(await addReservationOwner(db, admin.id, ns, outsider.username)).toMatchObject({ ok: true });
    expect(await ownersOf(ns)).toEqual([org.username, outsider.username].sort((a, b) => a.localeCompare(b)));
    expect((await listReservations(db, admin.id))!.find((r) => r.value === ns)!.owners.find((o) => o.username === org.username)?.isOrganization).toBe(true);
    expect(await addReservationOwner(db, admin.id, ns, org.username)).toEqual({ ok: false, error: `The user '${org.username}' is already an owner of the specified namespace.` });
    // what a push now meets
    expect(await checkNewId(db, `${ns}Lib`, org.id)).toEqual({ allowed: true, verified: true });
    expect(await checkNewId(db, `${ns}Lib`, admin.id)).toEqual({ allowed: false, reason: MESSAGES.idReserved });

    expect(await removeReservationOwner(db, admin.id, ns, outsider.username)).toEqual({ ok: true, message: `The user '${outsider.username}' was removed from owners list of prefix '${ns}'.` });
    expect(await removeReservationOwner(db, admin.id, ns, outsider.username)).toEqual({ ok: false, error: `User '${outsider.username}' is not an owner of the specified namespace` });
    expect(await ownersOf(ns)).toEqual([org.username]);

    expect(await unreserveNamespace(db, admin.id, ns)).toEqual({ ok: true, message: `The prefix '${ns}' has been deleted.` });
    expect(await unreserveNamespace(db, admin.id, ns)).toEqual({ ok: false, error: `Namespace '${ns}' not found.` });
    expect(await db.reservedNamespaceOwner.count({ where: { userId: org.id } })).toBe(0);
    expect(await checkNewId(db, `${ns}Lib`, admin.id)).toEqual({ allowed: true, verified: false });

    const audits = await db.auditRecord.findMany({ where: { actorId: admin.id, target: ns }, select: { action: true } });
    expect(audits.map((a) => a.action).sort()).toEqual(["AddReservedNamespaceOwner", "AddReservedNamespaceOwner", "RemoveReservedNamespaceOwner", "ReserveNamespace", "UnreserveNamespace"]);
  });

  it("refuses a value already reserved (any case, prefix or exact) or more liberal than one, and makes a value under a shared prefix shared", async () => {
    const stem = fresh("Taken");
    expect(await reserve(`${stem}.Tools.`)).toMatchObject({ ok: true });
    const notAvailable = { ok: false, error: "The specified namespace is already reserved or is a more liberal namespace." };
    expect(await reserve(`${stem.toUpperCase()}.TOOLS.`)).toEqual(notAvailable);
    expect(await reserve(`${stem}.Tools.`, false)).toEqual(notAvailable);
    // "Taken….", a prefix of an existing reservation, is more liberal
    expect(await reserve(`${stem}.`)).toEqual(notAvailable);
    // a narrower one inside it is fine (nuget.org allows nesting downwards)
    expect(await reserve(`${stem}.Tools.Extra.`)).toMatchObject({ ok: true });
    // exact: only the same value clashes
    expect(await reserve(`${stem}.Exact`, false)).toMatchObject({ ok: true });
    expect(await reserve(`${stem}.Exact`, false)).toEqual(notAvailable);

    const shared = `${fresh("Shared")}.`;
    expect(await reserve(shared, true, true)).toMatchObject({ ok: true });
    expect(await reserve(`${shared}Inner.`, true, false)).toMatchObject({ ok: true });
    expect((await listReservations(getDb(), admin.id))!.find((r) => r.value === `${shared}Inner.`)?.isShared).toBe(true);
  });

  it("verified ticks follow the reservations: adding an owner ticks its ids inside; removing it or deleting the namespace unticks those no other held reservation covers", async () => {
    const db = getDb();
    const stem = fresh("Tick");
    const registration = async (packageId: string, ownerIds: string[]) =>
      (await db.packageRegistration.create({ data: { packageId, idKey: packageId.toLowerCase(), owners: { create: ownerIds.map((userId) => ({ userId })) } }, select: { id: true } })).id;
    const tick = async (id: string) => (await db.packageRegistration.findUniqueOrThrow({ where: { id }, select: { verified: true } })).verified;
    const orgs = await registration(`${stem}.Org.Lib`, [org.id]);
    const shared = await registration(`${stem}.Both.Lib`, [org.id, outsider.id]);
    const others = await registration(`${stem}.Other.Lib`, [outsider.id]);
    const outside = await registration(`${stem}x.Org`, [org.id]);
    await reserve(`${stem}.`);
    await addReservationOwner(db, admin.id, `${stem}.`, org.username);
    expect([await tick(orgs), await tick(shared), await tick(others), await tick(outside)]).toEqual([true, true, false, false]);

    // the outsider holds an exact reservation for their own id: removing the org leaves it ticked
    await reserve(`${stem}.Both.Lib`, false);
    await addReservationOwner(db, admin.id, `${stem}.Both.Lib`, outsider.username);
    await removeReservationOwner(db, admin.id, `${stem}.`, org.username);
    expect([await tick(orgs), await tick(shared), await tick(others)]).toEqual([false, true, false]);

    await addReservationOwner(db, admin.id, `${stem}.`, org.username);
    expect(await tick(orgs)).toBe(true);
    await unreserveNamespace(db, admin.id, `${stem}.`);
    expect([await tick(orgs), await tick(shared)]).toEqual([false, true]);
    await unreserveNamespace(db, admin.id, `${stem}.Both.Lib`);
    expect(await tick(shared)).toBe(false);
  });

  it("crafted inputs: empty, 1000 characters, odd characters and non-strings are refused with nuget.org's texts; nothing is stored", async () => {
    const db = getDb();
    const before = await db.reservedNamespace.count();
    expect(await reserve("")).toEqual({ ok: false, error: M.invalidNamespace });
    expect(await reserve(42)).toEqual({ ok: false, error: M.invalidNamespace });
    expect(await reserve({ value: "x" })).toEqual({ ok: false, error: M.invalidNamespace });
    expect(await reserve("x".repeat(1000))).toEqual({ ok: false, error: M.tooLong(100) });
    for (const bad of ["a%", "a'; DROP TABLE x;--", "<img src=x>", "Ünï", "a..b", "*"]) expect(await reserve(bad), bad).toEqual({ ok: false, error: M.invalidCharacters(bad) });
    expect(await db.reservedNamespace.count()).toBe(before);

    const ns = `${fresh()}.`;
    await reserve(ns);
    expect(await addReservationOwner(db, admin.id, ns, "")).toEqual({ ok: false, error: M.invalidUsername });
    expect(await addReservationOwner(db, admin.id, ns, ["x"])).toEqual({ ok: false, error: M.invalidUsername });
    expect(await addReservationOwner(db, admin.id, ns, "no_such_user_x")).toEqual({ ok: false, error: M.userNotFound("no_such_user_x") });
    expect(await addReservationOwner(db, admin.id, ns, "y".repeat(1000))).toEqual({ ok: false, error: M.userNotFound("y".repeat(1000)) });
    expect(await addReservationOwner(db, admin.id, "", outsider.username)).toEqual({ ok: false, error: M.invalidNamespace });
    expect(await addReservationOwner(db, admin.id, "z".repeat(1000), outsider.username)).toEqual({ ok: false, error: M.notFound("z".repeat(1000)) });
    expect(await removeReservationOwner(db, admin.id, `${ns}x`, outsider.username)).toEqual({ ok: false, error: M.notFound(`${ns}x`) });
    expect(await unreserveNamespace(db, admin.id, null)).toEqual({ ok: false, error: M.invalidNamespace });
    expect(await ownersOf(ns)).toEqual([]);
  });

  it("anyone else, with a real reservation's value and real usernames, is refused and changes nothing: a person, a locked administrator, an organization named in SITE_ADMINS", async () => {
    const db = getDb();
    const ns = `${fresh("Guarded")}.`;
    await reserve(ns);
    await addReservationOwner(db, admin.id, ns, org.username);
    const orgAdmin = await db.user.create({
      data: { username: `OrgAdmin_${randomBytes(3).toString("hex")}`, usernameKey: `orgadmin_${randomBytes(3).toString("hex")}`, email: `${fresh("o")}@org.test`, isOrganization: true },
      select: { id: true },
    });
    const denied = { ok: false, error: "User is not authorized" };
    for (const actor of [outsider.id, locked.id, orgAdmin.id, org.id, "", "no-such-id"]) {
      expect(await listReservations(db, actor)).toBeNull();
      expect(await reserveNamespace(db, actor, { value: `${fresh()}.`, isPrefix: true, isShared: true })).toEqual(denied);
      expect(await unreserveNamespace(db, actor, ns)).toEqual(denied);
      expect(await addReservationOwner(db, actor, ns, outsider.username)).toEqual(denied);
      expect(await removeReservationOwner(db, actor, ns, org.username)).toEqual(denied);
    }
    expect(await ownersOf(ns)).toEqual([org.username]);
    expect(await db.auditRecord.count({ where: { actorId: { in: [outsider.id, locked.id, org.id] }, action: { in: ["ReserveNamespace", "UnreserveNamespace", "AddReservedNamespaceOwner", "RemoveReservedNamespaceOwner"] } } })).toBe(0);
  });
});

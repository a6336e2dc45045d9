// Reserved namespaces, as site administrators manage them (nuget.org's admin ReservedNamespace
// page and ReservedNamespaceService), with nuget.org's texts:
//
//   listReservations(db, actorId)                                  null for anyone but a site admin
//   reserveNamespace(db, actorId, {value, isPrefix, isShared}, ip)  value validated as nuget.org's
//   unreserveNamespace(db, actorId, value, ip)                       namespace rule
//   addReservationOwner / removeReservationOwner(db, actorId, value, username, ip)
//
// Each re-reads the acting person and checks SITE_ADMINS here, whatever the page or action did.
// A namespace is named by its value, ignoring case (nuget.org's FindReservedNamespaceForPrefix).
// Owners may be people or organizations. As nuget.org, an owner change or a deletion also sets
// each affected id's verified tick again: verified = one of its owners holds a reservation covering it.
import "server-only";
import { writeAudit } from "@/lib/audit";
import type { Db, DbTransaction } from "@/lib/create-db";
import { constraintViolation } from "@/lib/driver-sql";
import { MAX_PACKAGE_ID_LENGTH } from "@/lib/nuget/package-id";
import { isSiteAdmin } from "./site-admins";

export const NAMESPACE_MESSAGES = {
  notAuthorized: "User is not authorized",
  invalidNamespace: "Invalid namespace specified",
  invalidUsername: "Invalid or null username specified.",
  tooLong: (max: number) => `Namespace must not exceed ${max} characters.`,
  invalidCharacters: (value: string) =>
    `The namespace '${value}' contains invalid characters. Examples of valid namespaces include 'MyNamespace', 'MyNamespace.' or 'MyNamespace-' etc.`,
  notAvailable: "The specified namespace is already reserved or is a more liberal namespace.",
  notFound: (value: string) => `Namespace '${value}' not found.`,
  userNotFound: (username: string) => `User not found with username '${username}'`,
  alreadyOwner: (username: string) => `The user '${username}' is already an owner of the specified namespace.`,
  notAnOwner: (username: string) => `User '${username}' is not an owner of the specified namespace`,
  prefixAdded: (value: string) => `The prefix '${value}' has been reserved.`,
  prefixRemoved: (value: string) => `The prefix '${value}' has been deleted.`,
  ownerAdded: (username: string, value: string) => `The user '${username}' is now an owner of the prefix '${value}'.`,
  ownerRemoved: (username: string, value: string) => `The user '${username}' was removed from owners list of prefix '${value}'.`,
} as const;

// nuget.org's namespace rule: the package id rule, but it may end in '.' or '-' ("Contoso.")
const NAMESPACE = /^\w+([.-]\w+)*[.-]?$/;

/** null when valid, else nuget.org's message (whitespace, then length, then characters). */
export function namespaceError(value: string): string | null {
  if (value.trim() === "") return NAMESPACE_MESSAGES.invalidNamespace;
  if (value.length > MAX_PACKAGE_ID_LENGTH) return NAMESPACE_MESSAGES.tooLong(MAX_PACKAGE_ID_LENGTH);
  if (!NAMESPACE.test(value)) return NAMESPACE_MESSAGES.invalidCharacters(value);
  return null;
}

type AdminRefusal = { ok: false; error: string };
export type AdminResult = { ok: true; message: string } | AdminRefusal;

export interface ReservationRow {
  value: string;
  isPrefix: boolean;
  isShared: boolean;
  owners: { username: string; isOrganization: boolean }[];
}

const refuse = (error: string): AdminRefusal => ({ ok: false, error });
const NOT_AUTHORIZED = refuse(NAMESPACE_MESSAGES.notAuthorized);

/** The acting person, when they are a site administrator now (never an organization, never locked). */
async function siteAdmin(db: Db, actorId: string): Promise<{ id: string } | null> {
  if (typeof actorId !== "string" || actorId === "") return null;
  const user = await db.user.findFirst({ where: { id: actorId, isOrganization: false, locked: false }, select: { id: true, username: true } });
  return user && isSiteAdmin(user.username) ? { id: user.id } : null;
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

export async function listReservations(db: Db, actorId: string): Promise<ReservationRow[] | null> {
  if (!(await siteAdmin(db, actorId))) return null;
  const rows = await db.reservedNamespace.findMany({
    orderBy: [{ valueKey: "asc" }, { isPrefix: "asc" }],
    select: { value: true, isPrefix: true, isShared: true, owners: { select: { user: { select: { username: true, isOrganization: true } } } } },
  });
  return rows.map((r) => ({
    value: r.value,
    isPrefix: r.isPrefix,
    isShared: r.isShared,
    owners: r.owners.map((o) => o.user).sort((a, b) => a.username.localeCompare(b.username)),
  }));
}

/** Namespaces whose value covers `valueKey` (prefixes of it, or equal): nuget.org's GetReservedNamespacesForId. */
async function covering(db: Db, valueKey: string) {
  const prefixes = Array.from({ length: valueKey.length }, (_, i) => valueKey.slice(0, i + 1));
  const rows = await db.reservedNamespace.findMany({ where: { valueKey: { in: prefixes } }, select: { valueKey: true, isPrefix: true, isShared: true } });
  return rows.filter((r) => r.isPrefix || r.valueKey === valueKey);
}

/**
 * nuget.org's AddReservedNamespaceAsync: refused when the value is taken, or (for a prefix) when
 * a reservation inside it exists; made shared when a shared reservation already covers it.
 */
export async function reserveNamespace(
  db: Db,
  actorId: string,
  input: { value: unknown; isPrefix: unknown; isShared: unknown },
  ip: string | null = null,
): Promise<AdminResult> {
  const admin = await siteAdmin(db, actorId);
  if (!admin) return NOT_AUTHORIZED;
  const value = text(input.value).trim();
  const invalid = namespaceError(value);
  if (invalid) return refuse(invalid);
  const isPrefix = input.isPrefix === true;
  const valueKey = value.toLowerCase();
  // startsWith may read '_' as a LIKE wildcard: the exact test runs again here
  const taken = await db.reservedNamespace.findMany({ where: isPrefix ? { valueKey: { startsWith: valueKey } } : { valueKey }, select: { valueKey: true } });
  if (taken.some((r) => (isPrefix ? r.valueKey.startsWith(valueKey) : r.valueKey === valueKey))) return refuse(NAMESPACE_MESSAGES.notAvailable);
  const isShared = input.isShared === true || (await covering(db, valueKey)).some((r) => r.isShared);
  try {
    await db.$transaction(async (tx) => {
      await tx.reservedNamespace.create({ data: { value, valueKey, isPrefix, isShared } });
      await writeAudit(tx, { actorId: admin.id, action: "ReserveNamespace", target: value, details: { isPrefix, isShared }, ip });
    });
  } catch (e) {
    // another administrator reserved it meanwhile
    if (constraintViolation(e) === "unique" || (e as { code?: unknown }).code === "P2002") return refuse(NAMESPACE_MESSAGES.notAvailable);
    throw e;
  }
  return { ok: true, message: NAMESPACE_MESSAGES.prefixAdded(value) };
}

async function findNamespace(db: Db, value: string) {
  if (value.trim() === "" || value.length > MAX_PACKAGE_ID_LENGTH) return null;
  return db.reservedNamespace.findFirst({ where: { valueKey: value.toLowerCase() }, select: { id: true, value: true, valueKey: true, isPrefix: true } });
}

const prefixesOf = (key: string) => Array.from({ length: key.length }, (_, i) => key.slice(0, i + 1));

/** The ids a namespace covers whose tick may change: those `ownerId` owns (when given), ticked or not as `verified` says. */
async function coveredIds(tx: DbTransaction, ns: { valueKey: string; isPrefix: boolean }, verified: boolean, ownerId?: string): Promise<string[]> {
  const rows = await tx.packageRegistration.findMany({
    where: { idKey: ns.isPrefix ? { startsWith: ns.valueKey } : ns.valueKey, verified, ...(ownerId ? { owners: { some: { userId: ownerId } } } : {}) },
    select: { id: true, idKey: true },
  });
  // startsWith may read '_' as a LIKE wildcard: the exact test runs again here
  return rows.filter((r) => (ns.isPrefix ? r.idKey.startsWith(ns.valueKey) : r.idKey === ns.valueKey)).map((r) => r.id);
}

/** nuget.org's verified tick, set again for each id: one of its owners holds a reservation covering it. */
async function refreshVerified(tx: DbTransaction, registrationIds: string[]): Promise<void> {
  for (const id of registrationIds) {
    const reg = await tx.packageRegistration.findUnique({ where: { id }, select: { idKey: true, owners: { select: { userId: true } } } });
    if (!reg) continue;
    const held = await tx.reservedNamespace.count({
      where: {
        valueKey: { in: prefixesOf(reg.idKey) },
        OR: [{ isPrefix: true }, { valueKey: reg.idKey }],
        owners: { some: { userId: { in: reg.owners.map((o) => o.userId) } } },
      },
    });
    await tx.packageRegistration.update({ where: { id }, data: { verified: held > 0 } });
  }
}

export async function unreserveNamespace(db: Db, actorId: string, value: unknown, ip: string | null = null): Promise<AdminResult> {
  const admin = await siteAdmin(db, actorId);
  if (!admin) return NOT_AUTHORIZED;
  const v = text(value);
  if (v.trim() === "") return refuse(NAMESPACE_MESSAGES.invalidNamespace);
  const ns = await findNamespace(db, v);
  if (!ns) return refuse(NAMESPACE_MESSAGES.notFound(v));
  const deleted = await db.$transaction(async (tx) => {
    const covered = await coveredIds(tx, ns, true);
    const { count } = await tx.reservedNamespace.deleteMany({ where: { id: ns.id } });
    if (!count) return 0;
    await refreshVerified(tx, covered);
    await writeAudit(tx, { actorId: admin.id, action: "UnreserveNamespace", target: ns.value, ip });
    return count;
  });
  return deleted ? { ok: true, message: NAMESPACE_MESSAGES.prefixRemoved(ns.value) } : refuse(NAMESPACE_MESSAGES.notFound(v));
}

/** A person or an organization by username (a deleted organization is no one). */
async function findAccount(db: Db, username: string) {
  if (username.length > 200) return null;
  return db.user.findFirst({ where: { usernameKey: username.toLowerCase(), deletedAt: null }, select: { id: true, username: true } });
}

/** What both owner actions check first: a site administrator, a reservation and an account, by name. */
async function ownerChange(db: Db, actorId: string, value: unknown, username: unknown) {
  const admin = await siteAdmin(db, actorId);
  if (!admin) return NOT_AUTHORIZED;
  const [v, name] = [text(value), text(username).trim()];
  if (v.trim() === "") return refuse(NAMESPACE_MESSAGES.invalidNamespace);
  if (name === "") return refuse(NAMESPACE_MESSAGES.invalidUsername);
  const ns = await findNamespace(db, v);
  if (!ns) return refuse(NAMESPACE_MESSAGES.notFound(v));
  const account = await findAccount(db, name);
  if (!account) return refuse(NAMESPACE_MESSAGES.userNotFound(name));
  return { ok: true as const, admin, v, ns, account };
}

export async function addReservationOwner(db: Db, actorId: string, value: unknown, username: unknown, ip: string | null = null): Promise<AdminResult> {
  const change = await ownerChange(db, actorId, value, username);
  if (!change.ok) return change;
  const { admin, v, ns, account } = change;
  try {
    await db.$transaction(async (tx) => {
      await tx.reservedNamespaceOwner.create({ data: { namespaceId: ns.id, userId: account.id } });
      await refreshVerified(tx, await coveredIds(tx, ns, false, account.id));
      await writeAudit(tx, { actorId: admin.id, action: "AddReservedNamespaceOwner", target: ns.value, details: { owner: account.username }, ip });
    });
  } catch (e) {
    if ((e as { code?: unknown }).code === "P2002" || constraintViolation(e) === "unique") return refuse(NAMESPACE_MESSAGES.alreadyOwner(account.username));
    // the namespace was deleted meanwhile
    if ((e as { code?: unknown }).code === "P2003" || constraintViolation(e) === "foreign-key") return refuse(NAMESPACE_MESSAGES.notFound(v));
    throw e;
  }
  return { ok: true, message: NAMESPACE_MESSAGES.ownerAdded(account.username, ns.value) };
}

export async function removeReservationOwner(db: Db, actorId: string, value: unknown, username: unknown, ip: string | null = null): Promise<AdminResult> {
  const change = await ownerChange(db, actorId, value, username);
  if (!change.ok) return change;
  const { admin, v, ns, account } = change;
  const removed = await db.$transaction(async (tx) => {
    const { count } = await tx.reservedNamespaceOwner.deleteMany({ where: { namespaceId: ns.id, userId: account.id } });
    if (count) await refreshVerified(tx, await coveredIds(tx, ns, true, account.id));
    if (count) await writeAudit(tx, { actorId: admin.id, action: "RemoveReservedNamespaceOwner", target: ns.value, details: { owner: account.username }, ip });
    return count;
  });
  return removed ? { ok: true, message: NAMESPACE_MESSAGES.ownerRemoved(account.username, ns.value) } : refuse(NAMESPACE_MESSAGES.notAnOwner(account.username));
}

// Reserved ID prefixes on push (nuget.org's ActionRequiringReservedNamespacePermissions, spec
// organizations.md §11): the rule for a NEW id, read in one indexed driver query on the push path.
import "server-only";
import type { Db } from "@/lib/create-db";
import { driverReader, type DriverSql } from "@/lib/driver-sql";
import { MESSAGES } from "@/lib/nuget/responses";
import { packageIdKey } from "@/lib/nuget/package-id";

/** What the matching reservations say, aggregated into one row. */
export interface ReservationMatch {
  /** how many reservations match the id (prefix: starts with; exact: equal; both ignoring case) */
  matching: number;
  /** some matching reservation is shared (public): anyone may push into it */
  shared: boolean;
  /** some matching reservation has the pushing account among its owners */
  owned: boolean;
  /** some matching reservation has owners at all (picks the 409 text) */
  hasOwners: boolean;
}

/**
 * Every reservation whose value is a prefix of the id (an IN over the id's prefixes, passed as
 * a JSON array: one statement text for any id length, so it is prepared once), kept when it is a
 * prefix reservation or equals the whole id. valueKey leads the (valueKey, isPrefix) unique index.
 */
export const RESERVATIONS_FOR_ID: DriverSql = {
  name: "reservations_for_id",
  sqlite: `SELECT COUNT(*) AS matching,
      COALESCE(MAX(n.isShared), 0) AS shared,
      COALESCE(MAX(EXISTS (SELECT 1 FROM ReservedNamespaceOwner o WHERE o.namespaceId = n.id AND o.userId = ?)), 0) AS owned,
      COALESCE(MAX(EXISTS (SELECT 1 FROM ReservedNamespaceOwner o WHERE o.namespaceId = n.id)), 0) AS hasOwners
    FROM ReservedNamespace n
    WHERE n.valueKey IN (SELECT value FROM json_each(?)) AND (n.isPrefix OR n.valueKey = ?)`,
  postgresql: `SELECT COUNT(*) AS matching,
      COALESCE(bool_or(n."isShared"), false) AS shared,
      COALESCE(bool_or(EXISTS (SELECT 1 FROM "ReservedNamespaceOwner" o WHERE o."namespaceId" = n.id AND o."userId" = $1)), false) AS owned,
      COALESCE(bool_or(EXISTS (SELECT 1 FROM "ReservedNamespaceOwner" o WHERE o."namespaceId" = n.id)), false) AS "hasOwners"
    FROM "ReservedNamespace" n
    WHERE n."valueKey" = ANY (ARRAY(SELECT json_array_elements_text($2::json))) AND (n."isPrefix" OR n."valueKey" = $3)`,
  columns: { matching: "number", shared: "boolean", owned: "boolean", hasOwners: "boolean" },
};

/** Marks a registration verified, in the push's transaction (see addPackageVersion). */
export const MARK_VERIFIED: DriverSql = {
  name: "push_mark_verified",
  sqlite: `UPDATE PackageRegistration SET verified = 1 WHERE id = ?`,
  postgresql: `UPDATE "PackageRegistration" SET verified = true WHERE id = $1`,
};

/** Every prefix of the lower-cased id, the whole id included: the values a matching reservation can have. */
export function idPrefixes(packageId: string): string[] {
  const key = packageIdKey(packageId);
  return Array.from({ length: key.length }, (_, i) => key.slice(0, i + 1));
}

export async function matchReservations(db: Db, packageId: string, ownerId: string): Promise<ReservationMatch> {
  const row = await driverReader(db).one<ReservationMatch>(RESERVATIONS_FOR_ID, [ownerId, JSON.stringify(idPrefixes(packageId)), packageIdKey(packageId)]);
  return row ?? { matching: 0, shared: false, owned: false, hasOwners: false };
}

export type NewIdDecision =
  /** verified: the pushing account owns a matching reservation (nuget.org's IsVerified tick) */
  | { allowed: true; verified: boolean }
  /** 409 Conflict with this reason */
  | { allowed: false; reason: string };

/**
 * nuget.org's rule for a new id, pure: no matching reservation, or a shared one, or one the
 * pushing account (the key's scope owner: the organization for an organization key, never the
 * member personally) owns → allowed; otherwise 409 with the text for owned or ownerless ones.
 */
export function decideNewId(match: ReservationMatch): NewIdDecision {
  if (match.matching === 0) return { allowed: true, verified: false };
  if (match.owned) return { allowed: true, verified: true };
  if (match.shared) return { allowed: true, verified: false };
  return { allowed: false, reason: match.hasOwners ? MESSAGES.idReserved : MESSAGES.idReservedNoOwner };
}

/** The push's check for a new id: one query, then the rule. */
export async function checkNewId(db: Db, packageId: string, ownerId: string): Promise<NewIdDecision> {
  return decideNewId(await matchReservations(db, packageId, ownerId));
}

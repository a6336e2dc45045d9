// Publishing one version, the one path both ways in share: a push (lib/nuget/push.ts) and an
// upload's Submit (lib/packages/pending-uploads.ts). The id is looked up for the publishing
// owner, the caller's own checks run (a key's scopes, or a browser user's accounts), then an
// existing version, a reserved prefix for a new id, and the file and rows (addPackageVersion).
import "server-only";
import type { Db } from "@/lib/create-db";
import { checkNewId } from "./reserved-namespaces";
import { packagesDir } from "./files";
import { addPackageVersion, findPackage, type FoundPackage, type NewVersion } from "./store";

export interface PublishInput<R> extends Omit<NewVersion, "registrationId" | "verified"> {
  /** The caller's checks on the id as found for `ownerId` (null: a new id); a refusal stops the publish. */
  check: (found: FoundPackage | null) => Promise<R | null>;
}

export type PublishResult<R> =
  /** newId: the publish made the id (its first version) */
  | { status: "created"; versionId: string; registrationId: string; newId: boolean }
  /** `check` refused */
  | { status: "checked"; refusal: R }
  /** the version is already there (409) */
  | { status: "exists" }
  /** a new id inside a reserved prefix the owner may not use: 409 with this reason */
  | { status: "reserved"; reason: string }
  | { status: "key-gone" }
  /** `beforeCommit` said no */
  | { status: "refused" };

export async function publishVersion<R>(db: Db, input: PublishInput<R>, dir = packagesDir()): Promise<PublishResult<R>> {
  const { check, ...version } = input;
  // A first publish of a new id can lose the race for the id to another one: then look again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await findPackage(db, input.packageId, { ownerId: input.ownerId, versionKey: input.version.key }, dir);
    const refusal = await check(found);
    if (refusal !== null) return { status: "checked", refusal };
    if (found?.version) return { status: "exists" };
    // A new id inside a reserved prefix (spec organizations.md §11): existing ids are not checked
    const reservation = found ? null : await checkNewId(db, input.packageId, input.ownerId);
    if (reservation && !reservation.allowed) return { status: "reserved", reason: reservation.reason };
    const result = await addPackageVersion(db, { ...version, registrationId: found?.registrationId ?? null, verified: reservation?.verified ?? false }, dir);
    if (result.status === "created") return { ...result, newId: !found };
    if (result.status !== "id-taken") return result;
  }
  throw new Error(`publish of ${input.packageId} ${input.version.normalized}: the id kept changing hands`);
}

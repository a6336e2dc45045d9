// The app's own data layer, for tests that need keys on the e2e database: keys are made by
// createApiKey/regenerateApiKey/revokeApiKey exactly as the API keys page makes them, never
// by writing hashes by hand, and checked by authenticate() exactly as the API checks them.
// The module hook lets `server-only` modules load in the test process.
import { register } from "node:module";
import { e2eDb, type TestUser } from "../fixtures";

const flag = globalThis as { serverOnlyHook?: boolean };
if (!flag.serverOnlyHook) {
  register(new URL("./server-only-hook.mjs", import.meta.url));
  flag.serverOnlyHook = true;
}
const store = await import("@/lib/api-keys/store");
/** the API's key check, for tests to ask what the API makes of a key now */
export const { authenticate } = await import("@/lib/api-keys/authenticate");
/** where the store keeps a version's file */
export const { packageFilePath } = await import("@/lib/packages/files");
/** an id's package folder against its version rows (tests/packages.ts) */
export const { packageFolder } = await import("@/tests/packages");
/** the search index of an id, as a push or an unlist writes it (for rows seeded without a push) */
export const { reindexPackage } = await import("@/lib/packages/search-index");
/** organizations made and joined through the organizations store (tests/organizations.ts) */
export const { makeOrganization, joinOrganization } = await import("@/tests/organizations");

const DAY = 86_400_000;

export interface TestKey {
  id: string;
  plaintext: string;
}

export interface KeyOptions {
  name?: string;
  actions: string[];
  subjects: string[];
  /** one of the page's options (1, 90, 180, 270, 365) */
  expiresInDays?: number;
  /** when the key was made: in the past to get an expired or soon-expiring key */
  createdDaysAgo?: number;
  /** the package owner it acts for: an organization the user belongs to; the user by default */
  ownerId?: string;
}

export async function makeKey(user: TestUser, opts: KeyOptions): Promise<TestKey> {
  const now = new Date(Date.now() - (opts.createdDaysAgo ?? 0) * DAY);
  const r = await store.createApiKey(
    e2eDb(),
    user.id,
    { name: opts.name ?? `key ${opts.actions.join("+")}`, expiresInDays: opts.expiresInDays ?? 365, ownerId: opts.ownerId ?? user.id, actions: opts.actions, subjects: opts.subjects },
    now,
  );
  if (!r.ok) throw new Error(`createApiKey: ${r.error}`);
  return { id: r.key.id, plaintext: r.plaintext };
}

export async function regenerateKey(user: TestUser, key: TestKey): Promise<TestKey> {
  const r = await store.regenerateApiKey(e2eDb(), user.id, key.id);
  if (!r) throw new Error("regenerateApiKey: key not found");
  return { id: r.key.id, plaintext: r.plaintext };
}

export async function revokeKey(user: TestUser, key: TestKey): Promise<void> {
  if (!(await store.revokeApiKey(e2eDb(), user.id, key.id))) throw new Error("revokeApiKey: key not active");
}

export async function deleteKey(user: TestUser, key: TestKey): Promise<void> {
  if (!(await store.deleteApiKey(e2eDb(), user.id, key.id))) throw new Error("deleteApiKey: key not found");
}

/** The stored version row of id/version (ids are unique without regard to case), or null. */
export function findVersion(packageId: string, version: string) {
  return e2eDb().packageVersion.findFirst({
    where: { registration: { idKey: packageId.toLowerCase() }, versionKey: version.toLowerCase() },
    include: { registration: { include: { owners: true } } },
  });
}

// Site administrators for e2e (SITE_ADMINS in playwright.config.ts names them), and reserved
// namespaces made through the admin data layer, as the admin page makes them.
import { createHash } from "node:crypto";
import { hashPassword } from "@/lib/accounts/passwords";
import { e2eDb, type TestUser } from "./fixtures";
import "./nuget/data"; // registers the server-only hook before the data layer loads

const admin = await import("@/lib/admin/reserved-namespaces");

export const PAGE_ADMIN = "E2E_PageAdmin";
export const CLIENTS_ADMIN = "E2E_ClientsAdmin";

/** The named administrator, made on first use (tests in parallel may race to make it). */
export async function siteAdmin(username: string): Promise<TestUser> {
  // the same in every worker, and never rewritten once made: tests in parallel may sign in as
  // the same administrator (shaped as fixtures.ts's, which global-teardown looks for in the log)
  const password = `pw-${createHash("sha256").update(`e2e site admin ${username.toLowerCase()}`).digest("hex").slice(0, 16)}`;
  const passwordHash = await hashPassword(password);
  const email = `${username.toLowerCase()}@example.test`;
  const upsert = () =>
    e2eDb().user.upsert({
      where: { usernameKey: username.toLowerCase() },
      update: {},
      create: { username, usernameKey: username.toLowerCase(), email, passwordHash, emailConfirmedAt: new Date() },
      select: { id: true },
    });
  const user = await upsert().catch(upsert);
  return { id: user.id, username, email, password };
}

/** Reserves `value` (a prefix unless said otherwise) with these owners (usernames of people or organizations). */
export async function reserve(value: string, owners: string[], { isPrefix = true, isShared = false } = {}): Promise<void> {
  const by = await siteAdmin(CLIENTS_ADMIN);
  const made = await admin.reserveNamespace(e2eDb(), by.id, { value, isPrefix, isShared });
  if (!made.ok) throw new Error(made.error);
  for (const owner of owners) {
    const added = await admin.addReservationOwner(e2eDb(), by.id, value, owner);
    if (!added.ok) throw new Error(added.error);
  }
}

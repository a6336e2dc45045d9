// Test keys made with the real key material (generateKey: real hashing, never a hand-written
// hash), inserted straight into a test database. For the HTTP tests: Playwright's process cannot
// import lib/api-keys/store.ts ("server-only" throws outside Next), and some cases (an expired
// key, a key whose user no longer acts for its owner) are states the store never creates.
// Data-layer tests make ordinary keys through the store (createApiKey).
import { randomBytes } from "node:crypto";
import { generateKey } from "@/lib/api-keys/key-material";
import type { Db } from "@/lib/create-db";

export interface TestKeyOptions {
  userId: string;
  /** the scope owner; the user by default */
  ownerId?: string;
  actions: string[];
  /** package ids and globs; ["*"] by default */
  subjects?: string[];
  name?: string;
  expiresAt?: Date;
  revokedAt?: Date;
}

export async function insertTestKey(db: Db, opts: TestKeyOptions): Promise<{ id: string; plaintext: string; name: string }> {
  const { plaintext, lookupId, secretHash } = generateKey();
  const name = opts.name ?? `key-${randomBytes(4).toString("hex")}`;
  const subjects = opts.subjects ?? ["*"];
  const row = await db.apiKey.create({
    data: {
      userId: opts.userId,
      ownerId: opts.ownerId ?? opts.userId,
      name,
      lookupId,
      secretHash,
      expiresInDays: 365,
      expiresAt: opts.expiresAt ?? new Date(Date.now() + 365 * 86_400_000),
      revokedAt: opts.revokedAt ?? null,
      revocationSource: opts.revokedAt ? "User" : null,
      scopes: { create: opts.actions.flatMap((action) => subjects.map((subject) => ({ action, subject }))) },
    },
    select: { id: true },
  });
  return { id: row.id, plaintext, name };
}

export async function insertTestUser(db: Db, opts: { confirmed?: boolean; locked?: boolean } = {}): Promise<{ id: string; username: string }> {
  const username = `u_${randomBytes(5).toString("hex")}`;
  const user = await db.user.create({
    data: {
      username,
      usernameKey: username,
      email: `${username}@example.test`,
      emailConfirmedAt: opts.confirmed === false ? null : new Date(),
      locked: opts.locked ?? false,
    },
    select: { id: true },
  });
  return { id: user.id, username };
}

// Test keys made with the real key material (generateKey: real hashing, never a hand-written
// hash), inserted straight into a test database: the one place tests build a key row. For
// states the store never creates (an expired key, one made days ago, a key whose user no longer
// acts for its owner, scopes whose actions differ per subject), and for seeding without the
// store's side effects (its mails and audit rows are what some tests count). Tests of the store
// itself, and tests that want a key exactly as the page makes it, use createApiKey.
import { randomBytes } from "node:crypto";
import { generateKey } from "@/lib/api-keys/key-material";
import { generateVerifyKey, VERIFY_KEY_TYPE } from "@/lib/api-keys/verification-keys";
import type { Db } from "@/lib/create-db";

const DAY = 86_400_000;

type TestKeyScopes =
  | {
      /** each action on each subject; push by default */
      actions?: string[];
      /** package ids and globs; ["*"] by default */
      subjects?: string[];
      scopes?: never;
    }
  | {
      /** exact (action, subject) rows, instead of every action on every subject */
      scopes: [action: string, subject: string][];
      actions?: never;
      subjects?: never;
    };

export type TestKeyOptions = TestKeyScopes & {
  userId: string;
  /** the scope owner; the user by default */
  ownerId?: string;
  name?: string;
  /** 365 by default */
  expiresInDays?: number;
  /** now by default */
  createdAt?: Date;
  /** createdAt + expiresInDays by default, as the store sets it */
  expiresAt?: Date;
  /** revoked by the user at this time */
  revokedAt?: Date;
};

export async function insertTestKey(db: Db, opts: TestKeyOptions): Promise<{ id: string; plaintext: string; name: string }> {
  const { plaintext, lookupId, secretHash } = generateKey();
  const name = opts.name ?? `key-${randomBytes(4).toString("hex")}`;
  const scopes = opts.scopes ?? (opts.actions ?? ["package:push"]).flatMap((action) => (opts.subjects ?? ["*"]).map((subject): [string, string] => [action, subject]));
  const expiresInDays = opts.expiresInDays ?? 365;
  const createdAt = opts.createdAt ?? new Date();
  const expiresAt = opts.expiresAt ?? new Date(createdAt.getTime() + expiresInDays * DAY);
  // an expired key must be asked for (expiresAt), never the side effect of an old createdAt
  if (!opts.expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new Error("insertTestKey: this createdAt and expiresInDays give an already expired key; pass expiresAt if that is meant");
  }
  const row = await db.apiKey.create({
    data: {
      userId: opts.userId,
      ownerId: opts.ownerId ?? opts.userId,
      name,
      lookupId,
      secretHash,
      expiresInDays,
      createdAt,
      expiresAt,
      revokedAt: opts.revokedAt ?? null,
      revocationSource: opts.revokedAt ? "User" : null,
      scopes: { create: scopes.map(([action, subject]) => ({ action, subject })) },
    },
    select: { id: true },
  });
  return { id: row.id, plaintext, name };
}

/** A one-time verification key (a GUID) for `packageId`, as create-verification-key makes one: 1 day, package:verify on that id. */
export async function insertTestVerificationKey(db: Db, userId: string, packageId = "Contoso.Lib"): Promise<{ id: string; plaintext: string }> {
  const { plaintext, lookupId, secretHash } = generateVerifyKey();
  const row = await db.apiKey.create({
    data: {
      userId,
      ownerId: userId,
      type: VERIFY_KEY_TYPE,
      name: `Verification key for ${packageId}`,
      lookupId,
      secretHash,
      expiresInDays: 1,
      expiresAt: new Date(Date.now() + DAY),
      scopes: { create: { action: "package:verify", subject: packageId } },
    },
    select: { id: true },
  });
  return { id: row.id, plaintext };
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

// The statements that skip Prisma and run straight through the driver (better-sqlite3, pg), each
// written for both engines, and the reader and writer that run them on a client made by createDb.
// Why: see driverReader and driverWriter. Only data-layer modules use it.
import Database from "better-sqlite3";
import type pg from "pg";
import type { Db } from "./create-db";

/** How a column is read back alike on both engines (see normalizeRow). */
export type ColumnType = "boolean" | "date" | "json" | "number";

/** One statement written for each engine (identifiers, JSON functions and dates differ). */
export interface DriverSql {
  /** names the statement: prepared once per connection on both engines */
  name: string;
  sqlite: string;
  /** $1, $2… in the same order as the SQLite statement's ? */
  postgresql: string;
  /** columns whose engine types differ; the others are read as the driver answers them */
  columns?: Record<string, ColumnType>;
}

/**
 * SQLite answers 0/1 flags, ISO text dates (the Prisma adapter's format) and JSON text;
 * PostgreSQL booleans, epoch milliseconds (as the statements select dates) and parsed JSON,
 * and numeric types as text. Both are read as booleans, Dates, parsed JSON and numbers; null
 * stays null. An unreadable date becomes an Invalid Date: callers compare it and fail closed.
 */
export function normalizeRow<T>(sql: DriverSql, row: Record<string, unknown> | undefined): T | undefined {
  if (row === undefined || !sql.columns) return row as T | undefined;
  const out: Record<string, unknown> = { ...row };
  for (const [column, type] of Object.entries(sql.columns)) {
    const v = out[column];
    if (v === null || v === undefined) continue;
    if (type === "boolean") out[column] = Boolean(v);
    else if (type === "date") out[column] = new Date(v as string | number);
    else if (type === "json") out[column] = typeof v === "string" ? JSON.parse(v) : v;
    else out[column] = Number(v);
  }
  return out as T;
}

/**
 * The key, its user's and owner's flags, whether the user still acts for the owner (the owner
 * is the user, or an organization the user is a member of: the Membership row joined by its
 * primary key) and its scopes, in one round trip (authenticate). Found by its lookup id or by the
 * one its last roll replaced (previousLookupId, during the overlap): both unique, so the OR is
 * two index probes (SQLite's multi-index OR, PostgreSQL's BitmapOr; driver-sql.test.ts checks).
 */
export const KEY_BY_LOOKUP_ID: DriverSql = {
  name: "authenticate_key_row",
  sqlite: `SELECT k.id, k.type, k.name, k.userId, k.ownerId, k.secretHash, k.expiresAt, k.lastUsedAt,
      k.lookupId, k.previousSecretHash, k.previousValidUntil, k.previousLastUsedAt, k.allowedCidrs,
      k.revokedAt IS NOT NULL AS revoked, u.isOrganization AS userIsOrganization,
      o.username AS ownerUsername, o.emailConfirmedAt IS NOT NULL AS ownerConfirmed, o.locked AS ownerLocked,
      (k.ownerId = k.userId OR (o.isOrganization AND m.memberId IS NOT NULL)) AS ownerMatches,
      (SELECT json_group_array(json_object('action', s.action, 'subject', s.subject)) FROM ApiKeyScope s WHERE s.apiKeyId = k.id) AS scopes
    FROM ApiKey k JOIN User u ON u.id = k.userId JOIN User o ON o.id = k.ownerId
      LEFT JOIN Membership m ON m.organizationId = k.ownerId AND m.memberId = k.userId
    WHERE k.lookupId = ? OR k.previousLookupId = ?`,
  postgresql: `SELECT k.id, k.type, k.name, k."userId", k."ownerId", k."secretHash",
      (extract(epoch FROM k."expiresAt") * 1000)::float8 AS "expiresAt",
      (extract(epoch FROM k."lastUsedAt") * 1000)::float8 AS "lastUsedAt",
      k."lookupId", k."previousSecretHash", (extract(epoch FROM k."previousValidUntil") * 1000)::float8 AS "previousValidUntil",
      (extract(epoch FROM k."previousLastUsedAt") * 1000)::float8 AS "previousLastUsedAt", k."allowedCidrs",
      k."revokedAt" IS NOT NULL AS revoked, u."isOrganization" AS "userIsOrganization",
      o.username AS "ownerUsername", o."emailConfirmedAt" IS NOT NULL AS "ownerConfirmed", o.locked AS "ownerLocked",
      (k."ownerId" = k."userId" OR (o."isOrganization" AND m."memberId" IS NOT NULL)) AS "ownerMatches",
      (SELECT coalesce(json_agg(json_build_object('action', s.action, 'subject', s.subject)), '[]'::json) FROM "ApiKeyScope" s WHERE s."apiKeyId" = k.id) AS scopes
    FROM "ApiKey" k JOIN "User" u ON u.id = k."userId" JOIN "User" o ON o.id = k."ownerId"
      LEFT JOIN "Membership" m ON m."organizationId" = k."ownerId" AND m."memberId" = k."userId"
    WHERE k."lookupId" = $1 OR k."previousLookupId" = $2`,
  columns: {
    expiresAt: "date",
    lastUsedAt: "date",
    previousValidUntil: "date",
    previousLastUsedAt: "date",
    revoked: "boolean",
    userIsOrganization: "boolean",
    ownerConfirmed: "boolean",
    ownerLocked: "boolean",
    ownerMatches: "boolean",
    scopes: "json",
  },
};

/** A key's last use (touchKey). Both sides of `<` are timestamps as the app writes them (on SQLite, ISO text of one width: text order is time order). */
export const TOUCH_KEY: DriverSql = {
  name: "touch_key",
  sqlite: `UPDATE ApiKey SET lastUsedAt = ? WHERE id = ? AND (lastUsedAt IS NULL OR lastUsedAt < ?)`,
  postgresql: `UPDATE "ApiKey" SET "lastUsedAt" = $1 WHERE id = $2 AND ("lastUsedAt" IS NULL OR "lastUsedAt" < $3)`,
};

/** The last use of the secret a roll replaced, during its overlap (touchKey), as TOUCH_KEY. */
export const TOUCH_PREVIOUS_SECRET: DriverSql = {
  name: "touch_previous_secret",
  sqlite: `UPDATE ApiKey SET previousLastUsedAt = ? WHERE id = ? AND (previousLastUsedAt IS NULL OR previousLastUsedAt < ?)`,
  postgresql: `UPDATE "ApiKey" SET "previousLastUsedAt" = $1 WHERE id = $2 AND ("previousLastUsedAt" IS NULL OR "previousLastUsedAt" < $3)`,
};

/** A package id's registration, whether an owner owns it, and one of its versions (findPackage). */
export const FIND_PACKAGE: DriverSql = {
  name: "find_package",
  sqlite: `SELECT r.id, r.packageId, r.idKey,
      EXISTS (SELECT 1 FROM PackageOwner o WHERE o.registrationId = r.id AND o.userId = ?) AS owned,
      v.id AS versionId, v.version, v.listed, v.size
    FROM PackageRegistration r LEFT JOIN PackageVersion v ON v.registrationId = r.id AND v.versionKey = ?
    WHERE r.idKey = ?`,
  postgresql: `SELECT r.id, r."packageId", r."idKey",
      EXISTS (SELECT 1 FROM "PackageOwner" o WHERE o."registrationId" = r.id AND o."userId" = $1) AS owned,
      v.id AS "versionId", v.version, v.listed, v.size
    FROM "PackageRegistration" r LEFT JOIN "PackageVersion" v ON v."registrationId" = r.id AND v."versionKey" = $2
    WHERE r."idKey" = $3`,
  columns: { owned: "boolean", listed: "boolean", size: "number" },
};

// The push's rows (addPackageVersion), with the values Prisma would write, so Prisma reads them
// back alike: a random UUID for the id where Prisma makes a cuid (nothing reads meaning into an
// id's shape), every timestamp explicit, listed = true.
export const INSERT_REGISTRATION: DriverSql = {
  name: "push_insert_registration",
  sqlite: `INSERT INTO PackageRegistration (id, packageId, idKey, createdAt) VALUES (?, ?, ?, ?)`,
  postgresql: `INSERT INTO "PackageRegistration" (id, "packageId", "idKey", "createdAt") VALUES ($1, $2, $3, $4)`,
};

export const INSERT_OWNER: DriverSql = {
  name: "push_insert_owner",
  sqlite: `INSERT INTO PackageOwner (registrationId, userId) VALUES (?, ?)`,
  postgresql: `INSERT INTO "PackageOwner" ("registrationId", "userId") VALUES ($1, $2)`,
};

export const INSERT_VERSION: DriverSql = {
  name: "push_insert_version",
  sqlite: `INSERT INTO PackageVersion (id, registrationId, version, versionKey, listed, size, sha512, pushedAt, pushedById, pushedByKeyId, pushedByKeyName, pushedVia)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  postgresql: `INSERT INTO "PackageVersion" (id, "registrationId", version, "versionKey", listed, size, sha512, "pushedAt", "pushedById", "pushedByKeyId", "pushedByKeyName", "pushedVia")
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
};

/** The pushing key's state, just before the push commits. The expiry is compared in JS, so an unreadable one counts as expired. */
export const PUSHING_KEY_STATE: DriverSql = {
  name: "push_key_state",
  sqlite: `SELECT revokedAt IS NOT NULL AS revoked, expiresAt FROM ApiKey WHERE id = ?`,
  // FOR SHARE: a revoke committing meanwhile is either seen here or waits for our commit
  postgresql: `SELECT "revokedAt" IS NOT NULL AS revoked, (extract(epoch FROM "expiresAt") * 1000)::float8 AS "expiresAt" FROM "ApiKey" WHERE id = $1 FOR SHARE`,
  columns: { revoked: "boolean", expiresAt: "date" },
};

/** Every statement above, for the test that runs each on both engines. */
/** A sign-in session's row with its user, on every signed-in request (findSessionUser). */
export const SESSION_WITH_USER: DriverSql = {
  name: "session_user",
  sqlite: `SELECT s.userId, s.lastSeenAt, u.username, u.email, u.emailConfirmedAt IS NOT NULL AS emailConfirmed, u.isOrganization, u.locked
    FROM Session s JOIN User u ON u.id = s.userId
    WHERE s.id = ?`,
  postgresql: `SELECT s."userId", (extract(epoch FROM s."lastSeenAt") * 1000)::float8 AS "lastSeenAt", u.username, u.email,
      u."emailConfirmedAt" IS NOT NULL AS "emailConfirmed", u."isOrganization", u.locked
    FROM "Session" s JOIN "User" u ON u.id = s."userId"
    WHERE s.id = $1`,
  columns: { lastSeenAt: "date", emailConfirmed: "boolean", isOrganization: "boolean", locked: "boolean" },
};

/** An owner's package ids, A–Z by the lower-cased id (listOwnedPackageIds: the picker's whole list). */
export const OWNED_PACKAGE_IDS: DriverSql = {
  name: "owned_package_ids",
  sqlite: `SELECT r.packageId FROM PackageOwner o JOIN PackageRegistration r ON r.id = o.registrationId WHERE o.userId = ? ORDER BY r.idKey`,
  postgresql: `SELECT r."packageId" FROM "PackageOwner" o JOIN "PackageRegistration" r ON r.id = o."registrationId" WHERE o."userId" = $1 ORDER BY r."idKey"`,
};

export const DRIVER_STATEMENTS = [KEY_BY_LOOKUP_ID, TOUCH_KEY, TOUCH_PREVIOUS_SECRET, FIND_PACKAGE, INSERT_REGISTRATION, INSERT_OWNER, INSERT_VERSION, PUSHING_KEY_STATE, SESSION_WITH_USER, OWNED_PACKAGE_IDS];

/**
 * Single-row reads on the API's per-request path. Prisma costs more CPU for even a bare indexed
 * lookup than the whole keyless request does; the driver costs a small fraction of it
 * (bench/key-lookup-options.ts measures both). These reads see every committed write at once,
 * from any process: nothing is cached but the statement. Rows come back normalised (normalizeRow).
 * `column` reads one column of many rows as they come: for an organization's 10,000 package ids,
 * Prisma took five times the driver's time (bench/organizations.ts).
 */
export interface DriverReader {
  provider: "sqlite" | "postgresql";
  one<T>(sql: DriverSql, params: readonly (string | number)[]): Promise<T | undefined>;
  column<T>(sql: DriverSql, params: readonly (string | number)[]): Promise<T[]>;
}

/** A parameter of a driver write; Dates and booleans are stored as Prisma's adapters store them. */
export type DriverValue = string | number | boolean | Date | null;

export interface DriverStatement {
  sql: DriverSql;
  params: readonly DriverValue[];
}

/**
 * The API's writes: the push's (lib/packages/store.ts), where a Prisma interactive transaction
 * cost most of a push (bench/push-api.ts), and touchKey's, which runs in the front process too,
 * where a Prisma write on SQLite would busy-wait for another process's write lock with the event
 * loop blocked (here a busy database is retried asynchronously). `transaction` runs the
 * statements in order, then `beforeCommit` with each statement's first row, normalised
 * (undefined when it answers none), then commits; anything thrown rolls back and is rethrown,
 * driver errors with their own codes (see constraintViolation). `beforeCommit` is synchronous:
 * on SQLite the whole transaction is one synchronous block, so the write lock is never held
 * across an await.
 */
export interface DriverWriter {
  provider: "sqlite" | "postgresql";
  transaction<T>(statements: readonly DriverStatement[], beforeCommit: (rows: readonly unknown[]) => T): Promise<T>;
}

/** Which constraint a driver write broke, on either engine; null for any other error. */
export function constraintViolation(e: unknown): "unique" | "foreign-key" | null {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505") return "unique";
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY" || code === "23503") return "foreign-key";
  return null;
}

interface Driver {
  reader: DriverReader;
  writer: DriverWriter;
}

// On globalThis, as lib/db.ts keeps its client: `next dev` may evaluate this module again
const globalForDrivers = globalThis as unknown as { nugetKeysDrivers?: WeakMap<Db, Driver> };
const drivers = (globalForDrivers.nugetKeysDrivers ??= new WeakMap());

function driverOf(db: Db, what: string): Driver {
  const driver = drivers.get(db);
  if (!driver) throw new Error(`${what}: the client was not made by createDb (a transaction client has none)`);
  return driver;
}

/** The driver reader of a client made by createDb (the same database, read-only use). */
export function driverReader(db: Db): DriverReader {
  return driverOf(db, "driverReader").reader;
}

/** The driver writer of a client made by createDb (the same database). */
export function driverWriter(db: Db): DriverWriter {
  return driverOf(db, "driverWriter").writer;
}

/** Gives a client made by createDb its driver reader and writer on the same SQLite file. */
export function attachSqliteDriver(db: Db, url: string): void {
  drivers.set(db, { reader: sqliteReader(url), writer: sqliteWriter(url) });
}

/** Gives a client made by createDb its driver reader and writer on the same pool as Prisma's. */
export function attachPostgresDriver(db: Db, pool: pg.Pool): void {
  drivers.set(db, { reader: postgresReader(pool), writer: postgresWriter(pool) });
}

/** The same path rule as the Prisma adapter. */
const sqliteFile = (url: string) => url.replace(/^file:/, "");

function sqliteReader(url: string): DriverReader {
  // Its own connection, not Prisma's: in WAL mode a reader never waits for a writer, and it
  // never sees another request's uncommitted transaction on the shared connection.
  let conn: Database.Database | null = null;
  const statements = new Map<string, Database.Statement>();
  return {
    provider: "sqlite",
    async one<T>(sql: DriverSql, params: readonly (string | number)[]) {
      // opened on first use, after migrations ran
      conn ??= new Database(sqliteFile(url), { fileMustExist: true });
      let stmt = statements.get(sql.name);
      if (!stmt) statements.set(sql.name, (stmt = conn.prepare(sql.sqlite)));
      return normalizeRow<T>(sql, stmt.get(...params) as Record<string, unknown> | undefined);
    },
    async column<T>(sql: DriverSql, params: readonly (string | number)[]) {
      conn ??= new Database(sqliteFile(url), { fileMustExist: true });
      const name = `column:${sql.name}`;
      let stmt = statements.get(name);
      if (!stmt) statements.set(name, (stmt = conn.prepare(sql.sqlite).pluck()));
      return stmt.all(...params) as T[];
    },
  };
}

/** How long a write waits for another connection's write lock: Prisma's interactive transactions wait as long (maxWait). */
const SQLITE_MAX_WAIT_MS = 30_000;
const BUSY = Symbol("busy");

function sqliteWriter(url: string): DriverWriter {
  // Its own connection, with busy timeout 0: Prisma's connection in this process may hold the
  // write lock across an await (an interactive transaction), and a driver busy-wait would block
  // the event loop that transaction needs to finish — a deadlock until the timeout. So a busy
  // database is retried here, asynchronously. WAL is assumed (scripts/prepare-db.mjs sets it):
  // COMMIT then never waits for readers, so after BEGIN IMMEDIATE nothing here can be busy. (In
  // rollback-journal mode a reader's open transaction makes COMMIT fail: the push fails, rolled back.)
  let conn: Database.Database | null = null;
  const statements = new Map<string, Database.Statement>();
  const prepare = (name: string, sql: string) => {
    let stmt = statements.get(name);
    if (!stmt) statements.set(name, (stmt = conn!.prepare(sql)));
    return stmt;
  };
  const toSqlite = (v: DriverValue) => (v instanceof Date ? v.toISOString().replace("Z", "+00:00") : typeof v === "boolean" ? Number(v) : v);
  const isBusy = (e: unknown) => String((e as { code?: unknown } | null)?.code).startsWith("SQLITE_BUSY");

  /** One try, synchronous from BEGIN to COMMIT; BUSY when another connection holds the write lock. */
  function attempt<T>(list: readonly DriverStatement[], beforeCommit: (rows: readonly unknown[]) => T): T | typeof BUSY {
    try {
      conn ??= new Database(sqliteFile(url), { fileMustExist: true, timeout: 0 });
      prepare("BEGIN IMMEDIATE", "BEGIN IMMEDIATE").run();
    } catch (e) {
      if (isBusy(e)) return BUSY;
      throw e;
    }
    try {
      const rows = list.map(({ sql, params }) => {
        const stmt = prepare(sql.name, sql.sqlite);
        const values = params.map(toSqlite);
        return stmt.reader ? normalizeRow(sql, stmt.get(...values) as Record<string, unknown> | undefined) : void stmt.run(...values);
      });
      const result = beforeCommit(rows);
      prepare("COMMIT", "COMMIT").run();
      return result;
    } catch (e) {
      if (conn.inTransaction) prepare("ROLLBACK", "ROLLBACK").run();
      throw e;
    }
  }

  return {
    provider: "sqlite",
    async transaction(list, beforeCommit) {
      const start = Date.now();
      for (let pause = 1; ; pause = Math.min(pause + 1, 5)) {
        const result = attempt(list, beforeCommit);
        if (result !== BUSY) return result;
        if (Date.now() - start > SQLITE_MAX_WAIT_MS) throw new Error(`driverWriter: the SQLite database stayed locked for ${SQLITE_MAX_WAIT_MS / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    },
  };
}

function postgresWriter(pool: pg.Pool): DriverWriter {
  // A timestamp without time zone ignores the Z: the UTC wall time, as Prisma stores it (pg's
  // own Date conversion would write local time)
  const toPg = (v: DriverValue) => (v instanceof Date ? v.toISOString() : v);
  return {
    provider: "postgresql",
    async transaction(list, beforeCommit) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const rows: unknown[] = [];
        for (const { sql, params } of list) {
          rows.push(normalizeRow(sql, (await client.query({ name: sql.name, text: sql.postgresql, values: params.map(toPg) })).rows[0]));
        }
        const result = beforeCommit(rows);
        await client.query("COMMIT");
        return result;
      } catch (e) {
        await client.query("ROLLBACK").catch((rollbackFailed: Error) => (broken = rollbackFailed));
        throw e;
      } finally {
        // a connection that could not roll back is discarded, not returned to the pool
        client.release(broken);
      }
    },
  };
}

function postgresReader(pool: pg.Pool): DriverReader {
  return {
    provider: "postgresql",
    async one<T>(sql: DriverSql, params: readonly (string | number)[]) {
      const { rows } = await pool.query({ name: sql.name, text: sql.postgresql, values: [...params] });
      return normalizeRow<T>(sql, rows[0]);
    },
    async column<T>(sql: DriverSql, params: readonly (string | number)[]) {
      const { rows } = await pool.query<unknown[]>({ name: `column:${sql.name}`, text: sql.postgresql, values: [...params], rowMode: "array" });
      return rows.map((r) => r[0] as T);
    },
  };
}

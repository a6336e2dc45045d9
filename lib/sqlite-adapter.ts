// Prisma's better-sqlite3 adapter, made safe for concurrent requests (used by createDb).
//
// The adapter runs every query of the client on ONE connection. Its startTransaction takes a
// mutex (private to it) and sends BEGIN, but its queries outside a transaction take nothing:
// while one request's interactive transaction is open (it holds the connection across awaits),
// another request's bare write became part of that transaction, undone if it rolled back, and
// a bare read saw its uncommitted rows. (PostgreSQL's pool gives each transaction a connection.)
//
// So here every statement outside a transaction first takes a lock that startTransaction takes
// too and holds until commit or rollback: outside statements wait while a transaction is open,
// then run, in arrival order. The transaction's own statements never take it (they cannot wait
// for themselves), and Prisma commits or rolls back a transaction that outlives its timeout
// (5 s by default), so a wait is bounded. Code inside a $transaction callback must use its tx:
// a bare query there waits for its own transaction until that times out.
//
// A transaction takes the database's write lock at its start (BEGIN IMMEDIATE, not the
// adapter's deferred BEGIN). The driver's writer (lib/driver-sql.ts, the push) writes on a
// connection of its own: after a deferred transaction's first read had pinned its snapshot, a
// push committed in between made its first write fail at once ("database is locked",
// SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out; it failed an upload in CI). Holding
// the lock from BEGIN, the transaction never meets that; the driver's writer, finding the lock
// taken, retries asynchronously until the commit. BEGIN IMMEDIATE itself waits (busy timeout,
// 5 s) only for another process: this process's driver writer never holds the lock across an
// await, so it is always free when this runs.
//
// Not chosen: a second connection for transactions. better-sqlite3 is synchronous, so a
// statement waiting for the other connection's write lock (busy_timeout) blocks the event loop
// that the open transaction needs to finish: a deadlock until the timeout (lib/driver-sql.ts's
// writer retries asynchronously for that reason). And a deferred transaction that read before
// writing could not upgrade after a commit on the other connection (SQLITE_BUSY_SNAPSHOT).
//
// The driver reader and writer of lib/driver-sql.ts (the push path, the session check) open
// their own connections, so they never share Prisma's nor wait on this lock.
import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;
/** What PrismaClient takes as `adapter` (the factory's public shape, without its private fields). */
export type SqliteAdapterFactory = Pick<PrismaBetterSQLite3, "provider" | "adapterName" | "connect">;

/** A FIFO lock handed straight to the next waiter on release, so nothing can slip in between. */
class ConnectionLock {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  acquire(): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve) => this.#waiting.push(() => resolve(this.#releaser())));
  }

  /** Releases once, however often called (commit or rollback, and a failed start). */
  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#held = false;
    };
  }
}

const statement = (sql: string) => ({ sql, args: [], argTypes: [] });

function serialized(adapter: Adapter): Adapter {
  const lock = new ConnectionLock();
  const exclusive = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await lock.acquire();
    try {
      return await run();
    } finally {
      release();
    }
  };
  const transaction = (tx: Transaction, release: () => void): Transaction => ({
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => tx.queryRaw(query),
    executeRaw: (query) => tx.executeRaw(query),
    // Prisma sends COMMIT / ROLLBACK through executeRaw first, then calls these
    commit: () => tx.commit().finally(release),
    rollback: () => tx.rollback().finally(release),
  });
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => exclusive(() => adapter.queryRaw(query)),
    executeRaw: (query) => exclusive(() => adapter.executeRaw(query)),
    executeScript: (script) => exclusive(() => adapter.executeScript(script)),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
    async startTransaction(isolationLevel) {
      // the adapter's own mutex is then always free: every transaction passes here first
      const release = await lock.acquire();
      let tx: Transaction | undefined;
      try {
        tx = await adapter.startTransaction(isolationLevel);
        // its BEGIN, deferred, holds no lock yet: it becomes BEGIN IMMEDIATE
        await tx.executeRaw(statement("ROLLBACK"));
        await tx.executeRaw(statement("BEGIN IMMEDIATE"));
        return transaction(tx, release);
      } catch (e) {
        await tx?.rollback(); // releases the adapter's mutex (it sends nothing)
        release();
        throw e;
      }
    },
  };
}

/** The adapter factory for PrismaClient: `factory`'s adapter, each connection serialized as above. */
export function serializedSqliteAdapter(factory: PrismaBetterSQLite3): SqliteAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serialized(await factory.connect()),
  };
}

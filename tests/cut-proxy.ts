// A TCP proxy in front of a real PostgreSQL server that cuts a connection at a chosen
// statement: for tests of what the app does when the database connection is lost at the worst
// moment (a COMMIT the server carried out whose answer never arrives). The database is real;
// only the wire between the two is cut.
import net from "node:net";

export interface CutProxy {
  /** the database URL through the proxy */
  url: string;
  /**
   * The next statement whose text starts with `statement` (simple or extended protocol) is
   * cut: "before" = never sent to the server; "after" = sent, then the server's answer is
   * dropped and the connection closed. Resolves once it happened.
   */
  cutAt(statement: string, when: "before" | "after"): Promise<void>;
  close(): Promise<void>;
}

export async function cutProxy(databaseUrl: string): Promise<CutProxy> {
  const target = new URL(databaseUrl);
  let armed: { statement: Buffer; when: "before" | "after"; done: () => void } | null = null;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let swallowAnswer: (() => void) | null = null;
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (chunk: Buffer) => {
      if (armed && chunk.includes(armed.statement)) {
        const { when, done } = armed;
        armed = null;
        if (when === "before") {
          cut();
          return done();
        }
        swallowAnswer = () => {
          cut();
          done();
        };
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => (swallowAnswer ? swallowAnswer() : client.write(chunk)));
    for (const s of [client, upstream]) {
      s.on("error", cut);
      s.on("close", () => {
        sockets.delete(s);
        cut();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    cutAt(statement, when) {
      return new Promise((done) => (armed = { statement: Buffer.from(statement), when, done }));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

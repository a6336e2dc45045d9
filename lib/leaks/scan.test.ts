// The push scan: which entries are read, what counts as a key, and what a push then answers.
import { crc32, deflateRawSync } from "node:zlib";
import { strToU8, zipSync, type Zippable } from "fflate";
import { describe, expect, it } from "vitest";
import { generateKey } from "@/lib/api-keys/key-material";
import type { Db } from "@/lib/create-db";
import { describeEachDb } from "@/tests/databases";
import { testMailDir } from "@/tests/mails";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { rawZip } from "@/tests/crafted-zips";
import { settleLeakMails } from "./mails";
import { findKeysInPackage, isTextEntry, keysIn, MAX_SCANNED_BYTES, MAX_SCANNED_ENTRY_BYTES, scanPush } from "./scan";

const mailsTo = testMailDir("leak-scan-mail");

const nuspec = `<?xml version="1.0"?><package><metadata><id>Leaky</id><version>1.0.0</version><authors>a</authors><description>d</description></metadata></package>`;

function nupkg(files: Record<string, string | Uint8Array>, stored = false): Uint8Array {
  const zip: Zippable = { "Leaky.nuspec": strToU8(nuspec) };
  for (const [name, content] of Object.entries(files)) zip[name] = [typeof content === "string" ? strToU8(content) : content, { level: stored ? 0 : 6 }];
  return zipSync(zip);
}

const config = (key: string) => `<?xml version="1.0"?><configuration><apikeys><add key="https://www.nuget.org" value="${key}" /></apikeys></configuration>`;
/** same shape, one checksum character changed */
const lookAlike = (key: string) => key.slice(0, -1) + (key.endsWith("a") ? "b" : "a");

describe("what is scanned", () => {
  const named = (name: string) => {
    const b = Buffer.from(name);
    return isTextEntry(b, 0, b.length);
  };

  it("text entries by extension, any case, and a few known names without one; never binaries or folders", () => {
    for (const name of ["Leaky.nuspec", "README.md", "tools/NuGet.Config", "build/Leaky.targets", "tools/install.ps1", "content/app.settings.json", "LICENSE", "docs/readme", "scripts\\deploy.sh"]) {
      expect(named(name), name).toBe(true);
    }
    for (const name of ["lib/net8.0/Leaky.dll", "icon.png", "tools/", "runtimes/linux-x64/native/protoc", "package/services/metadata/core-properties/x.psmdcp", "a.verylongextensionnamethatgoeson"]) {
      expect(named(name), name).toBe(false);
    }
  });

  it("finds keys by their checksum: any case, several per file; look-alikes are not keys", () => {
    const a = generateKey().plaintext;
    const b = generateKey().plaintext;
    const c = generateKey().plaintext;
    const d = generateKey().plaintext;
    const mixed = (key: string) => [...key].map((ch, i) => (i % 2 ? ch.toUpperCase() : ch)).join("");
    // "Oy2…" and "oY2…" are keys too (parseKey lower-cases): none escapes for its case
    const [upperO, upperY] = [`O${c.slice(1)}`, mixed(d)];
    expect(upperY.slice(0, 3)).toBe("oY2");
    const text = Buffer.from(`x=${a}\ny=${b.toUpperCase()}\nz=${lookAlike(a)}\nw=oy2${"a".repeat(43)}\nv=${upperO};${upperY}\n${a.slice(0, 20)}`);
    expect(keysIn(text)).toEqual([a, b, c, d]);
    // at the very start and the very end of an entry
    expect(keysIn(Buffer.from(a + d))).toEqual([a, d]);
    expect(keysIn(Buffer.from(`oy${a}y2`))).toEqual([a]);
  });

  it("finds keys in UTF-16 text, either byte order, as Windows PowerShell saves scripts; a UTF-16 look-alike is not a key", () => {
    const a = generateKey().plaintext;
    const b = generateKey().plaintext;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`$key = "${a}"\r\n# ${lookAlike(b)}\r\n`, "utf16le")]);
    expect(keysIn(le)).toEqual([a]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(`x ${b.toUpperCase()}`, "utf16le").swap16()]);
    expect(keysIn(be)).toEqual([b]);
    // at the very end of the data, its last zero byte cut (BE ends on a character)
    expect(keysIn(Buffer.from(`${a}`, "utf16le").subarray(0, 91))).toEqual([a]);
    // a byte between the characters that is not zero: not a key
    const broken = Buffer.from(a, "utf16le");
    broken[41] = 0x20;
    expect(keysIn(broken)).toEqual([]);
  });

  it("reads every text entry (stored or deflated) and names the first file of each key; binaries are not read", async () => {
    const a = generateKey().plaintext;
    const b = generateKey().plaintext;
    const found = await findKeysInPackage(
      nupkg({
        "tools/nuget.config": config(a),
        "content/notes.txt": `also ${a}`,
        "build/Leaky.props": `<ApiKey>${b}</ApiKey>`,
        "lib/net8.0/Leaky.dll": strToU8(`binary ${generateKey().plaintext}`),
      }),
    );
    expect(found).toEqual([
      { token: a, file: "tools/nuget.config" },
      { token: b, file: "build/Leaky.props" },
    ]);
    expect(await findKeysInPackage(nupkg({ "tools/nuget.config": config(a) }, true))).toEqual([{ token: a, file: "tools/nuget.config" }]);
    expect(await findKeysInPackage(nupkg({ "readme.md": "no key here" }))).toEqual([]);
  });

  it("the bytes behind one local header are scanned once, however many records name it: they never use up the budget of the entries after them", async () => {
    const key = generateKey().plaintext;
    const zeros = Buffer.alloc(MAX_SCANNED_ENTRY_BYTES);
    const big = { name: "big.txt", data: deflateRawSync(zeros), method: 8, crc32: crc32(zeros), uncompressedSize: zeros.byteLength, localHeaderOffset: 0 };
    // read once per record, the 16 MB entry took all of the 128 MB before the config was reached
    const repeats = MAX_SCANNED_BYTES / MAX_SCANNED_ENTRY_BYTES;
    const zip = rawZip([big, ...Array.from({ length: repeats }, () => ({ ...big, centralOnly: true })), { name: "tools/nuget.config", data: Buffer.from(config(key)) }]);
    expect(await findKeysInPackage(zip)).toEqual([{ token: key, file: "tools/nuget.config" }]);
  });
});

/** A client that counts the queries it runs (model operations and raw statements). */
function counting(db: Db): { db: Db; count: () => number } {
  let n = 0;
  const counted = db.$extends({
    query: {
      async $allOperations({ args, query }) {
        n++;
        return query(args);
      },
    },
  }) as unknown as Db;
  return { db: counted, count: () => n };
}

const headers = new Headers({ host: "gallery.test", "x-forwarded-for": "203.0.113.5" });

describeEachDb("push scan", (getDb) => {
  it("a live key refuses the push with a reason naming the file; the key is revoked (source Push, where it was found) and its holder mailed", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const key = await insertTestKey(db, { userId: user.id, name: "packed" });
    const scan = await scanPush(db, nupkg({ "tools/nuget.config": config(key.plaintext) }), { id: "Leaky", version: "1.0.0" }, headers);
    expect(scan.refusal?.status).toBe(400);
    expect(scan.refusal?.statusText).toBe("The package contains a live API key in the file 'tools/nuget.config'. The key has been revoked and its owner notified.");
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { revokedAt: true, revocationSource: true, revocationUrl: true } });
    expect(row).toMatchObject({ revocationSource: "Push", revocationUrl: "Leaky 1.0.0: tools/nuget.config" });
    await settleLeakMails();
    const mails = mailsTo(`${user.username}@example.test`);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain("API key 'packed' revoked due to a potential leak");
    expect(mails[0]).toContain("posted at a package pushed to the NuGet Gallery");
    expect(mails[0]).toContain("<Leaky 1.0.0: tools/nuget.config>");
  });

  it("a dead key (revoked, or no longer existing) is a warning naming the file, and the push goes on", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const revoked = await insertTestKey(db, { userId: user.id, revokedAt: new Date() });
    const scan = await scanPush(db, nupkg({ "tools/nuget.config": config(revoked.plaintext), "readme.md": generateKey().plaintext }), { id: "Leaky", version: "1.0.0" }, headers);
    expect(scan.refusal).toBeUndefined();
    expect(scan.warnings).toEqual([
      "The package contains an API key that no longer works in the file 'tools/nuget.config'. Remove it from the package.",
      "The package contains an API key that no longer works in the file 'readme.md'. Remove it from the package.",
    ]);
  });

  it("a look-alike with a bad checksum, or no key at all: no warning, and not one database query", async () => {
    const { db, count } = counting(getDb());
    const user = await insertTestUser(getDb());
    const key = await insertTestKey(getDb(), { userId: user.id });
    const packages: Record<string, string>[] = [{ "tools/nuget.config": config(lookAlike(key.plaintext)) }, { "readme.md": "hello" }];
    for (const files of packages) {
      expect(await scanPush(db, nupkg(files), { id: "Leaky", version: "1.0.0" }, headers)).toEqual({ warnings: [] });
    }
    expect(count()).toBe(0);
    // the counter does count: a well-formed key costs its lookup
    await scanPush(db, nupkg({ "a.txt": generateKey().plaintext }), { id: "Leaky", version: "1.0.0" }, headers);
    expect(count()).toBeGreaterThan(0);
    expect((await getDb().apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { revokedAt: true } })).revokedAt).toBeNull();
  });
});

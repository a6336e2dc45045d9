import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { buildNupkg, nuspecXml } from "@/e2e/nupkg";
import { insertTestUser } from "@/tests/api-keys";
import { describeEachDb } from "@/tests/databases";
import { migrate, withDatabase } from "@/tests/global-setup";
import { createDb, type Db } from "@/lib/create-db";
import { parseVersion } from "@/lib/nuget/version";
import { queryWords, searchPackages, MAX_QUERY_LENGTH, MAX_QUERY_WORDS, type SearchQuery } from "./search";
import { backfillSearchIndex, latestListed, MAX_TERMS, searchTerms } from "./search-index";
import { addPackageVersion, findPackage, setListed } from "./store";

describe("search terms", () => {
  it("are the id whole, its parts and the description's words, lower-cased and distinct", () => {
    expect(searchTerms("Contoso.Json_Fast-Lib", "Fast JSON: a parser (über-quick), 日本語 too.")).toEqual([
      "contoso.json_fast-lib", "contoso", "json", "fast", "lib", "a", "parser", "über", "quick", "日本語", "too",
    ]);
    expect(searchTerms("A", null)).toEqual(["a"]);
  });

  it("are capped in number and length", () => {
    const terms = searchTerms("P", Array.from({ length: 1000 }, (_, i) => `w${i}`).join(" ") + ` ${"x".repeat(5000)}`);
    expect(terms).toHaveLength(MAX_TERMS);
    expect(searchTerms("P", "y".repeat(500))).toEqual(["p", "y".repeat(100)]);
  });

  it("query words: punctuation separates, at most MAX_QUERY_WORDS", () => {
    expect(queryWords("%' OR 1=1 -- Foo_Bar")).toEqual(["or", "1", "foo", "bar"]);
    expect(queryWords("% _ '")).toEqual([]);
    expect(queryWords(Array.from({ length: 1000 }, (_, i) => `w${i}`).join(" "))).toHaveLength(MAX_QUERY_WORDS);
  });

  it("the latest listed version is the newest stable, else the newest prerelease", () => {
    expect(latestListed(["1.0.0", "1.10.0", "2.0.0-rc.1", "1.9.0"])).toBe("1.10.0");
    expect(latestListed(["1.0.0-a", "1.0.0-b"])).toBe("1.0.0-b");
    expect(latestListed([])).toBeNull();
  });
});

/** Pushes `id` `version` with this description, as the push API stores it. */
async function pushTo(db: Db, dir: string, ownerId: string, id: string, version: string, description: string, beforeCommit?: () => Promise<boolean>) {
  const existing = await findPackage(db, id, {}, dir);
  const nuspec = nuspecXml(id, version).replace(/<description>.*<\/description>/, `<description>${description}</description>`);
  const r = await addPackageVersion(
    db,
    {
      registrationId: existing?.registrationId ?? null,
      packageId: id,
      ownerId,
      version: parseVersion(version)!,
      bytes: buildNupkg({ id, version, nuspec }),
      pushedById: ownerId,
      pushedByKeyId: null,
      pushedByKeyName: "ci",
      beforeCommit,
    },
    dir,
  );
  if (r.status !== "created") throw new Error(r.status);
  return r;
}

describeEachDb("search index and search", (getDb, provider) => {
  let dir: string;
  let owner: { id: string };
  const tag = `t${Math.random().toString(36).slice(2, 8)}`;

  const push = (id: string, version: string, description: string, beforeCommit?: () => Promise<boolean>) => pushTo(getDb(), dir, owner.id, id, version, description, beforeCommit);
  const terms = async (registrationId: string) =>
    (await getDb().packageSearchTerm.findMany({ where: { registrationId }, select: { term: true } })).map((t) => t.term).sort();
  const described = async (registrationId: string) => (await getDb().packageRegistration.findUniqueOrThrow({ where: { id: registrationId } })).description;
  const query = (q: string, more: Partial<SearchQuery> = {}): SearchQuery => ({ q, skip: 0, take: 20, prerelease: true, ...more });
  const found = async (q: string, more: Partial<SearchQuery> = {}) => (await searchPackages(getDb(), query(q, more))).hits.map((h) => h.packageId);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "search-"));
    owner = await insertTestUser(getDb());
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it("a push indexes the latest listed version's description; an older version pushed later does not replace it", async () => {
    const id = `Idx.${tag}.Parser`;
    const first = await push(id, "2.0.0", "Quick JSON &amp; XML reader");
    expect(await described(first.registrationId)).toBe("Quick JSON & XML reader");
    expect(await terms(first.registrationId)).toEqual([`idx.${tag}.parser`, "idx", "json", "parser", "quick", "reader", tag, "xml"].sort());
    await push(id, "1.0.0", "Ancient words");
    expect(await described(first.registrationId)).toBe("Quick JSON & XML reader");
    await push(id, "3.0.0-beta", "Prerelease words");
    expect(await described(first.registrationId)).toBe("Quick JSON & XML reader");
    await push(id, "2.1.0", "Newer stable text");
    expect(await described(first.registrationId)).toBe("Newer stable text");
    expect(await terms(first.registrationId)).not.toContain("quick");
  });

  it("unlist and relist move the description to the new latest listed version", async () => {
    const id = `Lst.${tag}`;
    const one = await push(id, "1.0.0", "first edition");
    const two = await push(id, "2.0.0", "second edition");
    await setListed(getDb(), two.versionId, false, dir);
    expect(await described(one.registrationId)).toBe("first edition");
    expect(await found(`second ${tag}`)).toEqual([]);
    expect(await found(`first ${tag}`)).toEqual([id]);
    await setListed(getDb(), one.versionId, false, dir);
    expect(await described(one.registrationId)).toBeNull();
    expect(await terms(one.registrationId)).toEqual([`lst.${tag}`, "lst", tag].sort());
    await setListed(getDb(), two.versionId, true, dir);
    expect(await described(one.registrationId)).toBe("second edition");
    expect(await found(`second ${tag}`)).toEqual([id]);
  });

  it("two pushes of one id at once: the newer version's description is indexed, whichever commits last", async () => {
    const id = `Race.${tag}`;
    const first = await push(id, "1.0.0", "first edition");
    // 1.0.1 waits just before its commit until 1.0.2 is in: both judged themselves the latest
    await push(id, "1.0.1", "older words", async () => {
      await push(id, "1.0.2", "newest words");
      return true;
    });
    expect(await described(first.registrationId)).toBe("newest words");
    expect(await found(`older ${tag}`)).toEqual([]);
    expect(await found(`newest ${tag}`)).toEqual([id]);
  });

  it("a push that judged itself not the latest is indexed when the newer version was unlisted before it committed", async () => {
    const id = `Race2.${tag}`;
    const first = await push(id, "1.0.0", "first edition");
    const newer = await push(id, "2.0.0", "second edition");
    await push(id, "1.5.0", "middle edition", async () => {
      await setListed(getDb(), newer.versionId, false, dir);
      return true;
    });
    expect(await described(first.registrationId)).toBe("middle edition");
    expect(await found(`middle ${tag}`)).toEqual([id]);
  });

  describe("queries", () => {
    // a tag of their own: the pushes above match `tag`
    const tag = `q${Math.random().toString(36).slice(2, 8)}`;
    const ids = {
      exact: `${tag}`,
      prefix: `${tag}.Core`,
      popular: `Pop.${tag}.Utils`,
      other: `Other.${tag}.Utils`,
      desc: `Desc.${tag}`,
      hidden: `Hidden.${tag}`,
    };
    beforeAll(async () => {
      await push(ids.exact, "1.0.0", "plain");
      await push(ids.prefix, "1.0.0", "plain");
      const pop = await push(ids.popular, "1.0.0", "Zebra gateway");
      await push(ids.other, "1.0.0", "Zebra ΚΑΛΗΜΈΡΑ Straße");
      await push(ids.desc, "1.0.0", "Quokka-powered 100% of_the time; O'Brien");
      await setListed(getDb(), (await push(ids.hidden, "1.0.0", "Zebra hidden")).versionId, false, dir);
      await getDb().packageRegistration.update({ where: { id: pop.registrationId }, data: { totalDownloads: 50 } });
    });

    it("by id words and id prefixes, every word must match (AND), listed packages only", async () => {
      expect(await found(`utils ${tag}`)).toEqual([ids.popular, ids.other]);
      expect(await found(`UTI ${tag.toUpperCase()}`)).toEqual([ids.popular, ids.other]);
      expect(await found(`pop.${tag}`)).toEqual([ids.popular]);
      expect(await found(`pop ${tag} nosuchword`)).toEqual([]);
      expect(await found(`hidden.${tag}`)).toEqual([]);
    });

    it("by description words, any script, case-insensitively", async () => {
      expect(await found(`zebra ${tag}`)).toEqual([ids.popular, ids.other]);
      expect(await found(`quokka ${tag}`)).toEqual([ids.desc]);
      expect(await found(`καλημ ${tag}`)).toEqual([ids.other]);
      expect(await found(`STRASSE ${tag}`)).toEqual([]);
      expect(await found(`straße ${tag}`)).toEqual([ids.other]);
      const [hit] = (await searchPackages(getDb(), query(`quokka ${tag}`))).hits;
      expect(hit).toMatchObject({ description: "Quokka-powered 100% of_the time; O'Brien", totalDownloads: 0, version: "1.0.0", versions: [{ version: "1.0.0", downloads: 0 }] });
    });

    it("ranks the exact id first, then ids starting with the query, then by downloads, then A-Z", async () => {
      expect(await found(tag)).toEqual([ids.exact, ids.prefix, ids.popular, ids.desc, ids.other]);
      expect(await found(`utils ${tag}`)).toEqual([ids.popular, ids.other]);
    });

    it("pages: totalHits counts all, skip and take cut the page, past the end is empty", async () => {
      const r = await searchPackages(getDb(), query(tag, { skip: 1, take: 2 }));
      expect(r.totalHits).toBe(5);
      expect(r.hits.map((h) => h.packageId)).toEqual([ids.prefix, ids.popular]);
      expect(await found(tag, { skip: 3000 })).toEqual([]);
    });

    it("crafted queries: SQL-ish text, '%', '_', quotes, very long, 1,000 words, punctuation only", async () => {
      expect(await found(`%' OR 1=1 -- ${tag}`)).toEqual([]);
      expect(await found(`100% ${tag}`)).toEqual([ids.desc]);
      expect(await found(`of_the ${tag}`)).toEqual([ids.desc]);
      expect(await found(`o'brien ${tag}`)).toEqual([ids.desc]);
      for (const q of ["%", "_", "'", '"', "\\", "%%%", "___"]) expect(await found(q), q).toEqual([]);
      expect(await found(`${tag} ${"x".repeat(MAX_QUERY_LENGTH)}`)).toEqual([]);
      // past MAX_QUERY_WORDS the words are not looked at
      const prefixes = ["q", "qu", "quo", "quok", "quokk", "quokka", "p", "po", "pow", "powe", "power", "powere", "powered", "t", "ti"];
      expect(prefixes).toHaveLength(MAX_QUERY_WORDS - 1);
      const many = [tag, ...prefixes, ...Array.from({ length: 1000 }, (_, i) => `nomatch${i}`)].join(" ");
      expect(await found(many)).toEqual([ids.desc]);
      expect(await found(`${tag} ${"\u{1F600}".repeat(10)} ${"\u0000"}`)).toHaveLength(5);
    });

    it(`the word ranges read the primary key's index (${provider})`, async () => {
      const db = getDb();
      if (provider === "sqlite") {
        const plan = await db.$queryRawUnsafe<{ detail: string }[]>(
          `EXPLAIN QUERY PLAN SELECT t.registrationId FROM PackageSearchTerm t WHERE t.term >= ? AND t.term < ?`, "ab", "ab\u{10FFFF}");
        expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING COVERING INDEX sqlite_autoindex_PackageSearchTerm_1 \(term>\? AND term<\?\)/);
      } else {
        // the table is small here: without seq scans the planner shows what it can use (the bench shows it chosen on 10,000 packages)
        await db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe(`SET LOCAL enable_seqscan = off`);
          const plan = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
            `EXPLAIN SELECT t."registrationId" FROM "PackageSearchTerm" t WHERE t.term >= $1 AND t.term < $2`, "ab", "ab\u{10FFFF}");
          expect(plan.map((p) => p["QUERY PLAN"]).join("\n")).toMatch(/Index (Only )?Scan (using|on) "PackageSearchTerm_pkey"/);
        });
      }
    });
  });

  it("the backfill indexes ids stored before the index, from their stored packages", async () => {
    const db = getDb();
    const id = `Old.${tag}`;
    const r = await push(id, "1.0.0", "Legacy gizmo");
    await push(id, "1.1.0", "Legacy gadget");
    // as before this change: no description, no terms
    await db.packageSearchTerm.deleteMany({ where: { registrationId: r.registrationId } });
    await db.packageRegistration.update({ where: { id: r.registrationId }, data: { description: null } });
    expect(await found(`gadget ${tag}`)).toEqual([]);
    expect(await backfillSearchIndex(db, dir)).toBeGreaterThanOrEqual(1);
    expect(await described(r.registrationId)).toBe("Legacy gadget");
    expect(await found(`gadget ${tag}`)).toEqual([id]);
    expect(await backfillSearchIndex(db, dir)).toBe(0);
  });
});

describe.skipIf(!inject("pgTemplate"))("search on a PostgreSQL database made with a language collation (ICU en-US)", () => {
  let db: Db;
  let dir: string;
  let ownerId: string;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });
    await admin.connect();
    // named after the run, so global teardown drops it
    const name = `nk_s_${inject("pgRunId")}_icu`;
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    await admin.end();
    const url = withDatabase(inject("pgAdminUrl"), name);
    migrate(url);
    db = createDb(url);
    dir = mkdtempSync(path.join(tmpdir(), "search-icu-"));
    ownerId = (await insertTestUser(db)).id;
    return async () => {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    };
  }, 120_000);

  it("a query word is a prefix in code-point order: 'json' finds json and jsonpath, never jsön; 'ab.' ranks Ab.Dot before the more downloaded Ab-Dash", async () => {
    await pushTo(db, dir, ownerId, "Plain.Json", "1.0.0", "json tools");
    await pushTo(db, dir, ownerId, "Path.Tool", "1.0.0", "jsonpath queries");
    await pushTo(db, dir, ownerId, "Umlaut.Tool", "1.0.0", "jsön tools");
    const found = async (q: string) => (await searchPackages(db, { q, skip: 0, take: 20, prerelease: true })).hits.map((h) => h.packageId);
    expect(await found("json")).toEqual(["Path.Tool", "Plain.Json"]);
    expect(await found("jsön")).toEqual(["Umlaut.Tool"]);
    // the ranking's "starts with the query" is code points too: '-' is not '.' to it
    await pushTo(db, dir, ownerId, "Ab-Dash", "1.0.0", "dash");
    await pushTo(db, dir, ownerId, "Ab.Dot", "1.0.0", "dot");
    await db.packageRegistration.updateMany({ where: { packageId: "Ab-Dash" }, data: { totalDownloads: 10 } });
    expect(await found("ab.")).toEqual(["Ab.Dot", "Ab-Dash"]);
    expect(await found("ab")).toEqual(["Ab-Dash", "Ab.Dot"]);
  });
});

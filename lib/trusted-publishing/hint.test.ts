import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import type { Db } from "@/lib/create-db";
import { createApiKey } from "@/lib/api-keys/store";
import { createPolicy } from "./policies";
import { hintTrustedPublishing, listReplaceableKeyIds, policyCovers } from "./hint";

const mailDir = mkdtempSync(path.join(tmpdir(), "tp-hint-mail-"));
process.env.MAIL_DIR = mailDir;
delete process.env.SMTP_URL;
/** the hint mails to `email` (creating a key mails too) */
const mailsTo = (email: string) =>
  readdirSync(mailDir)
    .map((f) => readFileSync(path.join(mailDir, f), "utf8"))
    .filter((m) => m.includes(`To: ${email}`) && m.includes("can be replaced by Trusted Publishing"));

async function makeUser(db: Db) {
  const username = `u_${randomBytes(5).toString("hex")}`;
  return db.user.create({ data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: new Date() } });
}

const headers = new Headers({ host: "gallery.test" });

it("a policy covers an id by its push scopes and globs; push-version only covers existing ids; no scopes = everything", () => {
  const p = { name: "p", scopes: [{ action: "package:pushversion", subject: "Contoso.*" }] };
  expect(policyCovers(p, "contoso.sdk", false)).toBe(true);
  expect(policyCovers(p, "Contoso.Sdk", true)).toBe(false);
  expect(policyCovers(p, "Fabrikam", false)).toBe(false);
  expect(policyCovers({ name: "p", scopes: [{ action: "package:unlist", subject: "*" }] }, "X", false)).toBe(false);
  expect(policyCovers({ name: "p", scopes: [] }, "X", true)).toBe(true);
});

describeEachDb("trusted publishing hint", (getDb) => {
  it("mails the key's user once, even with concurrent pushes, only when a policy of the owner covers the id", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const made = await createApiKey(db, user.id, { name: "ci", expiresInDays: 365, ownerId: user.id, actions: ["package:push"], subjects: ["*"] });
    if (!made.ok) throw new Error(made.error);
    const key = { id: made.key.id, ownerId: user.id, ownerUsername: user.username, type: "apikey.v4" };
    const pushed = (packageId: string) => ({ key, packageId, version: "1.0.0", newId: true, headers });
    // no policy yet: nothing
    expect(await hintTrustedPublishing(db, pushed("Contoso.A"))).toBe(false);
    const policy = await createPolicy(
      db,
      user.id,
      {
        policyName: "release",
        owner: user.username,
        publisherType: "GitHubActions",
        repositoryOwner: "contoso",
        repository: "sdk",
        workflowFile: "release.yml",
        environment: "",
        policyScopes: ["package:push"],
        policySubjects: "Contoso.*",
      },
      { lookup: async () => null },
    );
    expect(policy.ok).toBe(true);
    // an id the policy does not cover: nothing
    expect(await hintTrustedPublishing(db, pushed("Fabrikam.A"))).toBe(false);
    expect(await listReplaceableKeyIds(db, user.id)).toEqual(new Set());
    // five pushes at once: one mail
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => hintTrustedPublishing(db, pushed("Contoso.A"))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const mails = mailsTo(user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain("API key 'ci' can be replaced by Trusted Publishing");
    expect(mails[0]).toContain("http://gallery.test/account/trustedpublishing");
    expect(await listReplaceableKeyIds(db, user.id)).toEqual(new Set([made.key.id]));
    // later pushes: no more mail
    expect(await hintTrustedPublishing(db, pushed("Contoso.B"))).toBe(false);
    expect(mailsTo(user.email)).toHaveLength(1);
    // another user's listing never shows it
    const other = await makeUser(db);
    expect(await listReplaceableKeyIds(db, other.id)).toEqual(new Set());
  });

  it("a short-lived key (policyId set) is never hinted", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const policy = await createPolicy(
      db,
      user.id,
      { policyName: "p", owner: user.username, publisherType: "GitHubActions", repositoryOwner: "o", repository: "r", workflowFile: "w.yml", environment: "", policyScopes: ["package:push"], policySubjects: "*" },
      { lookup: async () => null },
    );
    if (!policy.ok) throw new Error("policy");
    const id = randomBytes(8).toString("hex");
    const k = await db.apiKey.create({
      data: { userId: user.id, ownerId: user.id, type: "apikey.v4", name: "short", lookupId: id, secretHash: id, expiresInDays: 0, expiresAt: new Date(Date.now() + 3600_000), policyId: policy.policy.id },
    });
    expect(await hintTrustedPublishing(db, { key: { id: k.id, ownerId: user.id, ownerUsername: user.username, type: "apikey.v4" }, packageId: "X", version: "1.0.0", newId: true, headers })).toBe(false);
    expect(mailsTo(user.email)).toHaveLength(0);
  });
});

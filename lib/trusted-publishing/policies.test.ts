import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import type { Db } from "@/lib/create-db";
import { removeMember } from "@/lib/organizations/store";
import { joinOrganization, makeOrganization } from "@/tests/organizations";
import { parseCriteria } from "./criteria";
import { lookupRepositoryIds } from "./github";
import { activatePolicy, createPolicy, deletePolicy, editPolicy, listPolicies, type CreatePolicyInput } from "./policies";
import { policyState } from "./present";
import { TP_MESSAGES } from "./rules";

// the organization helpers mail invitations: to a folder of this run's own
process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "tp-policies-mail-"));
delete process.env.SMTP_URL;

async function makeUser(db: Db) {
  const username = `u_${randomBytes(5).toString("hex")}`;
  return db.user.create({ data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: new Date() } });
}

const input = (owner: string, over: Partial<CreatePolicyInput> = {}): CreatePolicyInput => ({
  policyName: "release",
  owner,
  publisherType: "GitHubActions",
  repositoryOwner: "contoso",
  repository: "https://github.com/contoso/contoso-sdk/",
  workflowFile: ".github/workflows/release.yml",
  environment: "",
  policyScopes: ["package:push"],
  policySubjects: "Contoso.*",
  ...over,
});

const noLookup = async () => null;

/** A short-lived key as the exchange issues it: an ApiKey row linked to the policy. */
async function issueKey(db: Db, userId: string, policyId: string) {
  const id = randomBytes(8).toString("hex");
  return db.apiKey.create({
    data: {
      userId,
      ownerId: userId,
      type: "apikey.v5",
      name: "Short-lived API key generated via a federated credential",
      lookupId: id,
      secretHash: id,
      expiresInDays: 0,
      expiresAt: new Date(Date.now() + 3600_000),
      policyId,
    },
  });
}

// GitHub's REST API played by a real local server (the lookup's HTTP, timeouts and caps are real)
let github: Server;
let githubBase = "";
beforeAll(async () => {
  github = createServer((req, res) => {
    if (req.url === "/repos/contoso/contoso-sdk") {
      res.setHeader("content-type", "application/json");
      return res.end(JSON.stringify({ id: 74, full_name: "Contoso/contoso-sdk", owner: { id: 65, login: "Contoso" } }));
    }
    if (req.url === "/repos/contoso/huge") return res.end(JSON.stringify({ id: 1, pad: "x".repeat(300_000) }));
    if (req.url === "/repos/contoso/renamed") return res.writeHead(301, { location: "/repos/contoso/contoso-sdk" }).end();
    if (req.url === "/repos/contoso/slow") return setTimeout(() => res.end("{}"), 2_000);
    res.statusCode = 404;
    res.end('{"message":"Not Found"}');
  });
  await new Promise<void>((r) => github.listen(0, "127.0.0.1", r));
  githubBase = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => github.close(() => r())));

it("looks up repository ids: found, private/missing, renamed, oversized, slow, off", async () => {
  expect(await lookupRepositoryIds(githubBase, "contoso", "contoso-sdk")).toEqual({ ownerId: "65", repositoryId: "74" });
  expect(await lookupRepositoryIds(githubBase, "contoso", "private")).toBeNull();
  expect(await lookupRepositoryIds(githubBase, "contoso", "renamed")).toBeNull();
  expect(await lookupRepositoryIds(githubBase, "contoso", "huge")).toBeNull();
  expect(await lookupRepositoryIds(githubBase, "contoso", "slow", { timeoutMs: 200 })).toBeNull();
  expect(await lookupRepositoryIds("off", "contoso", "contoso-sdk")).toBeNull();
});

describeEachDb("trusted publishing policies", (getDb) => {
  it("normalises repository and workflow; temporary without ids, until now+7d truncated to the hour", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const now = new Date("2026-03-01T10:37:12Z");
    const r = await createPolicy(db, user.id, input(user.username), { now, lookup: noLookup });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.criteria).toEqual({ owner: "contoso", repository: "contoso-sdk", workflow: "release.yml", validateBy: "2026-03-08T10:00:00.000Z" });
    expect(policyState(r.policy, now)).toEqual({ state: "temporary", daysLeft: 7 });
    expect(policyState(r.policy, new Date("2026-03-08T10:00:01Z")).state).toBe("lapsed");
    // owner/name form and backslashes
    const r2 = await createPolicy(
      db,
      user.id,
      input(user.username, { repository: "Contoso/other", workflowFile: "\\.GitHub\\Workflows\\ship.yml", environment: " prod " }),
      { now, lookup: noLookup },
    );
    expect(r2.ok && r2.policy.criteria).toMatchObject({ repository: "other", workflow: "ship.yml", environment: "prod" });
    const audits = await db.auditRecord.findMany({ where: { actorId: user.id, action: "PolicyCreate" } });
    expect(audits).toHaveLength(2);
  });

  it("gets ids from GitHub (permanent), else copies them from another of the user's policies for the same repository", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const lookup = (o: string, r: string) => lookupRepositoryIds(githubBase, o, r);
    const a = await createPolicy(db, user.id, input(user.username), { lookup });
    expect(a.ok && a.policy.criteria).toEqual({ owner: "contoso", ownerId: "65", repository: "contoso-sdk", repositoryId: "74", workflow: "release.yml" });
    let asked = 0;
    const b = await createPolicy(db, user.id, input(user.username, { repositoryOwner: "CONTOSO", repository: "Contoso-SDK", workflowFile: "b.yml" }), {
      lookup: async () => (asked++, null),
    });
    expect(asked).toBe(0);
    expect(b.ok && b.policy.criteria).toMatchObject({ ownerId: "65", repositoryId: "74" });
    // another user's policy is never a source
    const other = await makeUser(db);
    const c = await createPolicy(db, other.id, input(other.username), { lookup: noLookup });
    expect(c.ok && c.policy.criteria.ownerId).toBeUndefined();
  });

  it("refuses bad input with nuget.org's messages and statuses, and audits it; nothing stored", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const stranger = await makeUser(db);
    const cases: [Partial<CreatePolicyInput>, number, string][] = [
      [{ owner: "" }, 400, TP_MESSAGES.ownerBlankServer],
      [{ owner: "nobody_at_all_x" }, 400, TP_MESSAGES.ownerUnknown("nobody_at_all_x")],
      [{ owner: stranger.username }, 401, TP_MESSAGES.notPermitted(user.username, stranger.username)],
      [{ policyScopes: [] }, 400, TP_MESSAGES.scopeRequired],
      [{ policyScopes: ["package:push", "package:pushversion"] }, 400, TP_MESSAGES.scopesInvalid],
      [{ policyScopes: ["package:verify"] }, 400, TP_MESSAGES.scopesInvalid],
      [{ policySubjects: "bad id!\n  \n$$" }, 400, TP_MESSAGES.subjectsRequired],
      [{ policySubjects: "A".repeat(1001) }, 400, TP_MESSAGES.subjectsTooLong],
      [{ policyName: "n".repeat(65) }, 401, TP_MESSAGES.nameTooLongServer],
      [{ repositoryOwner: " " }, 400, TP_MESSAGES.criteriaOwner],
      [{ repository: "" }, 400, TP_MESSAGES.criteriaRepository],
      [{ workflowFile: ".github/workflows/" }, 400, TP_MESSAGES.criteriaWorkflow],
      [{ repositoryOwner: "o".repeat(40) }, 400, TP_MESSAGES.repositoryOwnerTooLong],
      [{ repository: "r".repeat(101) }, 400, TP_MESSAGES.repositoryTooLong],
      [{ repository: "someone-else/repo" }, 400, TP_MESSAGES.repositoryInvalid],
      [{ workflowFile: "w".repeat(256) }, 400, TP_MESSAGES.workflowTooLong],
      [{ environment: "e".repeat(256) }, 400, TP_MESSAGES.environmentTooLong],
      [{ publisherType: "GitLab" }, 400, TP_MESSAGES.providerUnsupported("GitLab")],
    ];
    for (const [over, status, message] of cases) {
      const r = await createPolicy(db, user.id, input(user.username, over), { lookup: noLookup });
      expect(r.ok, message).toBe(false);
      if (r.ok) continue;
      expect(r.status, message).toBe(status);
      expect([r.error, ...Object.values(r.fieldErrors ?? {})], message).toContain(message);
    }
    expect(await db.trustedPublishingPolicy.count({ where: { createdById: user.id } })).toBe(0);
    expect(await db.auditRecord.count({ where: { actorId: user.id, action: { in: ["PolicyBadRequest", "PolicyUnauthorized"] } } })).toBe(cases.length);
    // invalid lines are dropped silently; duplicates once; blank name = the workflow's name
    const ok = await createPolicy(db, user.id, input(user.username, { policyName: " ", policySubjects: "A.*\nbad id!\na.*\n B " }), { lookup: noLookup });
    expect(ok.ok && ok.policy).toMatchObject({ name: "release", subjects: ["A.*", "B"] });
  });

  it("only the creator edits, activates or deletes: another account's id answers 'User is not authorized', a made-up one 'Unexpected trusted publisher.'", async () => {
    const db = getDb();
    const owner = await makeUser(db);
    const other = await makeUser(db);
    const made = await createPolicy(db, owner.id, input(owner.username), { lookup: noLookup });
    if (!made.ok) throw new Error("create failed");
    const id = made.policy.id;
    const edit = { ...input(other.username), policyName: "hijacked" };
    for (const r of [await editPolicy(db, other.id, id, edit), await activatePolicy(db, other.id, id), await deletePolicy(db, other.id, id)]) {
      expect(r).toMatchObject({ ok: false, status: 400, error: TP_MESSAGES.notCreator });
    }
    for (const r of [await editPolicy(db, owner.id, "nope", edit), await activatePolicy(db, owner.id, "x".repeat(5000)), await deletePolicy(db, owner.id, "nope")]) {
      expect(r).toMatchObject({ ok: false, status: 400, error: TP_MESSAGES.unknownPolicy });
    }
    expect(await listPolicies(db, other.id)).toEqual([]);
    expect((await listPolicies(db, owner.id)).map((p) => p.name)).toEqual(["release"]);
  });

  it("edit: no change saves nothing and keeps keys; a change deletes the policy's keys; owner and repository cannot change", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const now = new Date("2026-03-01T10:05:00Z");
    const made = await createPolicy(db, user.id, input(user.username), { now, lookup: noLookup });
    if (!made.ok) throw new Error("create failed");
    const id = made.policy.id;
    const key = await issueKey(db, user.id, id);
    const unrelated = await issueKey(db, user.id, (await createPolicy(db, user.id, input(user.username), { now, lookup: noLookup }) as { policy: { id: string } }).policy.id);
    // same values, same hour: nothing saved, key kept
    const same = await editPolicy(db, user.id, id, input(user.username), { now: new Date("2026-03-01T10:50:00Z") });
    expect(same).toEqual({ ok: true, changed: false });
    expect(await db.apiKey.count({ where: { id: key.id } })).toBe(1);
    // a new workflow: saved, keys gone, the repository stays
    const changed = await editPolicy(db, user.id, id, input(user.username, { workflowFile: "ship.yml", repository: "elsewhere", repositoryOwner: "fabrikam" }), {
      now: new Date("2026-03-01T10:50:00Z"),
    });
    expect(changed).toEqual({ ok: true, changed: true });
    expect(await db.apiKey.count({ where: { id: key.id } })).toBe(0);
    expect(await db.apiKey.count({ where: { id: unrelated.id } })).toBe(1);
    const stored = await db.trustedPublishingPolicy.findUniqueOrThrow({ where: { id } });
    expect(parseCriteria(stored.criteria)).toMatchObject({ owner: "contoso", repository: "contoso-sdk", workflow: "ship.yml" });
    const audit = await db.auditRecord.findFirstOrThrow({ where: { target: id, action: "PolicyUpdate" } });
    expect(JSON.parse(audit.details!).deletedKeys).toEqual([key.id]);
    // scopes and subjects change too
    await editPolicy(db, user.id, id, input(user.username, { workflowFile: "ship.yml", policyScopes: ["package:pushversion", "package:unlist"], policySubjects: "X" }));
    expect((await listPolicies(db, user.id)).find((p) => p.id === id)).toMatchObject({ actions: ["package:pushversion", "package:unlist"], subjects: ["X"] });
  });

  it("activate restarts the window and deletes keys; again within the same hour is a no-op", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const made = await createPolicy(db, user.id, input(user.username), { now: new Date("2026-03-01T10:05:00Z"), lookup: noLookup });
    if (!made.ok) throw new Error("create failed");
    const id = made.policy.id;
    const key = await issueKey(db, user.id, id);
    const later = new Date("2026-03-20T08:10:00Z"); // lapsed by then
    expect(await activatePolicy(db, user.id, id, { now: later })).toEqual({ ok: true, changed: true });
    const c = parseCriteria((await db.trustedPublishingPolicy.findUniqueOrThrow({ where: { id } })).criteria);
    expect(c.validateBy).toBe("2026-03-27T08:00:00.000Z");
    expect(await db.apiKey.count({ where: { id: key.id } })).toBe(0);
    const key2 = await issueKey(db, user.id, id);
    expect(await activatePolicy(db, user.id, id, { now: new Date("2026-03-20T08:55:00Z") })).toEqual({ ok: true, changed: false });
    expect(await db.apiKey.count({ where: { id: key2.id } })).toBe(1);
  });

  it("delete removes the policy, its scopes and its keys, audited with the keys", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const made = await createPolicy(db, user.id, input(user.username), { lookup: noLookup });
    if (!made.ok) throw new Error("create failed");
    const key = await issueKey(db, user.id, made.policy.id);
    expect(await deletePolicy(db, user.id, made.policy.id)).toEqual({ ok: true });
    expect(await db.trustedPublishingPolicy.count({ where: { id: made.policy.id } })).toBe(0);
    expect(await db.trustedPublishingScope.count({ where: { policyId: made.policy.id } })).toBe(0);
    expect(await db.apiKey.count({ where: { id: key.id } })).toBe(0);
    const audit = await db.auditRecord.findFirstOrThrow({ where: { target: made.policy.id, action: "PolicyDelete" } });
    expect(JSON.parse(audit.details!).deletedKeys).toEqual([key.id]);
    expect(await deletePolicy(db, user.id, made.policy.id)).toMatchObject({ ok: false, error: TP_MESSAGES.unknownPolicy });
  });

  it("an organization's policy: its members may create one; after leaving, the owner is invalid and edit/activate are refused (401)", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const member = await makeUser(db);
    const org = await makeOrganization(db, admin.id);
    await joinOrganization(db, admin.id, org.username, member, false);
    const made = await createPolicy(db, member.id, input(org.username), { lookup: noLookup });
    if (!made.ok) throw new Error(made.error ?? "create failed");
    expect((await listPolicies(db, member.id))[0]).toMatchObject({ ownerUsername: org.username, ownerValid: true });
    const left = await removeMember(db, member.id, org.username, member.username);
    expect(left.ok).toBe(true);
    expect((await listPolicies(db, member.id))[0].ownerValid).toBe(false);
    expect(policyState((await listPolicies(db, member.id))[0], new Date()).state).toBe("owner-invalid");
    const denied = TP_MESSAGES.notPermitted(member.username, org.username);
    expect(await editPolicy(db, member.id, made.policy.id, input(org.username, { workflowFile: "x.yml" }))).toMatchObject({ ok: false, status: 401, error: denied });
    expect(await activatePolicy(db, member.id, made.policy.id)).toMatchObject({ ok: false, status: 401, error: denied });
    // a new one for the organization is refused too; delete still works
    expect(await createPolicy(db, member.id, input(org.username), { lookup: noLookup })).toMatchObject({ ok: false, status: 401, error: denied });
    expect(await deletePolicy(db, member.id, made.policy.id)).toEqual({ ok: true });
  });
});

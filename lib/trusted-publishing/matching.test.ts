import { describe, expect, it } from "vitest";
import { bannedEvents, joinReasons, matchPolicy, MATCH_MESSAGES } from "./matching";

const claims = {
  repository: "contoso/contoso-sdk",
  repository_owner: "contoso",
  repository_owner_id: "65",
  repository_id: "74",
  event_name: "push",
  job_workflow_ref: "contoso/contoso-sdk/.github/workflows/release.yml@refs/heads/main",
};
const criteria = { owner: "contoso", ownerId: "65", repository: "contoso-sdk", repositoryId: "74", workflow: "release.yml" };
const opts = { banned: bannedEvents("pull_request_target; Workflow_Run;;"), now: new Date("2026-08-20T12:00:00Z") };
const match = (c: Partial<typeof criteria> & { validateBy?: string; environment?: string }, over: Record<string, unknown> = {}) =>
  matchPolicy({ name: "P", criteria: { ...criteria, ...c } }, { ...claims, ...over }, opts);

describe("matchPolicy", () => {
  it("matches a permanent policy; ids compare exactly and say nothing when they differ", () => {
    expect(match({})).toEqual({ matched: true, bind: null });
    expect(match({}, { repository_owner_id: "065" })).toEqual({ matched: false, disclosable: null });
    expect(match({ ownerId: "66" })).toEqual({ matched: false, disclosable: null });
  });

  it("binds a temporary policy within its window, refuses it after", () => {
    expect(match({ ownerId: undefined, repositoryId: undefined, validateBy: "2026-08-20T12:00:00.000Z" })).toEqual({ matched: true, bind: { ownerId: "65", repositoryId: "74" } });
    expect(match({ ownerId: undefined, repositoryId: undefined, validateBy: "2026-08-20T11:59:59.999Z" })).toEqual({ matched: false, disclosable: MATCH_MESSAGES.expired("P") });
    // half-bound counts as temporary; without a validateBy it has no window at all
    expect(match({ repositoryId: undefined })).toEqual({ matched: false, disclosable: MATCH_MESSAGES.expired("P") });
  });

  it("each required claim, named", () => {
    for (const c of ["repository", "repository_owner", "repository_owner_id", "repository_id", "event_name"]) {
      expect(match({}, { [c]: undefined })).toEqual({ matched: false, disclosable: MATCH_MESSAGES.missingClaim(c) });
    }
    expect(match({}, { job_workflow_ref: undefined })).toEqual({ matched: false, disclosable: MATCH_MESSAGES.missingClaim("job_workflow_ref") });
  });

  it("bans events ignoring case; the ban comes after the repository is proven", () => {
    expect(match({}, { event_name: "WORKFLOW_RUN" })).toEqual({ matched: false, disclosable: MATCH_MESSAGES.bannedEvent("WORKFLOW_RUN") });
    expect(match({}, { event_name: "workflow_run", repository_id: "1" })).toEqual({ matched: false, disclosable: null });
    expect(match({}, { event_name: "release" }).matched).toBe(true);
  });

  it("job_workflow_ref needs the repository's workflows folder and an @", () => {
    const prefix = "contoso/contoso-sdk/.github/workflows/";
    expect(match({}, { job_workflow_ref: `${prefix}release.yml` })).toEqual({ matched: false, disclosable: MATCH_MESSAGES.workflowPrefix(`${prefix}release.yml`, prefix) });
    expect(match({}, { job_workflow_ref: "contoso/contoso-sdk/release.yml@x" }).matched).toBe(false);
    expect(match({}, { job_workflow_ref: `${prefix.toUpperCase()}RELEASE.YML@v1` }).matched).toBe(true);
    expect(match({}, { job_workflow_ref: `${prefix}sub/release.yml@v1` })).toEqual({ matched: false, disclosable: MATCH_MESSAGES.workflowMismatch("P", "release.yml", "sub/release.yml") });
  });

  it("environment: any when the policy has none, else equal ignoring case", () => {
    expect(match({}, { environment: "whatever" }).matched).toBe(true);
    expect(match({ environment: "prod" }, { environment: "PROD" }).matched).toBe(true);
    expect(match({ environment: "prod" })).toEqual({ matched: false, disclosable: MATCH_MESSAGES.environmentMismatch("P", "prod", "") });
  });

  it("joins reasons each ended with a full stop", () => {
    expect(joinReasons(["a", "b."])).toBe("a. b.");
  });
});

// The Trusted Publishing page's rules and nuget.org's messages (spec A3): the form's checks,
// the server's normalisation of repository and workflow, and the scopes and subjects. Pure, so
// the browser and the data layer apply the same ones.
import { ACTIONS, isValidGlob } from "@/lib/api-keys/scopes";

export const POLICY_NAME_MAX = 64;
/** nuget.org's textarea limit on "Glob Patterns and Packages". */
export const SUBJECTS_MAX = 1000;
// Our caps (nuget.org stores criteria unbounded): GitHub's own limits on names.
export const REPOSITORY_OWNER_MAX = 39;
export const REPOSITORY_MAX = 100;
export const WORKFLOW_MAX = 255;
export const ENVIRONMENT_MAX = 255;

export const PROVIDER = "GitHubActions";

export const TP_MESSAGES = {
  // the page's own (page-trusted-publishing.js)
  nameRequired: "Name is required.",
  nameTooLong: `Name must not exceed ${POLICY_NAME_MAX} characters.`,
  ownerRequired: "Package owner should be provided.",
  repositoryOwnerRequired: "Repository owner is required.",
  repositoryRequired: "Repository is required.",
  workflowRequired: "Workflow file is required.",
  scopeRequired: "At least one scope must be selected.",
  subjectsTooLong: `Glob Patterns and Packages must not exceed ${SUBJECTS_MAX} characters.`,
  subjectsRequired: "At least one valid glob pattern or package must be specified.",
  // the server's (UsersController, GitHubTokenPolicyValidator)
  ownerBlankServer: "The trusted publisher policy owner is required.",
  ownerUnknown: (owner: string) => `The policy package owner '${owner}' does not exist.`,
  scopesInvalid: "The policy scopes are invalid.",
  notPermitted: (user: string, owner: string) =>
    `The user '${user}' does not have the required permissions to add a federated credential policy for package owner '${owner}'.`,
  nameTooLongServer: `The policy name cannot be longer than ${POLICY_NAME_MAX}.`,
  criteriaOwner: "The GitHub repository owner is required.",
  criteriaRepository: "The GitHub repository is required.",
  criteriaWorkflow: "The GitHub Action workflow file is required.",
  creatorIsOrganization: (user: string) =>
    `Policy user '${user}' is an organization. Creating federated credential trust policies for organizations is not supported.`,
  unknownPolicy: "Unexpected trusted publisher.",
  notCreator: "User is not authorized",
  unconfirmed: "To register a Trusted Publisher you will need to confirm your account.",
  removed: "The policy has been removed.",
  // ours: nuget.org answers an unknown publisherType with a 500
  providerUnsupported: (p: string) => `The CI/CD provider '${p}' is not supported here; choose GitHub Actions.`,
  // ours: nuget.org keeps criteria unbounded and unchecked
  repositoryOwnerTooLong: `The GitHub repository owner must be at most ${REPOSITORY_OWNER_MAX} characters.`,
  repositoryOwnerInvalid: "The GitHub repository owner may contain only letters, digits and hyphens.",
  repositoryTooLong: `The GitHub repository must be at most ${REPOSITORY_MAX} characters.`,
  repositoryInvalid: "The GitHub repository is the repository's name only (e.g. contoso-sdk): letters, digits, '.', '_' and '-'.",
  workflowTooLong: `The workflow file must be at most ${WORKFLOW_MAX} characters.`,
  workflowInvalid: "The workflow file is a file name in .github/workflows/, such as release.yml.",
  environmentTooLong: `The environment must be at most ${ENVIRONMENT_MAX} characters.`,
} as const;

/** The form's field names, as nuget.org posts them (criteria split into its parts). */
export type PolicyField =
  | "policyName"
  | "owner"
  | "repositoryOwner"
  | "repository"
  | "workflowFile"
  | "environment"
  | "policyScopes"
  | "policySubjects";

/**
 * nuget.org's Repository normalisation: no leading https:// and/or github.com/, no trailing
 * "/", and "owner/name" becomes "name" when owner is the Repository Owner.
 */
export function normalizeRepository(raw: string, owner: string): string {
  let r = raw.trim().replace(/^https:\/\//i, "").replace(/^github\.com\//i, "").replace(/\/$/, "");
  const slash = r.indexOf("/");
  if (slash > 0 && r.indexOf("/", slash + 1) === -1 && r.slice(0, slash).toLowerCase() === owner.trim().toLowerCase()) r = r.slice(slash + 1);
  return r;
}

/** nuget.org's Workflow File normalisation: "\" → "/", then no leading (/).github/workflows/. */
export function normalizeWorkflow(raw: string): string {
  return raw.trim().replace(/\\/g, "/").replace(/^\/?\.github\/workflows\//i, "");
}

export interface CriteriaInput {
  repositoryOwner: string;
  repository: string;
  workflowFile: string;
  environment: string;
}

export type CheckedCriteria =
  | { ok: true; owner: string; repository: string; workflow: string; environment: string | undefined }
  | { ok: false; errors: Partial<Record<PolicyField, string>> };

/** The server's criteria check after normalisation; our length and character rules after nuget.org's required ones. */
export function checkCriteria(input: CriteriaInput): CheckedCriteria {
  const owner = input.repositoryOwner.trim();
  const repository = normalizeRepository(input.repository, owner);
  const workflow = normalizeWorkflow(input.workflowFile);
  const environment = input.environment.trim();
  const errors: Partial<Record<PolicyField, string>> = {};
  if (!owner) errors.repositoryOwner = TP_MESSAGES.criteriaOwner;
  else if (owner.length > REPOSITORY_OWNER_MAX) errors.repositoryOwner = TP_MESSAGES.repositoryOwnerTooLong;
  else if (!/^[A-Za-z0-9-]+$/.test(owner)) errors.repositoryOwner = TP_MESSAGES.repositoryOwnerInvalid;
  if (!repository) errors.repository = TP_MESSAGES.criteriaRepository;
  else if (repository.length > REPOSITORY_MAX) errors.repository = TP_MESSAGES.repositoryTooLong;
  else if (!/^[A-Za-z0-9._-]+$/.test(repository) || repository === "." || repository === "..") errors.repository = TP_MESSAGES.repositoryInvalid;
  if (!workflow) errors.workflowFile = TP_MESSAGES.criteriaWorkflow;
  else if (workflow.length > WORKFLOW_MAX) errors.workflowFile = TP_MESSAGES.workflowTooLong;
  else if (workflow.includes("/") || /[\u0000-\u001f@]/.test(workflow)) errors.workflowFile = TP_MESSAGES.workflowInvalid;
  if (environment.length > ENVIRONMENT_MAX) errors.environment = TP_MESSAGES.environmentTooLong;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, owner, repository, workflow, environment: environment || undefined };
}

export type CheckedScopes = { ok: true; actions: string[]; subjects: string[] } | { ok: false; field: PolicyField; error: string };

/**
 * Scopes as on API keys: push or push-version (not both), and/or unlist. Subjects: the
 * textarea's lines, trimmed; invalid lines are dropped silently (nuget.org, client and server);
 * duplicates (ignoring case) once.
 */
export function checkScopes(actions: readonly string[], subjectsText: string): CheckedScopes {
  const set = new Set(actions);
  if (set.size === 0) return { ok: false, field: "policyScopes", error: TP_MESSAGES.scopeRequired };
  const allowed: string[] = [ACTIONS.push, ACTIONS.pushVersion, ACTIONS.unlist];
  if ([...set].some((a) => !allowed.includes(a)) || (set.has(ACTIONS.push) && set.has(ACTIONS.pushVersion))) {
    return { ok: false, field: "policyScopes", error: TP_MESSAGES.scopesInvalid };
  }
  if (subjectsText.length > SUBJECTS_MAX) return { ok: false, field: "policySubjects", error: TP_MESSAGES.subjectsTooLong };
  const subjects = validSubjectLines(subjectsText);
  if (subjects.length === 0) return { ok: false, field: "policySubjects", error: TP_MESSAGES.subjectsRequired };
  return { ok: true, actions: allowed.filter((a) => set.has(a)), subjects };
}

/** The valid lines of the textarea, trimmed, first spelling of each (ignoring case) once. */
export function validSubjectLines(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const s = line.trim();
    if (!s || !isValidGlob(s) || seen.has(s.toLowerCase())) continue;
    seen.add(s.toLowerCase());
    out.push(s);
  }
  return out;
}

/** The policy name: trimmed; blank = the workflow file without its extension (nuget.org's fallback), cut to 64. */
export function policyNameOf(raw: string, workflow: string): { ok: true; name: string } | { ok: false; error: string } {
  const name = raw.trim();
  if (name.length > POLICY_NAME_MAX) return { ok: false, error: TP_MESSAGES.nameTooLongServer };
  return { ok: true, name: name || workflow.replace(/\.[^.]*$/, "").slice(0, POLICY_NAME_MAX) };
}

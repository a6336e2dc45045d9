// The Trusted Publishing form as the page posts it (nuget.org's field names, criteria split into
// its parts). Any value that is not a string reads as empty; every text is capped here, before
// any rule sees it, so an oversized post costs nothing (the rules then refuse the long ones).
const CAP = 4096;

function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v.slice(0, CAP) : "";
}

export function readPolicyForm(input: unknown) {
  const form = input instanceof FormData ? input : new FormData();
  return {
    policyName: text(form, "policyName"),
    owner: text(form, "owner"),
    publisherType: text(form, "publisherType"),
    repositoryOwner: text(form, "repositoryOwner"),
    repository: text(form, "repository"),
    workflowFile: text(form, "workflowFile"),
    environment: text(form, "environment"),
    policyScopes: form
      .getAll("policyScopes")
      .slice(0, 10)
      .filter((v): v is string => typeof v === "string")
      .map((v) => v.slice(0, 64)),
    policySubjects: text(form, "policySubjects"),
  };
}

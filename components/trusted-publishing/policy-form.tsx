"use client";
// The policy form (nuget.org's "upsert-policy" template, spec A3): Create with every field, Edit
// with only the name, workflow file, environment, scopes and subjects. A plain form post without
// JavaScript (useActionState); with it, the page's own checks run first and the form keeps its values.
import { useActionState, useState, useTransition } from "react";
import { createPolicyAction, editPolicyAction } from "@/app/account/trustedpublishing/actions";
import { wizardInput } from "@/components/api-keys/form-styles";
import { GlobHelp } from "@/components/api-keys/glob-help";
import { ScopeFields, type PushKind } from "@/components/api-keys/scope-fields";
import { OwnerOptions } from "@/components/api-keys/owner-options";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";
import { Field, describedBy } from "@/components/ui/field";
import { idle, type ActionState } from "@/lib/action-state";
import { ACTIONS } from "@/lib/api-keys/scopes";
import type { PolicyRowData } from "@/lib/trusted-publishing/present";
import { POLICY_NAME_MAX, SUBJECTS_MAX, TP_MESSAGES, validSubjectLines, type PolicyField } from "@/lib/trusted-publishing/rules";

type State = ActionState<string>;

const HINTS = {
  policyName: "Choose any name to help you identify this policy",
  owner: "The owner of packages allowed for publishing or updates",
  repositoryOwner: "Example: azure. The GitHub organization or owner name.",
  repository: "Example: azure-sdk-tools. The GitHub repository name.",
  workflowFile: "Example: build.yml. The file name that contains publishing workflow and exists in the .github/workflows/ directory.",
  environment: "The GitHub Actions environment name, e.g. production",
} as const;

/** The page's own checks, with nuget.org's page messages (page-trusted-publishing.js). */
function check(form: FormData, create: boolean): Partial<Record<PolicyField, string>> {
  const v = (n: string) => String(form.get(n) ?? "").trim();
  const e: Partial<Record<PolicyField, string>> = {};
  if (!v("policyName")) e.policyName = TP_MESSAGES.nameRequired;
  else if (v("policyName").length > POLICY_NAME_MAX) e.policyName = TP_MESSAGES.nameTooLong;
  if (create && !v("owner")) e.owner = TP_MESSAGES.ownerRequired;
  if (create && !v("repositoryOwner")) e.repositoryOwner = TP_MESSAGES.repositoryOwnerRequired;
  if (create && !v("repository")) e.repository = TP_MESSAGES.repositoryRequired;
  if (!v("workflowFile")) e.workflowFile = TP_MESSAGES.workflowRequired;
  if (form.getAll("policyScopes").length === 0) e.policyScopes = TP_MESSAGES.scopeRequired;
  const subjects = String(form.get("policySubjects") ?? "");
  if (subjects.length > SUBJECTS_MAX) e.policySubjects = TP_MESSAGES.subjectsTooLong;
  else if (validSubjectLines(subjects).length === 0) e.policySubjects = TP_MESSAGES.subjectsRequired;
  return e;
}

export default function PolicyForm({
  owners = [],
  row,
  onDone,
  onCancel,
}: {
  /** create: the owners the user may pick */
  owners?: string[];
  /** edit: the policy */
  row?: PolicyRowData;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const create = !row;
  const prefix = row ? `edit-${row.id}` : "create";
  const action = row ? editPolicyAction.bind(null, row.id) : createPolicyAction;
  const [served, formAction] = useActionState<State, FormData>(action, idle);
  const [answer, setAnswer] = useState<State | null>(null);
  const [local, setLocal] = useState<Partial<Record<PolicyField, string>>>({});
  const [pending, startTransition] = useTransition();
  const [push, setPush] = useState(row ? row.actions.some((a) => a !== ACTIONS.unlist) : true);
  const [pushKind, setPushKind] = useState<PushKind>(row?.actions.includes(ACTIONS.pushVersion) ? ACTIONS.pushVersion : ACTIONS.push);
  const [unlist, setUnlist] = useState(row ? row.actions.includes(ACTIONS.unlist) : false);

  const state = answer ?? served;
  const serverErrors = state.status === "error" ? state.fieldErrors : undefined;
  const message = (f: PolicyField) => local[f] ?? serverErrors?.[f]?.[0];

  const submit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const found = check(form, create);
    setLocal(found);
    setAnswer(null);
    if (Object.keys(found).length > 0) return;
    startTransition(async () => {
      const r = await action(idle, form);
      setAnswer(r);
      if (r.status === "ok") {
        if (create) {
          formEl.reset();
          setPush(true);
          setPushKind(ACTIONS.push);
          setUnlist(false);
        }
        onDone(r.message ?? "");
      }
    });
  };

  const input = (name: PolicyField, label: string, hint?: string, defaultValue?: string, required = true) => {
    const id = `${prefix}-${name}`;
    return (
      <Field id={id} label={label} message={message(name)} hint={hint}>
        <input
          id={id}
          name={name}
          defaultValue={defaultValue}
          aria-required={required ? "true" : undefined}
          aria-invalid={message(name) ? true : undefined}
          aria-describedby={describedBy(id, hint)}
          autoComplete="off"
          className={wizardInput}
        />
      </Field>
    );
  };

  const scopesMessage = push || unlist ? (message("policyScopes") ?? "") : TP_MESSAGES.scopeRequired;
  const formError = state.status === "error" && state.message ? state.message : null;

  return (
    <form
      action={formAction}
      onSubmit={submit}
      noValidate
      aria-label={row ? `Edit ${row.name}` : "Create policy"}
      className="border border-gray-300 p-4 sm:px-10 sm:py-8 [&_label.block]:font-bold"
    >
      {formError ? (
        <p role="alert" data-testid="policy-form-error" className="mb-3 border-l-4 border-red-700 bg-red-50 px-3 py-2 text-red-800">
          {formError}
        </p>
      ) : null}
      <div className="grid gap-4 md:grid-cols-2 md:gap-x-10">
        {input("policyName", "Policy Name", HINTS.policyName, row?.name)}
        {create ? (
          <Field id="create-owner" label="Package Owner" message={message("owner")} hint={HINTS.owner}>
            <select
              id="create-owner"
              name="owner"
              defaultValue={owners.length === 1 ? owners[0] : ""}
              aria-required="true"
              aria-describedby={describedBy("create-owner", HINTS.owner)}
              className={wizardInput}
            >
              <OwnerOptions owners={owners} />
            </select>
          </Field>
        ) : null}
        {create ? (
          <Field id="create-publisherType" label="CI/CD Provider" message={undefined}>
            {/* nuget.org offers GitLab CI/CD too; only GitHub Actions is supported here */}
            <select id="create-publisherType" name="publisherType" defaultValue="GitHubActions" aria-required="true" aria-describedby="create-publisherType-error" className={wizardInput}>
              <option value="GitHubActions">GitHub Actions</option>
            </select>
          </Field>
        ) : null}
      </div>

      <h3 className="mt-6 text-2xl font-bold">
        GitHub{" "}
        <a href="https://aka.ms/nuget/trusted-publishing-github-actions" className="text-base font-normal underline">
          Learn more
        </a>
      </h3>
      <div className="mt-2 grid gap-4 md:grid-cols-2 md:gap-x-10">
        {create ? input("repositoryOwner", "Repository Owner", HINTS.repositoryOwner) : null}
        {create ? input("repository", "Repository", HINTS.repository) : null}
        {input("workflowFile", "Workflow File", HINTS.workflowFile, row?.workflow)}
        {input("environment", "Environment", HINTS.environment, row?.environment ?? "", false)}
      </div>

      <ScopeFields
        idPrefix={prefix}
        name="policyScopes"
        push={push}
        onPush={setPush}
        pushKind={pushKind}
        onPushKind={setPushKind}
        unlist={unlist}
        onUnlist={setUnlist}
        message={scopesMessage}
      />

      <div className="mt-5 grid gap-4 md:grid-cols-[1fr_16rem]">
        <Field id={`${prefix}-policySubjects`} label="Glob Patterns and Packages (Separate by a new line)" message={message("policySubjects")}>
          <textarea
            id={`${prefix}-policySubjects`}
            name="policySubjects"
            rows={5}
            defaultValue={row?.subjects.join("\n")}
            aria-describedby={`${prefix}-policySubjects-error`}
            aria-invalid={message("policySubjects") ? true : undefined}
            className="mt-1 block w-full border border-[#8a8886] bg-white px-3 py-1 font-mono text-base"
          />
        </Field>
        <GlobHelp verb="Allow" exactRow>
          <p className="mb-2">
            <strong>Add glob patterns and packages associated with the policy.</strong>
          </p>
        </GlobHelp>
      </div>

      <div className="mt-4 flex gap-2">
        <button type="submit" disabled={pending} className={primaryButton}>
          {create ? "Create" : "Save"}
        </button>
        <button type="button" disabled={pending} onClick={onCancel} className={secondaryButton}>
          Cancel
        </button>
      </div>
    </form>
  );
}

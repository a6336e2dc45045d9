"use client";
// The Create wizard (spec §1.2): Key Name, Expires In, Package Owner, Select Scopes, Select
// Packages. The same rules as the server (rules.ts) give the same messages before sending.
import { useState, useTransition } from "react";
import { createKeyAction, type NewSecret } from "@/app/account/apikeys/actions";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";
import { Field } from "@/components/ui/field";
import { wizardInput } from "./form-styles";
import { subjectsToSend } from "@/lib/api-keys/picker";
import { MESSAGES, NAME_MAX, expiryLabel } from "@/lib/api-keys/rules";
import { ACTIONS, isValidGlob } from "@/lib/api-keys/scopes";
import { PackagePicker, loadIds, useOwnerPackages } from "./package-picker";
import { AddressLimitsField } from "./address-limits-field";
import { ScopeFields, type PushKind } from "./scope-fields";
import { OwnerOptions } from "./owner-options";

const CREATE_ERROR = "An error occurred while creating a new API key. Please try again.";

export default function CreateKeyForm({
  owners,
  expiryDays,
  defaultExpiryDays,
  onCreated,
  onCancel,
  onError,
}: {
  owners: string[];
  expiryDays: number[];
  defaultExpiryDays: number;
  onCreated: (secret: NewSecret) => void;
  onCancel: () => void;
  onError: (message: string | null) => void;
}) {
  const [name, setName] = useState("");
  const [expires, setExpires] = useState(String(defaultExpiryDays));
  const [owner, setOwner] = useState(owners.length === 1 ? owners[0] : "");
  // nuget.org: once an owner is chosen, Push with "Push new packages…" is selected
  const [push, setPush] = useState(owners.length === 1);
  const [pushKind, setPushKind] = useState<PushKind>(ACTIONS.push);
  const [unlist, setUnlist] = useState(false);
  const [glob, setGlob] = useState("");
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [allowedCidrs, setAllowedCidrs] = useState("");
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [pending, startTransition] = useTransition();
  const { prepared, failed } = useOwnerPackages(owner || null, loadIds);

  const hasScope = push || unlist;

  const changeOwner = (next: string) => {
    setOwner(next);
    setTicked(new Set());
    setErrors((e) => ({ ...e, actions: undefined, subjects: undefined, owner: undefined }));
    // every action is allowed for the user's own account; nothing selected → the first allowed
    if (next && !push && !unlist) {
      setPush(true);
      setPushKind(ACTIONS.push);
    }
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const subjects = prepared ? subjectsToSend(prepared, glob, ticked) : glob.trim() ? [glob.trim()] : [];
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = MESSAGES.nameRequired;
    else if (name.trim().length > NAME_MAX) found.name = MESSAGES.nameTooLong;
    if (!owner) found.owner = MESSAGES.ownerRequired;
    if (!hasScope) found.actions = MESSAGES.scopeRequired;
    // an invalid glob is already shown live under the field; it only blocks here
    if (!isValidGlob(glob.trim())) found.glob = MESSAGES.globInvalid;
    else if (subjects.length === 0) found.subjects = MESSAGES.subjectsRequired;
    setErrors(found);
    if (Object.keys(found).length > 0) return;

    const form = new FormData();
    form.set("name", name);
    form.set("expiresInDays", expires);
    form.set("owner", owner);
    if (push) form.append("actions", pushKind);
    if (unlist) form.append("actions", ACTIONS.unlist);
    for (const s of subjects) form.append("subjects", s);
    form.set("allowedCidrs", allowedCidrs);
    startTransition(async () => {
      try {
        const result = await createKeyAction(form);
        if (result.status === "ok") {
          onError(null);
          onCreated(result.data);
        } else if (result.status === "error" && result.fieldErrors) {
          setErrors(Object.fromEntries(Object.entries(result.fieldErrors).map(([k, v]) => [k, v[0]])));
        } else {
          onError(CREATE_ERROR);
        }
      } catch {
        onError(CREATE_ERROR);
      }
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Create API key" className="border border-gray-300 p-4 sm:px-10 sm:py-8 [&_label.block]:font-bold">
      {/* nuget.org's Bootstrap columns: Key Name and Package Owner 7/12, Expires In 5/12 */}
      <div className="grid gap-4 md:grid-cols-[7fr_5fr] md:gap-x-10">
        <Field id="create-name" label="Key Name" message={errors.name}>
          <input
            id="create-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-required="true"
            aria-invalid={!!errors.name}
            aria-describedby="create-name-error"
            className={wizardInput}
          />
        </Field>
        {expiryDays.length > 0 ? (
          <Field id="create-expires" label="Expires In" message={errors.expiresInDays}>
            <select
              id="create-expires"
              value={expires}
              onChange={(e) => setExpires(e.target.value)}
              aria-describedby="create-expires-error"
              className={wizardInput}
            >
              {expiryDays.map((d) => (
                <option key={d} value={d}>
                  {expiryLabel(d)}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
      </div>

      <Field
        id="create-owner"
        label="Package Owner"
        message={owner ? errors.owner : MESSAGES.ownerRequired}
        className="mt-5 md:w-[calc((100%-2.5rem)*7/12)]"
      >
        <select
          id="create-owner"
          value={owner}
          onChange={(e) => changeOwner(e.target.value)}
          aria-required="true"
          aria-describedby="create-owner-error"
          className={wizardInput}
        >
          <OwnerOptions owners={owners} />
        </select>
      </Field>

      <ScopeFields
        idPrefix="create"
        push={push}
        onPush={setPush}
        pushKind={pushKind}
        onPushKind={setPushKind}
        unlist={unlist}
        onUnlist={setUnlist}
        message={hasScope ? (errors.actions ?? "") : MESSAGES.scopeRequired}
      />

      {owner ? (
        <PackagePicker
          idPrefix="create"
          prepared={prepared}
          failed={failed}
          glob={glob}
          onGlobChange={(g) => {
            setGlob(g);
            setErrors((e) => ({ ...e, subjects: undefined }));
          }}
          ticked={ticked}
          onTickedChange={(t) => {
            setTicked(t);
            setErrors((e) => ({ ...e, subjects: undefined }));
          }}
          error={errors.subjects}
        />
      ) : null}

      <AddressLimitsField
        id="create-allowed-cidrs"
        value={allowedCidrs}
        onChange={(v) => {
          setAllowedCidrs(v);
          setErrors((e) => ({ ...e, allowedCidrs: undefined }));
        }}
        error={errors.allowedCidrs}
      />

      <div className="mt-4 flex gap-2">
        <button type="submit" disabled={!hasScope || pending} className={primaryButton}>
          Create
        </button>
        <button type="button" disabled={!hasScope || pending} onClick={onCancel} className={secondaryButton}>
          Cancel
        </button>
      </div>
    </form>
  );
}

"use client";
// "Select Scopes" (spec §1.2; Trusted Publishing's form has the same controls): Push with its two
// radios, and Unlist. Controlled; `name` makes them post as a plain form too (policyScopes[]).
import { ACTION_DESCRIPTIONS, ACTIONS } from "@/lib/api-keys/scopes";

export type PushKind = typeof ACTIONS.push | typeof ACTIONS.pushVersion;

export function ScopeFields({
  idPrefix,
  name,
  push,
  onPush,
  pushKind,
  onPushKind,
  unlist,
  onUnlist,
  message,
}: {
  idPrefix: string;
  /** the form field the chosen actions post as; none when the form builds its own request */
  name?: string;
  push: boolean;
  onPush: (on: boolean) => void;
  pushKind: PushKind;
  onPushKind: (kind: PushKind) => void;
  unlist: boolean;
  onUnlist: (on: boolean) => void;
  message: string;
}) {
  const errorId = `${idPrefix}-actions-error`;
  return (
    <fieldset className="mt-5" aria-describedby={errorId}>
      <legend className="mb-1 text-2xl font-bold">Select Scopes</legend>
      <label className="flex items-center gap-2 py-1">
        <input type="checkbox" checked={push} onChange={(e) => onPush(e.target.checked)} />
        Push
      </label>
      <div role="radiogroup" aria-label="Push" className="ml-6">
        {([ACTIONS.push, ACTIONS.pushVersion] as const).map((value) => (
          <label key={value} className={`flex items-center gap-2 py-1 ${push ? "" : "text-gray-500"}`}>
            <input
              type="radio"
              name={name ?? `${idPrefix}-push-kind`}
              value={value}
              checked={push && pushKind === value}
              disabled={!push}
              onChange={() => onPushKind(value)}
            />
            {ACTION_DESCRIPTIONS[value]}
          </label>
        ))}
      </div>
      <label className="flex items-center gap-2 py-1">
        <input type="checkbox" name={name} value={ACTIONS.unlist} checked={unlist} onChange={(e) => onUnlist(e.target.checked)} />
        {ACTION_DESCRIPTIONS[ACTIONS.unlist]}
      </label>
      <p id={errorId} aria-live="polite" className="text-sm text-red-700">
        {message}
      </p>
    </fieldset>
  );
}

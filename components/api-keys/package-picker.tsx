"use client";
// "Select Packages": glob pattern with live validation and examples, and the owner's package
// ids as checkboxes (A–Z). Glob matches show checked and greyed. Built for big accounts
// (NuGetGallery#4604): the list is virtualised, ids are lower-cased once, the glob compiles
// once per keystroke, and the heavy recount runs on a deferred value so typing never waits.
import { useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { loadOwnerPackagesAction } from "@/app/account/apikeys/actions";
import { computeSelection, prepareIds, type PreparedIds } from "@/lib/api-keys/picker";
import { MESSAGES } from "@/lib/api-keys/rules";
import { isValidGlob } from "@/lib/api-keys/scopes";
import { wizardInput } from "./form-styles";
import { GlobHelp } from "./glob-help";

const ROW_HEIGHT = 26;

export interface PickerProps {
  /** null while the owner's packages load */
  prepared: PreparedIds | null;
  /** the owner's packages could not be loaded */
  failed?: boolean;
  glob: string;
  onGlobChange: (glob: string) => void;
  /** lower-cased ids ticked by hand */
  ticked: ReadonlySet<string>;
  onTickedChange: (ticked: Set<string>) => void;
  /** a subjects error from submit or from the server */
  error?: string;
  idPrefix: string;
}

export function PackagePicker({ prepared, failed, glob, onGlobChange, ticked, onTickedChange, error, idPrefix }: PickerProps) {
  const deferredGlob = useDeferredValue(glob);
  const [filter, setFilter] = useState("");
  const deferredFilter = useDeferredValue(filter);
  const globValid = isValidGlob(glob.trim());

  const selection = useMemo(
    () => (prepared ? computeSelection(prepared, deferredGlob, ticked) : null),
    [prepared, deferredGlob, ticked],
  );
  // indexes of the ids shown (the filter box narrows the view, never the selection)
  const visible = useMemo(() => {
    if (!prepared) return [];
    const f = deferredFilter.trim().toLowerCase();
    const all = prepared.lower;
    const out: number[] = [];
    for (let i = 0; i < all.length; i++) if (!f || all[i].includes(f)) out.push(i);
    return out;
  }, [prepared, deferredFilter]);

  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as its docs show
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const toggle = (lower: string, on: boolean) => {
    const next = new Set(ticked);
    if (on) next.add(lower);
    else next.delete(lower);
    onTickedChange(next);
  };

  const globErrorId = `${idPrefix}-glob-error`;
  const subjectsErrorId = `${idPrefix}-subjects-error`;
  const total = prepared?.ids.length ?? 0;

  return (
    <fieldset className="mt-5">
      <legend className="mb-1 text-2xl font-bold">Select Packages</legend>
      <p className="mb-2 text-sm">
        To select which packages to associate with a key, use a glob pattern, select individual packages, or both.
      </p>
      <div className="grid gap-4 md:grid-cols-[1fr_16rem]">
        <div>
          <label htmlFor={`${idPrefix}-glob`} className="block font-semibold">
            Glob Pattern
          </label>
          <input
            id={`${idPrefix}-glob`}
            value={glob}
            onChange={(e) => onGlobChange(e.target.value)}
            aria-invalid={!globValid}
            aria-describedby={`${globErrorId} ${subjectsErrorId}`}
            className={wizardInput}
            autoComplete="off"
          />
          <p id={globErrorId} aria-live="polite" className="text-sm text-red-700">
            {globValid ? "" : MESSAGES.globInvalid}
          </p>

          <div className="mt-3 flex items-end justify-between gap-2">
            <span id={`${idPrefix}-available`} className="font-bold">
              Available Packages
            </span>
            <input
              type="search"
              aria-label="Filter packages"
              placeholder="Filter packages"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              className="h-7 w-48 border border-[#8a8886] px-2 text-sm"
            />
          </div>
          <div
            ref={scrollRef}
            role="group"
            aria-labelledby={`${idPrefix}-available`}
            className="mt-1 h-56 overflow-auto border border-[#8a8886]"
          >
            {failed ? (
              <p role="alert" className="p-2 text-sm text-red-700">
                The packages of this owner could not be loaded. Please reload the page.
              </p>
            ) : !prepared ? (
              <p className="p-2 text-sm text-gray-600">Loading packages…</p>
            ) : total === 0 ? (
              <p className="p-2 text-sm text-gray-600">This owner has no packages yet. Use a glob pattern to cover future package IDs.</p>
            ) : (
              <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
                {virtualizer.getVirtualItems().map((item) => {
                  const i = visible[item.index];
                  const lower = prepared.lower[i];
                  const matched = selection?.matched[i] === 1;
                  return (
                    <label
                      key={lower}
                      className={`absolute left-0 flex w-full items-center gap-2 px-2 text-sm ${matched ? "text-gray-500" : ""}`}
                      style={{ top: item.start, height: ROW_HEIGHT }}
                    >
                      <input
                        type="checkbox"
                        checked={matched || ticked.has(lower)}
                        disabled={matched}
                        onChange={(e) => toggle(lower, e.target.checked)}
                      />
                      {prepared.ids[i]}
                    </label>
                  );
                })}
              </div>
            )}
          </div>
          <p className="mt-1 text-sm" aria-live="polite" data-testid="packages-counter">
            {(selection?.count ?? 0).toLocaleString()} of {total.toLocaleString()} packages selected
          </p>
          <p id={subjectsErrorId} aria-live="polite" className="text-sm text-red-700">
            {error ?? ""}
          </p>
        </div>
        <GlobHelp verb="Select" />
      </div>
    </fieldset>
  );
}

export async function loadIds(owner: string): Promise<string[] | null> {
  const r = await loadOwnerPackagesAction(owner);
  if (r.status !== "ok") return null;
  return r.data.ids ? r.data.ids.split("\n") : [];
}

/** Loads the owner's package ids through the server action (lower-cased once, here). */
export function useOwnerPackages(owner: string | null, load: (owner: string) => Promise<string[] | null>) {
  const [state, setState] = useState<{ owner: string; prepared: PreparedIds | null; failed: boolean } | null>(null);
  useEffect(() => {
    if (!owner) return;
    let live = true;
    load(owner).then(
      (ids) => live && setState({ owner, prepared: ids ? prepareIds(ids) : null, failed: !ids }),
      () => live && setState({ owner, prepared: null, failed: true }),
    );
    return () => {
      live = false;
    };
  }, [owner, load]);
  const current = state && state.owner === owner ? state : null;
  return { prepared: current?.prepared ?? null, failed: current?.failed ?? false };
}

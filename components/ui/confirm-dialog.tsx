"use client";
// A modal confirmation on the native <dialog> (focus trapped, Escape cancels), in place of
// window.confirm(), which tests and screen readers handle badly.
import { useCallback, useEffect, useRef, useState } from "react";

interface Pending {
  message: string;
  resolve: (ok: boolean) => void;
}

/** `confirm(message)` resolves true on OK, false on Cancel/Escape; render `dialog` once. */
export function useConfirm(): [dialog: React.ReactNode, confirm: (message: string) => Promise<boolean>] {
  const [pending, setPending] = useState<Pending | null>(null);
  const ref = useRef<HTMLDialogElement>(null);
  const okRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const d = ref.current;
    if (!pending || !d || d.open) return;
    d.showModal();
    // showModal focuses the first button (Cancel); nuget.org's confirm() answers Enter with OK
    okRef.current?.focus();
  }, [pending]);

  const confirm = useCallback((message: string) => new Promise<boolean>((resolve) => setPending({ message, resolve })), []);

  const close = (ok: boolean) => {
    ref.current?.close();
    pending?.resolve(ok);
    setPending(null);
  };

  const dialog = pending ? (
    <dialog
      ref={ref}
      aria-labelledby="confirm-dialog-text"
      onCancel={(e) => {
        e.preventDefault();
        close(false);
      }}
      className="m-auto rounded border border-gray-300 p-5 shadow-xl backdrop:bg-black/40"
    >
      <p id="confirm-dialog-text" className="mb-4">
        {pending.message}
      </p>
      <div className="flex justify-end gap-2">
        <button type="button" onClick={() => close(false)} className="rounded border border-gray-400 px-4 py-1.5">
          Cancel
        </button>
        <button type="button" ref={okRef} onClick={() => close(true)} className="rounded bg-nuget-blue px-4 py-1.5 text-white">
          OK
        </button>
      </div>
    </dialog>
  ) : null;

  return [dialog, confirm];
}

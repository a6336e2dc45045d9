"use client";
// Disabled while the form's action runs, so a double click never posts twice.
import { useFormStatus } from "react-dom";

export function SubmitButton({ children }: { children: React.ReactNode }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      className="bg-nuget-blue px-4 py-1.5 text-white hover:bg-[#286090] disabled:cursor-wait disabled:opacity-60"
    >
      {children}
    </button>
  );
}

"use client";
// A section heading that opens and closes its body: "+" when closed, "−" when open.
import { useId } from "react";

export function Collapsible({
  title,
  open,
  onToggle,
  children,
}: {
  title: string;
  open: boolean;
  onToggle: (open: boolean) => void;
  children: React.ReactNode;
}) {
  const bodyId = useId();
  return (
    <section className="mt-6">
      <h2 className="border-b border-gray-300 pb-1 text-2xl font-light">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => onToggle(!open)}
          className="flex w-full items-center gap-2 text-left"
        >
          <span aria-hidden="true" data-testid="collapse-icon" className="inline-block w-5 text-center font-normal">
            {open ? "−" : "+"}
          </span>
          {title}
        </button>
      </h2>
      <div id={bodyId} hidden={!open} className="pt-3">
        {children}
      </div>
    </section>
  );
}

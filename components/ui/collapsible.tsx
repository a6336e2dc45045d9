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
      {/* nuget.org's section heading: light, about twice the body size, no rule under it */}
      <h2 className="text-[34px] leading-tight font-light">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => onToggle(!open)}
          className="flex w-full items-center gap-3 text-left"
        >
          <span aria-hidden="true" data-testid="collapse-icon" className="inline-block w-6 text-center font-light">
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

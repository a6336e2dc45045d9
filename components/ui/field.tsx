// A labelled form control with its message underneath, which the control points to through
// aria-describedby (the message id is `${id}-error`).
export function Field({
  id,
  label,
  message,
  className,
  children,
}: {
  id: string;
  label: string;
  message: string | undefined;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block font-semibold">
        {label}
      </label>
      {children}
      <p id={`${id}-error`} aria-live="polite" className="text-sm text-red-700">
        {message ?? ""}
      </p>
    </div>
  );
}

export const inputClass = "mt-1 w-full rounded border border-gray-400 px-2 py-1";

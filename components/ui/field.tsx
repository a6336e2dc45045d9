// A labelled form control with an optional hint and its message underneath, which the control
// points to through aria-describedby (ids `${id}-hint` and `${id}-error`: see describedBy).
export function Field({
  id,
  label,
  message,
  hint,
  className,
  children,
}: {
  id: string;
  label: string;
  message: string | undefined;
  hint?: string;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block font-semibold">
        {label}
      </label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="text-sm text-gray-600">
          {hint}
        </p>
      )}
      <p id={`${id}-error`} aria-live="polite" className="text-sm text-red-700">
        {message ?? ""}
      </p>
    </div>
  );
}

/** The aria-describedby of a Field's control: its hint (when it has one), then its message. */
export function describedBy(id: string, hint?: string): string {
  return hint ? `${id}-hint ${id}-error` : `${id}-error`;
}

export const inputClass = "mt-1 w-full rounded border border-gray-400 px-2 py-1";

/** A required text, email or password input in a Field, named and identified by `name` (the account forms). */
export function TextField({
  label,
  name,
  type = "text",
  defaultValue,
  errors,
  autoComplete,
  hint,
}: {
  label: string;
  name: string;
  type?: "text" | "email" | "password";
  defaultValue?: string;
  errors?: string[];
  autoComplete?: string;
  hint?: string;
}) {
  return (
    <Field id={name} label={label} message={errors?.join(" ")} hint={hint} className="space-y-1">
      <input
        id={name}
        name={name}
        type={type}
        defaultValue={type === "password" ? undefined : defaultValue}
        autoComplete={autoComplete}
        required
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(name, hint)}
        className="block w-full max-w-md rounded-none border border-gray-400 px-2 py-1.5 focus:border-nuget-blue"
      />
    </Field>
  );
}

/** The form-level message: an error (role=alert) or a confirmation (role=status). */
export function FormMessage({ error, ok }: { error?: string; ok?: string }) {
  if (error)
    return (
      <div role="alert" className="border-l-4 border-red-700 bg-red-50 px-3 py-2 text-red-800">
        {error}
      </div>
    );
  if (ok)
    return (
      <div role="status" className="border-l-4 border-green-700 bg-green-50 px-3 py-2 text-green-900">
        {ok}
      </div>
    );
  return null;
}

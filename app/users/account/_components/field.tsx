// A labelled input with its errors under it, announced and linked by aria-describedby.
export function Field({
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
  const errorId = `${name}-error`;
  const hintId = hint ? `${name}-hint` : undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={name} className="block font-semibold">
        {label}
      </label>
      <input
        id={name}
        name={name}
        type={type}
        defaultValue={type === "password" ? undefined : defaultValue}
        autoComplete={autoComplete}
        required
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ")}
        className="block w-full max-w-md rounded-none border border-gray-400 px-2 py-1.5 focus:border-nuget-blue"
      />
      {hint && (
        <p id={hintId} className="text-sm text-gray-600">
          {hint}
        </p>
      )}
      <p id={errorId} aria-live="polite" className="text-sm text-red-700">
        {errors?.join(" ")}
      </p>
    </div>
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

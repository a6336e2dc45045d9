// nuget.org's Bootstrap-style alerts: info, warning, danger, success.
const TONES = {
  info: "border-sky-300 bg-sky-50 text-sky-900",
  warning: "border-amber-300 bg-amber-50 text-amber-900",
  danger: "border-red-300 bg-red-50 text-red-900",
  success: "border-green-300 bg-green-50 text-green-900",
} as const;

export function Alert({
  tone,
  children,
  role,
  testId,
}: {
  tone: keyof typeof TONES;
  children: React.ReactNode;
  role?: "alert" | "status";
  testId?: string;
}) {
  return (
    <div role={role} data-testid={testId} className={`my-3 rounded border px-4 py-3 text-sm ${TONES[tone]}`}>
      {children}
    </div>
  );
}

// nuget.org's alerts: info, warning, danger, success, each with its icon in front of the text
// at body size. The icon is named ("Warning" …): the banner's text does not say what kind it is.
import CircleCheck from "lucide-react/icons/circle-check";
import CircleX from "lucide-react/icons/circle-x";
import Info from "lucide-react/icons/info";
import TriangleAlert from "lucide-react/icons/triangle-alert";

const TONES = {
  info: { className: "border-sky-300 bg-sky-50 text-sky-950", Icon: Info, label: "Information" },
  warning: { className: "border-nuget-warning-border bg-nuget-warning text-[#212121]", Icon: TriangleAlert, label: "Warning" },
  danger: { className: "border-red-300 bg-red-50 text-red-900", Icon: CircleX, label: "Error" },
  success: { className: "border-green-300 bg-green-50 text-green-900", Icon: CircleCheck, label: "Success" },
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
  const { className, Icon, label } = TONES[tone];
  return (
    <div role={role} data-testid={testId} data-tone={tone} className={`my-3 flex gap-2 border-2 px-2.5 py-2 text-base ${className}`}>
      <Icon role="img" aria-label={label} data-alert-icon={tone} size={16} strokeWidth={1.75} className="mt-1 shrink-0" />
      <div className="min-w-0">{children}</div>
    </div>
  );
}

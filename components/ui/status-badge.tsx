import type { THostStatus } from "@/lib/hosts/schema";
import type { TOperationStatus } from "@/lib/logs/line";

type TBadgeStatus = THostStatus | TOperationStatus;

/** The badge colours, shared by every status chip in the panel. */
export const TONE = {
  neutral: "bg-slate-100 text-slate-600 ring-slate-300",
  busy: "bg-sky-50 text-sky-700 ring-sky-300",
  good: "bg-emerald-50 text-emerald-700 ring-emerald-300",
  bad: "bg-rose-50 text-rose-700 ring-rose-300",
  warn: "bg-amber-50 text-amber-800 ring-amber-300",
  alarm: "bg-rose-600 text-white ring-rose-700",
  needsYou: "bg-amber-400 text-amber-950 ring-amber-500",
  off: "bg-white text-slate-500 ring-slate-300",
} as const;

const BADGES: Record<TBadgeStatus, { label: string; tone: keyof typeof TONE; hint?: string }> = {
  queued: { label: "queued", tone: "neutral" },
  running: { label: "running", tone: "busy" },
  succeeded: { label: "succeeded", tone: "good" },
  failed: { label: "failed", tone: "bad" },
  cancelled: { label: "cancelled", tone: "off", hint: "Stopped by an operator" },
  blocked: {
    label: "blocked — needs you",
    tone: "needsYou",
    hint: "Stopped until you act: the operation's page says exactly what to do, then Re-check",
  },
  reachable: { label: "reachable", tone: "good", hint: "The last check connected and read the host's facts" },
  unreachable: {
    label: "unreachable",
    tone: "bad",
    hint: "The last check could not connect; see the host's last error",
  },
  unchecked: { label: "unchecked", tone: "neutral", hint: "Not checked yet" },
  disabled: { label: "disabled", tone: "off", hint: "Takes no checks or deployments until enabled" },
  host_key_unverified: {
    label: "host key unverified",
    tone: "warn",
    hint: "The host presented its key for the first time; compare and trust it",
  },
  host_key_changed: {
    label: "host key changed",
    tone: "alarm",
    hint: "The host presented a different key than the pinned one; WebOps refuses to connect",
  },
};

/** A host's or an operation's status. `data-status` carries the raw value for tests and styling. */
export function StatusBadge({ status, testId }: { status: TBadgeStatus; testId?: string }) {
  const badge = BADGES[status] ?? { label: status, tone: "neutral" };
  return (
    <span
      data-testid={testId}
      data-status={status}
      title={badge.hint}
      className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[badge.tone]}`}
    >
      {status === "running" && <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" />}
      {(status === "host_key_changed" || status === "blocked") && <span aria-hidden>⚠</span>}
      {badge.label}
    </span>
  );
}

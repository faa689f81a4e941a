const STYLES: Record<string, string> = {
  queued: "bg-slate-100 text-slate-700 ring-slate-300",
  running: "bg-sky-50 text-sky-700 ring-sky-300",
  succeeded: "bg-emerald-50 text-emerald-700 ring-emerald-300",
  failed: "bg-rose-50 text-rose-700 ring-rose-300",
  reachable: "bg-emerald-50 text-emerald-700 ring-emerald-300",
  unreachable: "bg-rose-50 text-rose-700 ring-rose-300",
  unchecked: "bg-slate-100 text-slate-600 ring-slate-300",
};

export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span
      data-testid={testId}
      data-status={status}
      className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status] ?? STYLES.queued}`}
    >
      {status === "running" && <span className="mr-1.5 h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" />}
      {status}
    </span>
  );
}

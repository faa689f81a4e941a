import { exactTime } from "@/components/ui/relative-time";
import type { THealthView } from "@/lib/monitor/series";
import { HealthChip } from "./health-chip";

/** The status changes the monitor recorded, newest first, with when and why. */
export function HealthHistory({ events }: { events: THealthView["events"] }) {
  if (events.length === 0) return <p className="text-xs text-slate-500">No status changes recorded yet.</p>;
  return (
    <ol
      className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white"
      data-testid="health-events"
    >
      {events.map((e) => (
        <li
          key={`${e.at}-${e.status}`}
          className="flex items-start gap-3 px-3 py-2 text-sm"
          data-health={e.status}
        >
          <time dateTime={e.at} className="w-44 shrink-0 tabular-nums text-xs text-slate-500">
            {exactTime(new Date(e.at))}
          </time>
          <HealthChip health={e.status} />
          <span className="min-w-0 flex-1 text-slate-700">
            {e.previous && <span className="text-xs text-slate-400">from {e.previous}: </span>}
            {e.reason}
          </span>
        </li>
      ))}
    </ol>
  );
}

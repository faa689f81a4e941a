import { formatDuration } from "@/components/deployments/durations";
import type { TStageDurations } from "@/lib/dashboard/stats";

/** Median and p95 per stage as bars on one scale (the slowest p95), with the figures beside them. */
export function StageDurations({ stages }: { stages: TStageDurations[] }) {
  if (stages.length === 0)
    return <p className="text-sm text-slate-500">No stage ran to success in this range.</p>;
  const max = Math.max(...stages.map((s) => s.p95Ms), 1);
  return (
    <table className="w-full text-sm" data-testid="stage-durations">
      <thead className="text-left text-xs text-slate-500">
        <tr>
          <th className="py-1 font-medium">Stage</th>
          <th className="py-1 font-medium">Runs</th>
          <th className="py-1 text-right font-medium">Median</th>
          <th className="py-1 text-right font-medium">p95</th>
          <th className="w-1/3 py-1" />
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {stages.map((s) => (
          <tr key={s.name} data-stage={s.name}>
            <td className="py-1 pr-2">{s.title}</td>
            <td className="py-1 tabular-nums text-slate-500">{s.count}</td>
            <td className="whitespace-nowrap py-1 text-right tabular-nums" data-testid="median">
              {formatDuration(s.medianMs)}
            </td>
            <td className="whitespace-nowrap py-1 pl-2 text-right tabular-nums" data-testid="p95">
              {formatDuration(s.p95Ms)}
            </td>
            <td className="py-1 pl-3">
              <div className="relative h-2 rounded bg-slate-100">
                <div
                  className="absolute h-2 rounded bg-sky-200"
                  style={{ width: `${(s.p95Ms / max) * 100}%` }}
                />
                <div
                  className="absolute h-2 rounded bg-sky-600"
                  style={{ width: `${(s.medianMs / max) * 100}%` }}
                />
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

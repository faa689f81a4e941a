import type { TStageView } from "@/lib/deployments/view";
import { durationBetween, formatDuration } from "./durations";

const TONE: Record<TStageView["status"], string> = {
  pending: "bg-slate-200",
  running: "bg-sky-500 animate-pulse",
  succeeded: "bg-emerald-500",
  failed: "bg-rose-500",
  skipped: "bg-slate-300",
  cancelled: "bg-slate-400",
};

/** Alternate shades so neighbouring stages of the same status stay apart. */
const SHADE = ["", "opacity-80"];

/**
 * The stages on one bar, each as wide as it took (a sliver at least, so skipped and instant stages
 * stay visible), with the total; hovering names the stage and its duration.
 */
export function StageTimeline({ stages, now }: { stages: TStageView[]; now: number }) {
  const timed = stages
    .map((s) => ({ stage: s, ms: durationBetween(s.startedAt, s.finishedAt, now) }))
    .filter((t) => t.ms !== null || t.stage.status === "skipped") as {
    stage: TStageView;
    ms: number | null;
  }[];
  if (timed.length === 0) return null;
  const total = timed.reduce((sum, t) => sum + Math.max(0, t.ms ?? 0), 0);
  const starts = stages.map((s) => s.startedAt).filter((v): v is string => v !== null);
  const ends = stages.map((s) => s.finishedAt).filter((v): v is string => v !== null);
  const first = starts.length > 0 ? Math.min(...starts.map(Date.parse)) : null;
  const last = ends.length > 0 ? Math.max(...ends.map(Date.parse)) : null;
  const wall =
    first !== null && last !== null
      ? Math.max(last, stages.some((s) => s.status === "running") ? now : last) - first
      : null;
  return (
    <figure className="grid gap-1" data-testid="stage-timeline" aria-label="Stage timeline">
      <div className="flex h-4 w-full overflow-hidden rounded bg-slate-100">
        {timed.map((t, i) => {
          const share = total > 0 ? Math.max(0, t.ms ?? 0) / total : 0;
          const label = `${t.stage.title}: ${t.stage.status}${t.ms !== null ? `, ${formatDuration(t.ms)}` : ""}`;
          return (
            <div
              key={t.stage.name}
              title={label}
              role="img"
              aria-label={label}
              data-stage={t.stage.name}
              data-ms={t.ms ?? 0}
              className={`h-full border-r border-white ${TONE[t.stage.status]} ${SHADE[i % 2]}`}
              style={{ flexGrow: share, flexBasis: "4px", minWidth: "4px" }}
            />
          );
        })}
      </div>
      <figcaption className="flex flex-wrap gap-x-4 gap-y-0.5 text-xs text-slate-500">
        {wall !== null && (
          <span>
            Took <span className="tabular-nums text-slate-700">{formatDuration(wall)}</span> from the first
            stage to the last
          </span>
        )}
        {timed
          .filter((t) => t.ms !== null && total > 0 && t.ms / total >= 0.1)
          .map((t) => (
            <span key={t.stage.name}>
              {t.stage.title}: <span className="tabular-nums">{formatDuration(t.ms ?? 0)}</span> (
              {Math.round(((t.ms ?? 0) / total) * 100)} %)
            </span>
          ))}
      </figcaption>
    </figure>
  );
}

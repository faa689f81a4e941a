import { db } from "../db";
import { AppError } from "../errors";
import type { THealthStatus } from "../metrics/health-status";
import { METRIC_VALUE_KEYS, type TMetricValues } from "../metrics/sample";
import { bucketSamples, samplePoint, type TMetricPoint } from "./buckets";
import { isMetricWindow, MAX_POINTS, METRIC_WINDOWS, type TMetricWindow } from "./windows";

export type { TMetricPoint } from "./buckets";

export interface TMetricSeries {
  window: TMetricWindow;
  from: string;
  to: string;
  /** 0 when each point is one sample; otherwise the width of the buckets averaged into a point. */
  bucketMs: number;
  points: TMetricPoint[];
  /** Which vLLM names the latest sample was read from (current or deprecated), null where absent. */
  sources: { kvCacheUsage: string | null; interTokenLatency: string | null } | null;
}

export interface THealthView {
  health: THealthStatus | null;
  reason: string | null;
  checkedAt: string | null;
  since: string | null;
  deploymentStatus: string;
  events: { status: THealthStatus; previous: THealthStatus | null; reason: string; at: string }[];
}

/**
 * The samples of a window, oldest first; a window with more samples than MAX_POINTS is cut into
 * equal buckets (see bucketSamples).
 */
export async function metricSeries(
  deploymentId: string,
  window: string,
  now = new Date(),
): Promise<TMetricSeries> {
  if (!isMetricWindow(window))
    throw new AppError(
      "validation",
      `Unknown window "${window}": use one of ${Object.keys(METRIC_WINDOWS).join(", ")}`,
    );
  await deploymentExists(deploymentId);
  const from = new Date(now.getTime() - METRIC_WINDOWS[window].ms);
  const rows = await db().metricSample.findMany({
    where: { deploymentId, at: { gte: from, lte: now } },
    orderBy: { at: "asc" },
    select: { at: true, ...Object.fromEntries(METRIC_VALUE_KEYS.map((k) => [k, true])) },
  });
  const latest = await db().metricSample.findFirst({
    where: { deploymentId },
    orderBy: { at: "desc" },
    select: { snapshot: true },
  });
  const snapshot = latest?.snapshot as { sources?: TMetricSeries["sources"] } | undefined;
  const samples = rows as unknown as ({ at: Date } & TMetricValues)[];
  const bucketMs = samples.length > MAX_POINTS ? Math.ceil(METRIC_WINDOWS[window].ms / MAX_POINTS) : 0;
  return {
    window,
    from: from.toISOString(),
    to: now.toISOString(),
    bucketMs,
    points: bucketMs === 0 ? samples.map(samplePoint) : bucketSamples(samples, from.getTime(), bucketMs),
    sources: snapshot?.sources ?? null,
  };
}

export async function healthView(deploymentId: string, limit = 50): Promise<THealthView> {
  const dep = await db().deployment.findUnique({
    where: { id: deploymentId },
    select: {
      status: true,
      health: true,
      healthReason: true,
      healthCheckedAt: true,
      healthSince: true,
      healthEvents: { orderBy: { at: "desc" }, take: limit },
    },
  });
  if (!dep) throw new AppError("not_found", "No such deployment");
  return {
    health: dep.health,
    reason: dep.healthReason,
    checkedAt: dep.healthCheckedAt?.toISOString() ?? null,
    since: dep.healthSince?.toISOString() ?? null,
    deploymentStatus: dep.status,
    events: dep.healthEvents.map((e) => ({
      status: e.status,
      previous: e.previous,
      reason: e.reason,
      at: e.at.toISOString(),
    })),
  };
}

async function deploymentExists(id: string): Promise<void> {
  const found = await db().deployment.findUnique({ where: { id }, select: { id: true } });
  if (!found) throw new AppError("not_found", "No such deployment");
}

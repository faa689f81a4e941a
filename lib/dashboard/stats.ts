import { db } from "../db";
import { PIPELINE } from "../deployments/pipeline-stages";
import { Prisma } from "../generated/prisma/client";
import {
  emptyCounts,
  OUTCOMES,
  perDaySeries,
  successRate,
  type TDayRow,
  type TOutcome,
  type TOutcomeCounts,
} from "./outcomes";
import { daysOf, type TDashboardQuery } from "./query";

export interface TStageDurations {
  name: string;
  title: string;
  /** Stages that ran to success in the range; skipped, failed and cancelled ones are left out. */
  count: number;
  medianMs: number;
  p95Ms: number;
}

export interface TFailureReason {
  stage: string | null;
  reason: string;
  count: number;
  lastAt: string;
}

export interface THostSummary extends TOutcomeCounts {
  id: string;
  name: string;
  total: number;
  successRate: number | null;
  /** Median time from the pipeline's start to its `running` stage, over the deployments that reached it. */
  medianMs: number | null;
}

export interface TDashboard {
  query: TDashboardQuery;
  totals: TOutcomeCounts & { total: number; successRate: number | null };
  perDay: TDayRow[];
  stages: TStageDurations[];
  failures: TFailureReason[];
  hosts: THostSummary[];
}

const OUTCOME_SQL = Prisma.sql`CASE
  WHEN d.status IN ('running', 'stopped') THEN 'succeeded'
  WHEN d.status IN ('queued', 'deploying') THEN 'active'
  ELSE d.status::text END`;

/** How many failure reasons the dashboard lists. */
const TOP_REASONS = 10;

function whereOf(query: TDashboardQuery): Prisma.Sql {
  // Dates, not instants: createdAt is a UTC timestamp without zone, and a date compares as its midnight.
  return Prisma.sql`d."createdAt" >= ${query.from}::date AND d."createdAt" < ${query.to}::date + 1${
    query.host ? Prisma.sql` AND d."hostId" = ${query.host}` : Prisma.empty
  }`;
}

function countsOf(rows: { outcome: string; count: number }[]): TOutcomeCounts {
  const counts = emptyCounts();
  for (const r of rows)
    if ((OUTCOMES as readonly string[]).includes(r.outcome)) counts[r.outcome as TOutcome] += r.count;
  return counts;
}

/**
 * The history dashboard, aggregated by PostgreSQL: deployments per day by outcome, success rate,
 * median and p95 duration per stage, the most frequent failure reasons and a line per host; one
 * statement each over the date range (indexed on createdAt, and on hostId with createdAt).
 */
export async function dashboardStats(query: TDashboardQuery): Promise<TDashboard> {
  const where = whereOf(query);
  const [perDay, stages, failures, hosts] = await Promise.all([
    db().$queryRaw<{ day: string; outcome: string; count: number }[]>`
      SELECT to_char(date_trunc('day', d."createdAt"), 'YYYY-MM-DD') AS day, ${OUTCOME_SQL} AS outcome,
             count(*)::int AS count
      FROM "Deployment" d WHERE ${where}
      GROUP BY 1, 2`,
    db().$queryRaw<{ name: string; count: number; median: number; p95: number }[]>`
      SELECT s.name, count(*)::int AS count,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s."finishedAt" - s."startedAt") * 1000) AS median,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM s."finishedAt" - s."startedAt") * 1000) AS p95
      FROM "DeploymentStage" s JOIN "Deployment" d ON d.id = s."deploymentId"
      WHERE ${where} AND s.status = 'succeeded' AND s."startedAt" IS NOT NULL AND s."finishedAt" IS NOT NULL
      GROUP BY s.name`,
    db().$queryRaw<{ stage: string | null; reason: string; count: number; last: Date }[]>`
      SELECT d.stage, coalesce(d.error, 'No reason recorded') AS reason, count(*)::int AS count,
             max(d."createdAt") AS last
      FROM "Deployment" d WHERE ${where} AND d.status = 'failed'
      GROUP BY 1, 2 ORDER BY count DESC, last DESC LIMIT ${TOP_REASONS}`,
    db().$queryRaw<{ id: string; name: string; outcome: string; count: number; median: number | null }[]>`
      SELECT h.id, h.name, ${OUTCOME_SQL} AS outcome, count(*)::int AS count,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r."finishedAt" - d."startedAt") * 1000)
               FILTER (WHERE r."finishedAt" IS NOT NULL AND d."startedAt" IS NOT NULL) AS median
      FROM "Deployment" d JOIN "Host" h ON h.id = d."hostId"
        LEFT JOIN "DeploymentStage" r ON r."deploymentId" = d.id AND r.name = 'running' AND r.status = 'succeeded'
      WHERE ${where}
      GROUP BY h.id, h.name, 3`,
  ]);
  return {
    query,
    totals: totalsOf(perDay),
    perDay: perDaySeries(daysOf(query), perDay),
    stages: stagesOf(stages),
    failures: failures.map((f) => ({
      stage: f.stage,
      reason: f.reason,
      count: f.count,
      lastAt: f.last.toISOString(),
    })),
    hosts: hostsOf(hosts),
  };
}

function totalsOf(rows: { outcome: string; count: number }[]): TDashboard["totals"] {
  const counts = countsOf(rows);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { ...counts, total, successRate: successRate(counts) };
}

/** In pipeline order, with each stage's title. */
function stagesOf(rows: { name: string; count: number; median: number; p95: number }[]): TStageDurations[] {
  const byName = new Map(rows.map((r) => [r.name, r]));
  return PIPELINE.flatMap((stage) => {
    const row = byName.get(stage.name);
    return row
      ? [
          {
            name: stage.name,
            title: stage.title,
            count: row.count,
            medianMs: Number(row.median),
            p95Ms: Number(row.p95),
          },
        ]
      : [];
  });
}

/**
 * One line per host: outcome counts summed from the (host, outcome) groups. The median comes from the
 * `succeeded` group alone (only those have a succeeded `running` stage; the FILTER leaves the others null).
 */
function hostsOf(
  rows: { id: string; name: string; outcome: string; count: number; median: number | null }[],
): THostSummary[] {
  const byHost = new Map<string, THostSummary>();
  for (const r of rows) {
    const host = byHost.get(r.id) ?? {
      id: r.id,
      name: r.name,
      total: 0,
      successRate: null,
      medianMs: null,
      ...emptyCounts(),
    };
    if ((OUTCOMES as readonly string[]).includes(r.outcome)) host[r.outcome as TOutcome] += r.count;
    host.total += r.count;
    if (r.median !== null) host.medianMs = Number(r.median);
    byHost.set(r.id, host);
  }
  return [...byHost.values()]
    .map((h) => ({ ...h, successRate: successRate(h) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
}

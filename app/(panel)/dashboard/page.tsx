import Link from "next/link";
import { PerDayChart } from "@/components/dashboard/per-day-chart";
import { StageDurations } from "@/components/dashboard/stage-durations";
import { formatDuration } from "@/components/deployments/durations";
import { buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { requirePageActor } from "@/lib/auth/page";
import { parseDashboardParams, type TDashboardQuery } from "@/lib/dashboard/query";
import { dashboardStats } from "@/lib/dashboard/stats";
import { AppError } from "@/lib/errors";
import { listHosts } from "@/lib/hosts/list-hosts";

export const dynamic = "force-dynamic";

type TSearchParams = Record<string, string | string[] | undefined>;

function percent(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(1)} %`;
}

function readQuery(params: TSearchParams): { query: TDashboardQuery | null; problem: string | null } {
  try {
    return { query: parseDashboardParams(params), problem: null };
  } catch (err) {
    if (err instanceof AppError) return { query: null, problem: err.message };
    throw err;
  }
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3">
      <p className="text-xs text-slate-500">{label}</p>
      <p className="text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </p>
    </div>
  );
}

export default async function DashboardPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  await requirePageActor();
  const params = await searchParams;
  const { query, problem } = readQuery(params);
  const [hosts, stats] = await Promise.all([
    listHosts(),
    query ? dashboardStats(query) : Promise.resolve(null),
  ]);
  const historyHref = (extra: Record<string, string>) => {
    const qs = new URLSearchParams({ ...(query ? { from: query.from, to: query.to } : {}), ...extra });
    if (query?.host) qs.set("host", query.host);
    return `/deployments?${qs.toString()}`;
  };
  return (
    <div className="grid gap-4">
      <h1 className="text-2xl font-semibold tracking-tight">Dashboard</h1>
      <form
        method="get"
        action="/dashboard"
        className="flex flex-wrap items-end gap-3"
        data-testid="dashboard-filters"
      >
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          From
          <input type="date" name="from" defaultValue={query?.from ?? ""} className={inputClass} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          To
          <input type="date" name="to" defaultValue={query?.to ?? ""} className={inputClass} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Host
          <select name="host" defaultValue={query?.host ?? ""} className={inputClass}>
            <option value="">All hosts</option>
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={buttonClass.secondary}>
          Show
        </button>
      </form>
      {problem && (
        <p className="rounded-lg border border-rose-200 bg-rose-50 p-3 text-sm text-rose-700" role="alert">
          {problem}.{" "}
          <Link href="/dashboard" className="underline">
            Show the last 30 days
          </Link>
        </p>
      )}
      {stats && (
        <>
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Figure label="Deployments" value={String(stats.totals.total)} testId="total" />
            <Figure
              label="Success rate (of those that ended)"
              value={percent(stats.totals.successRate)}
              testId="success-rate"
            />
            <Figure label="Reached running" value={String(stats.totals.succeeded)} testId="succeeded" />
            <Figure label="Failed" value={String(stats.totals.failed)} testId="failed" />
          </div>
          <section className="rounded-lg border border-slate-200 bg-white p-3">
            <h2 className="mb-2 text-sm font-semibold text-slate-700">
              Deployments per day by outcome ({stats.query.from} to {stats.query.to}, UTC)
            </h2>
            <PerDayChart days={stats.perDay} />
          </section>
          <div className="grid gap-4 lg:grid-cols-2">
            <section className="rounded-lg border border-slate-200 bg-white p-3">
              <h2 className="mb-2 text-sm font-semibold text-slate-700">Stage durations (succeeded runs)</h2>
              <StageDurations stages={stats.stages} />
            </section>
            <section className="rounded-lg border border-slate-200 bg-white p-3">
              <h2 className="mb-2 text-sm font-semibold text-slate-700">Most frequent failure reasons</h2>
              {stats.failures.length === 0 ? (
                <p className="text-sm text-slate-500">No failed deployments in this range.</p>
              ) : (
                <ol className="grid gap-2 text-sm" data-testid="failure-reasons">
                  {stats.failures.map((f) => (
                    <li key={`${f.stage}:${f.reason}`} className="flex gap-3">
                      <span className="w-10 shrink-0 text-right font-semibold tabular-nums">{f.count}×</span>
                      <span className="min-w-0">
                        <span className="break-words">{f.reason}</span>
                        {f.stage && <span className="ml-2 text-xs text-slate-500">in {f.stage}</span>}
                      </span>
                    </li>
                  ))}
                </ol>
              )}
              {stats.failures.length > 0 && (
                <Link
                  href={historyHref({ status: "failed" })}
                  className="mt-2 inline-block text-xs text-sky-700 hover:underline"
                >
                  See the failed deployments
                </Link>
              )}
            </section>
          </div>
          <section className="rounded-lg border border-slate-200 bg-white p-3">
            <h2 className="mb-2 text-sm font-semibold text-slate-700">Per host</h2>
            {stats.hosts.length === 0 ? (
              <p className="text-sm text-slate-500">No deployments in this range.</p>
            ) : (
              <table className="w-full text-sm" data-testid="per-host">
                <thead className="text-left text-xs text-slate-500">
                  <tr>
                    <th className="py-1 font-medium">Host</th>
                    <th className="py-1 text-right font-medium">Deployments</th>
                    <th className="py-1 text-right font-medium">Reached running</th>
                    <th className="py-1 text-right font-medium">Failed</th>
                    <th className="py-1 text-right font-medium">Success rate</th>
                    <th className="py-1 text-right font-medium">Median to running</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {stats.hosts.map((h) => (
                    <tr key={h.id} data-host={h.name}>
                      <td className="py-1">
                        <Link
                          href={`/dashboard?from=${stats.query.from}&to=${stats.query.to}&host=${h.id}`}
                          className="text-sky-700 hover:underline"
                        >
                          {h.name}
                        </Link>
                      </td>
                      <td className="py-1 text-right tabular-nums">{h.total}</td>
                      <td className="py-1 text-right tabular-nums">{h.succeeded}</td>
                      <td className="py-1 text-right tabular-nums">{h.failed}</td>
                      <td className="py-1 text-right tabular-nums">{percent(h.successRate)}</td>
                      <td className="py-1 text-right tabular-nums">
                        {h.medianMs === null ? "—" : formatDuration(h.medianMs)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  );
}

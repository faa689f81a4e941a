import Link from "next/link";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status";
import { durationBetween, formatDuration } from "@/components/deployments/durations";
import { buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { KeysetPager, pageHref } from "@/components/ui/keyset-pager";
import { RelativeTime } from "@/components/ui/relative-time";
import { requirePageActor } from "@/lib/auth/page";
import { roleAllows } from "@/lib/auth/roles";
import {
  DEPLOYMENT_STATUSES,
  listHistory,
  parseHistoryParams,
  type THistoryQuery,
} from "@/lib/deployments/history";
import { AppError } from "@/lib/errors";
import { listHosts } from "@/lib/hosts/list-hosts";
import { LOG_SEARCH_MAX, LOG_SEARCH_MIN } from "@/lib/logs/search";

export const dynamic = "force-dynamic";

type TSearchParams = Record<string, string | string[] | undefined>;

const FILTERS = ["status", "host", "model", "user", "from", "to", "q"] as const;

/** The same filters with another cursor (or none): the "Older" and "Newest" links. */
function readQuery(params: TSearchParams): { query: THistoryQuery | null; problem: string | null } {
  try {
    return { query: parseHistoryParams(params), problem: null };
  } catch (err) {
    if (err instanceof AppError) return { query: null, problem: err.message };
    throw err;
  }
}

export default async function DeploymentsPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const actor = await requirePageActor();
  const params = await searchParams;
  const { query, problem } = readQuery(params);
  const [hosts, page] = await Promise.all([
    listHosts(),
    query ? listHistory(query) : Promise.resolve({ items: [], nextCursor: null }),
  ]);
  const deployments = page.items;
  const filtered = FILTERS.some((name) => [params[name] ?? []].flat().some((v) => v !== ""));
  const first = (name: string) => [params[name] ?? []].flat()[0] ?? "";
  return (
    <div className="grid gap-4">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold tracking-tight">Deployments</h1>
        {roleAllows(actor.role, "operator") && (
          <Link href="/deployments/new" className={buttonClass.accent}>
            New deployment
          </Link>
        )}
      </div>
      <form
        method="get"
        action="/deployments"
        className="flex flex-wrap items-end gap-3"
        data-testid="history-filters"
      >
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Status
          <select name="status" defaultValue={first("status")} className={inputClass}>
            <option value="">Any</option>
            {DEPLOYMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Host
          <select name="host" defaultValue={first("host")} className={inputClass}>
            <option value="">Any</option>
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          Model
          <input
            name="model"
            defaultValue={first("model")}
            placeholder="e.g. qwen"
            maxLength={200}
            className={inputClass}
          />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          User
          <input name="user" defaultValue={first("user")} className={inputClass} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          From
          <input type="date" name="from" defaultValue={first("from")} className={inputClass} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          To
          <input type="date" name="to" defaultValue={first("to")} className={inputClass} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          In logs
          <input
            type="search"
            name="q"
            defaultValue={first("q")}
            placeholder="e.g. out of memory"
            minLength={LOG_SEARCH_MIN}
            maxLength={LOG_SEARCH_MAX}
            className={inputClass}
            data-testid="history-log-search"
          />
        </label>
        <button type="submit" className={buttonClass.secondary}>
          Filter
        </button>
        {filtered && (
          <Link href="/deployments" className="py-1.5 text-sm text-sky-700 hover:underline">
            Clear
          </Link>
        )}
      </form>
      {problem && (
        <p className="rounded-lg border border-rose-200 bg-rose-50 p-3 text-sm text-rose-700" role="alert">
          {problem}. Change the filter, or{" "}
          <Link href="/deployments" className="underline">
            show all deployments
          </Link>
          .
        </p>
      )}
      {problem ? null : deployments.length === 0 && filtered ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600">
          No deployment matches this filter.
        </p>
      ) : deployments.length === 0 && !query?.cursor ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600">
          No deployments yet. Start one with <strong>New deployment</strong>: pick a host, a model, how to
          install vLLM and how to serve it.
        </p>
      ) : (
        <table
          className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm"
          data-testid="deployments"
        >
          <thead className="bg-slate-50 text-left text-xs text-slate-500">
            <tr>
              <th className="w-8 px-3 py-2 font-medium">
                <span className="sr-only">Compare</span>
              </th>
              <th className="px-3 py-2 font-medium">Model</th>
              <th className="px-3 py-2 font-medium">Host</th>
              <th className="px-3 py-2 font-medium">Status</th>
              <th className="px-3 py-2 font-medium">Stage</th>
              <th className="px-3 py-2 font-medium">Queued</th>
              <th className="px-3 py-2 font-medium">Took</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {deployments.map((d) => {
              const ms = d.finishedAt ? durationBetween(d.startedAt, d.finishedAt) : null;
              return (
                <tr key={d.id}>
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      name="id"
                      value={d.id}
                      form="compare-form"
                      aria-label={`Compare ${d.modelName} queued ${d.createdAt}`}
                    />
                  </td>
                  <td className="px-3 py-2">
                    <Link href={`/deployments/${d.id}`} className="text-sky-700 hover:underline">
                      {d.modelName}
                    </Link>
                    <span className="ml-2 text-xs text-slate-400">{d.installMethod}</span>
                    {d.logMatch && (
                      <p
                        className="mt-1 max-w-xl truncate font-mono text-xs text-slate-500"
                        data-testid="log-match"
                      >
                        <span className="text-slate-400">
                          {`line ${d.logMatch.seq}${d.logMatch.stage ? ` (${d.logMatch.stage})` : ""}:`}
                        </span>{" "}
                        {d.logMatch.text}
                      </p>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    <Link href={`/hosts/${d.host.id}`} className="hover:underline">
                      {d.host.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <DeploymentStatusBadge status={d.status} />
                  </td>
                  <td className="px-3 py-2 text-slate-600">{d.stage ?? "—"}</td>
                  <td className="px-3 py-2 text-slate-600">
                    <RelativeTime iso={d.createdAt} />
                  </td>
                  <td className="px-3 py-2 tabular-nums text-slate-600">
                    {ms !== null ? formatDuration(ms) : ""}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {deployments.length > 1 && (
        <form
          id="compare-form"
          method="get"
          action="/deployments/compare"
          className="flex items-center gap-3 text-sm text-slate-600"
        >
          <button type="submit" className={buttonClass.secondary} data-testid="compare-selected">
            Compare selected
          </button>
          Tick two deployments to compare their configurations.
        </form>
      )}
      <KeysetPager
        newest={query?.cursor ? pageHref("/deployments", FILTERS, params, null) : null}
        older={page.nextCursor ? pageHref("/deployments", FILTERS, params, page.nextCursor) : null}
      />
    </div>
  );
}

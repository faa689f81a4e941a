import Link from "next/link";
import { durationBetween, formatDuration } from "@/components/deployments/durations";
import { buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { KeysetPager, pageHref } from "@/components/ui/keyset-pager";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { requirePageActor } from "@/lib/auth/page";
import { AppError } from "@/lib/errors";
import { listHosts } from "@/lib/hosts/list-hosts";
import { ZOperationStatusSchema } from "@/lib/logs/line";
import { LOG_SEARCH_MAX, LOG_SEARCH_MIN } from "@/lib/logs/search";
import {
  listOperationHistory,
  OPERATION_KIND_TITLES,
  OPERATION_KINDS,
  parseOperationHistoryParams,
  type TOperationHistoryQuery,
  type TOperationRow,
} from "@/lib/operations/history";

export const dynamic = "force-dynamic";

const FILTERS = ["kind", "status", "host", "user", "from", "to", "q"] as const;
type TSearchParams = Partial<Record<(typeof FILTERS)[number] | "cursor" | "limit", string | string[]>>;

/** Where an operation is best read: its deployment's page, or its own. */
function hrefOf(op: TOperationRow): string {
  return op.kind === "deploy" && op.deploymentId ? `/deployments/${op.deploymentId}` : `/operations/${op.id}`;
}

export default async function OperationsPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  await requirePageActor();
  const params = await searchParams;
  let query: TOperationHistoryQuery | null = null;
  let problem: string | null = null;
  try {
    query = parseOperationHistoryParams(params);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    problem = err.message;
  }
  const [hosts, page] = await Promise.all([
    listHosts(),
    query ? listOperationHistory(query) : Promise.resolve({ items: [], nextCursor: null }),
  ]);
  const first = (name: string) => [params[name as keyof TSearchParams] ?? []].flat()[0] ?? "";
  const filtered = FILTERS.some((name) => first(name) !== "");
  const select = (name: string, label: string, options: { value: string; label: string }[]) => (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      {label}
      <select name={name} defaultValue={first(name)} className={inputClass}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="grid gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Operations</h1>
        <p className="text-sm text-slate-500">
          Every piece of work on a host: checks, prerequisite runs, deployments, stops, starts, restarts,
          undeploys and load tests, with who started it and its whole log.
        </p>
      </div>
      <form
        method="get"
        action="/operations"
        className="flex flex-wrap items-end gap-3"
        data-testid="operation-filters"
      >
        {select(
          "kind",
          "Kind",
          OPERATION_KINDS.map((k) => ({ value: k, label: OPERATION_KIND_TITLES[k] })),
        )}
        {select(
          "status",
          "Status",
          ZOperationStatusSchema.options.map((s) => ({ value: s, label: s })),
        )}
        {select(
          "host",
          "Host",
          hosts.map((h) => ({ value: h.id, label: h.name })),
        )}
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
            placeholder="e.g. permission denied"
            minLength={LOG_SEARCH_MIN}
            maxLength={LOG_SEARCH_MAX}
            className={inputClass}
          />
        </label>
        <button type="submit" className={buttonClass.secondary}>
          Filter
        </button>
        {filtered && (
          <Link href="/operations" className="py-1.5 text-sm text-sky-700 hover:underline">
            Clear
          </Link>
        )}
      </form>
      {problem && (
        <p className="rounded-lg border border-rose-200 bg-rose-50 p-3 text-sm text-rose-700" role="alert">
          {problem}.{" "}
          <Link href="/operations" className="underline">
            Show all operations
          </Link>
        </p>
      )}
      {!problem && page.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600">
          {filtered ? "No operation matches this filter." : "No operations yet: check a host to start."}
        </p>
      ) : (
        !problem && (
          <table
            className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm"
            data-testid="operations"
          >
            <thead className="bg-slate-50 text-left text-xs text-slate-500">
              <tr>
                <th className="px-3 py-2 font-medium">What</th>
                <th className="px-3 py-2 font-medium">Host</th>
                <th className="px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 font-medium">By</th>
                <th className="px-3 py-2 font-medium">Queued</th>
                <th className="px-3 py-2 font-medium">Took</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.items.map((op) => {
                const ms = op.finishedAt ? durationBetween(op.startedAt, op.finishedAt) : null;
                return (
                  <tr key={op.id} data-testid="operation-row" data-kind={op.kind}>
                    <td className="px-3 py-2">
                      <Link href={hrefOf(op)} className="text-sky-700 hover:underline">
                        {OPERATION_KIND_TITLES[op.kind]}
                      </Link>
                      {op.deploymentId && op.kind !== "deploy" && (
                        <Link
                          href={`/deployments/${op.deploymentId}`}
                          className="ml-2 text-xs text-slate-500 hover:underline"
                        >
                          of a deployment
                        </Link>
                      )}
                      {op.error && <p className="mt-1 max-w-xl truncate text-xs text-rose-700">{op.error}</p>}
                      {op.logMatch && (
                        <p
                          className="mt-1 max-w-xl truncate font-mono text-xs text-slate-500"
                          data-testid="log-match"
                        >
                          <span className="text-slate-400">{`line ${op.logMatch.seq}:`}</span>{" "}
                          {op.logMatch.text}
                        </p>
                      )}
                    </td>
                    <td className="px-3 py-2">
                      <Link href={`/hosts/${op.host.id}`} className="hover:underline">
                        {op.host.name}
                      </Link>
                    </td>
                    <td className="px-3 py-2">
                      <StatusBadge status={op.status} />
                    </td>
                    <td className="px-3 py-2 text-slate-600">{op.createdBy ?? "WebOps"}</td>
                    <td className="px-3 py-2 text-slate-600">
                      <RelativeTime iso={op.createdAt} />
                    </td>
                    <td className="px-3 py-2 tabular-nums text-slate-600">
                      {ms !== null ? formatDuration(ms) : ""}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )
      )}
      <KeysetPager
        newest={query?.cursor ? pageHref("/operations", FILTERS, params, null) : null}
        older={page.nextCursor ? pageHref("/operations", FILTERS, params, page.nextCursor) : null}
      />
    </div>
  );
}

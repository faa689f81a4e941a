import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { listAuditEntries } from "@/lib/audit/list";
import { requirePageActor } from "@/lib/auth/page";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const FILTERS = ["actor", "action", "target", "outcome", "from", "to"] as const;
type TSearchParams = Partial<Record<(typeof FILTERS)[number] | "before", string | string[]>>;

const OUTCOME_TONE: Record<string, string> = {
  success: "text-emerald-700",
  denied: "text-amber-700",
  failure: "text-rose-700",
};

export default async function AuditPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  await requirePageActor("admin");
  const params = await searchParams;
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    const first = [v ?? []].flat()[0];
    if (first) query.set(k, first);
  }
  let page: Awaited<ReturnType<typeof listAuditEntries>> = { entries: [], nextBefore: null };
  let problem: string | null = null;
  try {
    page = await listAuditEntries(query);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    problem = err.message;
  }
  const older = new URLSearchParams(query);
  if (page.nextBefore) older.set("before", page.nextBefore);
  return (
    <div className="grid gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="text-sm text-slate-500">
          Every change made through the panel or the API: who, when, from where, on what, and how it ended.
          Entries cannot be edited or deleted.
        </p>
      </div>
      <form className="grid gap-2 sm:grid-cols-7 sm:items-end" method="get">
        {FILTERS.map((name) => (
          <div key={name} className="grid gap-1 text-xs text-slate-600">
            <label htmlFor={`audit-${name}`}>{name}</label>
            {name === "outcome" ? (
              <select
                id={`audit-${name}`}
                name={name}
                defaultValue={query.get(name) ?? ""}
                className={inputClass}
              >
                <option value="">any</option>
                <option value="success">success</option>
                <option value="denied">denied</option>
                <option value="failure">failure</option>
              </select>
            ) : (
              <input
                id={`audit-${name}`}
                name={name}
                defaultValue={query.get(name) ?? ""}
                placeholder={name === "from" || name === "to" ? "2026-12-01" : ""}
                className={inputClass}
              />
            )}
          </div>
        ))}
        <button type="submit" className={buttonClass.secondary}>
          Filter
        </button>
      </form>
      {problem && (
        <p className="text-sm text-rose-700" role="alert">
          {problem}
        </p>
      )}
      <table className="w-full bg-white text-left text-sm ring-1 ring-slate-200" data-testid="audit-table">
        <thead className="text-xs text-slate-500">
          <tr>
            <th className="px-3 py-2">When (UTC)</th>
            <th>Who</th>
            <th>From</th>
            <th>Action</th>
            <th>Target</th>
            <th>Outcome</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {page.entries.map((e) => (
            <tr key={e.id} className="border-t border-slate-100 align-top" data-testid="audit-row">
              <td className="whitespace-nowrap px-3 py-1.5 font-mono text-xs">
                {e.at.replace("T", " ").slice(0, 19)}
              </td>
              <td>
                {e.actor || <span className="text-slate-400">anonymous</span>}
                {e.via.startsWith("token:") && <span className="ml-1 text-xs text-slate-500">(token)</span>}
              </td>
              <td className="font-mono text-xs">{e.address}</td>
              <td className="font-mono text-xs">{e.action}</td>
              <td className="break-all font-mono text-xs">{e.target}</td>
              <td className={OUTCOME_TONE[e.outcome] ?? ""}>{e.outcome}</td>
              <td className="break-words text-xs text-slate-600">{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.entries.length === 0 && !problem && <p className="text-sm text-slate-500">No entries match.</p>}
      {page.nextBefore && (
        <Link href={`/audit?${older.toString()}`} className="text-sm text-sky-700 hover:underline">
          Older entries
        </Link>
      )}
    </div>
  );
}

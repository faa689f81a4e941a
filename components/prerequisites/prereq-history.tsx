import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import type { TOperationView } from "@/lib/operations/schema";
import { prereqParamsOf, prereqResultOf, profileLabel } from "./read";

const th = "px-4 py-2 font-medium";

/** Every prerequisites run of a host, newest first: what was asked, how it ended, what it installed. */
export function PrereqHistory({ operations }: { operations: TOperationView[] }) {
  if (operations.length === 0) return <p className="text-sm text-slate-500">No runs yet.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-sm" data-testid="prereq-history">
        <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className={th}>
              When
            </th>
            <th scope="col" className={th}>
              Install method
            </th>
            <th scope="col" className={th}>
              Mode
            </th>
            <th scope="col" className={th}>
              Status
            </th>
            <th scope="col" className={th}>
              Installed
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {operations.map((op) => {
            const { profile, mode } = prereqParamsOf(op);
            const result = prereqResultOf(op);
            const installed = result ? [...result.installed, ...result.reinstalled] : [];
            return (
              <tr key={op.id} data-testid="prereq-run" data-status={op.status} className="align-top">
                <td className="px-4 py-2">
                  <Link href={`/operations/${op.id}`} className="text-sky-700 hover:underline">
                    <RelativeTime iso={op.createdAt} />
                  </Link>
                </td>
                <td className="px-4 py-2 text-slate-700">{profileLabel(profile)}</td>
                <td className="px-4 py-2 text-slate-600">{mode ?? "—"}</td>
                <td className="px-4 py-2">
                  <StatusBadge status={op.status} />
                  {op.error && op.status === "failed" && (
                    <span className="mt-1 block max-w-sm truncate text-xs text-rose-700" title={op.error}>
                      {op.error}
                    </span>
                  )}
                </td>
                <td className="px-4 py-2 font-mono text-xs text-slate-600">
                  {installed.length > 0 ? installed.join(" ") : <span className="text-slate-400">—</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import type { TOperationView } from "@/lib/operations/schema";

/** A host's recent checks, newest first, each linking to its log. */
export function HostChecks({ operations }: { operations: TOperationView[] }) {
  return (
    <section className="grid min-w-0 grid-cols-1 gap-2" aria-labelledby="checks-title">
      <h2 id="checks-title" className="text-base font-semibold">
        Checks
      </h2>
      {operations.length === 0 ? (
        <p className="text-sm text-slate-500">None yet.</p>
      ) : (
        <ul className="min-w-0 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
          {operations.map((op) => (
            <li key={op.id} className="flex items-center gap-4 px-4 py-2" data-testid="host-check">
              <StatusBadge status={op.status} />
              <Link href={`/operations/${op.id}`} className="shrink-0 text-sky-700 hover:underline">
                <RelativeTime iso={op.createdAt} />
              </Link>
              <span
                className={`min-w-0 truncate ${op.error ? "text-rose-700" : "text-slate-500"}`}
                title={op.error ?? undefined}
              >
                {op.error ?? `${op.lineCount} log lines`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

import Link from "next/link";
import { hostPrerequisitesOf, profileLabel } from "@/components/prerequisites/read";
import { PrereqStateChip } from "@/components/prerequisites/state-chip";
import type { THostView } from "@/lib/hosts/schema";
import { sudoLabel, sudoSummary } from "./facts-read";

/** The host list's prerequisites column: the last run's state and install method, and what sudo allows. */
export function PrerequisitesCell({ host }: { host: THostView }) {
  const prereq = hostPrerequisitesOf(host);
  const sudo = host.facts ? sudoSummary(host.facts) : null;
  if (!prereq && !host.facts) return <span className="text-slate-400">not checked</span>;
  return (
    <span className="flex flex-wrap items-center gap-2">
      {prereq ? (
        <Link
          href={`/hosts/${host.id}/prerequisites?profile=${encodeURIComponent(prereq.profile)}`}
          className="inline-flex items-center gap-1.5 hover:underline"
          data-testid="host-prereq"
          data-state={prereq.state}
          title={`${profileLabel(prereq.profile)}, checked ${prereq.checkedAt.slice(0, 16).replace("T", " ")} UTC`}
        >
          <PrereqStateChip state={prereq.state} />
          <span className="whitespace-nowrap text-slate-500">{prereq.profile}</span>
        </Link>
      ) : (
        <span className="text-slate-400" title="Not checked for any install method yet">
          —
        </span>
      )}
      {sudo && (
        <span
          data-testid="host-sudo"
          data-sudo-mode={sudo.mode}
          title={sudo.summary}
          className={`whitespace-nowrap rounded px-1.5 py-px text-[11px] ring-1 ring-inset ${
            sudo.canInstall === false && sudo.reason !== "unknown"
              ? "bg-amber-50 text-amber-800 ring-amber-200"
              : "bg-slate-50 text-slate-600 ring-slate-200"
          }`}
        >
          {sudoLabel(sudo)}
        </span>
      )}
    </span>
  );
}

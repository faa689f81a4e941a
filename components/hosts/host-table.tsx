import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import type { THostView } from "@/lib/hosts/schema";
import { LabelChips } from "./label-chips";
import { PrerequisitesCell } from "./prerequisites-cell";
import { sshTarget } from "./ssh-target";

const th = "px-4 py-2 font-medium";

/** The host inventory: one row per host, everything an operator scans for at a glance. */
export function HostTable({ hosts, activeLabel }: { hosts: THostView[]; activeLabel?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className={th}>
              Name
            </th>
            <th scope="col" className={th}>
              SSH target
            </th>
            <th scope="col" className={th}>
              Status
            </th>
            <th scope="col" className={th}>
              Last checked
            </th>
            <th scope="col" className={th}>
              Prerequisites
            </th>
            <th scope="col" className={`${th} text-right`}>
              Active ops
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {hosts.map((host) => (
            <tr
              key={host.id}
              data-testid="host-row"
              data-host-name={host.name}
              className={`align-top hover:bg-slate-50/60 ${host.disabled ? "text-slate-400" : ""}`}
            >
              <td className="px-4 py-2.5">
                <div className="grid gap-1">
                  <Link href={`/hosts/${host.id}`} className="font-medium text-sky-700 hover:underline">
                    {host.name}
                  </Link>
                  <LabelChips labels={host.labels} active={activeLabel} />
                </div>
              </td>
              <td className="px-4 py-2.5">
                <span className="font-mono text-xs">{sshTarget(host)}</span>
                {host.jumpHost && (
                  <span className="block text-xs text-slate-500">
                    via{" "}
                    <Link href={`/hosts/${host.jumpHost.id}`} className="hover:underline">
                      {host.jumpHost.name}
                    </Link>
                  </span>
                )}
              </td>
              <td className="px-4 py-2.5">
                <StatusBadge status={host.status} testId="host-status" />
              </td>
              <td className="px-4 py-2.5 text-slate-500">
                <RelativeTime iso={host.lastCheckedAt} />
              </td>
              <td className="px-4 py-2.5 text-xs">
                <PrerequisitesCell host={host} />
              </td>
              <td className="px-4 py-2.5 text-right tabular-nums" data-testid="host-active-operations">
                {host.activeOperations > 0 ? (
                  <span className="inline-flex items-center gap-1.5 font-medium text-sky-700">
                    <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" aria-hidden />
                    {host.activeOperations}
                  </span>
                ) : (
                  <span className="text-slate-400">0</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

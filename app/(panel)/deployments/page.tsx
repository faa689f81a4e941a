import Link from "next/link";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status";
import { durationBetween, formatDuration } from "@/components/deployments/durations";
import { buttonClass } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { listDeployments } from "@/lib/deployments/get-deployment";

export const dynamic = "force-dynamic";

export default async function DeploymentsPage() {
  const deployments = await listDeployments({ take: 100 });
  return (
    <div className="grid gap-4">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold tracking-tight">Deployments</h1>
        <Link href="/deployments/new" className={buttonClass.accent}>
          New deployment
        </Link>
      </div>
      {deployments.length === 0 ? (
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
                    <Link href={`/deployments/${d.id}`} className="text-sky-700 hover:underline">
                      {d.modelName}
                    </Link>
                    <span className="ml-2 text-xs text-slate-400">{d.installMethod}</span>
                  </td>
                  <td className="px-3 py-2">
                    <Link href={`/hosts/${d.host.id}`} className="hover:underline">
                      {d.host.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <DeploymentStatusBadge status={d.status} />
                    {d.queue && (
                      <span className="ml-2 text-xs text-slate-500">#{d.queue.position} in line</span>
                    )}
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
    </div>
  );
}

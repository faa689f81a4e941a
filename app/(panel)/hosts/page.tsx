import Link from "next/link";
import { AddHostForm } from "@/components/hosts/add-host-form";
import { StatusBadge } from "@/components/ui/status-badge";
import { listHosts } from "@/lib/hosts/list-hosts";

export const dynamic = "force-dynamic";

export default async function HostsPage() {
  const hosts = await listHosts();
  return (
    <div className="grid gap-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Hosts</h1>
        <p className="text-sm text-slate-500">The machines WebOps deploys to over SSH.</p>
      </div>
      {hosts.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
          No hosts yet. Add the first one below.
        </p>
      ) : (
        <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
          <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-4 py-2">Name</th>
              <th className="px-4 py-2">SSH</th>
              <th className="px-4 py-2">Status</th>
              <th className="px-4 py-2">Last checked</th>
            </tr>
          </thead>
          <tbody>
            {hosts.map((host) => (
              <tr key={host.id} className="border-t border-slate-100">
                <td className="px-4 py-2 font-medium">
                  <Link href={`/hosts/${host.id}`} className="text-sky-700 hover:underline">
                    {host.name}
                  </Link>
                </td>
                <td className="px-4 py-2 font-mono text-xs">
                  {host.username}@{host.address}:{host.port}
                </td>
                <td className="px-4 py-2">
                  <StatusBadge
                    status={
                      host.reachable === null ? "unchecked" : host.reachable ? "reachable" : "unreachable"
                    }
                  />
                </td>
                <td className="px-4 py-2 text-slate-500">
                  {host.lastCheckedAt ? new Date(host.lastCheckedAt).toLocaleString() : "never"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddHostForm />
    </div>
  );
}

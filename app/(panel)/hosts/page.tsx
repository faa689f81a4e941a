import Link from "next/link";
import { HostForm } from "@/components/hosts/host-form";
import { HostTable } from "@/components/hosts/host-table";
import { jumpHostOptions } from "@/components/hosts/ssh-target";
import { requirePageActor } from "@/lib/auth/page";
import { roleAllows } from "@/lib/auth/roles";
import { listHosts } from "@/lib/hosts/list-hosts";

export const dynamic = "force-dynamic";

export default async function HostsPage({
  searchParams,
}: {
  searchParams: Promise<{ label?: string | string[] }>;
}) {
  const actor = await requirePageActor();
  const { label: labelParam } = await searchParams;
  const label = typeof labelParam === "string" && labelParam !== "" ? labelParam.toLowerCase() : undefined;
  const hosts = await listHosts();
  const shown = label ? hosts.filter((h) => h.labels.includes(label)) : hosts;
  const attention = hosts.filter(
    (h) => h.status === "host_key_changed" || h.status === "host_key_unverified",
  ).length;
  return (
    <div className="grid gap-8">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Hosts</h1>
          <p className="text-sm text-slate-500">
            The machines WebOps deploys to over SSH
            {hosts.length > 0 && ` · ${hosts.length} in total`}
            {attention > 0 && ` · ${attention} need a host key decision`}
          </p>
        </div>
        {label && (
          <p className="flex items-center gap-2 text-sm text-slate-600" data-testid="label-filter">
            Showing hosts labelled{" "}
            <span className="rounded bg-sky-100 px-1.5 font-mono text-xs text-sky-800">{label}</span>
            <Link href="/hosts" className="text-sky-700 hover:underline">
              Show all
            </Link>
          </p>
        )}
      </div>
      {hosts.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
          No hosts yet. Add the first one below: WebOps needs an address, an SSH user and a way to log in.
        </p>
      ) : shown.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
          No host has the label {label}.{" "}
          <Link href="/hosts" className="text-sky-700 hover:underline">
            Show all hosts
          </Link>
        </p>
      ) : (
        <HostTable hosts={shown} activeLabel={label} />
      )}
      {roleAllows(actor.role, "admin") && <HostForm jumpHosts={jumpHostOptions(hosts)} />}
    </div>
  );
}

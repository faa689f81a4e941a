import Link from "next/link";
import { notFound } from "next/navigation";
import { HostForm, type THostFormDefaults } from "@/components/hosts/host-form";
import { jumpHostOptions } from "@/components/hosts/ssh-target";
import { AppError } from "@/lib/errors";
import { getHost } from "@/lib/hosts/get-host";
import { listHosts } from "@/lib/hosts/list-hosts";

export const dynamic = "force-dynamic";

async function load(id: string) {
  try {
    return await Promise.all([getHost(id), listHosts()]);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
}

export default async function EditHostPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [host, hosts] = await load(id);
  // Field by field: the client component gets exactly what the form shows, nothing more.
  const defaults: THostFormDefaults = {
    id: host.id,
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    labels: host.labels,
    deployPath: host.deployPath,
    jumpHostId: host.jumpHost?.id ?? null,
    authMethod: host.authMethod,
    hasPassphrase: host.hasPassphrase,
    keyGenerated: host.keyGenerated,
    pinnedHostKey: host.hostKey.pinned,
  };
  return (
    <div className="grid gap-6">
      <p className="text-sm text-slate-500">
        <Link href="/hosts" className="text-sky-700 hover:underline">
          Hosts
        </Link>{" "}
        /{" "}
        <Link href={`/hosts/${host.id}`} className="text-sky-700 hover:underline">
          {host.name}
        </Link>{" "}
        / Edit
      </p>
      <HostForm host={defaults} jumpHosts={jumpHostOptions(hosts, host.id)} />
    </div>
  );
}

import { orNotFound } from "@/app/(panel)/or-not-found";
import { HostForm, type THostFormDefaults } from "@/components/hosts/host-form";
import { jumpHostOptions } from "@/components/hosts/ssh-target";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { requirePageActor } from "@/lib/auth/page";
import { getHost } from "@/lib/hosts/get-host";
import { listHosts } from "@/lib/hosts/list-hosts";

export const dynamic = "force-dynamic";

export default async function EditHostPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageActor("admin");
  const { id } = await params;
  const [host, hosts] = await orNotFound(Promise.all([getHost(id), listHosts()]));
  // Field by field: the client component gets exactly what the form shows, nothing more.
  const defaults: THostFormDefaults = {
    id: host.id,
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    labels: host.labels,
    deployPath: host.deployPath,
    deployConcurrency: host.deployConcurrency,
    jumpHostId: host.jumpHost?.id ?? null,
    authMethod: host.authMethod,
    hasPassphrase: host.hasPassphrase,
    keyGenerated: host.keyGenerated,
    pinnedHostKey: host.hostKey.pinned,
  };
  return (
    <div className="grid gap-6">
      <Breadcrumb
        trail={[
          { label: "Hosts", href: "/hosts" },
          { label: host.name, href: `/hosts/${host.id}` },
          { label: "Edit" },
        ]}
      />
      <HostForm host={defaults} jumpHosts={jumpHostOptions(hosts, host.id)} />
    </div>
  );
}

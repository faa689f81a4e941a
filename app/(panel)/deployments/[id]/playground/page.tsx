import Link from "next/link";
import { orNotFound } from "@/app/(panel)/or-not-found";
import { ChatPanel } from "@/components/playground/chat-panel";
import { LoadTestPanel } from "@/components/playground/load-test-panel";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { requirePageActor } from "@/lib/auth/page";
import { getDeployment } from "@/lib/deployments/get-deployment";
import { listLoadTests } from "@/lib/load-test/list-load-tests";
import { modelAddress } from "@/lib/playground/address";

export const dynamic = "force-dynamic";

export default async function PlaygroundPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageActor("operator");
  const { id } = await params;
  const dep = await orNotFound(getDeployment(id));
  const loadTests = await listLoadTests(id);
  const running = dep.status === "running";
  const { address, port } = modelAddress(dep.spec);
  return (
    <div className="grid gap-4">
      <div>
        <Breadcrumb
          trail={[
            { label: "Deployments", href: "/deployments" },
            { label: dep.modelName, href: `/deployments/${dep.id}` },
            { label: "Playground" },
          ]}
        />
        <h1 className="text-2xl font-semibold tracking-tight">
          Playground: {dep.modelName} on {dep.host.name}
        </h1>
        <p className="text-xs text-slate-500">
          Requests go to vLLM at {address}:{port} through {dep.host.name}'s SSH connection; the API key stays
          on the server.
        </p>
      </div>
      {!running && (
        <p
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
          role="status"
        >
          This deployment is {dep.status}. Chat and load tests need a running deployment;{" "}
          <Link href={`/deployments/${dep.id}`} className="text-sky-700 hover:underline">
            see the deployment
          </Link>
          . Earlier load tests stay listed below.
        </p>
      )}
      <ChatPanel
        deploymentId={dep.id}
        enabled={running}
        endpoint={{ address, port, model: dep.spec.servedModelName, hasApiKey: dep.secrets.apiKey }}
      />
      <LoadTestPanel deploymentId={dep.id} hostId={dep.host.id} enabled={running} initial={loadTests} />
    </div>
  );
}

import { orNotFound } from "@/app/(panel)/or-not-found";
import { DeploymentDetail } from "@/components/deployments/deployment-detail";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { requirePageActor } from "@/lib/auth/page";
import { getDeployment } from "@/lib/deployments/get-deployment";

export const dynamic = "force-dynamic";

const METHOD = { pip: "pip", source: "build from source", container: "container" } as const;

export default async function DeploymentPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageActor();
  const { id } = await params;
  const dep = await orNotFound(getDeployment(id));
  return (
    <div className="grid gap-4">
      <div>
        <Breadcrumb trail={[{ label: "Deployments", href: "/deployments" }, { label: dep.modelName }]} />
        <h1 className="text-2xl font-semibold tracking-tight" data-testid="deployment-title">
          {dep.modelName} on {dep.host.name}
        </h1>
        <p className="text-xs text-slate-500">
          {METHOD[dep.installMethod as keyof typeof METHOD] ?? dep.installMethod} · port {dep.spec.serve.port}{" "}
          · {dep.spec.preset} preset
        </p>
      </div>
      <DeploymentDetail initial={dep} />
    </div>
  );
}

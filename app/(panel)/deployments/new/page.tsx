import { wizardHostOf } from "@/components/deployments/wizard/hosts";
import { DeploymentWizard } from "@/components/deployments/wizard/wizard";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { requirePageActor } from "@/lib/auth/page";
import { listHosts } from "@/lib/hosts/list-hosts";

export const dynamic = "force-dynamic";

// /deployments/new?host=<id> - the deployment wizard, with that host chosen when it can be
export default async function NewDeploymentPage({
  searchParams,
}: {
  searchParams: Promise<{ host?: string | string[] }>;
}) {
  await requirePageActor("operator");
  const { host } = await searchParams;
  const hosts = (await listHosts()).map(wizardHostOf);
  return (
    <div className="grid gap-6">
      <Breadcrumb trail={[{ label: "Deployments", href: "/deployments" }, { label: "New" }]} />
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Deploy vLLM</h1>
        <p className="text-sm text-slate-500">
          Choose a host and a model, how to install vLLM and how to serve it; the review shows whether it fits
          and every command WebOps will run.
        </p>
      </div>
      <DeploymentWizard hosts={hosts} initialHostId={typeof host === "string" && host !== "" ? host : null} />
    </div>
  );
}

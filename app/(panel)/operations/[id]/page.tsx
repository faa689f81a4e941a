import { orNotFound } from "@/app/(panel)/or-not-found";
import { LiveLog } from "@/components/operations/live-log";
import { PrereqRun } from "@/components/prerequisites/prereq-run";
import { prereqParamsOf, prereqResultOf, profileLabel } from "@/components/prerequisites/read";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { RelativeTime } from "@/components/ui/relative-time";
import { requirePageActor } from "@/lib/auth/page";
import { getOperation } from "@/lib/operations/get-operation";
import { OPERATION_KIND_TITLES } from "@/lib/operations/history";
import type { TOperationView } from "@/lib/operations/schema";

export const dynamic = "force-dynamic";

function kindLabel(operation: TOperationView): string {
  if (operation.kind === "prerequisites")
    return `Prerequisites (${profileLabel(prereqParamsOf(operation).profile)})`;
  return OPERATION_KIND_TITLES[operation.kind];
}

const MODE_WORDS = { check: "check only", install: "install what is missing" } as const;

export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageActor();
  const { id } = await params;
  const operation = await orNotFound(getOperation(id));
  const label = kindLabel(operation);
  const prereq = operation.kind === "prerequisites" ? prereqParamsOf(operation) : null;
  return (
    <div className="grid gap-6">
      <div>
        <Breadcrumb
          trail={[
            { label: "Hosts", href: "/hosts" },
            { label: operation.host.name, href: `/hosts/${operation.host.id}` },
            prereq
              ? {
                  label: "Prerequisites",
                  href: `/hosts/${operation.host.id}/prerequisites${prereq.profile ? `?profile=${prereq.profile}` : ""}`,
                }
              : { label },
          ]}
        />
        <h1 className="text-2xl font-semibold tracking-tight" data-testid="operation-title">
          {label} on {operation.host.name}
        </h1>
        <p className="text-xs text-slate-500">
          {prereq?.mode && <>{MODE_WORDS[prereq.mode]} · </>}
          Queued <RelativeTime iso={operation.createdAt} />
          {operation.finishedAt && operation.startedAt
            ? ` · took ${((Date.parse(operation.finishedAt) - Date.parse(operation.startedAt)) / 1000).toFixed(1)} s`
            : ""}
        </p>
      </div>
      {operation.kind === "prerequisites" ? (
        <PrereqRun
          operationId={operation.id}
          hostId={operation.host.id}
          serverStatus={operation.status}
          serverError={operation.error}
          result={prereqResultOf(operation)}
        />
      ) : (
        <LiveLog
          operationId={operation.id}
          hostId={operation.host.id}
          initialStatus={operation.status}
          initialError={operation.error}
        />
      )}
    </div>
  );
}

import Link from "next/link";
import { notFound } from "next/navigation";
import { LiveLog } from "@/components/operations/live-log";
import { PrereqRun } from "@/components/prerequisites/prereq-run";
import { prereqParamsOf, prereqResultOf, profileLabel } from "@/components/prerequisites/read";
import { RelativeTime } from "@/components/ui/relative-time";
import { AppError } from "@/lib/errors";
import { getOperation } from "@/lib/operations/get-operation";
import type { TOperationView } from "@/lib/operations/schema";

export const dynamic = "force-dynamic";

function kindLabel(operation: TOperationView): string {
  if (operation.kind === "prerequisites")
    return `Prerequisites (${profileLabel(prereqParamsOf(operation).profile)})`;
  return "Host check";
}

const MODE_WORDS = { check: "check only", install: "install what is missing" } as const;

export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const operation = await getOperation(id).catch((err: unknown) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const label = kindLabel(operation);
  const prereq = operation.kind === "prerequisites" ? prereqParamsOf(operation) : null;
  return (
    <div className="grid gap-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href="/hosts" className="text-sky-700 hover:underline">
            Hosts
          </Link>{" "}
          /{" "}
          <Link href={`/hosts/${operation.host.id}`} className="text-sky-700 hover:underline">
            {operation.host.name}
          </Link>{" "}
          /{" "}
          {prereq ? (
            <Link
              href={`/hosts/${operation.host.id}/prerequisites${prereq.profile ? `?profile=${prereq.profile}` : ""}`}
              className="text-sky-700 hover:underline"
            >
              Prerequisites
            </Link>
          ) : (
            label
          )}
        </p>
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

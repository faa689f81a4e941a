import Link from "next/link";
import { notFound } from "next/navigation";
import { LiveLog } from "@/components/operations/live-log";
import { RelativeTime } from "@/components/ui/relative-time";
import { AppError } from "@/lib/errors";
import { getOperation } from "@/lib/operations/get-operation";

export const dynamic = "force-dynamic";

const KIND_LABEL = { host_check: "Host check" } as const;

export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const operation = await getOperation(id).catch((err: unknown) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
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
          / {KIND_LABEL[operation.kind]}
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">
          {KIND_LABEL[operation.kind]} on {operation.host.name}
        </h1>
        <p className="text-xs text-slate-500">
          Queued <RelativeTime iso={operation.createdAt} />
          {operation.finishedAt && operation.startedAt
            ? ` · took ${((Date.parse(operation.finishedAt) - Date.parse(operation.startedAt)) / 1000).toFixed(1)} s`
            : ""}
        </p>
      </div>
      <LiveLog
        operationId={operation.id}
        hostId={operation.host.id}
        initialStatus={operation.status}
        initialError={operation.error}
      />
    </div>
  );
}

import Link from "next/link";
import { notFound } from "next/navigation";
import { CheckHostButton } from "@/components/hosts/check-host-button";
import { FactsTable } from "@/components/hosts/facts-table";
import { StatusBadge } from "@/components/ui/status-badge";
import { AppError } from "@/lib/errors";
import type { HostFacts } from "@/lib/hosts/facts";
import { getHost } from "@/lib/hosts/get-host";
import { listHostOperations } from "@/lib/operations/get-operation";

export const dynamic = "force-dynamic";

async function load(id: string) {
  try {
    return await Promise.all([getHost(id), listHostOperations(id)]);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
}

export default async function HostPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [host, operations] = await load(id);
  return (
    <div className="grid gap-8">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight" data-testid="host-name">
            {host.name}
          </h1>
          <p className="font-mono text-sm text-slate-500">
            {host.username}@{host.address}:{host.port}
          </p>
        </div>
        <CheckHostButton hostId={host.id} />
      </div>
      <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 className="mb-3 text-base font-semibold">Facts</h2>
        {host.facts ? (
          <FactsTable facts={host.facts as unknown as HostFacts} />
        ) : (
          <p className="text-sm text-slate-500">Not checked yet. Click Check host.</p>
        )}
      </section>
      <section className="grid gap-2">
        <h2 className="text-base font-semibold">Checks</h2>
        {operations.length === 0 ? (
          <p className="text-sm text-slate-500">None yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
            {operations.map((op) => (
              <li key={op.id} className="flex items-center gap-4 px-4 py-2">
                <StatusBadge status={op.status} />
                <Link href={`/operations/${op.id}`} className="text-sky-700 hover:underline">
                  {new Date(op.createdAt).toLocaleString()}
                </Link>
                <span className="truncate text-slate-500">{op.error ?? `${op.lineCount} log lines`}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

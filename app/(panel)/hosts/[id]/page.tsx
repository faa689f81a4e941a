import Link from "next/link";
import { orNotFound } from "@/app/(panel)/or-not-found";
import { CheckHostButton } from "@/components/hosts/check-host-button";
import { CredentialsPanel } from "@/components/hosts/credentials-panel";
import { FactsTable } from "@/components/hosts/facts-table";
import { HostActions } from "@/components/hosts/host-actions";
import { HostChecks } from "@/components/hosts/host-checks";
import { HostKeyPanel } from "@/components/hosts/host-key-panel";
import { LabelChips } from "@/components/hosts/label-chips";
import { sshTarget } from "@/components/hosts/ssh-target";
import { hostPrerequisitesOf, profileLabel } from "@/components/prerequisites/read";
import { PrereqStateChip } from "@/components/prerequisites/state-chip";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { buttonClass } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { requirePageActor } from "@/lib/auth/page";
import { roleAllows } from "@/lib/auth/roles";
import { getHost } from "@/lib/hosts/get-host";
import { listHostOperations } from "@/lib/operations/get-operation";

export const dynamic = "force-dynamic";

export default async function HostPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const canOperate = roleAllows(actor.role, "operator");
  const isAdmin = roleAllows(actor.role, "admin");
  const { id } = await params;
  const [host, operations] = await orNotFound(
    Promise.all([getHost(id), listHostOperations(id, { kind: "host_check" })]),
  );
  const failed = host.lastError !== null && host.reachable !== true;
  const prereq = hostPrerequisitesOf(host);
  const checks = operations.filter((op) => op.kind === "host_check");
  return (
    <div className="grid grid-cols-1 gap-6">
      <Breadcrumb trail={[{ label: "Hosts", href: "/hosts" }, { label: host.name }]} />
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight" data-testid="host-name">
              {host.name}
            </h1>
            <StatusBadge status={host.status} testId="host-status" />
          </div>
          <p className="font-mono text-sm text-slate-600" data-testid="host-target">
            {sshTarget(host)}
            {host.jumpHost && (
              <span className="font-sans text-slate-500">
                {" "}
                via{" "}
                <Link href={`/hosts/${host.jumpHost.id}`} className="text-sky-700 hover:underline">
                  {host.jumpHost.name}
                </Link>
              </span>
            )}
          </p>
          <p className="text-xs text-slate-500">
            Deploys to <span className="font-mono">{host.deployPath}</span>
            {host.deployConcurrency > 1
              ? ` · ${host.deployConcurrency} deployments at once`
              : " · one deployment at a time"}{" "}
            · last checked <RelativeTime iso={host.lastCheckedAt} />
          </p>
          <LabelChips labels={host.labels} />
        </div>
        <div className="grid justify-items-end gap-2">
          <div className="flex flex-wrap items-start justify-end gap-2">
            {canOperate && !host.disabled && <CheckHostButton hostId={host.id} />}
            {canOperate && !host.disabled && (
              <Link
                href={`/deployments/new?host=${host.id}`}
                className={buttonClass.accent}
                data-testid="deploy-to-host"
              >
                Deploy to this host
              </Link>
            )}
            <Link
              href={`/hosts/${host.id}/prerequisites${prereq ? `?profile=${encodeURIComponent(prereq.profile)}` : ""}`}
              className={buttonClass.secondary}
              data-testid="host-prerequisites-link"
            >
              Prerequisites
            </Link>
            {isAdmin && (
              <Link href={`/hosts/${host.id}/edit`} className={buttonClass.secondary} data-testid="edit-host">
                Edit
              </Link>
            )}
          </div>
          {isAdmin && <HostActions hostId={host.id} hostName={host.name} disabled={host.disabled} />}
        </div>
      </header>

      {host.disabled && (
        <p className="rounded-md bg-slate-100 px-4 py-3 text-sm text-slate-700 ring-1 ring-inset ring-slate-200">
          This host is disabled: WebOps runs no checks or deployments on it until you enable it.
        </p>
      )}
      {failed && (
        <section
          className="grid gap-1 rounded-md bg-rose-50 px-4 py-3 text-sm ring-1 ring-inset ring-rose-200"
          data-testid="host-last-error"
          aria-labelledby="last-error-title"
        >
          <h2 id="last-error-title" className="font-medium text-rose-900">
            The last check failed <RelativeTime iso={host.lastCheckedAt} never="" />
          </h2>
          <p className="whitespace-pre-wrap break-words text-rose-800">{host.lastError}</p>
        </section>
      )}

      <div className="grid gap-6 lg:grid-cols-2">
        <HostKeyPanel host={host} />
        <CredentialsPanel host={host} />
      </div>

      <section
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
        aria-labelledby="facts-title"
      >
        <div className="flex items-baseline justify-between gap-4">
          <h2 id="facts-title" className="text-base font-semibold">
            Facts
          </h2>
          {host.facts && (
            <span className="text-xs text-slate-500">
              from the check <RelativeTime iso={host.lastCheckedAt} never="" />
            </span>
          )}
        </div>
        {host.facts ? (
          <FactsTable facts={host.facts} />
        ) : (
          <p className="text-sm text-slate-500">
            Not checked yet. {host.disabled ? "Enable the host, then check it." : "Click Check host."}
          </p>
        )}
      </section>

      <section
        className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-slate-200 bg-white px-5 py-4 shadow-sm"
        aria-labelledby="prereq-summary-title"
        data-testid="host-prereq-summary"
      >
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <h2 id="prereq-summary-title" className="text-base font-semibold">
            Prerequisites
          </h2>
          {prereq ? (
            <>
              <PrereqStateChip state={prereq.state} testId="host-prereq-state" />
              <span className="text-slate-600">{profileLabel(prereq.profile)}</span>
              <span className="text-xs text-slate-500">
                <RelativeTime iso={prereq.checkedAt || null} />
              </span>
            </>
          ) : (
            <span className="text-slate-500">Not checked for any install method yet.</span>
          )}
        </div>
        <Link
          href={`/hosts/${host.id}/prerequisites${prereq ? `?profile=${encodeURIComponent(prereq.profile)}` : ""}`}
          className="text-sm text-sky-700 hover:underline"
        >
          Check or install →
        </Link>
      </section>

      <HostChecks operations={checks} />
    </div>
  );
}

import Link from "next/link";
import { orNotFound } from "@/app/(panel)/or-not-found";
import { sudoLabel, sudoSummary } from "@/components/hosts/facts-read";
import { manualCommandsFor } from "@/components/prerequisites/manual-commands";
import { PrereqControls } from "@/components/prerequisites/prereq-controls";
import { PrereqHistory } from "@/components/prerequisites/prereq-history";
import {
  DEFAULT_PROFILE,
  hostPrerequisitesOf,
  prereqParamsOf,
  prereqResultOf,
  profileLabel,
} from "@/components/prerequisites/read";
import { PrereqReportTable } from "@/components/prerequisites/report-table";
import { PrereqStateChip } from "@/components/prerequisites/state-chip";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { CopyBlock } from "@/components/ui/copy-button";
import { RelativeTime } from "@/components/ui/relative-time";
import { requirePageActor } from "@/lib/auth/page";
import { getHost } from "@/lib/hosts/get-host";
import { listHostOperations } from "@/lib/operations/get-operation";
import { isPrereqProfileId, PREREQ_PROFILES } from "@/lib/prerequisites/profiles";

export const dynamic = "force-dynamic";

/** Enough history that host checks do not push the prerequisites runs out of the list. */
const HISTORY_TAKE = 50;

const card = "grid gap-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm";

export default async function HostPrerequisitesPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ profile?: string | string[] }>;
}) {
  await requirePageActor();
  const [{ id }, { profile: profileParam }] = await Promise.all([params, searchParams]);
  const profile = isPrereqProfileId(profileParam) ? profileParam : DEFAULT_PROFILE;
  const [host, operations] = await orNotFound(
    Promise.all([getHost(id), listHostOperations(id, { kind: "prerequisites", take: HISTORY_TAKE })]),
  );
  const runs = operations.filter((op) => op.kind === "prerequisites");
  const withResult = runs
    .filter((op) => prereqParamsOf(op).profile === profile)
    .map((op) => ({ op, result: prereqResultOf(op) }))
    .filter((r) => r.result !== null);
  const latestReport = withResult.find((r) => r.result?.report);
  const latest = withResult[0];
  const commands = latest?.result ? manualCommandsFor(latest.result, host) : null;
  const state = hostPrerequisitesOf(host);
  const sudo = host.facts ? sudoSummary(host.facts) : null;
  const sudoHint = !sudo
    ? "Check the host first to learn what sudo allows."
    : sudo.canInstall
      ? `${sudoLabel(sudo)} — WebOps installs what is missing itself.`
      : `${sudoLabel(sudo)} — Install missing stops with the exact commands for you to run.`;

  return (
    <div className="grid gap-6">
      <Breadcrumb
        trail={[
          { label: "Hosts", href: "/hosts" },
          { label: host.name, href: `/hosts/${host.id}` },
          { label: "Prerequisites" },
        ]}
      />
      <header className="grid gap-1.5">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">Prerequisites on {host.name}</h1>
          {state && <PrereqStateChip state={state.state} testId="host-prereq-state" />}
        </div>
        <p className="text-sm text-slate-600">
          What each install method needs on the host, checked in one SSH round trip; installed with
          passwordless sudo, or the run stops and tells you exactly what to run.
          {state && (
            <span className="text-slate-500">
              {" "}
              Last: {profileLabel(state.profile)}, <RelativeTime iso={state.checkedAt || null} />.
            </span>
          )}
        </p>
      </header>

      <section className={card} aria-label="Check or install">
        {host.disabled && (
          <p className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700 ring-1 ring-inset ring-slate-200">
            This host is disabled: enable it to check or install prerequisites.
          </p>
        )}
        <PrereqControls hostId={host.id} profile={profile} disabled={host.disabled} hint={sudoHint} />
      </section>

      <section className={card} aria-labelledby="latest-report-title">
        <div className="flex flex-wrap items-baseline justify-between gap-3">
          <h2 id="latest-report-title" className="text-base font-semibold">
            Latest report · {PREREQ_PROFILES[profile].label}
          </h2>
          {latestReport && (
            <Link
              href={`/operations/${latestReport.op.id}`}
              className="text-xs text-sky-700 hover:underline"
              data-testid="prereq-latest-time"
            >
              checked <RelativeTime iso={latestReport.op.finishedAt ?? latestReport.op.createdAt} />
            </Link>
          )}
        </div>
        {latestReport?.result?.report ? (
          <PrereqReportTable report={latestReport.result.report} />
        ) : (
          <p className="text-sm text-slate-500">Not checked yet for this install method. Click Check.</p>
        )}
      </section>

      {commands && (
        <section className={card} aria-labelledby="manual-title" data-testid="prereq-manual">
          <h2 id="manual-title" className="text-base font-semibold">
            Install by hand
          </h2>
          <p className="text-sm text-slate-600">
            {commands.from === "blocked"
              ? "The latest run stopped: WebOps could not install these itself."
              : "The latest check found these missing."}{" "}
            Run this on the host, as a user with sudo or as root:
          </p>
          <CopyBlock text={commands.command} testId="prereq-manual-command" />
          {commands.sudoersLine && (
            <>
              <p className="text-sm text-slate-600">
                To let WebOps install them itself, add this line with{" "}
                <code className="font-mono text-xs">visudo -f /etc/sudoers.d/webops</code>:
              </p>
              <CopyBlock text={commands.sudoersLine} testId="prereq-manual-sudoers-line" />
            </>
          )}
        </section>
      )}

      <section className="grid gap-2" aria-labelledby="prereq-history-title">
        <h2 id="prereq-history-title" className="text-base font-semibold">
          Install history
        </h2>
        <PrereqHistory operations={runs} />
      </section>
    </div>
  );
}

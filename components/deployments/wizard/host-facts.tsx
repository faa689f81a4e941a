import Link from "next/link";
import type { ReactNode } from "react";
import { PrereqStateChip } from "@/components/prerequisites/state-chip";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TWizardHost } from "./hosts";

const gib = (kib: number | null) => (kib === null ? null : `${(kib / 1024 / 1024).toFixed(1)} GiB`);
const Unknown = () => <span className="font-normal text-slate-400">unknown</span>;

/** The chosen host's facts that decide a deployment, and its prerequisite state. */
export function HostFactsPanel({ host }: { host: TWizardHost }) {
  const facts = host.facts;
  if (!facts) return null;
  const memory = gib(facts.memoryKiB);
  const available = gib(facts.memoryAvailableKiB);
  const free = gib(facts.disk?.freeKiB ?? null);
  const rows: [string, ReactNode][] = [
    ["Operating system", [facts.os, facts.arch].filter(Boolean).join(" · ")],
    [
      "CPUs",
      facts.cpuCount === null ? (
        <Unknown key="cpu" />
      ) : (
        `${facts.cpuCount} logical${facts.cpuPhysicalCores ? `, ${facts.cpuPhysicalCores} physical cores` : ""}${facts.cpuModel ? ` · ${facts.cpuModel}` : ""}`
      ),
    ],
    ["Memory", memory ? `${memory}${available ? ` (${available} available)` : ""}` : <Unknown key="mem" />],
    [
      "GPUs",
      facts.gpus.length === 0 ? (
        "none (vLLM runs on the CPU)"
      ) : (
        <ul key="gpus" className="grid gap-0.5" data-testid="wizard-host-gpus">
          {facts.gpus.map((g) => (
            <li key={g.busId ?? g.index}>
              {g.index}: {g.name}
              <span className="font-normal text-slate-500">
                {" "}
                · {g.memoryMiB === null ? "memory unknown" : `${(g.memoryMiB / 1024).toFixed(0)} GiB`}
              </span>
            </li>
          ))}
          {facts.nvidia?.driver && (
            <li className="font-normal text-slate-500">
              driver {facts.nvidia.driver}
              {facts.nvidia.cuda ? ` · CUDA ${facts.nvidia.cuda}` : ""}
            </li>
          )}
        </ul>
      ),
    ],
    ["Docker", facts.docker ? (facts.dockerVersion ?? "yes") : "no"],
    ["systemd", facts.systemd ? "yes" : "no"],
    ["Python 3", facts.python3 ?? "not installed"],
    [
      "Disk",
      free ? (
        <span key="disk">
          {free} free <span className="font-normal text-slate-500">on {facts.disk?.checkedPath}</span>
        </span>
      ) : (
        <Unknown key="disk" />
      ),
    ],
  ];
  const prereq = host.prerequisites;
  const prereqHref = `/hosts/${host.id}/prerequisites${prereq ? `?profile=${encodeURIComponent(prereq.profile)}` : ""}`;
  return (
    <section
      aria-labelledby="wizard-host-facts-title"
      data-testid="wizard-host-facts"
      className="grid gap-3 rounded-md border border-slate-200 bg-slate-50/60 p-4"
    >
      <h3 id="wizard-host-facts-title" className="text-sm font-semibold text-slate-800">
        Facts from the last check{" "}
        <span className="text-xs font-normal text-slate-500">
          <RelativeTime iso={host.lastCheckedAt} never="" />
        </span>
      </h3>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-500">{label}</dt>
            <dd className="font-medium text-slate-800">{value}</dd>
          </div>
        ))}
        <div className="contents">
          <dt className="text-slate-500">Prerequisites</dt>
          <dd className="flex flex-wrap items-center gap-2" data-testid="wizard-host-prereq">
            {prereq ? (
              <>
                <PrereqStateChip state={prereq.state} />
                <span className="text-slate-600">{prereq.profile}</span>
              </>
            ) : (
              <span className="text-slate-500">not checked for any install method yet</span>
            )}
            <Link href={prereqHref} className="text-sky-700 hover:underline">
              Check or install →
            </Link>
          </dd>
        </div>
      </dl>
      {host.activeOperations > 0 && (
        <p className="text-xs text-slate-600">
          {host.activeOperations} operation{host.activeOperations === 1 ? " is" : "s are"} queued or running
          on this host.
        </p>
      )}
    </section>
  );
}

import Link from "next/link";
import { StatusBadge } from "@/components/ui/status-badge";
import { ChoiceGroup, RadioCard } from "./fields";
import { FIELD_PATH } from "./form";
import { HostFactsPanel } from "./host-facts";
import type { TWizardHost } from "./hosts";
import type { TFieldErrors } from "./validate";

/** Step 1: every host, the ones WebOps cannot deploy to shown with the reason and not selectable. */
export function HostStep({
  hosts,
  hostId,
  onHost,
  errors,
  requested,
}: {
  hosts: readonly TWizardHost[];
  hostId: string;
  onHost: (host: TWizardHost) => void;
  errors: TFieldErrors;
  /** The `?host=` the page was opened with, when it could not be preselected. */
  requested: string | null;
}) {
  const chosen = hosts.find((h) => h.id === hostId) ?? null;
  const requestedHost = requested === null ? null : hosts.find((h) => h.id === requested);
  if (hosts.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
        No hosts yet.{" "}
        <Link href="/hosts" className="text-sky-700 hover:underline">
          Add a host
        </Link>{" "}
        and check it, then come back to deploy to it.
      </p>
    );
  }
  return (
    <div className="grid gap-4">
      {requested !== null && (
        <p
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
          data-testid="requested-host-note"
        >
          {requestedHost
            ? `${requestedHost.name} cannot be chosen. ${requestedHost.blockedReason ?? ""}`
            : "The host in the link does not exist (any more). Choose one below."}
        </p>
      )}
      <ChoiceGroup
        legend="Deploy to"
        name={FIELD_PATH.hostId}
        error={errors[FIELD_PATH.hostId]}
        columns="sm:grid-cols-2"
      >
        {hosts.map((h) => (
          <RadioCard
            key={h.id}
            name={FIELD_PATH.hostId}
            value={h.id}
            checked={h.id === hostId}
            onSelect={() => onHost(h)}
            label={h.name}
            testId={`wizard-host-${h.name}`}
            disabledReason={h.blockedReason}
            help={
              <span className="flex flex-wrap items-center gap-2">
                <span className="font-mono">{h.target}</span>
                <StatusBadge status={h.status} />
                {h.facts && (
                  <span>
                    {h.facts.gpus.length === 0
                      ? "no GPU"
                      : `${h.facts.gpus.length} GPU${h.facts.gpus.length === 1 ? "" : "s"}`}
                  </span>
                )}
              </span>
            }
          />
        ))}
      </ChoiceGroup>
      {chosen?.facts && <HostFactsPanel host={chosen} />}
    </div>
  );
}

import { sshTarget } from "@/components/hosts/ssh-target";
import { type HostFacts, readStoredFacts } from "@/lib/hosts/facts/schema";
import type { THostStatus, THostView } from "@/lib/hosts/schema";

/** What the wizard knows of a host: enough to choose it and size the deployment, never its credentials. */
export interface TWizardHost {
  id: string;
  name: string;
  target: string;
  deployPath: string;
  status: THostStatus;
  /** Why it cannot be chosen; null when it can. */
  blockedReason: string | null;
  /** Facts from the last check, when they are in the current format. */
  facts: HostFacts | null;
  lastCheckedAt: string | null;
  prerequisites: THostView["prerequisites"];
  activeOperations: number;
}

const shorten = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function blockedReasonOf(host: THostView, facts: HostFacts | null): string | null {
  switch (host.status) {
    case "disabled":
      return "Disabled: WebOps deploys nothing here until it is enabled on the host's page.";
    case "unreachable":
      return `Unreachable: the last check could not connect${host.lastError ? ` (${shorten(host.lastError)})` : ""}. Fix it, then click Check host on the host's page.`;
    case "host_key_changed":
      return "Its host key changed: WebOps refuses to connect until the new key is approved on the host's page.";
    case "host_key_unverified":
      return "Its host key is not trusted yet: compare and trust it on the host's page.";
    case "unchecked":
      return "Not checked yet: click Check host on the host's page so WebOps knows its facts.";
    case "reachable":
      return facts === null
        ? "Its facts are missing or from an older version of WebOps: click Check host on the host's page again."
        : null;
  }
}

export function wizardHostOf(host: THostView): TWizardHost {
  const facts = host.facts === null ? null : readStoredFacts(host.facts);
  return {
    id: host.id,
    name: host.name,
    target: sshTarget(host),
    deployPath: host.deployPath,
    status: host.status,
    blockedReason: blockedReasonOf(host, facts),
    facts,
    lastCheckedAt: host.lastCheckedAt,
    prerequisites: host.prerequisites,
    activeOperations: host.activeOperations,
  };
}

/** The prerequisite profile each install method is checked against (lib/prerequisites/profiles). */
export const PROFILE_OF_METHOD = { pip: "pip-gpu", source: "cpu-source", container: "container" } as const;

import type { Prisma } from "../generated/prisma/client";
import type { THostStatus, THostView, TPrereqState } from "./schema";

/**
 * The columns a view may read. Sealed credentials are read only as "present or not" (passphrase)
 * and never copied into a view.
 */
export const hostViewSelect = {
  id: true,
  name: true,
  address: true,
  port: true,
  username: true,
  labels: true,
  deployPath: true,
  deployConcurrency: true,
  disabled: true,
  jumpHost: { select: { id: true, name: true } },
  authMethod: true,
  passphraseSealed: true,
  publicKey: true,
  keyGenerated: true,
  hostKeyFingerprint: true,
  hostKeyType: true,
  hostKeyTrustedAt: true,
  seenHostKeyFingerprint: true,
  seenHostKeyType: true,
  seenHostKeyAt: true,
  reachable: true,
  lastCheckedAt: true,
  lastError: true,
  facts: true,
  prereqProfile: true,
  prereqState: true,
  prereqCheckedAt: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { operations: { where: { status: { in: ["queued", "running"] } } } } },
} as const satisfies Prisma.HostSelect;

type THostRow = Prisma.HostGetPayload<{ select: typeof hostViewSelect }>;

function statusOf(host: THostRow): THostStatus {
  if (host.disabled) return "disabled";
  if (
    host.hostKeyFingerprint &&
    host.seenHostKeyFingerprint &&
    host.seenHostKeyFingerprint !== host.hostKeyFingerprint
  )
    return "host_key_changed";
  if (!host.hostKeyFingerprint && host.seenHostKeyFingerprint) return "host_key_unverified";
  if (host.reachable === null) return "unchecked";
  return host.reachable ? "reachable" : "unreachable";
}

export function toHostView(host: THostRow): THostView {
  return {
    id: host.id,
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    labels: host.labels,
    deployPath: host.deployPath,
    deployConcurrency: host.deployConcurrency,
    disabled: host.disabled,
    jumpHost: host.jumpHost,
    authMethod: host.authMethod,
    hasPassphrase: host.passphraseSealed !== null,
    publicKey: host.publicKey,
    keyGenerated: host.keyGenerated,
    hostKey: {
      pinned: host.hostKeyFingerprint,
      pinnedType: host.hostKeyType,
      trustedAt: host.hostKeyTrustedAt?.toISOString() ?? null,
      seen: host.seenHostKeyFingerprint,
      seenType: host.seenHostKeyType,
      seenAt: host.seenHostKeyAt?.toISOString() ?? null,
    },
    status: statusOf(host),
    reachable: host.reachable,
    lastCheckedAt: host.lastCheckedAt?.toISOString() ?? null,
    lastError: host.lastError,
    facts: (host.facts as Record<string, unknown> | null) ?? null,
    prerequisites:
      host.prereqProfile && host.prereqState && host.prereqCheckedAt
        ? {
            profile: host.prereqProfile,
            state: host.prereqState as TPrereqState,
            checkedAt: host.prereqCheckedAt.toISOString(),
          }
        : null,
    activeOperations: host._count.operations,
    createdAt: host.createdAt.toISOString(),
    updatedAt: host.updatedAt.toISOString(),
  };
}

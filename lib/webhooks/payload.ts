import { type TDeploymentEvent, WEBHOOK_EVENT_TITLES } from "./events";

/** What a payload says about the deployment, reloaded by the notifier. */
export interface TEventSubject {
  deployment: { id: string; status: string; model: string; endpoint: string | null };
  host: { id: string; name: string; address: string };
  /** The deployment's page in the panel. */
  link: string;
}

/** The generic JSON body: the event, what it is about, and why. */
export interface TGenericPayload {
  event: TDeploymentEvent["type"] | "webhook.test";
  occurredAt: string;
  summary: string;
  reason: string | null;
  deployment: TEventSubject["deployment"];
  host: TEventSubject["host"];
  link: string;
  health?: { from: string; to: string };
}

export interface TSlackPayload {
  text: string;
  blocks: unknown[];
}

const ICONS: Record<string, string> = {
  "deployment.running": ":white_check_mark:",
  "deployment.failed": ":x:",
  "deployment.blocked": ":warning:",
  "webhook.test": ":wave:",
};

function summaryOf(event: TDeploymentEvent, s: TEventSubject): string {
  const where = `${s.deployment.model} on ${s.host.name}`;
  switch (event.type) {
    case "deployment.running":
      return `${where} is running`;
    case "deployment.failed":
      return `${where} failed`;
    case "deployment.blocked":
      return `${where} is blocked`;
    case "deployment.health_changed":
      return `${where} is ${event.to} (was ${event.from})`;
  }
}

export function genericPayload(event: TDeploymentEvent, s: TEventSubject, at: Date): TGenericPayload {
  return {
    event: event.type,
    occurredAt: at.toISOString(),
    summary: summaryOf(event, s),
    reason: event.type === "deployment.running" ? null : event.reason,
    deployment: s.deployment,
    host: s.host,
    link: s.link,
    ...(event.type === "deployment.health_changed" ? { health: { from: event.from, to: event.to } } : {}),
  };
}

/** A test delivery's body, so an operator can see a receiver answer before anything happens. */
export function testPayload(endpointName: string, link: string, at: Date): TGenericPayload {
  return {
    event: "webhook.test",
    occurredAt: at.toISOString(),
    summary: `Test delivery from WebOps to "${endpointName}"`,
    reason: null,
    deployment: { id: "test", status: "running", model: "example/model", endpoint: null },
    host: { id: "test", name: "example-host", address: "127.0.0.1" },
    link,
  };
}

/** Slack's mrkdwn needs &, < and > escaped; everything else is shown as written. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A Slack-compatible incoming-webhook body (Slack, Mattermost, Rocket.Chat): {text, blocks}. */
export function slackPayload(p: TGenericPayload): TSlackPayload {
  const icon =
    p.event === "deployment.health_changed"
      ? p.health?.to === "healthy"
        ? ":large_green_circle:"
        : p.health?.to === "degraded"
          ? ":large_yellow_circle:"
          : ":red_circle:"
      : (ICONS[p.event] ?? "");
  const title = p.event === "webhook.test" ? "Test" : WEBHOOK_EVENT_TITLES[p.event];
  const text = `${icon} ${p.summary}${p.reason ? `: ${p.reason}` : ""}`.trim();
  const fields = [
    `*Host*\n${mrkdwn(p.host.name)} (${mrkdwn(p.host.address)})`,
    `*Model*\n${mrkdwn(p.deployment.model)}`,
    `*Status*\n${mrkdwn(p.health ? p.health.to : p.deployment.status)}`,
  ];
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${icon} *${mrkdwn(title)}*: ${mrkdwn(p.summary)}` } },
      { type: "section", fields: fields.map((f) => ({ type: "mrkdwn", text: f })) },
      ...(p.reason
        ? [
            {
              type: "section",
              text: { type: "mrkdwn", text: `*Reason*\n${mrkdwn(p.reason.slice(0, 2500))}` },
            },
          ]
        : []),
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `<${p.link}|Open in WebOps> · ${p.occurredAt}` }],
      },
    ],
  };
}

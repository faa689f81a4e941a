import { db } from "../db";
import { env } from "../env";
import type { Prisma } from "../generated/prisma/client";
import type { TDeploymentEvent } from "./events";
import { genericPayload, slackPayload, type TEventSubject } from "./payload";
import { enqueueDelivery } from "./queue";

export type { TDeploymentEvent } from "./events";

/** The deployment's page in the panel, from WEBOPS_PUBLIC_URL. */
export function deploymentLink(deploymentId: string): string {
  return new URL(`/deployments/${encodeURIComponent(deploymentId)}`, env().WEBOPS_PUBLIC_URL).toString();
}

async function subjectOf(deploymentId: string): Promise<TEventSubject | null> {
  const dep = await db().deployment.findUnique({
    where: { id: deploymentId },
    select: {
      id: true,
      status: true,
      modelName: true,
      result: true,
      host: { select: { id: true, name: true, address: true } },
    },
  });
  if (!dep) return null;
  const endpoint = (dep.result as { endpoint?: unknown } | null)?.endpoint;
  return {
    deployment: {
      id: dep.id,
      status: dep.status,
      model: dep.modelName,
      endpoint: typeof endpoint === "string" ? endpoint : null,
    },
    host: dep.host,
    link: deploymentLink(dep.id),
  };
}

/** Records one pending delivery per endpoint and queues them; returns the delivery ids. */
export async function recordAndQueue(
  endpoints: readonly { id: string; kind: "generic" | "slack" }[],
  event: string,
  deploymentId: string | null,
  body: ReturnType<typeof genericPayload>,
): Promise<string[]> {
  const ids: string[] = [];
  for (const endpoint of endpoints) {
    const payload = endpoint.kind === "slack" ? slackPayload(body) : body;
    const delivery = await db().webhookDelivery.create({
      data: {
        endpointId: endpoint.id,
        event,
        deploymentId,
        payload: payload as unknown as Prisma.InputJsonObject,
      },
      select: { id: true },
    });
    ids.push(delivery.id);
    try {
      await enqueueDelivery(delivery.id);
    } catch (err) {
      await db().webhookDelivery.update({
        where: { id: delivery.id },
        data: { status: "failed", lastError: `Not queued (is Redis running?): ${(err as Error).message}` },
      });
    }
  }
  return ids;
}

/**
 * Tells every enabled webhook subscribed to this event: records one delivery per endpoint and
 * enqueues its job. Never throws: a notification must not fail the pipeline or monitor that sent it.
 */
export async function notifyDeploymentEvent(event: TDeploymentEvent): Promise<void> {
  try {
    const endpoints = await db().webhookEndpoint.findMany({
      where: { enabled: true, events: { has: event.type } },
      select: { id: true, kind: true },
    });
    if (endpoints.length === 0) return;
    const subject = await subjectOf(event.deploymentId);
    if (!subject) return;
    await recordAndQueue(
      endpoints,
      event.type,
      event.deploymentId,
      genericPayload(event, subject, new Date()),
    );
  } catch (err) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "webhook notification failed",
        event: event.type,
        deploymentId: event.deploymentId,
        error: (err as Error).message,
      }),
    );
  }
}

import { UnrecoverableError } from "bullmq";
import { db } from "../db";
import { env } from "../env";
import { unsealWebhookSecret } from "./secret";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from "./sign";

/** Answers that retrying will not change: the receiver refuses this request as it is. */
function isPermanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ code: number | null; error: string | null }> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(env().WEBOPS_WEBHOOK_TIMEOUT_MS),
    });
    if (res.status >= 200 && res.status < 300) return { code: res.status, error: null };
    const text = (await res.text().catch(() => "")).slice(0, 300).trim();
    return { code: res.status, error: `HTTP ${res.status}${text ? `: ${text}` : ""}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === "TimeoutError"
        ? `no answer within ${env().WEBOPS_WEBHOOK_TIMEOUT_MS} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { code: null, error: `Could not reach ${new URL(url).host}: ${why}` };
  }
}

/**
 * Sends one delivery. Success marks it delivered; a failure is recorded and thrown so BullMQ retries
 * it with backoff, unless it was the last attempt or the receiver refused it for good (4xx).
 */
export async function deliverWebhook(deliveryId: string, lastAttempt: boolean): Promise<void> {
  const delivery = await db().webhookDelivery.findUnique({
    where: { id: deliveryId },
    include: { endpoint: true },
  });
  if (delivery?.status !== "pending") return;
  const { endpoint } = delivery;
  if (!endpoint.enabled && delivery.event !== "webhook.test") {
    await db().webhookDelivery.update({
      where: { id: deliveryId },
      data: { status: "failed", lastError: "The webhook was disabled before this was sent" },
    });
    return;
  }
  const body = JSON.stringify(delivery.payload);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": "WebOps-Webhooks/1",
    "X-WebOps-Event": delivery.event,
    "X-WebOps-Delivery": delivery.id,
  };
  if (endpoint.kind === "generic" && endpoint.secretSealed) {
    const timestamp = Math.floor(Date.now() / 1000);
    headers[TIMESTAMP_HEADER] = String(timestamp);
    headers[SIGNATURE_HEADER] = webhookSignature(
      unsealWebhookSecret(endpoint.id, endpoint.secretSealed),
      timestamp,
      body,
    );
  }
  const outcome = await post(endpoint.url, body, headers);
  const now = new Date();
  const permanent = outcome.code !== null && isPermanent(outcome.code);
  await db().webhookDelivery.update({
    where: { id: deliveryId },
    data: {
      attempts: { increment: 1 },
      lastAttemptAt: now,
      responseCode: outcome.code,
      lastError: outcome.error,
      ...(outcome.error === null
        ? { status: "delivered", deliveredAt: now }
        : lastAttempt || permanent
          ? { status: "failed" }
          : {}),
    },
  });
  if (outcome.error === null) return;
  if (permanent) throw new UnrecoverableError(outcome.error);
  throw new Error(outcome.error);
}

import { Queue } from "bullmq";
import { z } from "zod";
import { env } from "../env";
import { redis } from "../redis";

/**
 * Deliveries have their own queue and worker, so a slow receiver never holds up a deployment's slot
 * and BullMQ's attempts and exponential backoff do the retrying.
 */
export const WEBHOOKS_QUEUE = "webops-webhooks";
export const WEBHOOK_DELIVERY_JOB = "webhook-delivery";

export const ZWebhookDeliveryJobSchema = z.object({ deliveryId: z.string().min(1).max(64) });

const globalForQueue = globalThis as unknown as { webopsWebhookQueue?: Queue };

function webhooksQueue(): Queue {
  globalForQueue.webopsWebhookQueue ??= new Queue(WEBHOOKS_QUEUE, { connection: redis() });
  return globalForQueue.webopsWebhookQueue;
}

/** Queues one delivery; its id is the job id, so queueing it twice sends it once. */
export async function enqueueDelivery(deliveryId: string): Promise<void> {
  const settings = env();
  await webhooksQueue().add(WEBHOOK_DELIVERY_JOB, ZWebhookDeliveryJobSchema.parse({ deliveryId }), {
    jobId: deliveryId,
    attempts: settings.WEBOPS_WEBHOOK_ATTEMPTS,
    backoff: { type: "exponential", delay: settings.WEBOPS_WEBHOOK_BACKOFF_MS },
    removeOnComplete: { age: 7 * 86_400 },
    removeOnFail: { age: 30 * 86_400 },
  });
}

import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { deliverWebhook } from "./deliver";
import { WEBHOOKS_QUEUE, ZWebhookDeliveryJobSchema } from "./queue";

/** The worker process's consumer of webhook deliveries (own queue, a few at a time). */
export function startWebhookWorker(connection: Redis): Worker {
  const worker = new Worker(
    WEBHOOKS_QUEUE,
    async (job: Job) => {
      const parsed = ZWebhookDeliveryJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`Invalid webhook job: ${parsed.error.message}`);
      // attemptsMade counts the attempts that already failed; this one is the next.
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await deliverWebhook(parsed.data.deliveryId, last);
    },
    { connection, concurrency: 4 },
  );
  worker.on("error", (err) =>
    console.error(JSON.stringify({ level: "error", msg: "webhook worker error", error: err.message })),
  );
  return worker;
}

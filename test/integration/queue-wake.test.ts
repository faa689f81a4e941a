import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { promoteDelayed, rememberLatestJob } from "@/lib/queue/enqueue";
import { OPERATIONS_QUEUE } from "@/lib/queue/jobs";
import { createRedis } from "@/lib/redis";

// Waking a deployment that waits for its host, against the real Redis: the job to promote is the
// operation's latest, which for a retried deployment is not the one named after the operation. The
// jobs here name no operation in the database: once promoted, the test system's worker finds nothing
// to run and completes them.
const connection = createRedis("producer");
const queue = new Queue(OPERATIONS_QUEUE, { connection });

afterAll(async () => {
  await queue.close();
  connection.disconnect();
});

const operationId = () => `wake${Date.now()}${Math.random().toString(36).slice(2, 8)}`;
const HOUR = 3_600_000;

describe("waking a waiting deployment", () => {
  it("promotes the operation's own job when it waits", async () => {
    const op = operationId();
    const job = await queue.add("deploy", { operationId: op }, { jobId: op, delay: HOUR });
    expect(await job.getState()).toBe("delayed");
    await promoteDelayed(op);
    expect(await job.getState()).not.toBe("delayed");
  });

  it("promotes a retry's job (an id of its own) when that is the one waiting", async () => {
    const op = operationId();
    const retryId = `${op}-${Date.now()}`;
    const job = await queue.add("deploy", { operationId: op }, { jobId: retryId, delay: HOUR });
    await rememberLatestJob(op, retryId);
    await promoteDelayed(op);
    expect(await job.getState()).not.toBe("delayed");
  });

  it("leaves a job alone that is not the operation's latest", async () => {
    const op = operationId();
    const other = await queue.add("deploy", { operationId: op }, { jobId: `${op}-1`, delay: HOUR });
    await promoteDelayed(op);
    expect(await other.getState()).toBe("delayed");
    await other.remove();
  });
});

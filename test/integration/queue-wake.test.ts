import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { enqueue, promoteDelayed } from "@/lib/queue/enqueue";
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

async function until(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("the job did not end within 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
    const attempt = Date.now();
    const retryId = `${op}-${attempt}`;
    // Queued as a retry is: enqueue remembers the job's id. The test system's worker runs it at once
    // (no such deployment: it ends), so the waiting retry is put in its place, as the worker does.
    await enqueue("deploy", { operationId: op }, attempt);
    await until(async () => ["completed", "failed"].includes(await queue.getJobState(retryId)));
    await queue.remove(retryId);
    const job = await queue.add("deploy", { operationId: op }, { jobId: retryId, delay: HOUR });
    expect(await job.getState()).toBe("delayed");
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

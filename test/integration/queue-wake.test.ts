import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { enqueue, isLatestJob, promoteDelayed } from "@/lib/queue/enqueue";
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
  await disconnectDb();
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

  it("wakes only the retry's job when the first one waits too (cancelled while it waited, then retried)", async () => {
    const op = operationId();
    const attempt = Date.now();
    const retryId = `${op}-${attempt}`;
    const first = await queue.add("deploy", { operationId: op }, { jobId: op, delay: HOUR });
    expect(await isLatestJob(op, op)).toBe(true);
    await enqueue("deploy", { operationId: op }, attempt);
    await until(async () => ["completed", "failed"].includes(await queue.getJobState(retryId)));
    await queue.remove(retryId);
    const retry = await queue.add("deploy", { operationId: op }, { jobId: retryId, delay: HOUR });
    // The first job is stale now: the worker ends it unrun, and a wake-up passes it by.
    expect(await isLatestJob(op, op)).toBe(false);
    expect(await isLatestJob(op, retryId)).toBe(true);
    await promoteDelayed(op);
    expect(await retry.getState()).not.toBe("delayed");
    expect(await first.getState()).toBe("delayed");
    await first.remove();
  });

  it("leaves a job alone that is not the operation's latest", async () => {
    const op = operationId();
    const other = await queue.add("deploy", { operationId: op }, { jobId: `${op}-1`, delay: HOUR });
    await promoteDelayed(op);
    expect(await other.getState()).toBe("delayed");
    await other.remove();
  });

  it("ends a stale job unrun: a queued deployment on a free host stays queued for its retry's job", async () => {
    // Rows as createDeployment writes them, on a host nothing can reach (a run would fail at
    // "connect"); no job is queued for them but the stale one below.
    const host = await db().host.create({
      data: {
        name: `stale-${operationId()}`,
        address: "127.0.0.1",
        port: 1,
        username: "deploy",
        authMethod: "key",
      },
    });
    const op = await db().operation.create({ data: { kind: "deploy", hostId: host.id } });
    const dep = await db().deployment.create({
      data: {
        hostId: host.id,
        operationId: op.id,
        spec: {},
        specHash: "stale",
        modelName: "stale",
        installMethod: "pip",
        dirId: "stale",
      },
    });
    // The operation was queued again under a job id of its own: its first job is stale.
    await connection.set(`webops:opjob:${op.id}`, `${op.id}-1`, "EX", 600);
    await queue.add("deploy", { operationId: op.id }, { jobId: op.id });
    await until(async () => (await queue.getJobState(op.id)) === "completed");
    const after = await db().deployment.findUniqueOrThrow({ where: { id: dep.id } });
    expect(after).toMatchObject({ status: "queued", startedAt: null, hostSlot: null });
    await db().host.delete({ where: { id: host.id } });
    await connection.del(`webops:opjob:${op.id}`);
  });
});

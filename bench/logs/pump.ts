// The worker side of the logs benchmark, a process of its own so that its peak memory is the
// worker's: what a pipeline stage does with a remote command's output. SshConnection.exec on the
// test host, each line into a LogWriter for an operation the benchmark created, then the final
// status as a runner writes it; the channel pauses while the writer's backlog is full, as a
// stage's does. Driven over IPC (the private key never appears in argv).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { db, disconnectDb } from "../../lib/db";
import { LogWriter, runTokenKey } from "../../lib/logs/writer";
import { endPgPool, pgPool } from "../../lib/pg-pool";
import { createRedis } from "../../lib/redis";
import { type RemoteCommand, SshConnection, type SshTarget } from "../../lib/ssh";

export interface TPumpRequest {
  operationId: string;
  target: SshTarget;
  command: RemoteCommand;
}

export type TPumpReply =
  | { type: "ready" }
  | {
      type: "done";
      exitCode: number | null;
      lines: number;
      /** Wall-clock ms: exec called, exec returned, every line in Redis and PostgreSQL. */
      execStartMs: number;
      execEndMs: number;
      closedMs: number;
      peakBacklog: number;
      vmHwmMb: number;
      /** CPU seconds (user + system) the process spent from exec to the end. */
      cpuS: number;
    }
  | { type: "failed"; error: string };

/** Peak resident set size of this process so far (VmHWM), in MiB. */
export function peakRssMb(pid: number | "self" = "self"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

async function pump(req: TPumpRequest): Promise<TPumpReply> {
  const redis = createRedis("blocking");
  const connection = await SshConnection.open(req.target, { connectTimeoutMs: 10_000 });
  try {
    // Fenced like a worker's run: the operation's run token in PostgreSQL and Redis, so every
    // entry goes through the checked XADD and every chunk through the checked INSERT.
    const runToken = randomUUID();
    await pgPool().query(`UPDATE "Operation" SET "runToken" = $2 WHERE id = $1`, [req.operationId, runToken]);
    await redis.set(runTokenKey(req.operationId), runToken);
    const log = new LogWriter({
      operationId: req.operationId,
      redis,
      afterSeq: 0,
      streamTtlSeconds: 600,
      runToken,
    });
    log.status("running");
    let peakBacklog = 0;
    const cpuBefore = process.cpuUsage();
    const execStartMs = Date.now();
    const result = await connection.exec(
      req.command,
      (stream, text) => {
        log.line(stream, text);
        if (log.backlog > peakBacklog) peakBacklog = log.backlog;
      },
      { backpressure: () => (log.writable ? undefined : log.whenWritable()) },
    );
    const execEndMs = Date.now();
    await log.close();
    const closedMs = Date.now();
    await db().operation.update({
      where: { id: req.operationId },
      data: { status: result.exitCode === 0 ? "succeeded" : "failed", finishedAt: new Date() },
    });
    log.status(result.exitCode === 0 ? "succeeded" : "failed");
    await log.close();
    await log.expireStream();
    return {
      type: "done",
      exitCode: result.exitCode,
      lines: log.lastSeq,
      execStartMs,
      execEndMs,
      closedMs,
      peakBacklog,
      vmHwmMb: peakRssMb(),
      cpuS: (() => {
        const used = process.cpuUsage(cpuBefore);
        return Math.round((used.user + used.system) / 10_000) / 100;
      })(),
    };
  } finally {
    connection.close();
    redis.disconnect();
    await endPgPool();
    await disconnectDb();
  }
}

async function answer(req: TPumpRequest): Promise<void> {
  let reply: TPumpReply;
  try {
    reply = await pump(req);
  } catch (err) {
    reply = { type: "failed", error: err instanceof Error ? err.message : String(err) };
  }
  process.send?.(reply, () => process.exit(0));
}

process.once("message", (req: TPumpRequest) => void answer(req));
process.send?.({ type: "ready" } satisfies TPumpReply);

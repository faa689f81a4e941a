import type { Redis } from "ioredis";
import { db } from "../db";
import { env } from "../env";
import { factsCommand, type HostFacts, parseFacts } from "../hosts/facts";
import { logStreamKey, seqOfEntryId } from "../logs/line";
import { LogWriter } from "../logs/writer";
import { describeTarget, SshConnection, SshError } from "../ssh";
import { transition } from "./state";

/** Where a retried job's log continues: after whatever reached Redis or PostgreSQL before. */
async function lastWrittenSeq(redis: Redis, operationId: string, persisted: number): Promise<number> {
  const last = (await redis.xrevrange(logStreamKey(operationId), "+", "-", "COUNT", 1))[0];
  return Math.max(persisted, last ? seqOfEntryId(last[0]) : 0);
}

function summary(facts: HostFacts): string {
  const memory = facts.memoryKiB ? `${(facts.memoryKiB / 1024 / 1024).toFixed(1)} GiB RAM` : "memory unknown";
  const gpus =
    facts.gpus.length > 0
      ? `${facts.gpus.length} GPU(s): ${facts.gpus.map((g) => g.name).join(", ")}`
      : "no GPU";
  return `${facts.os} (${facts.arch}), ${facts.cpuCores ?? "?"} CPU cores, ${memory}, Python ${facts.python3 ?? "missing"}, ${gpus}`;
}

/**
 * The worker's side of "Check host": connect, run the read-only facts script with every line
 * streamed to the log, store the facts. Failures are recorded on the operation, not thrown:
 * a retry would not fix a wrong key.
 */
export async function runHostCheck(operationId: string, redis: Redis): Promise<void> {
  const op = await db().operation.findUnique({ where: { id: operationId }, include: { host: true } });
  if (!op || (op.status !== "queued" && op.status !== "running")) return;
  const { host } = op;
  const settings = env();
  const log = new LogWriter({
    operationId,
    redis,
    db: db(),
    afterSeq: await lastWrittenSeq(redis, operationId, op.lineCount),
    streamTtlSeconds: settings.WEBOPS_LOG_STREAM_TTL_S,
  });
  if (op.status === "queued") await transition(db(), operationId, "queued", "running");
  log.status("running");

  const target = describeTarget(host);
  let connection: SshConnection | undefined;
  try {
    log.system(`Connecting to ${target} (timeout ${settings.WEBOPS_SSH_CONNECT_TIMEOUT_MS / 1000} s)`);
    connection = await SshConnection.open(host, { connectTimeoutMs: settings.WEBOPS_SSH_CONNECT_TIMEOUT_MS });
    log.system(`Connected to ${target}; gathering facts (read-only)`);
    const output: string[] = [];
    const result = await connection.exec(
      factsCommand(settings.WEBOPS_SSH_COMMAND_TIMEOUT_MS),
      (stream, text) => {
        if (stream === "stdout") output.push(text);
        log.line(stream, text);
      },
    );
    if (result.exitCode !== 0) {
      throw new Error(
        `The facts command exited with ${result.exitCode ?? `signal ${result.signal}`}; see the lines above`,
      );
    }
    const facts = parseFacts(output);
    await db().host.update({
      where: { id: host.id },
      data: { reachable: true, lastCheckedAt: new Date(), facts },
    });
    log.system(`Host check passed: ${summary(facts)}`);
    await log.close();
    await transition(db(), operationId, "running", "succeeded", { result: facts });
    log.status("succeeded");
  } catch (err) {
    const message = err instanceof SshError || err instanceof Error ? err.message : String(err);
    log.system(`Host check failed: ${message}`);
    await log.close();
    // Only a connection failure says the host is unreachable; a failing script ran on a reachable host.
    await db().host.update({
      where: { id: host.id },
      data: { reachable: !(err instanceof SshError), lastCheckedAt: new Date() },
    });
    await transition(db(), operationId, "running", "failed", { error: message });
    log.status("failed", message);
  } finally {
    connection?.close();
    await log.close();
    await log.expireStream();
  }
}

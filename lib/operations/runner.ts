import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { db } from "../db";
import { env } from "../env";
import type { Operation } from "../generated/prisma/client";
import { recordPresentedHostKey } from "../hosts/host-key";
import type { THostConnectionInfo } from "../hosts/ssh-target";
import { logStreamKey, seqOfEntryId } from "../logs/line";
import { recoverUnpersistedLines } from "../logs/recover";
import { LogWriter, runTokenKey } from "../logs/writer";
import { HostKeyError, type SshTarget } from "../ssh";
import { transition } from "./state";

/**
 * Where a retried or resumed job's log continues: after whatever reached Redis or PostgreSQL, and
 * after any status entries that followed that line (stream entry ids must keep growing).
 */
async function lastWritten(redis: Redis, operationId: string, persisted: number) {
  const last = (await redis.xrevrange(logStreamKey(operationId), "+", "-", "COUNT", 1))[0];
  const lastSeq = last ? seqOfEntryId(last[0]) : 0;
  if (persisted > lastSeq) return { afterSeq: persisted, afterStatusIndex: 0 };
  return { afterSeq: lastSeq, afterStatusIndex: last ? Number(last[0].split("-")[1] ?? 0) : 0 };
}

/**
 * Picks up a queued (or interrupted running) operation: its log writer continues the operation's
 * line numbers, and the status moves to running. Null when there is nothing to run.
 */
export async function startOperationRun(
  operationId: string,
  redis: Redis,
): Promise<{ op: Operation; log: LogWriter } | null> {
  const found = await db().operation.findUnique({ where: { id: operationId } });
  if (!found || (found.status !== "queued" && found.status !== "running")) return null;
  // This run owns the operation from here on: an earlier run that still lives (its job was handed
  // to another worker while it ran) can no longer publish or store a line.
  const runToken = randomUUID();
  const op = await db().operation.update({ where: { id: operationId }, data: { runToken } });
  await redis.set(runTokenKey(operationId), runToken);
  const log = await openLog(operationId, redis, op.lineCount, runToken);
  if (op.status === "queued") await transition(db(), operationId, "queued", "running");
  log.status("running");
  return { op, log };
}

/** A host key error names the host of the chain that presented it: remember that key there. */
export async function rememberPresentedKey(info: THostConnectionInfo, err: HostKeyError): Promise<void> {
  let hop: THostConnectionInfo["host"] | null | undefined = info.host;
  while (hop && hop.name !== err.hostName) hop = hop.jumpHost;
  if (hop) await recordPresentedHostKey(hop.id, err);
}

export { HostKeyError };

/** The values a host's credentials could leak into output: masked in its operations' logs. */
export function credentialSecrets(target: SshTarget): string[] {
  const own = target.auth.kind === "password" ? [target.auth.password] : [target.auth.passphrase ?? ""];
  return [...own, ...(target.jump ? credentialSecrets(target.jump) : [])].filter(Boolean);
}

/**
 * A writer that continues an operation's log: first the lines an earlier worker published but did
 * not live to store are copied into PostgreSQL, then numbering goes on after the last line.
 */
async function openLog(
  operationId: string,
  redis: Redis,
  persisted: number,
  runToken?: string,
): Promise<LogWriter> {
  const recovered = await recoverUnpersistedLines(redis, operationId, persisted, undefined, runToken);
  return new LogWriter({
    operationId,
    redis,
    ...(await lastWritten(redis, operationId, persisted + recovered)),
    streamTtlSeconds: env().WEBOPS_LOG_STREAM_TTL_S,
    runToken,
  });
}

/** Whether the run holding `runToken` still owns the operation (no other worker took it over). */
export async function ownsOperation(operationId: string, runToken: string | undefined): Promise<boolean> {
  if (!runToken) return true;
  const op = await db().operation.findUnique({ where: { id: operationId }, select: { runToken: true } });
  return op?.runToken === runToken;
}

/** A log writer that continues an operation's log outside a run (e.g. a note when it is cancelled while queued). */
export async function continueLog(operationId: string, redis: Redis): Promise<LogWriter> {
  const op = await db().operation.findUniqueOrThrow({
    where: { id: operationId },
    select: { lineCount: true },
  });
  return openLog(operationId, redis, op.lineCount);
}

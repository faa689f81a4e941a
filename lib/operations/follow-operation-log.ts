import { db } from "../db";
import { followLog, type TFollowEvent } from "../logs/follow";
import { createRedis } from "../redis";

/** An operation's log events after `afterSeq`, live while it runs (see logs/follow). */
export function followOperationLog(
  operationId: string,
  afterSeq: number,
  signal: AbortSignal,
): AsyncGenerator<TFollowEvent> {
  return followLog({ operationId, afterSeq, signal, db: db(), openReader: () => createRedis("blocking") });
}

import { db } from "../db";
import { followLog, followLogRuns, type TFollowEvent, type TFollowRun } from "../logs/follow";
import { createRedis } from "../redis";

/** An operation's log events after `afterSeq`, live while it runs (see logs/follow). */
export function followOperationLog(
  operationId: string,
  afterSeq: number,
  signal: AbortSignal,
): AsyncGenerator<TFollowEvent> {
  return followLog({ operationId, afterSeq, signal, db: db(), openReader: () => createRedis("blocking") });
}

/** The same, lines in runs as JSON: what the event stream relays. */
export function followOperationLogRuns(
  operationId: string,
  afterSeq: number,
  signal: AbortSignal,
): AsyncGenerator<TFollowRun> {
  return followLogRuns({
    operationId,
    afterSeq,
    signal,
    db: db(),
    openReader: () => createRedis("blocking"),
  });
}

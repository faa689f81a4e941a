import { hostname } from "node:os";
import type { Redis } from "ioredis";

/** Each worker process says it is alive this often; a key older than three beats has expired. */
export const HEARTBEAT_EVERY_MS = 5000;
const PREFIX = "webops:workers:";

export interface TWorkerBeat {
  id: string;
  host: string;
  pid: number;
  startedAt: string;
  at: string;
  concurrency: number;
}

/** Starts beating for this worker process; the returned function stops and removes its key. */
export function startHeartbeat(redis: Redis, concurrency: number): () => Promise<void> {
  const id = `${hostname()}:${process.pid}`;
  const startedAt = new Date().toISOString();
  const beat = () =>
    redis
      .set(
        `${PREFIX}${id}`,
        JSON.stringify({
          id,
          host: hostname(),
          pid: process.pid,
          startedAt,
          at: new Date().toISOString(),
          concurrency,
        }),
        "PX",
        HEARTBEAT_EVERY_MS * 3,
      )
      .catch(() => undefined);
  // As soon as the connection is ready, and again after every reconnect, not only at the next
  // interval: a new or reconnected worker does not look dead for a beat.
  if (redis.status === "ready") void beat();
  redis.on("ready", beat);
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    redis.off("ready", beat);
    await redis.del(`${PREFIX}${id}`).catch(() => undefined);
  };
}

/** The worker processes that have beaten within the last three beats. */
export async function liveWorkers(redis: Redis): Promise<TWorkerBeat[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${PREFIX}*`, "COUNT", 100);
    cursor = next;
    keys.push(...found);
  } while (cursor !== "0");
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  return values.flatMap((v) => (v ? [JSON.parse(v) as TWorkerBeat] : []));
}

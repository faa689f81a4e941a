import { Redis } from "ioredis";
import { env } from "./env";

/**
 * Connections by role, following BullMQ's production notes: blocking readers and workers must
 * retry forever (`maxRetriesPerRequest: null`); producers fail fast when Redis is down.
 */
export type TRedisRole = "blocking" | "producer";

/**
 * The wait before reconnect attempt `times` (1-based) after Redis went away: doubling from 50 ms,
 * at most 1 s, plus up to 100 ms of jitter so a fleet of workers does not reconnect in step.
 * ioredis's own default grows to 5 s, so after an outage of a few seconds the panel refused to
 * queue work for seconds after Redis was back.
 */
export function reconnectDelay(times: number, jitter = Math.random()): number {
  return Math.min(50 * 2 ** Math.max(0, times - 1), 1000) + Math.floor(jitter * 100);
}

export function createRedis(role: TRedisRole): Redis {
  const redis = new Redis(env().REDIS_URL, {
    maxRetriesPerRequest: role === "blocking" ? null : 2,
    // A producer's first commands wait for its first connection (a process's first request or job
    // would otherwise fail while it connects); once connected, it fails fast while Redis is away.
    enableOfflineQueue: true,
    lazyConnect: false,
    retryStrategy: (times) => reconnectDelay(times),
  });
  if (role === "producer")
    redis.once("ready", () => {
      redis.options.enableOfflineQueue = false;
    });
  // Without a listener ioredis prints unhandled error events; the callers see failed commands.
  redis.on("error", () => {});
  return redis;
}

const globalForRedis = globalThis as unknown as { webopsRedis?: Redis };

/** The process's shared non-blocking connection. */
export function redis(): Redis {
  globalForRedis.webopsRedis ??= createRedis("producer");
  return globalForRedis.webopsRedis;
}

import { Redis } from "ioredis";
import { env } from "./env";

/**
 * Connections by role, following BullMQ's production notes: blocking readers and workers must
 * retry forever (`maxRetriesPerRequest: null`); producers fail fast when Redis is down.
 */
export type TRedisRole = "blocking" | "producer";

export function createRedis(role: TRedisRole): Redis {
  const redis = new Redis(env().REDIS_URL, {
    maxRetriesPerRequest: role === "blocking" ? null : 2,
    enableOfflineQueue: role === "blocking",
    lazyConnect: false,
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

import type { Redis } from "ioredis";
import type { SshPool } from "@/lib/ssh";

/** What every job handler of a worker process shares: its log connection and its SSH connections. */
export interface WorkerContext {
  redis: Redis;
  ssh: SshPool;
}

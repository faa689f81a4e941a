import { z } from "zod";

/** Every environment variable WebOps reads, validated once. README lists them. */
const ZEnvSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  WEBOPS_SSH_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(10_000),
  WEBOPS_SSH_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  WEBOPS_SSH_KEEPALIVE_MS: z.coerce.number().int().min(1000).max(300_000).default(10_000),
  WEBOPS_SSH_IDLE_MS: z.coerce.number().int().min(0).default(60_000),
  WEBOPS_SSH_MAX_CHANNELS: z.coerce.number().int().min(1).max(64).default(8),
  WEBOPS_PKG_INSTALL_TIMEOUT_MS: z.coerce.number().int().min(10_000).default(1_800_000),
  WEBOPS_PKG_LOCK_WAIT_S: z.coerce.number().int().min(0).max(3600).default(300),
  WEBOPS_MONITOR_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Jobs are mostly waiting on SSH: enough slots that a freed host's next deployment never waits for one. */
  WEBOPS_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  WEBOPS_JOB_LOCK_MS: z.coerce.number().int().min(2000).max(600_000).default(30_000),
  /** A job that fails on the panel's own services (PostgreSQL or Redis away) is tried again after this, doubling. */
  WEBOPS_JOB_RETRY_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  WEBOPS_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  /** A fallback: a host that frees wakes its next deployment at once. */
  WEBOPS_HOST_QUEUE_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  WEBOPS_LOG_STREAM_TTL_S: z.coerce.number().int().min(60).default(86_400),
  WEBOPS_HEALTH_INTERVAL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(15_000),
  WEBOPS_METRICS_RETENTION_HOURS: z.coerce.number().min(1).max(8784).default(168), // at most 366 days
  /** The panel's address as operators reach it: links in webhook payloads. */
  WEBOPS_PUBLIC_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:3000"),
  WEBOPS_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  /** The first retry's delay; each later one doubles it. */
  WEBOPS_WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  WEBOPS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

export type TEnv = z.infer<typeof ZEnvSchema>;

let cached: TEnv | undefined;

/** Parsed lazily so that `next build` does not need a database. */
export function env(): TEnv {
  if (cached) return cached;
  const parsed = ZEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}. See README, Configuration.`);
  }
  cached = parsed.data;
  return cached;
}

/** Only DATABASE_URL, for tools that use the database and nothing else (e.g. key rotation). */
export function databaseUrl(): string {
  const parsed = ZEnvSchema.shape.DATABASE_URL.safeParse(process.env.DATABASE_URL);
  if (!parsed.success)
    throw new Error(
      "Invalid environment: DATABASE_URL must be a postgresql:// URL. See README, Configuration.",
    );
  return parsed.data;
}

import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { createKeyFile } from "../../lib/secrets/master-key";
import { prisma, startAppProcess, stopAppProcess, waitForHealth } from "../../scripts/lib/app-processes";
import { buildIfStale } from "../../scripts/lib/build";
import { ensureDebianPackages, onPath } from "../../scripts/lib/packages";
import {
  dropDatabase,
  ensureServicePackages,
  startPostgres,
  startRedis,
  stopPostgres,
  stopRedis,
} from "../../scripts/lib/services";
import { accountsEnv, createTestAccounts } from "../support/accounts";
import { TEST_SYSTEM } from "./system-config";

/**
 * Starts what integration and browser tests need, on ports of their own so they never touch a
 * running `npm start`: PostgreSQL and Redis under .data/test, migrations, a fresh schema, the
 * production web app and one worker process. Stops all of it afterwards.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const { dataDir, postgresPort, redisPort, webPort } = TEST_SYSTEM;
  ensureServicePackages({ postgres: true, redis: true });
  ensureDebianPackages([{ pkg: "chromium", present: () => onPath("chromium") }]);
  // Each run starts from an empty database and an empty Redis.
  await dropDatabase(await startPostgres(dataDir, postgresPort));
  const databaseUrl = await startPostgres(dataDir, postgresPort);
  const redisUrl = await startRedis(dataDir, redisPort);
  // A fresh master key file per run, as the first `npm start` makes one; tests read it too.
  const keyFile = resolve(dataDir, "secret.key");
  rmSync(keyFile, { force: true });
  createKeyFile(keyFile);
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    WEBOPS_SECRET_KEY: "",
    WEBOPS_SECRET_KEY_FILE: keyFile,
    // A killed worker's job is taken up by another after 5 s (30 s in production).
    WEBOPS_JOB_LOCK_MS: "5000",
    // The health monitor polls every 2 s (15 s in production), so down/up shows within seconds.
    WEBOPS_HEALTH_INTERVAL_MS: "2000",
    // Webhook retries after 0.2, 0.4, 0.8 s (10 s, 20 s, ... in production).
    WEBOPS_WEBHOOK_BACKOFF_MS: "200",
    WEBOPS_WEBHOOK_ATTEMPTS: "4",
  };
  prisma(["migrate", "deploy"], env);
  execFileSync("redis-cli", ["-p", String(redisPort), "flushall"], {
    env: { ...process.env, REDISCLI_AUTH: new URL(redisUrl).password },
    stdio: "ignore",
  });
  prisma(["generate"], env);
  buildIfStale(env);
  for (const name of ["web", "worker"] as const) await stopAppProcess(dataDir, name);
  startAppProcess("web", { dataDir, port: webPort, bind: "127.0.0.1", env });
  startAppProcess("worker", { dataDir, port: webPort, bind: "127.0.0.1", env });
  await waitForHealth(`http://127.0.0.1:${webPort}`, 60_000, resolve(dataDir, "logs", "web.log"));
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_URL = redisUrl;
  process.env.WEBOPS_SECRET_KEY = "";
  process.env.WEBOPS_SECRET_KEY_FILE = keyFile;
  process.env.WEBOPS_TEST_URL = `http://127.0.0.1:${webPort}`;
  // One account per role, with an API token and a session (test/support/accounts.ts).
  Object.assign(process.env, accountsEnv(await createTestAccounts()));

  return async () => {
    const { disconnectDb } = await import("../../lib/db");
    await disconnectDb();
    for (const name of ["web", "worker"] as const) await stopAppProcess(dataDir, name);
    await stopRedis(dataDir);
    stopPostgres(dataDir);
  };
}

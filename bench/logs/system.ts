// The services the logs benchmark needs, on ports and in a data folder of its own (never those of
// `npm start` or the test system): PostgreSQL, Redis, migrations, the production web app.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { createKeyFile } from "../../lib/secrets/master-key";
import { prisma, startAppProcess, stopAppProcess, waitForHealth } from "../../scripts/lib/app-processes";
import { buildIfStale } from "../../scripts/lib/build";
import {
  dropDatabase,
  ensureServicePackages,
  startPostgres,
  startRedis,
  stopPostgres,
  stopRedis,
} from "../../scripts/lib/services";

export interface TBenchSystem {
  databaseUrl: string;
  redisUrl: string;
  webUrl: string;
  dataDir: string;
  /** What was done to get here (a build, say), for the JSON. */
  setup: string[];
  stop(): Promise<void>;
}

export const BENCH_PORTS = {
  postgres: Number(process.env.WEBOPS_BENCH_POSTGRES_PORT ?? 54359),
  redis: Number(process.env.WEBOPS_BENCH_REDIS_PORT ?? 63829),
  web: Number(process.env.WEBOPS_BENCH_WEB_PORT ?? 3120),
};

export async function startBenchSystem(): Promise<TBenchSystem> {
  const dataDir = resolve(process.env.WEBOPS_BENCH_DATA_DIR ?? ".data/bench-logs");
  ensureServicePackages({ postgres: true, redis: true });
  // Each run starts from an empty database and an empty Redis.
  await dropDatabase(await startPostgres(dataDir, BENCH_PORTS.postgres));
  const databaseUrl = await startPostgres(dataDir, BENCH_PORTS.postgres);
  const redisUrl = await startRedis(dataDir, BENCH_PORTS.redis);
  const stop = async () => {
    await stopAppProcess(dataDir, "web");
    await stopRedis(dataDir);
    stopPostgres(dataDir);
  };
  try {
    // The web app refuses to start without a master key; the benchmark stores no credentials.
    const keyFile = resolve(dataDir, "secret.key");
    rmSync(keyFile, { force: true });
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      WEBOPS_SECRET_KEY: "",
      WEBOPS_SECRET_KEY_FILE: keyFile,
    };
    createKeyFile(keyFile);
    prisma(["migrate", "deploy"], env);
    execFileSync("redis-cli", ["-p", String(BENCH_PORTS.redis), "flushall"], {
      env: { ...process.env, REDISCLI_AUTH: new URL(redisUrl).password },
      stdio: "ignore",
    });
    prisma(["generate"], env);
    const built = buildIfStale(env);
    await stopAppProcess(dataDir, "web");
    startAppProcess("web", { dataDir, port: BENCH_PORTS.web, bind: "127.0.0.1", env });
    const webUrl = `http://127.0.0.1:${BENCH_PORTS.web}`;
    await waitForHealth(webUrl, 60_000, resolve(dataDir, "logs", "web.log"));
    return { databaseUrl, redisUrl, webUrl, dataDir, setup: [built], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

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
  /** A signed-in admin's session token, for a browser (the process's fetch carries their API token). */
  session: string;
  /** What was done to get here (a build, say), for the JSON. */
  setup: string[];
  stop(): Promise<void>;
}

/** Ports and data folder of one benchmark's services; WEBOPS_BENCH_* override them for any benchmark. */
export interface TBenchPlace {
  postgres: number;
  redis: number;
  web: number;
  dataDir: string;
}

export const LOGS_BENCH_PLACE: TBenchPlace = {
  postgres: 54359,
  redis: 63829,
  web: 3120,
  dataDir: ".data/bench-logs",
};

function placeOf(defaults: TBenchPlace): TBenchPlace {
  const env = process.env;
  return {
    postgres: Number(env.WEBOPS_BENCH_POSTGRES_PORT ?? defaults.postgres),
    redis: Number(env.WEBOPS_BENCH_REDIS_PORT ?? defaults.redis),
    web: Number(env.WEBOPS_BENCH_WEB_PORT ?? defaults.web),
    dataDir: resolve(env.WEBOPS_BENCH_DATA_DIR ?? defaults.dataDir),
  };
}

export async function startBenchSystem(defaults: TBenchPlace = LOGS_BENCH_PLACE): Promise<TBenchSystem> {
  const place = placeOf(defaults);
  const { dataDir } = place;
  const BENCH_PORTS = place;
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
    // The benchmark's requests go through sign-in like anyone's: an admin's token and session.
    process.env.DATABASE_URL = databaseUrl;
    const { createTestAccounts, signInFetch } = await import("../../test/support/accounts");
    const { admin } = await createTestAccounts();
    signInFetch(webUrl, admin);
    return { databaseUrl, redisUrl, webUrl, dataDir, session: admin.session, setup: [built], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

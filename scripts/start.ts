import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { createKeyFile, loadMasterKey, secretKeyFilePath } from "../lib/secrets/master-key";
import { prisma, runningPid, startAppProcess, waitForHealth } from "./lib/app-processes";
import { scriptConfig } from "./lib/config";
import { ensureServicePackages, startPostgres, startRedis } from "./lib/services";

/**
 * `npm start`: PostgreSQL and Redis (project-local unless DATABASE_URL / REDIS_URL are set),
 * migrations, a production build, then the web app and one worker in the background.
 * Running it again while they run only prints the URL.
 */
/**
 * Stored credentials are sealed under the master key: WEBOPS_SECRET_KEY, or a key file that the
 * first start creates (mode 0600). It is checked here so a bad key stops the start, not a request.
 */
function masterKeySettings(dataDir: string): Record<string, string> {
  if (process.env.WEBOPS_SECRET_KEY) {
    loadMasterKey();
    console.log("[webops] master key: WEBOPS_SECRET_KEY");
    return {};
  }
  const path = secretKeyFilePath({ ...process.env, WEBOPS_DATA_DIR: dataDir });
  if (createKeyFile(path)) {
    console.log(
      `[webops] created the master key ${path} (mode 0600). Back it up: without it, stored credentials cannot be read.`,
    );
  }
  loadMasterKey({ WEBOPS_SECRET_KEY_FILE: path });
  console.log(`[webops] master key: ${path}`);
  return { WEBOPS_SECRET_KEY_FILE: path };
}

async function main(): Promise<void> {
  const config = scriptConfig();
  ensureServicePackages({ postgres: !config.databaseUrl, redis: !config.redisUrl });
  const databaseUrl = config.databaseUrl ?? (await startPostgres(config.dataDir, config.postgresPort));
  const redisUrl = config.redisUrl ?? (await startRedis(config.dataDir, config.redisPort));
  console.log(
    `[webops] PostgreSQL: ${config.databaseUrl ? "external (DATABASE_URL)" : `project-local on 127.0.0.1:${config.postgresPort}`}`,
  );
  console.log(
    `[webops] Redis: ${config.redisUrl ? "external (REDIS_URL)" : `project-local on 127.0.0.1:${config.redisPort}`}`,
  );
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    ...masterKeySettings(config.dataDir),
  };
  const url = `http://${config.bindAddress}:${config.webPort}`;

  prisma(["migrate", "deploy"], env);
  prisma(["generate"], env);
  // After `prisma generate`: the first admin is written through the generated client.
  process.env.DATABASE_URL = databaseUrl;
  const { ensureFirstAdmin } = await import("./lib/first-admin");
  const { disconnectDb } = await import("../lib/db");
  await ensureFirstAdmin(env, url);
  await disconnectDb();
  const webRunning = runningPid(config.dataDir, "web");
  if (!webRunning) {
    console.log("[webops] building the web app");
    execFileSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
      stdio: ["ignore", "inherit", "inherit"],
      env,
    });
    startAppProcess("web", { dataDir: config.dataDir, port: config.webPort, bind: config.bindAddress, env });
  }
  if (!runningPid(config.dataDir, "worker")) {
    startAppProcess("worker", {
      dataDir: config.dataDir,
      port: config.webPort,
      bind: config.bindAddress,
      env,
    });
  }
  await waitForHealth(url, 60_000, join(config.dataDir, "logs", "web.log"));
  console.log(`[webops] ${webRunning ? "already running" : "running"}: ${url}`);
  console.log(`[webops] logs: ${join(config.dataDir, "logs")}; stop with: npm stop`);
}

main().catch((err: unknown) => {
  console.error(`[webops] start failed: ${(err as Error).message}`);
  process.exit(1);
});

import { stopAppProcess } from "./lib/app-processes";
import { scriptConfig } from "./lib/config";
import { stopPostgres, stopRedis } from "./lib/services";

/** `npm stop`: stops the web app, the worker and the project-local PostgreSQL and Redis. */
async function main(): Promise<void> {
  const { dataDir } = scriptConfig();
  for (const name of ["web", "worker"] as const) {
    if (await stopAppProcess(dataDir, name)) console.log(`[webops] stopped ${name}`);
  }
  await stopRedis(dataDir);
  stopPostgres(dataDir);
  console.log("[webops] stopped");
}

main().catch((err: unknown) => {
  console.error(`[webops] stop failed: ${(err as Error).message}`);
  process.exit(1);
});

import { resolve } from "node:path";

/** Settings of the scripts themselves (the app's own settings are validated in lib/env.ts). */
export function scriptConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    dataDir: resolve(env.WEBOPS_DATA_DIR ?? ".data"),
    webPort: Number(env.PORT ?? 3000),
    bindAddress: env.WEBOPS_BIND ?? "127.0.0.1",
    postgresPort: Number(env.WEBOPS_POSTGRES_PORT ?? 54329),
    redisPort: Number(env.WEBOPS_REDIS_PORT ?? 63799),
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
  };
}

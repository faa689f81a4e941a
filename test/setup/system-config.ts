import { resolve } from "node:path";

/** Ports and folders of the test system, apart from those `npm start` uses. */
export const TEST_SYSTEM = {
  dataDir: resolve(".data/test"),
  postgresPort: Number(process.env.WEBOPS_TEST_POSTGRES_PORT ?? 54339),
  redisPort: Number(process.env.WEBOPS_TEST_REDIS_PORT ?? 63809),
  webPort: Number(process.env.WEBOPS_TEST_WEB_PORT ?? 3100),
};

export function testUrl(path: string): string {
  const base = process.env.WEBOPS_TEST_URL;
  if (!base)
    throw new Error(
      "WEBOPS_TEST_URL is not set: run this test through vitest (test/setup/system.ts starts the app)",
    );
  return `${base}${path}`;
}

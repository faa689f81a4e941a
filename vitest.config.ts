import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"] },
      },
      {
        // The SSH test-host harness and the SSH layer: need root and test hosts, no other services.
        extends: true,
        test: {
          name: "hosts",
          include: ["test/hosts/**/*.test.ts", "test/ssh/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 900_000,
        },
      },
      {
        // Integration and browser tests share one set of real services (PostgreSQL, Redis, the web
        // app, a worker) that test/setup/system.ts starts and stops; test hosts start per file.
        extends: true,
        test: {
          name: "system",
          // The fault suite (test/faults) restarts these services mid-deployment, so it runs here, in turn.
          include: ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts", "test/faults/**/*.test.ts"],
          globalSetup: ["test/setup/system.ts"],
          setupFiles: ["test/setup/signed-in.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});

// `npm run db:setup`: applies the migrations and, on an empty database, creates the first admin
// (WEBOPS_ADMIN_EMAIL / WEBOPS_ADMIN_PASSWORD, or a generated password printed once). `npm start` does
// the same itself; this is for a container deployment or an external database (compose.yaml's
// `migrate` service). Needs DATABASE_URL.
import { prisma } from "./lib/app-processes";

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error("Set DATABASE_URL to the PostgreSQL database to set up");
  prisma(["migrate", "deploy"], process.env);
  const { ensureFirstAdmin } = await import("./lib/first-admin");
  const { disconnectDb } = await import("../lib/db");
  await ensureFirstAdmin(process.env, process.env.WEBOPS_PUBLIC_URL ?? "http://127.0.0.1:3000");
  await disconnectDb();
}

main().catch((err: unknown) => {
  console.error(`[webops] database setup failed: ${(err as Error).message}`);
  process.exit(1);
});

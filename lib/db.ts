import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl } from "./env";
import { PrismaClient } from "./generated/prisma/client";

// One client per process; Next's dev server reloads modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { webopsPrisma?: PrismaClient };

export function db(): PrismaClient {
  globalForPrisma.webopsPrisma ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl() }),
  });
  return globalForPrisma.webopsPrisma;
}

export async function disconnectDb(): Promise<void> {
  await globalForPrisma.webopsPrisma?.$disconnect();
  globalForPrisma.webopsPrisma = undefined;
}

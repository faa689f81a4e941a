import { db } from "./db";
import { redis } from "./redis";

export interface THealth {
  ok: boolean;
  database: "ok" | "down";
  redis: "ok" | "down";
}

export async function checkHealth(): Promise<THealth> {
  const [database, cache] = await Promise.all([
    db().$queryRaw`SELECT 1`.then(() => "ok" as const).catch(() => "down" as const),
    redis()
      .ping()
      .then(() => "ok" as const)
      .catch(() => "down" as const),
  ]);
  return { ok: database === "ok" && cache === "ok", database, redis: cache };
}

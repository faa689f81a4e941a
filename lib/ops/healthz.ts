import { checkHealth } from "../health";
import { redis } from "../redis";
import { HEARTBEAT_EVERY_MS, liveWorkers } from "./heartbeat";

export interface THealthz {
  status: "ok" | "down";
  database: "ok" | "down";
  redis: "ok" | "down";
  workers: { live: number; newestBeatAgeS: number | null };
  /** What is wrong, for a person reading it. */
  problems: string[];
}

/** Ready to work: the database and Redis answer, and at least one worker beat within three beats. */
export async function healthz(): Promise<THealthz> {
  const base = await checkHealth();
  const workers = base.redis === "ok" ? await liveWorkers(redis()).catch(() => []) : [];
  const newest = workers.reduce<number | null>((min, w) => {
    const age = (Date.now() - new Date(w.at).getTime()) / 1000;
    return min === null || age < min ? age : min;
  }, null);
  const problems: string[] = [];
  if (base.database === "down") problems.push("PostgreSQL does not answer");
  if (base.redis === "down") problems.push("Redis does not answer");
  else if (workers.length === 0)
    problems.push(
      `No worker has reported in ${(HEARTBEAT_EVERY_MS * 3) / 1000} s: start one with npm run worker`,
    );
  return {
    status: problems.length === 0 ? "ok" : "down",
    database: base.database,
    redis: base.redis,
    workers: { live: workers.length, newestBeatAgeS: newest === null ? null : Math.round(newest * 10) / 10 },
    problems,
  };
}

import type { Redis } from "ioredis";
import { JOB_SECONDS_BUCKETS, type TSample } from "./prometheus";

/** One hash for every worker process: cumulative counts per job name and outcome, as Prometheus wants. */
const KEY = "webops:metrics:job_seconds";

/** Adds one finished job's duration to the shared histogram. */
export async function recordJobDuration(
  redis: Redis,
  name: string,
  outcome: "completed" | "failed",
  seconds: number,
): Promise<void> {
  const prefix = `${name}|${outcome}|`;
  const multi = redis.multi();
  for (const le of JOB_SECONDS_BUCKETS) if (seconds <= le) multi.hincrby(KEY, `${prefix}${le}`, 1);
  multi.hincrby(KEY, `${prefix}+Inf`, 1);
  multi.hincrby(KEY, `${prefix}count`, 1);
  multi.hincrbyfloat(KEY, `${prefix}sum`, seconds);
  await multi.exec();
}

/** The histogram's samples (`_bucket`, `_sum`, `_count`), every bucket present for each series. */
export async function jobDurationSamples(redis: Redis): Promise<TSample[]> {
  const hash = await redis.hgetall(KEY);
  const series = new Set<string>();
  for (const field of Object.keys(hash)) series.add(field.split("|").slice(0, 2).join("|"));
  const samples: TSample[] = [];
  for (const s of [...series].sort()) {
    const [job = "", outcome = ""] = s.split("|");
    const labels = { job, outcome };
    const at = (k: string) => Number(hash[`${s}|${k}`] ?? 0);
    for (const le of [...JOB_SECONDS_BUCKETS.map(String), "+Inf"])
      samples.push({ suffix: "_bucket", labels: { ...labels, le }, value: at(le) });
    samples.push({ suffix: "_sum", labels, value: at("sum") });
    samples.push({ suffix: "_count", labels, value: at("count") });
  }
  return samples;
}

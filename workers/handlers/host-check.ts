import type { Redis } from "ioredis";
import { runHostCheck } from "@/lib/operations/run-host-check";
import type { TJobPayload } from "@/lib/queue/jobs";

export async function handleHostCheck(payload: TJobPayload<"host-check">, redis: Redis): Promise<void> {
  await runHostCheck(payload.operationId, redis);
}

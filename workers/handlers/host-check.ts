import { runHostCheck } from "@/lib/operations/run-host-check";
import type { TJobPayload } from "@/lib/queue/jobs";
import type { WorkerContext } from "../context";

export async function handleHostCheck(payload: TJobPayload<"host-check">, ctx: WorkerContext): Promise<void> {
  await runHostCheck(payload.operationId, ctx);
}

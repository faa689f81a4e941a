import { Queue } from "bullmq";
import { MONITOR_QUEUE } from "../queue/jobs";
import { createRedis } from "../redis";

let queue: Queue | undefined;

/** The worker's handle on the monitor's queue, to schedule the sweep and fan out probes. */
export function monitorQueue(): Queue {
  queue ??= new Queue(MONITOR_QUEUE, { connection: createRedis("producer") });
  return queue;
}

export async function closeMonitorQueue(): Promise<void> {
  const open = queue;
  queue = undefined;
  if (open) await open.close();
}

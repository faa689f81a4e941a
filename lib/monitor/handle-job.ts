import { UnrecoverableError } from "bullmq";
import { env } from "../env";
import { monitorJobSchemas, type TMonitorJobName } from "../queue/jobs";
import type { SshPool } from "../ssh";
import { probeDeployment } from "./probe-deployment";
import { monitorQueue } from "./queue";
import { sweepRunningDeployments } from "./sweep";

/** The worker's handler for the monitor's jobs. */
export async function handleMonitorJob(
  name: TMonitorJobName,
  data: unknown,
  ctx: { ssh: SshPool },
): Promise<void> {
  if (name === "health-sweep") {
    await sweepRunningDeployments(monitorQueue(), env().WEBOPS_METRICS_RETENTION_HOURS);
    return;
  }
  const parsed = monitorJobSchemas[name].safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`Invalid payload for ${name}: ${parsed.error.message}`);
  await probeDeployment(parsed.data.deploymentId, ctx);
}

import { db } from "../db";
import { healthProbeCommand, metricsProbeCommand } from "../deployments/probes";
import type { TDeploymentSpec } from "../deployments/schema";
import type { Prisma } from "../generated/prisma/client";
import { hostConnectionInfo } from "../hosts/ssh-target";
import { classifyHealth, probeFailureFromProbe, type TProbeFailure } from "../metrics/health-status";
import { PrometheusParseError, parsePrometheusText } from "../metrics/prometheus-text";
import { metricValues, snapshotFromJson, snapshotToJson } from "../metrics/sample";
import { type TVllmSnapshot, vllmSnapshot } from "../metrics/vllm-snapshot";
import type { RemoteCommand, SshPool } from "../ssh";
import { recordHealth } from "./record-health";

const PROBE_TIMEOUT_S = 5;

/** Earlier samples the verdict looks at (the growing-queue rule needs the last two). */
const PREVIOUS_SAMPLES = 2;

/**
 * One poll of a running deployment, run on the host over SSH (vLLM usually binds loopback): GET
 * /health, then /metrics when /health answered. Stores a metric sample, the verdict on the
 * deployment, and a health event when the verdict changed. A deployment that is no longer running,
 * or whose stop/start/restart is under way, is left alone. An unreachable host counts as down: its server cannot be reached either.
 */
export async function probeDeployment(deploymentId: string, ctx: { ssh: SshPool }): Promise<void> {
  const dep = await db().deployment.findUnique({
    where: { id: deploymentId },
    select: { id: true, hostId: true, status: true, dirId: true, spec: true, modelName: true },
  });
  if (dep?.status !== "running") return;
  // An operator's stop, start or restart is under way: it reports its own outcome, and a "down"
  // from the middle of a planned restart would only be noise (and a webhook).
  if (await actionUnderWay(deploymentId)) return;
  const spec = dep.spec as unknown as TDeploymentSpec;
  const info = await hostConnectionInfo(dep.hostId);
  if (!info) return;

  let healthError: TProbeFailure | undefined;
  let metricsOutcome: { snapshot: TVllmSnapshot } | { error: TProbeFailure } | undefined;
  try {
    await ctx.ssh.use(info.host.id, info.version, info.target, async (conn) => {
      const run = async (command: RemoteCommand) => {
        const out: string[] = [];
        const err: string[] = [];
        const result = await conn.exec(command, (stream, text) =>
          (stream === "stdout" ? out : err).push(text),
        );
        return { exitCode: result.exitCode, stdout: out.join("\n"), stderr: err.join("\n") };
      };
      const deployPath = info.host.deployPath;
      const health = await run(healthProbeCommand(spec, dep.dirId, deployPath));
      healthError = probeFailureFromProbe(health.exitCode, health.stderr, PROBE_TIMEOUT_S) ?? undefined;
      if (healthError) return;
      const metrics = await run(metricsProbeCommand(spec, dep.dirId, deployPath));
      const failure = probeFailureFromProbe(metrics.exitCode, metrics.stderr, PROBE_TIMEOUT_S);
      metricsOutcome = failure ? { error: failure } : readMetrics(metrics.stdout);
    });
  } catch (err) {
    healthError = { kind: "error", message: `the host could not be reached: ${(err as Error).message}` };
    metricsOutcome = undefined;
  }

  const previousRows = await db().metricSample.findMany({
    where: { deploymentId },
    orderBy: { at: "desc" },
    take: PREVIOUS_SAMPLES,
    select: { at: true, snapshot: true },
  });
  const previous = previousRows
    .reverse()
    .map((row) => ({ at: row.at, snapshot: snapshotFromJson(row.snapshot) }));
  const verdict = classifyHealth({
    healthOk: healthError === undefined,
    ...(healthError ? { healthError } : {}),
    ...(metricsOutcome ? { metrics: metricsOutcome } : {}),
    previous: previous.map((p) => p.snapshot),
  });

  const now = new Date();
  if (metricsOutcome && "snapshot" in metricsOutcome) {
    const last = previous.at(-1);
    const values = metricValues(
      metricsOutcome.snapshot,
      last ? { snapshot: last.snapshot, secondsAgo: (now.getTime() - last.at.getTime()) / 1000 } : null,
    );
    await db().metricSample.create({
      data: {
        deploymentId,
        at: now,
        ...values,
        snapshot: snapshotToJson(metricsOutcome.snapshot) as Prisma.InputJsonValue,
      },
    });
  }
  await recordHealth(deploymentId, verdict, now);
}

async function actionUnderWay(deploymentId: string): Promise<boolean> {
  return (await db().deploymentAction.count({ where: { deploymentId, active: true } })) > 0;
}

function readMetrics(text: string): { snapshot: TVllmSnapshot } | { error: TProbeFailure } {
  try {
    return { snapshot: vllmSnapshot(parsePrometheusText(text)) };
  } catch (err) {
    if (err instanceof PrometheusParseError) return { error: { kind: "unreadable", message: err.message } };
    throw err;
  }
}

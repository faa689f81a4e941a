import type { Redis } from "ioredis";
import { db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { type HostFacts, readStoredFacts } from "../hosts/facts";
import { gatherFacts } from "../hosts/gather-facts";
import { hostConnectionInfo } from "../hosts/ssh-target";
import type { LogWriter } from "../logs/writer";
import { credentialSecrets, rememberPresentedKey, startOperationRun } from "../operations/runner";
import { transition } from "../operations/state";
import { HostKeyError, type RemoteCommand, type SshConnection, SshError, type SshPool } from "../ssh";
import { notifyDeploymentEvent } from "../webhooks/notify";
import { deploymentSteps, stopCommand } from "./commands";
import { removeFilesCommand, removeUnitCommand } from "./lifecycle-commands";
import { actionOfKind, type TLifecycleAction, ZUndeployOptionsSchema } from "./lifecycle-rules";
import { healthProbeCommand, logTailCommand, PROBE_EXIT } from "./probes";
import type { TDeploymentSpec } from "./schema";
import { withSecrets } from "./secrets";
import { SERVICE_STATE, serviceStateCommand, waitStoppedCommand } from "./service-state";
import { wakeNextDeployment } from "./wake-next";

type TContext = { redis: Redis; ssh: SshPool };

class ActionFailure extends Error {}

const PROBE_INTERVAL_MS = 1000;

/** What the deployment becomes when the action succeeds. */
const STATUS_AFTER: Record<TLifecycleAction, "running" | "stopped"> = {
  stop: "stopped",
  start: "running",
  restart: "running",
  undeploy: "stopped",
};

/** Ends an action that BullMQ gave up on (its worker died): the host must not stay taken. */
export async function failLostDeploymentAction(operationId: string, reason: string): Promise<void> {
  const action = await db().deploymentAction.findUnique({ where: { operationId }, select: { hostId: true } });
  await db().deploymentAction.updateMany({ where: { operationId, active: true }, data: { active: false } });
  if (action) await wakeNextDeployment(action.hostId);
  const error = `The worker running this action was lost: ${reason}`;
  for (const from of ["running", "queued"] as const)
    if (await transition(db(), operationId, from, "failed", { error })) break;
}

/**
 * The worker's side of stop, start, restart and undeploy: one SSH connection, the service commands
 * the pipeline uses, a live log, then the deployment's new status and a webhook event.
 */
export async function runDeploymentAction(operationId: string, ctx: TContext): Promise<void> {
  const row = await db().deploymentAction.findUnique({
    where: { operationId },
    include: { deployment: true, operation: true },
  });
  const action = row ? actionOfKind(row.operation.kind) : null;
  if (!row || !action) return;
  try {
    const started = await startOperationRun(operationId, ctx.redis);
    if (!started) return;
    await perform(row.deployment, action, started.op.params, started.log, ctx, operationId);
  } finally {
    await db().deploymentAction.update({ where: { id: row.id }, data: { active: false } });
    await wakeNextDeployment(row.hostId);
  }
}

async function perform(
  dep: Prisma.DeploymentGetPayload<object>,
  action: TLifecycleAction,
  params: Prisma.JsonValue,
  log: LogWriter,
  ctx: TContext,
  operationId: string,
): Promise<void> {
  const info = await hostConnectionInfo(dep.hostId);
  const spec = withSecrets(dep.id, dep.spec as unknown as TDeploymentSpec, dep);
  log.addSecrets([spec.serve.apiKey, spec.hfToken]);
  const options = ZUndeployOptionsSchema.parse({
    removeEnvironment: (params as { removeEnvironment?: boolean } | null)?.removeEnvironment ?? false,
    removeModelCache: (params as { removeModelCache?: boolean } | null)?.removeModelCache ?? false,
  });
  try {
    if (!info) throw new ActionFailure("The host was deleted");
    const { host } = info;
    log.addSecrets(credentialSecrets(await info.target()));
    await ctx.ssh.use(host.id, info.version, info.target, async (conn) => {
      log.system(`Connected to ${host.username}@${host.address}:${host.port}`);
      const facts = readStoredFacts(host.facts) ?? (await gatherFacts(conn, host.deployPath, log));
      const service = serviceControl(conn, log, spec, dep.dirId, host.deployPath, facts);
      if (action === "stop" || action === "restart" || action === "undeploy") await service.stop();
      if (action === "undeploy") {
        if (spec.install.method !== "container" && facts.systemd) {
          log.system("$ Remove the systemd unit");
          await service.run(removeUnitCommand(dep.dirId, host.deployPath), "Removing the unit");
        }
        if (options.removeEnvironment || options.removeModelCache) {
          log.system(
            `$ Remove ${[options.removeEnvironment && "the environment", options.removeModelCache && "the model cache"].filter(Boolean).join(" and ")}`,
          );
          await service.run(removeFilesCommand(dep.dirId, host.deployPath, options), "Removing files");
          if (options.removeEnvironment && spec.install.method === "container")
            log.system(
              `The image ${spec.install.image}:${spec.install.tag} is kept: other deployments may use it (docker rmi removes it).`,
            );
        }
      }
      if (action === "start" || action === "restart") await service.start();
    });
    const status = STATUS_AFTER[action];
    const message =
      action === "undeploy"
        ? `Undeployed by an operator${options.removeEnvironment ? "; environment removed" : ""}${options.removeModelCache ? "; model cache removed" : ""}`
        : action === "stop"
          ? "Stopped by an operator"
          : null;
    await db().deployment.update({
      where: { id: dep.id },
      data: {
        status,
        error: message,
        ...(action === "undeploy"
          ? {
              result: {
                ...((dep.result as Prisma.JsonObject | null) ?? {}),
                undeployed: { at: new Date().toISOString(), ...options },
              },
            }
          : {}),
      },
    });
    log.system(
      status === "running" ? `vLLM serves ${spec.servedModelName} again.` : `${message ?? "Stopped"}.`,
    );
    await end("succeeded", null);
    if (status === "running")
      await notifyDeploymentEvent({ type: "deployment.running", deploymentId: dep.id });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof HostKeyError && info) await rememberPresentedKey(info, err);
    if (info && err instanceof SshError)
      await db().host.update({
        where: { id: info.host.id },
        data: { reachable: false, lastError: message, lastCheckedAt: new Date() },
      });
    log.system(`The ${action} failed: ${message}`);
    const error = `${action[0]?.toUpperCase()}${action.slice(1)} failed: ${message}`;
    // A start that did not come up leaves the deployment failed; a failed stop leaves it as it was.
    if (action === "start" || action === "restart") {
      await db().deployment.update({ where: { id: dep.id }, data: { status: "failed", error } });
      await end("failed", error);
      await notifyDeploymentEvent({ type: "deployment.failed", deploymentId: dep.id, reason: error });
    } else await end("failed", error);
  }

  async function end(opStatus: "succeeded" | "failed", error: string | null): Promise<void> {
    await log.close();
    await transition(db(), operationId, "running", opStatus, { error });
    log.status(opStatus, error);
    await log.close();
    await log.expireStream();
  }
}

/** Stop and start of one deployment's service over one connection, each step in the log. */
function serviceControl(
  conn: SshConnection,
  log: LogWriter,
  spec: TDeploymentSpec,
  dirId: string,
  deployPath: string,
  facts: HostFacts,
) {
  const supervised = spec.install.method !== "container" && !facts.systemd;
  const out = (stream: "stdout" | "stderr", text: string) => log.line(stream, text);
  const quiet = async (command: RemoteCommand) => {
    const lines: string[] = [];
    const result = await conn.exec(command, (_s, text) => lines.push(text));
    return { exitCode: result.exitCode, lines };
  };
  const run = async (command: RemoteCommand, what: string): Promise<void> => {
    const result = await conn.exec(command, out);
    if (result.exitCode !== 0)
      throw new ActionFailure(
        `${what} exited with ${result.exitCode ?? `signal ${result.signal}`}; see the lines above`,
      );
  };
  const state = () => quiet(serviceStateCommand(spec, dirId, deployPath, facts));

  return {
    run,
    async stop(): Promise<void> {
      log.system(
        `$ Stop the service (${spec.install.method === "container" ? "container" : facts.systemd ? "systemd unit" : "supervised process"})`,
      );
      await run(stopCommand(spec, dirId, deployPath, facts), "Stopping the service");
      if (supervised) await run(waitStoppedCommand(dirId, deployPath), "Waiting for it to stop");
      const after = await state();
      if (after.exitCode === SERVICE_STATE.alive)
        throw new ActionFailure("The service is still running after the stop; see the host");
      log.system(`Stopped (${after.lines.join(" ").trim() || "no process"}).`);
    },
    async start(): Promise<void> {
      for (const step of deploymentSteps(spec, dirId, deployPath, facts).filter((s) => s.stage === "start")) {
        log.system(`$ ${step.title}`);
        await run(step.command, step.title);
      }
      const timeoutS = spec.serve.healthTimeoutS;
      const startedAt = Date.now();
      let notStarted = 0;
      log.system(`Waiting up to ${timeoutS} s for /health`);
      for (;;) {
        const probe = await quiet(healthProbeCommand(spec, dirId, deployPath));
        const waited = Math.round((Date.now() - startedAt) / 1000);
        if (probe.exitCode === PROBE_EXIT.ok) {
          log.system(`/health answered after ${waited} s`);
          return;
        }
        const now = await state();
        if (
          now.exitCode === SERVICE_STATE.exited ||
          (now.exitCode === SERVICE_STATE.unknown && ++notStarted > 5)
        ) {
          const reason = now.lines.join(" ").trim() || "no process";
          const tail = await quiet(logTailCommand(dirId, deployPath, 40));
          log.system(`vLLM is not running (${reason}); the last lines of its log:`);
          for (const line of tail.lines) log.line("stderr", line);
          throw new ActionFailure(`vLLM exited before it answered /health (${reason}); see its log above`);
        }
        if (waited >= timeoutS) throw new ActionFailure(`/health did not answer within ${timeoutS} s`);
        await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
      }
    },
  };
}

import type { Redis } from "ioredis";
import { db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { type HostFacts, readStoredFacts } from "../hosts/facts";
import { gatherFacts } from "../hosts/gather-facts";
import { hostConnectionInfo, type THostConnectionInfo } from "../hosts/ssh-target";
import type { TLogStream } from "../logs/line";
import { SupersededRun } from "../logs/writer";
import {
  credentialSecrets,
  ownsOperation,
  rememberPresentedKey,
  startOperationRun,
} from "../operations/runner";
import { transition } from "../operations/state";
import { logEvent } from "../ops/log";
import { ensurePrerequisites } from "../prerequisites/ensure";
import type { TPrereqProfileId } from "../prerequisites/profiles";
import { emptyPrereqResult, type TPrereqResult } from "../prerequisites/result";
import { HostKeyError, type RemoteCommand, type SshConnection, SshError, type SshPool } from "../ssh";
import { notifyDeploymentEvent } from "../webhooks/notify";
import { Cancelled, type TCancelWatch, watchForCancel } from "./cancel-watch";
import { deploymentSteps, stopCommand } from "./commands";
import { failureCause } from "./failure-causes";
import { fitCheck } from "./fit";
import { claimHost, endRun } from "./host-slots";
import {
  clearMarkerCommand,
  inStageGroup,
  killStageGroupCommand,
  markerMatchesCommand,
  PIPELINE,
  SKIPPABLE,
  stageFingerprints,
  type TPipelineStage,
  writeMarkerCommand,
} from "./pipeline";
import { healthProbeCommand, logTailCommand, PROBE_EXIT, sanityRequestCommand } from "./probes";
import { freeSpaceCommand, inDeploymentDir, parseFreeSpace } from "./remote";
import type { TDeploymentSpec } from "./schema";
import { withSecrets } from "./secrets";
import { targetDevice } from "./service-files";
import { portStateCommand, SERVICE_STATE, serviceStateCommand, waitStoppedCommand } from "./service-state";
import type { TStep } from "./steps";
import { wake, wakeNextDeployment } from "./wake-next";

type TContext = { redis: Redis; ssh: SshPool };

/** How the worker should treat the job: done, or try again shortly (the host is busy). */
export type TDeployJobOutcome = "done" | "wait-for-host";

class StageFailure extends Error {}

/** Less free space than this (KiB) under the deployment counts as a full disk. */
const FULL_DISK_KIB = 1024;
class Blocked extends Error {
  constructor(
    message: string,
    readonly result: TPrereqResult,
  ) {
    super(message);
  }
}

const PROBE_INTERVAL_MS = 2000;

type TDeploymentRow = Prisma.DeploymentGetPayload<{ include: { stages: true } }>;

function profileFor(spec: TDeploymentSpec, facts: HostFacts): TPrereqProfileId {
  if (spec.install.method === "container") return "container";
  if (spec.install.method === "source") return "cpu-source";
  return targetDevice(spec, facts) === "gpu" ? "pip-gpu" : "cpu-source";
}

async function setStage(
  deploymentId: string,
  name: TPipelineStage,
  data: { status: "running" | "succeeded" | "failed" | "skipped" | "cancelled"; detail?: string | null },
): Promise<void> {
  const now = new Date();
  await db().deploymentStage.update({
    where: { deploymentId_name: { deploymentId, name } },
    data: {
      status: data.status,
      detail: data.detail ?? null,
      ...(data.status === "running" ? { startedAt: now, finishedAt: null } : { finishedAt: now }),
    },
  });
  if (data.status === "running")
    await db().deployment.update({ where: { id: deploymentId }, data: { stage: name } });
}

/**
 * The worker's side of a deployment: connect, preflight, prerequisites, install the runtime, fetch the
 * model, configure the service, start it, wait for /health, send one chat completion, and mark it
 * running. Every stage records its status and times, and its lines carry its name. A retried
 * deployment goes on from the stage that failed; a cancelled one stops the remote process group.
 */
export async function runDeployment(operationId: string, ctx: TContext): Promise<TDeployJobOutcome> {
  // Claimed first, read after: a deployment's start costs one statement, and so does each look of
  // one waiting for its host. One already deploying is a run resumed by another worker.
  const claimed = await claimHost(operationId);
  if (!claimed) {
    const now = await db().deployment.findUnique({ where: { operationId }, select: { status: true } });
    if (now?.status === "queued") return "wait-for-host";
    if (now?.status !== "deploying") return "done";
  }
  const found = await db().deployment.findUnique({ where: { operationId }, include: { stages: true } });
  if (found?.status !== "deploying") return "done";
  const dep: TDeploymentRow = found;
  // A host that allows several at once: the next in line may start beside this one.
  if (claimed) await wakeNextDeployment(dep.hostId);

  const started = await startOperationRun(operationId, ctx.redis);
  if (!started) {
    await wake(
      await endRun(dep.id, "failed", "The deployment's run could not start (its operation had ended)"),
    );
    return "done";
  }
  const { op, log } = started;
  const stillOwner = async () => !log.superseded && (await ownsOperation(operationId, log.runToken));
  const resumed = op.status === "running" || dep.stages.some((s) => s.status !== "pending");
  const info = await hostConnectionInfo(dep.hostId);
  const spec = withSecrets(dep.id, dep.spec as unknown as TDeploymentSpec, dep);
  log.addSecrets([spec.serve.apiKey, spec.hfToken]);
  const force = (op.params as { force?: boolean } | null)?.force === true;
  let current: TPipelineStage = "connect";
  let serviceTouched = false;

  const stageRows = new Map(dep.stages.map((s) => [s.name, s]));
  const done = (name: TPipelineStage) => {
    const status = stageRows.get(name)?.status;
    return status === "succeeded" || status === "skipped";
  };

  try {
    if (!info) throw new StageFailure("The host was deleted");
    const { host } = info;
    if (host.disabled) throw new StageFailure(`${host.name} is disabled; enable it first`);
    log.addSecrets(credentialSecrets(await info.target()));
    if (resumed) {
      const from = PIPELINE.find((s) => !done(s.name))?.name ?? "connect";
      log.stage = from;
      log.system(
        op.status === "running"
          ? `Resuming on a new worker: the previous one stopped during ${dep.stage ?? from}. Going on from ${from}.`
          : `Retrying from ${from}; finished stages are kept.`,
      );
    }
    await ctx.ssh.use(host.id, info.version, info.target, async (conn) => {
      const watch = watchForCancel(dep.id, conn, dep.dirId);
      try {
        await pipeline(conn, watch);
      } finally {
        watch.stop();
      }
    });
    await db().deployment.updateMany({
      where: { hostId: dep.hostId, dirId: dep.dirId, status: "running", id: { not: dep.id } },
      data: { status: "stopped", error: `Replaced by deployment ${dep.id}`, finishedAt: new Date() },
    });
    await finish("running", null, "succeeded");
  } catch (err) {
    // Another worker took this deployment over while this run lived (its job was handed on): that
    // run owns the deployment's state and log now, so this one ends without a word.
    if (err instanceof SupersededRun || !(await stillOwner())) {
      logEvent("warn", "deployment run superseded by another worker's", {
        operationId,
        deploymentId: dep.id,
      });
      return "done";
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof HostKeyError && info) await rememberPresentedKey(info, err);
    if (info && err instanceof SshError) {
      await db().host.update({
        where: { id: info.host.id },
        data: { reachable: false, lastError: message, lastCheckedAt: new Date() },
      });
    }
    if (err instanceof Cancelled) {
      await setStage(dep.id, current, { status: "cancelled", detail: "Cancelled by an operator" });
      await cleanUpAfterCancel(info);
      log.stage = current;
      log.system(`Cancelled during ${current}.`);
      await finish("cancelled", `Cancelled by an operator during ${current}`, "cancelled");
    } else if (err instanceof Blocked) {
      await setStage(dep.id, current, { status: "failed", detail: message });
      log.system(`Blocked: ${message}. Fix it on the host, then press Retry.`);
      await finish("blocked", message, "blocked", err.result);
    } else {
      await setStage(dep.id, current, { status: "failed", detail: message });
      const title = PIPELINE.find((s) => s.name === current)?.title ?? current;
      log.system(`Failed at "${title}": ${message}`);
      await finish("failed", `${title}: ${message}`, "failed");
    }
  }
  return "done";

  async function finish(
    status: "running" | "failed" | "blocked" | "cancelled",
    error: string | null,
    opStatus: "succeeded" | "failed" | "blocked" | "cancelled",
    prereq?: TPrereqResult,
  ): Promise<void> {
    if (!(await stillOwner())) throw new SupersededRun(operationId);
    await log.close();
    // The host is free from here: the next deployment queued for it starts now.
    await wake(await endRun(dep.id, status, error));
    await transition(db(), operationId, "running", opStatus, {
      error,
      ...(prereq ? { result: { prerequisites: prereq } as unknown as Prisma.InputJsonObject } : {}),
    });
    log.status(opStatus, error);
    await log.close();
    await log.expireStream();
    if (status === "running")
      await notifyDeploymentEvent({ type: "deployment.running", deploymentId: dep.id });
    else if (status !== "cancelled")
      await notifyDeploymentEvent({ type: `deployment.${status}`, deploymentId: dep.id, reason: error });
  }

  async function cleanUpAfterCancel(hostInfo: THostConnectionInfo | null): Promise<void> {
    if (!hostInfo) return;
    try {
      await ctx.ssh.use(hostInfo.host.id, hostInfo.version, hostInfo.target, async (conn) => {
        await conn.exec(killStageGroupCommand(dep.dirId), out);
        if (serviceTouched) {
          const facts = readStoredFacts(hostInfo.host.facts);
          if (facts) {
            log.system("Stopping the service this deployment started");
            await conn.exec(stopCommand(spec, dep.dirId, hostInfo.host.deployPath, facts), out);
          }
        }
      });
    } catch (err) {
      log.system(`Could not clean up on the host: ${(err as Error).message}`);
    }
  }

  function out(stream: TLogStream, text: string): void {
    log.line(stream, text);
  }

  async function pipeline(conn: SshConnection, watch: TCancelWatch): Promise<void> {
    if (!info) return;
    const { host } = info;
    const deployPath = host.deployPath;
    const begin = async (name: TPipelineStage) => {
      watch.check();
      current = name;
      log.stage = name;
      await setStage(dep.id, name, { status: "running" });
      log.system(`== ${PIPELINE.find((s) => s.name === name)?.title ?? name}`);
    };
    const succeed = async (name: TPipelineStage, detail: string | null = null) => {
      stageRows.set(name, {
        ...(stageRows.get(name) as TDeploymentRow["stages"][number]),
        status: "succeeded",
      });
      await setStage(dep.id, name, { status: "succeeded", detail });
    };
    /** Runs one command in the stage's process group; a non-zero exit fails the stage. */
    const run = async (command: RemoteCommand, what: string): Promise<void> => {
      // A flood of output pauses the channel while the log catches up, so the worker's memory stays bounded.
      // The last lines, for a failure's cause (a full disk, say).
      const recent: string[] = [];
      const result = await conn.exec(
        inStageGroup(dep.dirId, command),
        (stream, text) => {
          recent.push(text);
          if (recent.length > 40) recent.shift();
          out(stream, text);
        },
        { backpressure: () => (log.writable ? undefined : log.whenWritable()) },
      );
      watch.check();
      if (result.exitCode !== 0) {
        const exit = `exited with ${result.exitCode ?? `signal ${result.signal}`}`;
        const cause = failureCause(recent, deployPath) ?? (await fullDisk());
        throw new StageFailure(
          cause ? `${what} failed: ${cause} (${exit})` : `${what} ${exit}; see the lines above`,
        );
      }
    };
    const quiet = async (command: RemoteCommand) => {
      const lines: string[] = [];
      const result = await conn.exec(command, (_stream, text) => lines.push(text));
      return { exitCode: result.exitCode, lines };
    };
    /**
     * A tool that hides the error of a full disk (python -m venv swallows ensurepip's) still fails
     * for it: after a failure with no known cause, a full file system under the deployment names it.
     */
    const fullDisk = async (): Promise<string | null> => {
      const free = await quiet(freeSpaceCommand(deployPath, dep.dirId)).catch(() => null);
      const space = parseFreeSpace(free?.lines[0]);
      if (!space || (space.availableKiB > FULL_DISK_KIB && space.usePercent < 100)) return null;
      return `the host's disk is full (No space left on device) where it writes, under ${deployPath}: ${space.availableKiB} KiB free (${space.usePercent}% used); free space there or choose another deployment path`;
    };

    // connect: always, since every run has its own connection; the facts decide the commands.
    await begin("connect");
    log.system(`Connected to ${host.username}@${host.address}:${host.port}`);
    const facts = await gatherFacts(conn, deployPath, log);
    await db().host.update({
      where: { id: host.id },
      data: {
        facts: facts as unknown as Prisma.InputJsonObject,
        reachable: true,
        lastError: null,
        lastCheckedAt: new Date(),
      },
    });
    if (resumed) {
      // Whatever the interrupted run left behind in this folder's stage group must not run on beside us.
      await conn.exec(killStageGroupCommand(dep.dirId), out);
    }
    await succeed("connect");

    const steps = deploymentSteps(spec, dep.dirId, deployPath, facts);
    const prints = stageFingerprints(steps);
    const dirRun = (script: string, args: readonly string[] = []) =>
      inDeploymentDir(deployPath, dep.dirId, script, args);
    const stepsOf = (stage: string): TStep[] => steps.filter((s) => s.stage === stage);
    const runSteps = async (stage: string) => {
      for (const step of stepsOf(stage)) {
        log.system(`$ ${step.title}`);
        await run(step.command, step.title);
      }
    };
    const serviceAlive = async () =>
      (await quiet(serviceStateCommand(spec, dep.dirId, deployPath, facts))).exitCode === SERVICE_STATE.alive;
    const healthy = async () => (await quiet(healthProbeCommand(spec, dep.dirId, deployPath))).exitCode === 0;

    if (!done("preflight")) {
      await begin("preflight");
      const ours = await serviceAlive();
      const port = await quiet(portStateCommand(dep.dirId, deployPath, spec.serve.port));
      const listening = port.lines.includes("listening") && !ours;
      const fit = fitCheck(spec, facts, { listeningPorts: listening ? [spec.serve.port] : [] });
      for (const r of fit) log.system(`  fit ${r.status.padEnd(4)} ${r.check}: ${r.message}`);
      if (ours)
        log.system(
          `  This deployment's folder already serves on port ${spec.serve.port}; it is replaced in place.`,
        );
      const failed = fit.filter((r) => r.status === "fail");
      if (failed.length > 0 && (!force || failed.some((r) => r.check === "port")))
        throw new StageFailure(failed.map((r) => r.message).join(" "));
      if (failed.length > 0) log.system("Deploying anyway, as the operator asked.");
      await runSteps("preflight");
      await succeed("preflight");
    }

    if (!done("prerequisites")) {
      await begin("prerequisites");
      const profileId = profileFor(spec, facts);
      const result = emptyPrereqResult(profileId, "install");
      const outcome = await ensurePrerequisites(conn, { facts, profileId, mode: "install", log, result });
      await db().host.update({
        where: { id: host.id },
        data: {
          prereqProfile: profileId,
          prereqState: outcome.status === "blocked" ? "blocked" : (outcome.result.report?.state ?? null),
          prereqCheckedAt: new Date(),
        },
      });
      if (outcome.status === "blocked")
        throw new Blocked(outcome.error ?? "Prerequisites missing", outcome.result);
      if (outcome.status === "failed") throw new StageFailure(outcome.error ?? "Prerequisites failed");
      await succeed("prerequisites");
    }

    for (const stage of ["install-runtime", "fetch-model", "configure-service", "start"] as const) {
      if (done(stage)) continue;
      await begin(stage);
      const print = prints[stage] ?? "";
      if (SKIPPABLE.has(stage) && (await quiet(markerMatchesCommand(dirRun, stage, print))).exitCode === 0) {
        if (stage !== "start" || ((await serviceAlive()) && (await healthy()))) {
          log.system(
            "Already in place from an earlier deployment of this folder with the same settings: skipped.",
          );
          stageRows.set(stage, {
            ...(stageRows.get(stage) as TDeploymentRow["stages"][number]),
            status: "skipped",
          });
          await setStage(dep.id, stage, {
            status: "skipped",
            detail: "Already in place with the same settings",
          });
          continue;
        }
      }
      await quiet(clearMarkerCommand(dirRun, stage));
      if (stage === "start") {
        serviceTouched = true;
        if (spec.install.method !== "container" && !facts.systemd && (await serviceAlive())) {
          log.system("Stopping the running service of this folder first");
          await run(stopCommand(spec, dep.dirId, deployPath, facts), "Stopping the service");
          await run(waitStoppedCommand(dep.dirId, deployPath), "Waiting for it to stop");
        }
      }
      if (stepsOf(stage).length === 0) log.system("Nothing to do for this install method.");
      await runSteps(stage);
      await quiet(writeMarkerCommand(dirRun, stage, print));
      await succeed(stage);
    }

    await begin("wait-health");
    await waitForHealth(facts, watch, quiet);
    await succeed("wait-health");

    await begin("sanity");
    const answer = await quiet(sanityRequestCommand(spec, dep.dirId, deployPath));
    watch.check();
    if (answer.exitCode !== 0) {
      for (const line of answer.lines) log.line("stderr", line);
      throw new StageFailure("The chat completion request failed; see the lines above");
    }
    const sanity = readSanityAnswer(answer.lines.join("\n"));
    log.system(`Answer from ${sanity.model}: ${JSON.stringify(sanity.answer)}`);
    await db().deployment.update({
      where: { id: dep.id },
      data: {
        result: {
          sanity: { ...sanity, at: new Date().toISOString() },
          endpoint: `http://${spec.serve.host.includes(":") ? `[${spec.serve.host}]` : spec.serve.host}:${spec.serve.port}/v1`,
        },
      },
    });
    await succeed("sanity");

    await begin("running");
    log.system(`vLLM serves ${spec.servedModelName} on ${spec.serve.host}:${spec.serve.port}`);
    await succeed("running");
  }

  async function waitForHealth(
    facts: HostFacts,
    watch: TCancelWatch,
    quiet: (c: RemoteCommand) => Promise<{ exitCode: number | null; lines: string[] }>,
  ): Promise<void> {
    if (!info) return;
    const { deployPath } = info.host;
    const timeoutS = spec.serve.healthTimeoutS;
    const startedAt = Date.now();
    let lastNote = 0;
    let notStarted = 0;
    log.system(`Waiting up to ${timeoutS} s for /health (vLLM does not listen while it loads the weights)`);
    for (;;) {
      watch.check();
      const probe = await quiet(healthProbeCommand(spec, dep.dirId, deployPath));
      const waited = Math.round((Date.now() - startedAt) / 1000);
      if (probe.exitCode === PROBE_EXIT.ok) {
        log.system(`/health answered after ${waited} s`);
        return;
      }
      const state = await quiet(serviceStateCommand(spec, dep.dirId, deployPath, facts));
      const reason = state.lines.join(" ").trim();
      if (state.exitCode === SERVICE_STATE.exited || (state.exitCode === 4 && ++notStarted > 5)) {
        const tail = await quiet(logTailCommand(dep.dirId, deployPath, 40));
        log.system(`vLLM is not running (${reason || "no process"}); the last lines of its log:`);
        for (const line of tail.lines) log.line("stderr", line);
        throw new StageFailure(
          `vLLM exited before it answered /health (${reason || "no process"}); see its log above`,
        );
      }
      if (probe.exitCode === PROBE_EXIT.failed && waited > 5)
        log.system(`/health: ${probe.lines.join(" ").trim() || "no answer"}`);
      if (waited >= timeoutS)
        throw new StageFailure(
          `/health did not answer within ${timeoutS} s (the timeout set for this deployment)`,
        );
      if (waited - lastNote >= 10) {
        lastNote = waited;
        log.system(`Still loading: no answer on port ${spec.serve.port} yet (${waited} s)`);
      }
      await sleep(PROBE_INTERVAL_MS);
    }
  }
}

function readSanityAnswer(body: string): { model: string; answer: string; tokens: number | null } {
  try {
    const json = JSON.parse(body) as {
      model?: string;
      choices?: { message?: { content?: string } }[];
      usage?: { completion_tokens?: number };
    };
    const answer = json.choices?.[0]?.message?.content;
    if (typeof answer !== "string") throw new Error("no choices[0].message.content");
    return { model: json.model ?? "?", answer, tokens: json.usage?.completion_tokens ?? null };
  } catch (err) {
    throw new StageFailure(`The chat completion answer is not what vLLM returns: ${(err as Error).message}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

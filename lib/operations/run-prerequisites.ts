import type { Redis } from "ioredis";
import { db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { readStoredFacts } from "../hosts/facts";
import { gatherFacts } from "../hosts/gather-facts";
import { hostConnectionInfo } from "../hosts/ssh-target";
import { ensurePrerequisites } from "../prerequisites/ensure";
import { isPrereqProfileId, PREREQ_PROFILES } from "../prerequisites/profiles";
import { emptyPrereqResult, type TPrereqMode, type TPrereqResult } from "../prerequisites/result";
import { HostKeyError, SshError, type SshPool } from "../ssh";
import { credentialSecrets, rememberPresentedKey, startOperationRun } from "./runner";
import { transition } from "./state";

type TOutcome = { status: "succeeded" | "failed" | "blocked"; error: string | null; result: TPrereqResult };

/**
 * The worker's side of a prerequisites run: check the profile's packages and probes in one round
 * trip; in install mode, install what is missing when sudo allows it (then check again), or stop
 * `blocked` with the exact commands for the operator. Every line goes to the live log.
 */
export async function runPrerequisites(
  operationId: string,
  ctx: { redis: Redis; ssh: SshPool },
): Promise<void> {
  const started = await startOperationRun(operationId, ctx.redis);
  if (!started) return;
  const { op, log } = started;
  const params = (op.params ?? {}) as { profile?: unknown; mode?: unknown };
  const profileId = isPrereqProfileId(params.profile) ? params.profile : "cpu-source";
  const mode: TPrereqMode = params.mode === "install" ? "install" : "check";
  const profile = PREREQ_PROFILES[profileId];
  const info = await hostConnectionInfo(op.hostId);
  const result = emptyPrereqResult(profileId, mode);
  let outcome: TOutcome;
  try {
    if (!info) throw new Error("The host was deleted");
    const { host } = info;
    if (host.disabled) throw new Error(`${host.name} is disabled; enable it first`);
    log.system(
      `Prerequisites for ${profile.label} on ${host.name} (${mode === "install" ? "check, install what is missing, check again" : "check only"})`,
    );
    log.addSecrets(credentialSecrets(await info.target()));
    outcome = await ctx.ssh.use(host.id, info.version, info.target, async (connection) => {
      // A check alone uses the facts on record (one round trip); installing needs today's sudo verdict.
      const stored = readStoredFacts(host.facts);
      const facts = mode === "check" && stored ? stored : await gatherFacts(connection, host.deployPath, log);
      if (facts !== stored)
        await db().host.update({
          where: { id: host.id },
          data: { facts: facts as unknown as Prisma.InputJsonObject },
        });
      return ensurePrerequisites(connection, { facts, profileId, mode, log, result });
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof HostKeyError && info) await rememberPresentedKey(info, err);
    outcome = { status: "failed", error: message, result };
    if (info && err instanceof SshError) {
      await db().host.update({
        where: { id: info.host.id },
        data: { reachable: false, lastError: message, lastCheckedAt: new Date() },
      });
    }
  }

  if (outcome.status !== "succeeded")
    log.system(`${outcome.status === "blocked" ? "Blocked" : "Failed"}: ${outcome.error}`);
  await log.close();
  if (info) {
    const state = outcome.result.unsupported
      ? "unsupported"
      : outcome.status === "blocked"
        ? "blocked"
        : (outcome.result.report?.state ?? null);
    if (state) {
      await db().host.update({
        where: { id: info.host.id },
        data: { prereqProfile: profileId, prereqState: state, prereqCheckedAt: new Date() },
      });
    }
  }
  await transition(db(), operationId, "running", outcome.status, {
    error: outcome.error,
    result: outcome.result as unknown as Prisma.InputJsonObject,
  });
  log.status(outcome.status, outcome.error ?? undefined);
  await log.close();
  await log.expireStream();
}

import type { Redis } from "ioredis";
import { db } from "../db";
import { env } from "../env";
import type { Prisma } from "../generated/prisma/client";
import { describeSudo, factsCommand, type HostFacts, parseFacts, readStoredFacts } from "../hosts/facts";
import { PACKAGE_MANAGERS, sudoersLineFor } from "../hosts/facts/package-managers";
import { hostConnectionInfo } from "../hosts/ssh-target";
import type { LogWriter } from "../logs/writer";
import { runPrerequisiteCheck } from "../prerequisites/check";
import {
  installCommand,
  manualInstallCommand,
  refreshCommand,
  runPackageCommand,
} from "../prerequisites/install";
import { isPrereqProfileId, PREREQ_PROFILES, packageFamilyOf } from "../prerequisites/profiles";
import type { TPrereqReport } from "../prerequisites/report";
import type { TPrereqMode, TPrereqResult } from "../prerequisites/result";
import { HostKeyError, type SshConnection, SshError, type SshPool } from "../ssh";
import { credentialSecrets, rememberPresentedKey, startOperationRun } from "./runner";
import { transition } from "./state";

type TOutcome = { status: "succeeded" | "failed" | "blocked"; error: string | null; result: TPrereqResult };

function logReport(log: LogWriter, report: TPrereqReport): void {
  for (const item of report.items) {
    const versions = Object.entries(item.versions)
      .map(([p, v]) => `${p} ${v}`)
      .join(", ");
    log.system(
      `  ${item.state.padEnd(7)} ${item.id}${versions ? ` (${versions})` : ""}${item.fix ? `: ${item.fix}` : ""}`,
    );
  }
  for (const m of report.minimums)
    log.system(`  ${m.state === "ok" ? "ok" : m.state.replace("_", " ")}: ${m.label}: ${m.note}`);
  if (report.wayOut) log.system(report.wayOut);
}

async function gatherFacts(
  connection: SshConnection,
  deployPath: string,
  log: LogWriter,
): Promise<HostFacts> {
  log.system("Reading the host's facts (package manager, what sudo allows)");
  const output: string[] = [];
  const result = await connection.exec(
    factsCommand(deployPath, env().WEBOPS_SSH_COMMAND_TIMEOUT_MS),
    (stream, text) => {
      if (stream === "stdout") output.push(text);
      log.line(stream, text);
    },
  );
  if (result.exitCode !== 0) throw new Error("The facts command failed; see the lines above");
  return parseFacts(output);
}

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
  const settings = env();
  const info = await hostConnectionInfo(op.hostId);
  const result: TPrereqResult = {
    profile: profileId,
    mode,
    family: null,
    report: null,
    installed: [],
    reinstalled: [],
    blocked: null,
    unsupported: null,
  };
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
      const family = packageFamilyOf(facts.packageManager);
      result.family = family;
      if (!family || !facts.packageManager) {
        result.unsupported = { os: facts.os, packageManager: facts.packageManager };
        const names = profile.items.map((i) => i.id).join(", ");
        return {
          status: "failed" as const,
          error: `Unsupported distribution: ${facts.os} (package manager: ${facts.packageManager ?? "none found"}). WebOps knows the package names for apt, dnf, pacman and apk only; install the equivalents of ${names} yourself.`,
          result,
        };
      }
      const check = () =>
        runPrerequisiteCheck(connection, profileId, family, {
          osName: facts.os,
          timeoutMs: settings.WEBOPS_SSH_COMMAND_TIMEOUT_MS,
          onLine: (stream, text) => log.line(stream, text),
        });
      log.system(`Checking ${profile.items.length} items in one round trip`);
      let report = await check();
      result.report = report;
      logReport(log, report);
      if (report.state === "ready") return done(report);
      const pm = facts.packageManager;
      const missingList = [...report.missingPackages, ...report.brokenPackages.map((p) => `${p} (broken)`)];
      if (mode === "check") {
        return {
          status: "failed" as const,
          error: `Missing required build dependencies: ${missingList.join(", ")}`,
          result,
        };
      }
      const sudo = describeSudo(facts);
      if (!sudo.canInstall) {
        const toInstall = [...report.missingPackages, ...report.brokenPackages];
        result.blocked = {
          missing: report.missingPackages,
          broken: report.brokenPackages,
          sudoUnavailable: true,
          sudoSummary: sudo.summary,
          command: manualInstallCommand(pm, toInstall),
          sudoersLine:
            sudo.fix?.sudoersLine ??
            (facts.user ? sudoersLineFor(facts.user, pm, facts.packageManagerPath ?? undefined) : null),
        };
        log.system(`Missing required build dependencies: ${missingList.join(", ")}`);
        log.system(`Sudo access not available: ${sudo.summary}`);
        log.system(`Install them on the host yourself: ${result.blocked.command}`);
        if (result.blocked.sudoersLine)
          log.system(
            `Or let WebOps install them: add this line with \`visudo -f /etc/sudoers.d/webops\`: ${result.blocked.sudoersLine}`,
          );
        log.system("Then press Re-check.");
        return {
          status: "blocked" as const,
          error: `Missing required build dependencies: ${missingList.join(", ")}`,
          result,
        };
      }
      const plan = {
        packageManager: pm,
        path: facts.packageManagerPath ?? PACKAGE_MANAGERS[pm].defaultPath,
        sudo: facts.sudo.reason !== "root",
      };
      const timeout = settings.WEBOPS_PKG_INSTALL_TIMEOUT_MS;
      const lockWait = settings.WEBOPS_PKG_LOCK_WAIT_S * 1000;
      const say = (text: string) => log.system(text);
      const out = (stream: "stdout" | "stderr", text: string) => log.line(stream, text);
      log.system(`Installing ${missingList.join(", ")} with ${pm} through sudo`);
      await runPackageCommand(connection, refreshCommand(plan, timeout), out, say, lockWait);
      if (report.missingPackages.length > 0) {
        await runPackageCommand(
          connection,
          installCommand(plan, report.missingPackages, timeout),
          out,
          say,
          lockWait,
        );
        result.installed = report.missingPackages;
      }
      if (report.brokenPackages.length > 0) {
        await runPackageCommand(
          connection,
          installCommand(plan, report.brokenPackages, timeout, true),
          out,
          say,
          lockWait,
        );
        result.reinstalled = report.brokenPackages;
      }
      log.system("Checking again");
      report = await check();
      result.report = report;
      logReport(log, report);
      if (report.state !== "ready") {
        const still = [...report.missingPackages, ...report.brokenPackages.map((p) => `${p} (broken)`)];
        return {
          status: "failed" as const,
          error: `Still missing after installing: ${still.join(", ")}`,
          result,
        };
      }
      return done(report);
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

  function done(report: TPrereqReport): TOutcome {
    const short = report.minimums.filter((m) => m.state === "not_met").length;
    log.system(
      `Prerequisites ready for ${profile.label}${short > 0 ? `; ${short} minimum(s) not met, see above` : ""}${
        report.reportOnlyProblems.length > 0
          ? `; not installed by WebOps: ${report.reportOnlyProblems.join(", ")}`
          : ""
      }`,
    );
    return { status: "succeeded", error: null, result };
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

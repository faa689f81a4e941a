import { env } from "../env";
import { describeSudo, type HostFacts } from "../hosts/facts";
import { PACKAGE_MANAGERS, sudoersLineFor } from "../hosts/facts/package-managers";
import type { LogWriter } from "../logs/writer";
import type { SshConnection } from "../ssh";
import { runPrerequisiteCheck } from "./check";
import { installCommand, manualInstallCommand, refreshCommand, runPackageCommand } from "./install";
import { PREREQ_PROFILES, packageFamilyOf, type TPrereqProfileId } from "./profiles";
import type { TPrereqReport } from "./report";
import type { TPrereqMode, TPrereqResult } from "./result";

export type TPrereqOutcome = {
  status: "succeeded" | "failed" | "blocked";
  error: string | null;
  result: TPrereqResult;
};

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

/**
 * Checks a profile's packages and probes in one round trip; in install mode installs what is missing
 * when sudo allows it (then checks again), or stops `blocked` with the exact commands for the
 * operator. Used by a prerequisites run and by a deployment's prerequisites stage.
 */
export async function ensurePrerequisites(
  connection: SshConnection,
  opts: {
    facts: HostFacts;
    profileId: TPrereqProfileId;
    mode: TPrereqMode;
    log: LogWriter;
    result: TPrereqResult;
  },
): Promise<TPrereqOutcome> {
  const { facts, profileId, mode, log, result } = opts;
  const profile = PREREQ_PROFILES[profileId];
  const settings = env();
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
  function done(report: TPrereqReport): TPrereqOutcome {
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
}

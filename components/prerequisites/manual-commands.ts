import { isPackageManager, type PackageManager, sudoersLineFor } from "@/lib/hosts/facts";
import { manualInstallCommand } from "@/lib/prerequisites/install";
import type { TPackageFamily } from "@/lib/prerequisites/profiles";
import type { TPrereqResult } from "@/lib/prerequisites/result";

const FAMILY_MANAGER: Record<TPackageFamily, PackageManager> = {
  apt: "apt-get",
  dnf: "dnf",
  pacman: "pacman",
  apk: "apk",
};

export interface TManualCommands {
  packages: string[];
  command: string;
  sudoersLine: string | null;
  /** Where they come from: the run that stopped, or computed from the report's missing packages. */
  from: "blocked" | "report";
}

/**
 * The commands an operator runs by hand for a result: a blocked run's own, else computed from the
 * report's missing and broken packages with the host's package manager. Null when nothing is missing.
 */
export function manualCommandsFor(
  result: TPrereqResult,
  host: { username: string; facts: Record<string, unknown> | null },
): TManualCommands | null {
  if (result.blocked?.command) {
    return {
      packages: [...result.blocked.missing, ...result.blocked.broken],
      command: result.blocked.command,
      sudoersLine: result.blocked.sudoersLine,
      from: "blocked",
    };
  }
  const report = result.report;
  if (!report) return null;
  const packages = [...new Set([...report.missingPackages, ...report.brokenPackages])];
  if (packages.length === 0) return null;
  const facts = host.facts ?? {};
  const pm =
    typeof facts.packageManager === "string" && isPackageManager(facts.packageManager)
      ? facts.packageManager
      : FAMILY_MANAGER[report.family];
  const path = typeof facts.packageManagerPath === "string" ? facts.packageManagerPath : undefined;
  return {
    packages,
    command: manualInstallCommand(pm, packages),
    sudoersLine: sudoersLineFor(host.username, pm, path),
    from: "report",
  };
}

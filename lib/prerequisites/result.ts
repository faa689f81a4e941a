import type { TPackageFamily, TPrereqProfileId } from "./profiles";
import type { TPrereqReport } from "./report";

export type TPrereqMode = "check" | "install";

/** What a blocked run needs from the operator: exact commands for this host. */
export interface TPrereqBlocked {
  /** "Missing required build dependencies": the packages to install, and those to reinstall. */
  missing: string[];
  broken: string[];
  /** True when sudo is why WebOps could not install them ("Sudo access not available"). */
  sudoUnavailable: boolean;
  sudoSummary: string;
  /** The install command for this host's distro, to run as a user with sudo (or root). */
  command: string;
  /** The sudoers line that lets WebOps install by itself next time, for this host's user. */
  sudoersLine: string | null;
}

/** Operation.result of a prerequisites run. */
export interface TPrereqResult {
  profile: TPrereqProfileId;
  mode: TPrereqMode;
  family: TPackageFamily | null;
  /** The latest check (after installing, when something was installed). */
  report: TPrereqReport | null;
  installed: string[];
  reinstalled: string[];
  blocked: TPrereqBlocked | null;
  /** A distribution WebOps has no package names for: reported, never guessed. */
  unsupported: { os: string; packageManager: string | null } | null;
}

/** A result before anything has been checked. */
export function emptyPrereqResult(profile: TPrereqResult["profile"], mode: TPrereqMode): TPrereqResult {
  return {
    profile,
    mode,
    family: null,
    report: null,
    installed: [],
    reinstalled: [],
    blocked: null,
    unsupported: null,
  };
}

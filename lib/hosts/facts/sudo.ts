import { PACKAGE_MANAGERS, sudoersLineFor } from "./package-managers";
import type { HostFacts, SudoMode } from "./schema";

export interface SudoDescription {
  mode: SudoMode;
  /** Whether WebOps may install missing prerequisites on this host by itself. */
  canInstall: boolean;
  /** One or two sentences for the host page: what sudo allows and why. */
  summary: string;
  /** What the operator can do about it; null when nothing needs doing. */
  fix: { text: string; sudoersLine: string | null } | null;
}

type Facts = Pick<HostFacts, "sudo" | "user" | "packageManager" | "packageManagerPath">;

/** What sudo allows on a host, in the operator's words, with the sudoers line that would fix it. */
export function describeSudo(facts: Facts): SudoDescription {
  const { sudo, packageManager: pm } = facts;
  const user = facts.user ?? "<user>";
  const line = pm ? sudoersLineFor(user, pm, facts.packageManagerPath ?? undefined) : null;
  const tool = pm ?? "the package manager";
  const update = pm ? [pm, ...PACKAGE_MANAGERS[pm].refresh].join(" ") : "the index refresh";
  const install = pm ? [pm, ...PACKAGE_MANAGERS[pm].installVerb].join(" ") : "the install command";
  const addLine = (why: string) => ({
    text: line
      ? `${why} Add this line with \`visudo -f /etc/sudoers.d/webops\` (after any other rule for ${user}: the last matching rule wins):`
      : `${why} No supported package manager was found, so install the prerequisites yourself.`,
    sudoersLine: line,
  });
  const done = (summary: string): SudoDescription => ({
    mode: sudo.mode,
    canInstall: true,
    summary,
    fix: null,
  });
  const refused = (summary: string, fix: SudoDescription["fix"]): SudoDescription => ({
    mode: sudo.mode,
    canInstall: false,
    summary,
    fix,
  });

  switch (sudo.reason) {
    case "root":
      return done("Connected as root: WebOps installs prerequisites without sudo.");
    case "all-commands":
      return done(
        `${user} may run any command with sudo without a password; WebOps can install prerequisites.`,
      );
    case "package-manager":
      return done(
        `${user} may run \`${update}\` and \`${install}\` with sudo without a password; WebOps can install prerequisites.`,
      );
    case "install-without-arguments":
      return refused(
        `Not permitted: the sudoers line allows \`${install}\` without arguments only, so \`sudo -n ${install} -y <package>\` is refused.`,
        {
          text: "End the install command with ` *` so it accepts package names. Replace the line with:",
          sudoersLine: line,
        },
      );
    case "not-installed":
      return refused(
        "sudo is not installed on this host, so WebOps cannot install prerequisites.",
        addLine(`Install them yourself, or install sudo as root (\`${install} sudo\`).`),
      );
    case "not-in-sudoers":
      return refused(
        `${user} has no sudo rule that works without a password and is in none of the groups sudo, wheel or admin: most likely ${user} is not in sudoers at all.`,
        addLine("To let WebOps install prerequisites,"),
      );
    case "password-required":
      return refused(
        `sudo asks ${user} for a password (${sudo.detail ? `${user} is in ${sudo.detail}, whose rule requires one` : "its rule requires one"}); WebOps runs sudo non-interactively and cannot type it.`,
        addLine("To allow package installs without a password,"),
      );
    case "package-manager-needs-password":
      return refused(
        `sudo allows \`${tool}\` for ${user} only with a password: a rule without NOPASSWD matches after the passwordless one.`,
        addLine("Move the passwordless rule below the others."),
      );
    case "requiretty":
      return refused(
        `sudo refuses to run without a terminal (\`Defaults requiretty\`): ${sudo.detail ?? ""}`.trim(),
        {
          text: `Add \`Defaults:${user} !requiretty\` to sudoers${line ? ", and this line if it is missing:" : "."}`,
          sudoersLine: line,
        },
      );
    case "no-package-manager":
      return refused(
        "No supported package manager (apt-get, dnf, yum, zypper, pacman, apk) was found; WebOps cannot install prerequisites here.",
        { text: "Install the prerequisites yourself.", sudoersLine: null },
      );
    case "update-not-permitted":
      return refused(
        `sudo allows \`${install}\` but not \`${update}\` for ${user}: WebOps refreshes the package index before installing.`,
        addLine("Allow both:"),
      );
    case "install-not-permitted":
      return refused(
        `sudo allows \`${update}\` but not \`${install} <package>\` for ${user}.`,
        addLine("Allow both:"),
      );
    case "package-manager-not-permitted":
      return refused(
        `sudo does not allow ${user} to run \`${tool}\` without a password.`,
        addLine("To allow it,"),
      );
    case "sudo-error":
      return refused(
        `sudo failed: ${sudo.detail ?? "no message"}.`,
        addLine("Check the sudo configuration."),
      );
    case "unknown":
      return refused("The host check did not report what sudo allows; check the host again.", null);
  }
}

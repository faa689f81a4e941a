import { PACKAGE_MANAGERS, type PackageManager } from "../hosts/facts/package-managers";
import type { RemoteCommand, SshConnection, TLineHandler } from "../ssh";

/** Messages package managers print when another process holds their lock. */
const LOCK_HELD =
  /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock directory|is another process using it|waiting for process with pid|unable to lock database|Cannot acquire lock|Failed to lock/i;

export interface TInstallPlan {
  packageManager: PackageManager;
  path: string;
  /** Prefix every command with `sudo -n` (not when logged in as root). */
  sudo: boolean;
}

function command(plan: TInstallPlan, args: readonly string[], timeoutMs: number): RemoteCommand {
  // Exactly the commands the sudoers line permits: `<path> update` and `<path> install *`.
  return plan.sudo
    ? { program: "sudo", args: ["-n", plan.path, ...args], timeoutMs }
    : { program: plan.path, args: [...args], timeoutMs };
}

export function refreshCommand(plan: TInstallPlan, timeoutMs: number): RemoteCommand {
  return command(plan, PACKAGE_MANAGERS[plan.packageManager].refresh, timeoutMs);
}

export function installCommand(
  plan: TInstallPlan,
  packages: readonly string[],
  timeoutMs: number,
  reinstall = false,
): RemoteCommand {
  const spec = PACKAGE_MANAGERS[plan.packageManager];
  const again = reinstall && plan.packageManager === "apt-get" ? ["--reinstall"] : [];
  return command(plan, [...spec.installVerb, ...spec.installFlags, ...again, ...packages], timeoutMs);
}

/** What an operator types by hand on this host: `sudo <refresh> && sudo <install> <packages>`. */
export function manualInstallCommand(pm: PackageManager, packages: readonly string[]): string {
  const spec = PACKAGE_MANAGERS[pm];
  const name = pm;
  return `sudo ${[name, ...spec.refresh].join(" ")} && sudo ${[name, ...spec.installVerb, ...spec.installFlags, ...packages].join(" ")}`;
}

/**
 * Runs one package-manager command, streaming every line; while another process holds the package
 * manager's lock it waits and tries again, up to `lockWaitMs` in all.
 */
export async function runPackageCommand(
  connection: SshConnection,
  cmd: RemoteCommand,
  onLine: TLineHandler,
  say: (text: string) => void,
  lockWaitMs: number,
  retryEveryMs = 5000,
): Promise<void> {
  const deadline = Date.now() + lockWaitMs;
  const shown = [cmd.program, ...cmd.args].join(" ");
  for (;;) {
    let lockHeld = false;
    say(`$ ${shown}`);
    const result = await connection.exec(cmd, (stream, text) => {
      if (LOCK_HELD.test(text)) lockHeld = true;
      onLine(stream, text);
    });
    if (result.exitCode === 0) return;
    if (lockHeld && Date.now() + retryEveryMs < deadline) {
      const left = Math.round((deadline - Date.now()) / 1000);
      say(
        `The package manager is busy (another process holds its lock); trying again in ${retryEveryMs / 1000} s (${left} s left)`,
      );
      await new Promise((r) => setTimeout(r, retryEveryMs));
      continue;
    }
    throw new Error(
      lockHeld
        ? `The package manager stayed locked by another process for ${Math.round(lockWaitMs / 1000)} s: \`${shown}\` could not run`
        : `\`${shown}\` exited with ${result.exitCode ?? `signal ${result.signal}`}; see the lines above`,
    );
  }
}

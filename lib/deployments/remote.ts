import type { RemoteCommand } from "../ssh/command";

export const MINUTE = 60_000;
const DEPLOYMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Every command runs as `sh -c <fixed script> sh <deployPath> <id> <args...>`: user text only ever
 * arrives as positional parameters. The prelude resolves a leading `~/` against the remote $HOME.
 */
const PRELUDE = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, run remotely
  'base=$1; id=$2; shift 2; case $base in "~/"*) base="$HOME/${base#"~/"}" ;; "~") base=$HOME ;; esac',
  'dir="$base/deployments/$id"',
  "",
].join("\n");

export function inDeploymentDir(
  deployPath: string,
  deploymentId: string,
  script: string,
  args: readonly string[] = [],
  extra: Partial<Pick<RemoteCommand, "env" | "stdin" | "timeoutMs">> = {},
): RemoteCommand {
  if (!DEPLOYMENT_ID.test(deploymentId))
    throw new Error(`Invalid deployment id ${JSON.stringify(deploymentId)}`);
  return {
    program: "sh",
    args: ["-c", `set -e\n${PRELUDE}${script}`, "sh", deployPath, deploymentId, ...args],
    timeoutMs: MINUTE,
    ...extra,
  };
}

/** Writes `content` (sent on stdin, never argv) to a fixed file name in the deployment folder, atomically. */
export function writeFile(
  deployPath: string,
  id: string,
  name: string,
  content: string,
  mode: string,
): RemoteCommand {
  return inDeploymentDir(
    deployPath,
    id,
    `umask 077\ncat > "$dir/$1.tmp"\nchmod ${mode} "$dir/$1.tmp"\nmv -f "$dir/$1.tmp" "$dir/$1"`,
    [name],
    {
      stdin: content,
    },
  );
}

export type TRun = (
  script: string,
  args?: readonly string[],
  extra?: Partial<RemoteCommand>,
) => RemoteCommand;

/**
 * Free space where the deployment writes: `df -Pk` of its folder (or the deployment path, or the
 * home folder, whichever exists first), one line: "<available KiB> <use%> <mount point>".
 */
export function freeSpaceCommand(deployPath: string, deploymentId: string): RemoteCommand {
  return inDeploymentDir(
    deployPath,
    deploymentId,
    'for p in "$dir" "$base" "$HOME"; do if [ -e "$p" ]; then df -Pk -- "$p" | awk \'NR==2 {print $4, $5, $6}\'; exit 0; fi; done',
  );
}

/** Parses `freeSpaceCommand`'s line; null when it is not one. */
export function parseFreeSpace(
  line: string | undefined,
): { availableKiB: number; usePercent: number } | null {
  const m = /^(\d+) (\d+)% /.exec(`${line ?? ""} `);
  return m ? { availableKiB: Number(m[1]), usePercent: Number(m[2]) } : null;
}

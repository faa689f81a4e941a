import type { RemoteCommand } from "../ssh/command";
import { containerName, systemdUnitName } from "./commands";
import { inDeploymentDir } from "./remote";
import type { TDeploymentSpec } from "./schema";
import { FILES } from "./service-files";
import type { TStepFacts } from "./steps";

/** Exit codes of `serviceStateCommand`. */
export const SERVICE_STATE = { alive: 0, exited: 3, unknown: 4 } as const;

/**
 * Whether vLLM's process is alive: exit 0 alive, 3 exited (with the reason on stdout), 4 not
 * started yet (no pid file). A process that has exited while the panel waits for /health is failure.
 */
export function serviceStateCommand(
  spec: TDeploymentSpec,
  dirId: string,
  deployPath: string,
  facts: Pick<TStepFacts, "systemd">,
): RemoteCommand {
  if (spec.install.method === "container") {
    return inDeploymentDir(
      deployPath,
      dirId,
      [
        `state=$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$1" 2>/dev/null) || { echo "no container $1"; exit 3; }`,
        'case $state in running*) exit 0 ;; *) echo "container $state"; exit 3 ;; esac',
      ].join("\n"),
      [containerName(dirId)],
    );
  }
  if (facts.systemd) {
    return inDeploymentDir(
      deployPath,
      dirId,
      [
        'unit=$1; if [ "$(id -u)" = 0 ]; then set -- systemctl; else set -- systemctl --user; fi',
        'state=$("$@" is-active "$unit" 2>/dev/null) || true',
        'case $state in active|activating|reloading) exit 0 ;; *) echo "unit $state"; exit 3 ;; esac',
      ].join("\n"),
      [systemdUnitName(dirId)],
    );
  }
  return inDeploymentDir(
    deployPath,
    dirId,
    [
      `[ -f "$dir/${FILES.vllmPid}" ] || { [ -f "$dir/${FILES.supervisorPid}" ] && exit 4; echo "not started"; exit 3; }`,
      `pid=$(cat "$dir/${FILES.vllmPid}")`,
      'kill -0 "$pid" 2>/dev/null && exit 0',
      'echo "process $pid has exited"; exit 3',
    ].join("\n"),
  );
}

/** After a stop: waits (up to 30 s) until the supervised process is gone, so a new one can take the port. */
export function waitStoppedCommand(dirId: string, deployPath: string): RemoteCommand {
  return inDeploymentDir(
    deployPath,
    dirId,
    [
      // The stop saved both pids before it signalled them: the supervisor removes its pid files
      // before it exits, and vLLM may outlive it by a moment. A zombie (state Z) has ended.
      `pids=$(cat "$dir/${FILES.stoppingPids}" "$dir/${FILES.supervisorPid}" "$dir/${FILES.vllmPid}" 2>/dev/null) || true`,
      'running() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ "$(sed \'s/.*) //\' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }',
      'anyRunning() { for p in $pids; do running "$p" && return 0; done; return 1; }',
      "i=0",
      "while anyRunning; do",
      '  i=$((i+1)); [ $i -gt 60 ] && { echo "still running after 30 s" >&2; exit 1; }',
      "  sleep 0.5",
      "done",
      `rm -f "$dir/${FILES.supervisorPid}" "$dir/${FILES.vllmPid}" "$dir/${FILES.stoppingPids}"`,
    ].join("\n"),
    [],
    { timeoutMs: 45_000 },
  );
}

/** Prints "listening" or "free" for a TCP port, from /proc (no ss or netstat needed). */
export function portStateCommand(dirId: string, deployPath: string, port: number): RemoteCommand {
  return inDeploymentDir(
    deployPath,
    dirId,
    [
      'hex=$(printf "%04X" "$1")',
      "for f in /proc/net/tcp /proc/net/tcp6; do",
      '  [ -r "$f" ] || continue',
      '  if awk -v p=":$hex" \'$4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }\' "$f"; then echo listening; exit 0; fi',
      "done",
      "echo free",
    ].join("\n"),
    [String(port)],
  );
}

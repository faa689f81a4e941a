import { createHash } from "node:crypto";
import { type RemoteCommand, toShell } from "../ssh/command";
import type { TPipelineStage } from "./pipeline-stages";
import type { TStep } from "./steps";

export { isPipelineStage, PIPELINE, PIPELINE_STAGES, type TPipelineStage } from "./pipeline-stages";

/** Stages whose work may be found already in place on a redeploy of the same folder. */
export const SKIPPABLE: ReadonlySet<TPipelineStage> = new Set([
  "install-runtime",
  "fetch-model",
  "configure-service",
  "start",
]);

/**
 * The fingerprint of a stage's work: its exact commands (stdin included, so a changed settings file
 * counts). `start` also depends on everything before it: a new runtime, model or unit means a restart.
 */
export function stageFingerprints(steps: readonly TStep[]): Partial<Record<TPipelineStage, string>> {
  const of = (stage: string) =>
    hash(
      steps
        .filter((s) => s.stage === stage)
        .map((s) => JSON.stringify([toShell(s.command), s.command.stdin ?? ""])),
    );
  const prints: Partial<Record<TPipelineStage, string>> = {
    preflight: of("preflight"),
    "install-runtime": of("install-runtime"),
    "fetch-model": of("fetch-model"),
    "configure-service": hash([of("configure-service"), of("preflight")]),
  };
  prints.start = hash([
    of("start"),
    prints["install-runtime"] ?? "",
    prints["fetch-model"] ?? "",
    prints["configure-service"] ?? "",
  ]);
  return prints;
}

function hash(parts: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/** Where a stage's process group id is kept on the host, per deployment folder. */
const PGID_DIR = '"$HOME/.cache/webops"';

/**
 * Runs a stage's command so it can be stopped as a whole: the SSH session's process group id is
 * written to ~/.cache/webops/<dir>.pgid first (sshd puts each command in a session of its own),
 * then the command replaces the wrapper. The command travels as one quoted argument.
 */
export function inStageGroup(dirId: string, command: RemoteCommand): RemoteCommand {
  return {
    program: "sh",
    args: [
      "-c",
      `d=${PGID_DIR}; mkdir -p "$d"; read -r _ _ _ _ g _ < /proc/$$/stat; echo "$g" > "$d/$1.pgid"; shift; exec sh -c "$1"`,
      "sh",
      dirId,
      toShell({ ...command, stdin: undefined, timeoutMs: undefined }),
    ],
    ...(command.stdin !== undefined ? { stdin: command.stdin } : {}),
    ...(command.timeoutMs !== undefined ? { timeoutMs: command.timeoutMs } : {}),
  };
}

/** Stops whatever a stage left running in that folder's process group (cancel, or a lost worker). */
export function killStageGroupCommand(dirId: string): RemoteCommand {
  return {
    program: "sh",
    args: [
      "-c",
      [
        `f=${PGID_DIR}/"$1.pgid"`,
        '[ -f "$f" ] || exit 0',
        'g=$(cat "$f"); rm -f "$f"',
        'case $g in ""|*[!0-9]*) exit 0 ;; esac',
        // Not our own group: this command runs in a session of its own.
        'read -r _ _ _ _ own _ < /proc/$$/stat; [ "$g" = "$own" ] && exit 0',
        'kill -TERM "-$g" 2>/dev/null || exit 0',
        'i=0; while kill -0 "-$g" 2>/dev/null && [ $i -lt 10 ]; do sleep 0.5; i=$((i+1)); done',
        'kill -KILL "-$g" 2>/dev/null || true',
        'echo "stopped process group $g"',
      ].join("\n"),
      "sh",
      dirId,
    ],
    timeoutMs: 30_000,
  };
}

/** Exit 0 when the stage's marker in the folder holds this fingerprint: its work is in place. */
export function markerMatchesCommand(
  run: (script: string, args?: readonly string[]) => RemoteCommand,
  stage: TPipelineStage,
  fingerprint: string,
): RemoteCommand {
  return run('[ -d "$dir" ] && [ "$(cat "$dir/.webops/$1" 2>/dev/null)" = "$2" ]', [stage, fingerprint]);
}

export function writeMarkerCommand(
  run: (script: string, args?: readonly string[]) => RemoteCommand,
  stage: TPipelineStage,
  fingerprint: string,
): RemoteCommand {
  return run('mkdir -p "$dir/.webops"\nprintf "%s" "$2" > "$dir/.webops/$1"', [stage, fingerprint]);
}

/** Removes a stage's marker before it runs, so an interrupted run is never mistaken for a finished one. */
export function clearMarkerCommand(
  run: (script: string, args?: readonly string[]) => RemoteCommand,
  stage: TPipelineStage,
): RemoteCommand {
  return run('rm -f "$dir/.webops/$1"', [stage]);
}

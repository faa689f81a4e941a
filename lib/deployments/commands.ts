import { type RemoteCommand, toShell } from "../ssh/command";
import { fetchSteps, installSteps } from "./install-steps";
import { inDeploymentDir, MINUTE, type TRun, writeFile } from "./remote";
import type { TDeploymentSpec } from "./schema";
import {
  envFileContent,
  FILES,
  serveArgs,
  serveScript,
  superviseScript,
  systemdUnitTemplate,
  type TDevice,
  targetDevice,
} from "./service-files";
import type { TStepFacts as TFacts, TStep } from "./steps";

// The one entry point for the pipeline's remote commands; the pieces live in their own files.
export { chatCompletionsUrl, healthUrl, sanityRequestBody } from "./endpoints";
export { maxJobsFor } from "./install-steps";
export type { TStage, TStep, TStepFacts } from "./steps";

export function containerName(deploymentId: string): string {
  return `webops-vllm-${deploymentId}`;
}

export function systemdUnitName(deploymentId: string): string {
  return `webops-vllm-${deploymentId}.service`;
}

/** The commands of every stage, in order, for a validated spec. */
export function deploymentSteps(
  spec: TDeploymentSpec,
  deploymentId: string,
  deployPath: string,
  facts: TFacts,
): TStep[] {
  const device = targetDevice(spec, facts);
  const run = (script: string, args: readonly string[] = [], extra = {}) =>
    inDeploymentDir(deployPath, deploymentId, script, args, extra);
  const steps: TStep[] = [
    {
      stage: "preflight",
      title: "Create the deployment folder (mode 0700) and print its full path",
      command: run('mkdir -p "$dir/logs" "$dir/hf-cache"\nchmod 700 "$dir"\nprintf "%s\\n" "$dir"'),
    },
    {
      stage: "preflight",
      title: "Write the secrets and settings file service.env (mode 0600; its contents never reach argv)",
      command: writeFile(deployPath, deploymentId, FILES.env, envFileContent(spec, device), "600"),
    },
  ];
  steps.push(...installSteps(spec, device, facts, run));
  steps.push(...fetchSteps(spec, run));
  steps.push(...serviceSteps(spec, deploymentId, deployPath, device, facts, run));
  return steps;
}

/** `docker run` arguments after the fixed ones (name, restart, env file, cache mount) the script adds. */
export function containerRunArgs(spec: TDeploymentSpec, device: TDevice): string[] {
  if (spec.install.method !== "container") throw new Error("Not a container deployment");
  const { host, port } = spec.serve;
  const publishHost = host.includes(":") ? `[${host}]` : host;
  const args = [
    ...(device === "gpu" ? ["--gpus", "all"] : []),
    "--ipc=host",
    "-p",
    `${publishHost}:${port}:${port}`,
  ];
  const model = spec.model.source === "hf" ? spec.model.repo : "/model";
  if (spec.model.source === "path") args.push("-v", `${spec.model.path}:/model:ro`);
  args.push(`${spec.install.image}:${spec.install.tag}`, ...serveArgs(spec, device, model, "0.0.0.0"));
  return args;
}

function serviceSteps(
  spec: TDeploymentSpec,
  deploymentId: string,
  deployPath: string,
  device: TDevice,
  facts: TFacts,
  run: TRun,
): TStep[] {
  if (spec.install.method === "container") {
    return [
      {
        stage: "start",
        title: `Start the container ${containerName(deploymentId)} (API key from service.env, not argv)`,
        command: run(
          [
            'docker rm -f "webops-vllm-$id" >/dev/null 2>&1 || true',
            `exec docker run -d --name "webops-vllm-$id" --restart unless-stopped --env-file "$dir/${FILES.env}" -v "$dir/hf-cache:/root/.cache/huggingface" "$@"`,
          ].join("\n"),
          containerRunArgs(spec, device),
          { timeoutMs: 5 * MINUTE },
        ),
      },
    ];
  }
  const steps: TStep[] = [
    {
      stage: "configure-service",
      title: "Write serve.sh, the vllm serve command line",
      command: writeFile(deployPath, deploymentId, FILES.serve, serveScript(spec, device), "700"),
    },
  ];
  if (facts.systemd) {
    steps.push(
      {
        stage: "configure-service",
        title: `Install the systemd unit ${systemdUnitName(deploymentId)} (a user unit unless logged in as root)`,
        command: run(
          [
            'case $dir in *[!A-Za-z0-9._/@+-]*) echo "The folder $dir has characters a systemd unit cannot hold" >&2; exit 3 ;; esac',
            'if [ "$(id -u)" = 0 ]; then unitdir=/etc/systemd/system; set -- systemctl; else unitdir="$HOME/.config/systemd/user"; set -- systemctl --user; fi',
            'mkdir -p "$unitdir"',
            'sed "s|@DIR@|$dir|g" > "$unitdir/webops-vllm-$id.service"',
            '"$@" daemon-reload',
            '"$@" enable "webops-vllm-$id.service"',
          ].join("\n"),
          [],
          { stdin: systemdUnitTemplate(deploymentId) },
        ),
      },
      {
        stage: "start",
        title: `Start ${systemdUnitName(deploymentId)}`,
        command: run(
          'if [ "$(id -u)" = 0 ]; then set -- systemctl; else set -- systemctl --user; fi\n"$@" restart "webops-vllm-$id.service"',
        ),
      },
    );
    return steps;
  }
  steps.push(
    {
      stage: "configure-service",
      title: "Write supervise.sh, which restarts vLLM when it exits (no systemd on this host)",
      command: writeFile(deployPath, deploymentId, FILES.supervise, superviseScript(), "700"),
    },
    {
      stage: "start",
      title: "Start vLLM under supervise.sh in its own session (pid file supervisor.pid, log logs/vllm.log)",
      command: run(
        [
          `if [ -f "$dir/${FILES.supervisorPid}" ] && kill -0 "$(cat "$dir/${FILES.supervisorPid}")" 2>/dev/null; then echo "already running"; exit 0; fi`,
          `rm -f "$dir/${FILES.stop}" "$dir/${FILES.stoppingPids}"`,
          `setsid nohup /bin/sh "$dir/${FILES.supervise}" </dev/null >>"$dir/logs/supervisor.log" 2>&1 &`,
          'echo "started"',
        ].join("\n"),
      ),
    },
  );
  return steps;
}

/** Stops the service without deleting the deployment; used by cancel and redeploy. */
export function stopCommand(
  spec: TDeploymentSpec,
  deploymentId: string,
  deployPath: string,
  facts: TFacts,
): RemoteCommand {
  if (spec.install.method === "container") {
    return inDeploymentDir(
      deployPath,
      deploymentId,
      'docker rm -f "webops-vllm-$id" >/dev/null 2>&1 || true',
    );
  }
  if (facts.systemd) {
    return inDeploymentDir(
      deployPath,
      deploymentId,
      'if [ "$(id -u)" = 0 ]; then set -- systemctl; else set -- systemctl --user; fi\n"$@" stop "webops-vllm-$id.service" || true',
    );
  }
  return inDeploymentDir(
    deployPath,
    deploymentId,
    [
      `touch "$dir/${FILES.stop}"`,
      `cat "$dir/${FILES.supervisorPid}" "$dir/${FILES.vllmPid}" >"$dir/${FILES.stoppingPids}" 2>/dev/null || true`,
      `if [ -f "$dir/${FILES.supervisorPid}" ]; then kill -TERM "-$(cat "$dir/${FILES.supervisorPid}")" 2>/dev/null || true; fi`,
    ].join("\n"),
  );
}

const MASK = "********";

/**
 * The Review step's list: each step's title and its exact shell line, with the content of files
 * it writes. Secrets are shown as ********; they are never on a command line anyway.
 */
export function describeCommands(
  spec: TDeploymentSpec,
  facts: TFacts,
  options: { deploymentId?: string; deployPath?: string } = {},
): string[] {
  const steps = deploymentSteps(spec, options.deploymentId ?? "new", options.deployPath ?? "~/webops", facts);
  const secrets = [spec.serve.apiKey, spec.hfToken].filter((s): s is string => s !== undefined);
  const mask = (text: string) => secrets.reduce((t, s) => t.replaceAll(s, MASK), text);
  return steps.map((step) => {
    const parts = [`[${step.stage}] ${step.title}`, `$ ${toShell(step.command)}`];
    if (step.command.stdin !== undefined && step.command.stdin !== "")
      parts.push(`stdin:\n${step.command.stdin}`);
    return mask(parts.join("\n"));
  });
}

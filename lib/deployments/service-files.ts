import type { HostFacts } from "../hosts/facts/schema";
import { quote } from "../ssh/command";
import { CPU_TORCH_INDEX, PUBLIC_PYPI, type TDeploymentSpec } from "./schema";

/** Files written into the deployment folder; fixed names, never user text. */
export const FILES = {
  env: "service.env",
  serve: "serve.sh",
  supervise: "supervise.sh",
  supervisorPid: "supervisor.pid",
  vllmPid: "vllm.pid",
  /** The supervisor's and vLLM's pids as a stop found them, for the wait after it. */
  stoppingPids: "stopping.pids",
  stop: "stop",
  log: "logs/vllm.log",
} as const;

export type TDevice = "gpu" | "cpu";

/** Where vLLM runs: the CPU wheel and the source build are CPU; a container uses the GPUs it finds. */
export function targetDevice(spec: TDeploymentSpec, facts: Pick<HostFacts, "gpus">): TDevice {
  switch (spec.install.method) {
    case "pip":
      return spec.install.variant;
    case "source":
      return "cpu";
    case "container":
      return facts.gpus.length > 0 ? "gpu" : "cpu";
  }
}

/** The CPU torch index is only added next to the public index; a mirror is trusted to carry CPU torch itself. */
export function pipIndexArgs(indexUrl: string, device: TDevice): string[] {
  const args = ["--index-url", indexUrl];
  if (device === "cpu" && indexUrl.replace(/\/+$/, "") === PUBLIC_PYPI)
    args.push("--extra-index-url", CPU_TORCH_INDEX);
  return args;
}

/**
 * The `vllm serve` arguments, model first. `model` is what vLLM loads (a repo id or a folder) and
 * `bindHost` where it listens (inside a container, 0.0.0.0 so the published port reaches it).
 * The API key is not here: vLLM reads VLLM_API_KEY from the environment.
 */
export function serveArgs(spec: TDeploymentSpec, device: TDevice, model: string, bindHost: string): string[] {
  const s = spec.serve;
  const args = [
    model,
    "--served-model-name",
    spec.servedModelName,
    "--host",
    bindHost,
    "--port",
    String(s.port),
  ];
  if (spec.model.source === "hf") args.push("--revision", spec.model.revision);
  args.push("--dtype", s.dtype, "--tensor-parallel-size", String(s.tensorParallelSize));
  if (device === "gpu" && s.gpuMemoryUtilization !== undefined) {
    args.push("--gpu-memory-utilization", String(s.gpuMemoryUtilization));
  }
  if (s.maxModelLen !== undefined) args.push("--max-model-len", String(s.maxModelLen));
  if (s.quantization !== "none") args.push("--quantization", s.quantization);
  args.push(...s.extraArgs);
  return args;
}

/** The 0600 env file: secrets and CPU tuning, read by serve.sh, the model download and `docker --env-file`. */
export function envFileContent(spec: TDeploymentSpec, device: TDevice): string {
  const lines: string[] = [];
  if (spec.serve.apiKey !== undefined) lines.push(`VLLM_API_KEY=${spec.serve.apiKey}`);
  if (spec.hfToken !== undefined) lines.push(`HF_TOKEN=${spec.hfToken}`);
  if (device === "cpu") {
    if (spec.serve.cpuKvCacheSpaceGiB !== undefined)
      lines.push(`VLLM_CPU_KVCACHE_SPACE=${spec.serve.cpuKvCacheSpaceGiB}`);
    if (spec.serve.cpuThreadsBind !== undefined)
      lines.push(`VLLM_CPU_OMP_THREADS_BIND=${spec.serve.cpuThreadsBind}`);
  }
  return lines.map((l) => `${l}\n`).join("");
}

/** serve.sh finds its own folder, so it holds no absolute path; its arguments are quoted by `quote`. */
export function serveScript(spec: TDeploymentSpec, device: TDevice): string {
  const model = spec.model.source === "hf" ? spec.model.repo : spec.model.path;
  const argv = serveArgs(spec, device, model, spec.serve.host).map(quote).join(" ");
  return [
    "#!/bin/sh",
    "# Written by WebOps. Starts vLLM for this deployment; secrets come from service.env, never argv.",
    "set -eu",
    'dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
    `set -a; . "$dir/${FILES.env}"; set +a`,
    'export HF_HOME="$dir/hf-cache"',
    `exec "$dir/venv/bin/vllm" serve ${argv}`,
    "",
  ].join("\n");
}

/** Used where the host has no systemd: runs serve.sh, restarts it 10 s after it exits, until told to stop. */
export function superviseScript(): string {
  return [
    "#!/bin/sh",
    "# Written by WebOps. Supervises serve.sh; stop with: touch stop; kill -TERM -<pid in supervisor.pid>",
    'dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd) || exit 1',
    `echo $$ > "$dir/${FILES.supervisorPid}"`,
    "child=",
    `trap 'touch "$dir/${FILES.stop}"; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT`,
    "restarts=0",
    `while [ ! -e "$dir/${FILES.stop}" ]; do`,
    `  /bin/sh "$dir/${FILES.serve}" >>"$dir/${FILES.log}" 2>&1 &`,
    "  child=$!",
    `  echo "$child" > "$dir/${FILES.vllmPid}"`,
    '  wait "$child"; code=$?',
    `  if [ -e "$dir/${FILES.stop}" ]; then wait "$child" 2>/dev/null; break; fi`,
    "  restarts=$((restarts + 1))",
    `  echo "webops: vllm exited with status $code (restart $restarts); restarting in 10 s" >>"$dir/${FILES.log}"`,
    "  sleep 10",
    "done",
    `rm -f "$dir/${FILES.vllmPid}" "$dir/${FILES.supervisorPid}"`,
    "",
  ].join("\n");
}

/** The systemd unit; `@DIR@` is replaced on the host by the resolved deployment folder. */
export function systemdUnitTemplate(deploymentId: string): string {
  return [
    "[Unit]",
    `Description=WebOps vLLM deployment ${deploymentId}`,
    "After=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    "ExecStart=/bin/sh @DIR@/serve.sh",
    "Restart=on-failure",
    "RestartSec=10",
    "TimeoutStopSec=60",
    "KillMode=control-group",
    "StandardOutput=append:@DIR@/logs/vllm.log",
    "StandardError=append:@DIR@/logs/vllm.log",
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

export function systemdUnitText(deploymentId: string, dir: string): string {
  return systemdUnitTemplate(deploymentId).replaceAll("@DIR@", dir);
}

import { AppError } from "../../errors";
import { quote } from "../../ssh/command";
import { containerName, containerRunArgs, systemdUnitName } from "../commands";
import type { TDeploymentSpec } from "../schema";
import { FILES, serveScript, systemdUnitText, type TDevice } from "../service-files";
import { exportDevice, HF_CACHE_PATH, plainEnv, SECRET_ENV } from "./common";

export type TSystemdOptions = {
  deploymentId: string;
  /** The deployment folder on the target host; the unit names it in full. */
  dir: string;
  device?: TDevice;
};

export type TExportFile = { path: string; content: string; mode: number };

export type TSystemdExport = {
  unitName: string;
  /** The unit, serve.sh, and a service.env with the secret names but not their values. */
  files: TExportFile[];
  /** What to run on the host, as root, once the files are in place. */
  instructions: string[];
};

/** What a systemd unit line can hold without escaping (the same rule the pipeline applies on the host). */
const UNIT_SAFE_DIR = /^\/[A-Za-z0-9._/@+-]*$/;
const DEPLOYMENT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The systemd unit WebOps installs for this deployment, with the serve.sh it starts, for a host the
 * panel does not manage. Pip and source installs run vLLM from the folder's virtual environment, as
 * the pipeline does; a container install runs `docker run` in the foreground so systemd supervises
 * it. service.env lists the secrets' names with empty values, to be filled in on the host.
 */
export function systemdUnitExport(spec: TDeploymentSpec, opts: TSystemdOptions): TSystemdExport {
  if (!DEPLOYMENT_ID.test(opts.deploymentId)) {
    throw new AppError("validation", "Deployment id: letters, digits, _ and -", {
      deploymentId: "Letters, digits, _ and -",
    });
  }
  const dir = opts.dir.replace(/\/+$/, "");
  if (!UNIT_SAFE_DIR.test(dir) || dir.split("/").includes("..")) {
    throw new AppError(
      "validation",
      "Folder: an absolute path of letters, digits and . _ / @ + - (a systemd unit cannot hold others)",
      { dir: "An absolute path of letters, digits and . _ / @ + -" },
    );
  }
  const device = exportDevice(spec, opts.device);
  const unitName = systemdUnitName(opts.deploymentId);
  const script =
    spec.install.method === "container"
      ? containerServeScript(spec, opts.deploymentId, device)
      : serveScript(spec, device);
  return {
    unitName,
    files: [
      { path: unitName, content: systemdUnitText(opts.deploymentId, dir), mode: 0o644 },
      { path: `${dir}/${FILES.serve}`, content: script, mode: 0o700 },
      { path: `${dir}/${FILES.env}`, content: envTemplate(spec, device), mode: 0o600 },
    ],
    instructions: [
      `mkdir -p ${dir}/logs ${dir}/hf-cache && chmod 700 ${dir}`,
      `install -m 644 ${unitName} /etc/systemd/system/${unitName}`,
      `systemctl daemon-reload && systemctl enable --now ${unitName}`,
      ...(spec.install.method === "container"
        ? []
        : [`The unit runs ${dir}/venv/bin/vllm: install vLLM into that virtual environment first.`]),
    ],
  };
}

/** service.env without secret values: the names to fill in, then the non-secret settings. */
function envTemplate(spec: TDeploymentSpec, device: TDevice): string {
  const lines = ["# Written by WebOps. Mode 0600: fill in the values on the host, never in a repository."];
  if (spec.serve.apiKey !== undefined) {
    lines.push(`# Required: left empty, vLLM serves without an API key.`, `${SECRET_ENV.apiKey}=`);
  }
  if (spec.hfToken !== undefined) {
    lines.push(`# Required for gated and private models: the Hugging Face token.`, `${SECRET_ENV.hfToken}=`);
  }
  for (const [name, value] of plainEnv(spec, device)) {
    if (name.startsWith("VLLM_CPU_")) lines.push(`${name}=${value}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Like the pipeline's container start, but in the foreground and removed on exit, for systemd. */
function containerServeScript(spec: TDeploymentSpec, deploymentId: string, device: TDevice): string {
  const name = containerName(deploymentId);
  const args = containerRunArgs(spec, device).map(quote).join(" ");
  return [
    "#!/bin/sh",
    "# Written by WebOps. Runs vLLM's container for systemd; secrets come from service.env, never argv.",
    "set -eu",
    'dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
    `docker rm -f ${name} >/dev/null 2>&1 || true`,
    `exec docker run --rm --name ${name} --env-file "$dir/${FILES.env}" -v "$dir/hf-cache:${HF_CACHE_PATH}" ${args}`,
    "",
  ].join("\n");
}

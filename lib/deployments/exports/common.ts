import { Document } from "yaml";
import { AppError } from "../../errors";
import type { TDeploymentSpec } from "../schema";
import type { TDevice } from "../service-files";

// What the Compose, Kubernetes and systemd exports share. Every function here is pure: a spec in,
// data out. Secrets never enter an export: the API key and the Hugging Face token are referenced by
// name (a Kubernetes Secret, a Compose variable, service.env), never written.

/** Environment variable names vLLM and huggingface_hub read; the same names service.env uses. */
export const SECRET_ENV = { apiKey: "VLLM_API_KEY", hfToken: "HF_TOKEN" } as const;

/** Where the official image's root user keeps the Hugging Face cache (downloads survive restarts). */
export const HF_CACHE_PATH = "/root/.cache/huggingface";
/** llm-d's convention: compile caches under /tmp/cache/compile/<name>, a pod volume on /tmp/cache. */
export const CACHE_MOUNT_PATH = "/tmp/cache";
export const VLLM_CACHE_ROOT = "/tmp/cache/compile/vllm";
/** A folder model is mounted here, read-only, as the container run does. */
export const CONTAINER_MODEL_PATH = "/model";

/** vLLM's CPU images are published outside Docker Hub; the GPU image is vllm/vllm-openai. */
const CPU_IMAGE = "public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo";
const GPU_IMAGE = "vllm/vllm-openai";
const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,511}$/;

/**
 * Where vLLM runs in the exported container: pip and source installs say so themselves; a container
 * install uses the GPUs unless the caller says the target has none.
 */
export function exportDevice(spec: TDeploymentSpec, device?: TDevice): TDevice {
  if (device !== undefined) return device;
  switch (spec.install.method) {
    case "pip":
      return spec.install.variant;
    case "source":
      return "cpu";
    case "container":
      return "gpu";
  }
}

/**
 * The image to run: the deployment's own for container installs, otherwise vLLM's image at the
 * pinned pip version (`0.8.5` is tagged `v0.8.5`, a local part such as `+cpu` dropped), else latest.
 */
export function exportImage(spec: TDeploymentSpec, device: TDevice, image?: string): string {
  if (image !== undefined) {
    const trimmed = image.trim();
    if (!IMAGE_REF.test(trimmed)) {
      throw new AppError("validation", "Image: a reference such as vllm/vllm-openai:v0.8.5, on one line", {
        image: "A reference such as vllm/vllm-openai:v0.8.5",
      });
    }
    return trimmed;
  }
  const install = spec.install;
  if (install.method === "container") return `${install.image}:${install.tag}`;
  const version = install.method === "pip" ? install.version : undefined;
  const tag = version === undefined ? "latest" : `v${version.replace(/\+.*$/, "")}`;
  return `${device === "cpu" ? CPU_IMAGE : GPU_IMAGE}:${tag}`;
}

/** What vLLM loads inside the container: the repo id, or the mounted folder. */
export function containerModel(spec: TDeploymentSpec): string {
  return spec.model.source === "hf" ? spec.model.repo : CONTAINER_MODEL_PATH;
}

/** `--pipeline-parallel-size` from the extra arguments (the only place it can be set), or 1. */
export function pipelineParallelSize(spec: TDeploymentSpec): number {
  const args = spec.serve.extraArgs;
  const i = args.indexOf("--pipeline-parallel-size");
  const value = i >= 0 ? Number(args[i + 1]) : 1;
  return Number.isInteger(value) && value > 0 ? value : 1;
}

export type TParallelLayout = {
  /** Hosts (pods) one model replica spans. */
  nodes: number;
  /** GPUs each of those hosts gives vLLM; 0 on CPU. */
  gpusPerNode: number;
  /** Arguments the export appends to `vllm serve` for this layout. */
  extraServeArgs: string[];
};

/**
 * How one replica is spread over hosts. On one host vLLM uses tensor x pipeline parallel GPUs. Across
 * several, each host holds one pipeline stage of `tensorParallelSize` GPUs (vLLM's advice: tensor
 * parallel inside a host, pipeline parallel across hosts), so `--pipeline-parallel-size` equals the
 * node count, added when the operator did not set it.
 */
export function parallelLayout(spec: TDeploymentSpec, device: TDevice, nodes = 1): TParallelLayout {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 64) {
    throw new AppError("validation", "Nodes: a whole number of hosts from 1 to 64", {
      nodes: "A whole number from 1 to 64",
    });
  }
  const tp = spec.serve.tensorParallelSize;
  const pp = pipelineParallelSize(spec);
  const gpu = device === "gpu";
  if (nodes === 1) return { nodes, gpusPerNode: gpu ? tp * pp : 0, extraServeArgs: [] };
  if (!gpu) {
    throw new AppError(
      "validation",
      "A model spread over several hosts needs GPUs; this deployment runs on CPU",
      {
        nodes: "Use 1 for a CPU deployment",
      },
    );
  }
  const given = spec.serve.extraArgs.includes("--pipeline-parallel-size");
  if (given && pp !== nodes) {
    throw new AppError(
      "validation",
      `The extra argument --pipeline-parallel-size ${pp} does not match ${nodes} hosts: vLLM places one pipeline stage on each host. Set the node count to ${pp}, or change the argument.`,
      { nodes: `Use ${pp}, the pipeline parallel size` },
    );
  }
  return {
    nodes,
    gpusPerNode: tp,
    extraServeArgs: given ? [] : ["--pipeline-parallel-size", String(nodes)],
  };
}

/** Environment the exported container gets besides secrets: the compile cache and CPU tuning. */
export function plainEnv(spec: TDeploymentSpec, device: TDevice): [string, string][] {
  const env: [string, string][] = [["VLLM_CACHE_ROOT", VLLM_CACHE_ROOT]];
  if (device === "cpu") {
    if (spec.serve.cpuKvCacheSpaceGiB !== undefined)
      env.push(["VLLM_CPU_KVCACHE_SPACE", String(spec.serve.cpuKvCacheSpaceGiB)]);
    if (spec.serve.cpuThreadsBind !== undefined)
      env.push(["VLLM_CPU_OMP_THREADS_BIND", spec.serve.cpuThreadsBind]);
  }
  return env;
}

/** The secret variables this spec needs, by name only. */
export function secretEnvNames(spec: TDeploymentSpec): string[] {
  const names: string[] = [];
  if (spec.serve.apiKey !== undefined) names.push(SECRET_ENV.apiKey);
  if (spec.hfToken !== undefined) names.push(SECRET_ENV.hfToken);
  return names;
}

/** A Kubernetes label value: at most 63 of A-Z a-z 0-9 - _ . , starting and ending alphanumeric. */
export function labelValue(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return cleaned === "" ? "model" : cleaned;
}

/**
 * A name for Kubernetes objects and the Compose project, from the served model name when none is
 * given: `vllm-qwen-qwen2-5-0-5b-instruct`.
 */
export function exportName(spec: TDeploymentSpec, name?: string): string {
  if (name !== undefined) {
    if (!K8S_NAME.test(name)) {
      throw new AppError(
        "validation",
        "Name: lower-case letters, digits and -, starting with a letter, at most 52 characters",
        { name: "Lower-case letters, digits and -, starting with a letter, at most 52 characters" },
      );
    }
    return name;
  }
  const base = `vllm-${spec.servedModelName.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return base.slice(0, 52).replace(/-+$/, "");
}

/** DNS-1035 (Service names), kept to 52 so StatefulSet revision labels still fit in 63. */
const K8S_NAME = /^[a-z]([-a-z0-9]{0,50}[a-z0-9])?$/;

/**
 * YAML read by YAML 1.1 parsers too (kubectl's and Compose's libraries): strings such as `on`,
 * `no` or `8000:8000` are quoted so they stay strings; long lines are not folded.
 */
export function toYaml(value: unknown, comment?: string): string {
  // No anchors: objects the exports share (labels, probe actions) are written out in full each time.
  const doc = new Document(value, { version: "1.1", aliasDuplicateObjects: false });
  if (comment !== undefined) doc.commentBefore = comment;
  return doc.toString({ lineWidth: 0 });
}

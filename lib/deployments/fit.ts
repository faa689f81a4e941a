import type { HostFacts } from "../hosts/facts/schema";
import type { TDeploymentSpec } from "./schema";
import { targetDevice } from "./service-files";

export type TFitStatus = "ok" | "warn" | "fail";
export interface TFitResult {
  check: "model-size" | "memory" | "disk" | "port" | "exposure";
  status: TFitStatus;
  message: string;
}

export interface TFitOptions {
  /** Parameter count in billions, when the operator knows it; otherwise guessed from the name ("8B"). */
  paramsBillion?: number;
  /** The model folder's size on disk, when known: better than any estimate. */
  modelBytes?: number;
  /** Ports already listening on the host, when known. */
  listeningPorts?: readonly number[];
}

const GiB = 1024 ** 3;
/** The virtual environment (torch and vLLM) or the container image, roughly. */
const RUNTIME_DISK_BYTES = 10 * GiB;
/** CUDA context, activations and CUDA graphs per GPU, roughly. */
const GPU_OVERHEAD_BYTES = 1.5 * GiB;
/** vLLM's CPU backend reserves 4 GiB for the KV cache unless VLLM_CPU_KVCACHE_SPACE says otherwise. */
const CPU_DEFAULT_KV_BYTES = 4 * GiB;

type TFacts = Pick<HostFacts, "gpus" | "memoryKiB" | "memoryAvailableKiB" | "disk">;

/** "Llama-3.1-8B-Instruct" → 8, "Qwen2.5-0.5B" → 0.5, "Mixtral-8x7B" → 56; null when the name says nothing. */
export function paramsFromName(name: string): number | null {
  const moe = /(?:^|[^A-Za-z0-9.])(\d+)x(\d+(?:\.\d+)?)[bB](?![A-Za-z])/.exec(name);
  if (moe) return Number(moe[1]) * Number(moe[2]);
  const match = /(?:^|[^A-Za-z0-9.])(\d+(?:\.\d+)?)([bBmM])(?![A-Za-z])/.exec(name);
  if (!match) return null;
  const n = Number(match[1]);
  return match[2]?.toLowerCase() === "m" ? n / 1000 : n;
}

/** Bytes per parameter as loaded: 4-bit methods about half a byte, fp8 one, otherwise by dtype. */
export function bytesPerParam(spec: TDeploymentSpec): number {
  switch (spec.serve.quantization) {
    case "awq":
    case "awq_marlin":
    case "gptq":
    case "gptq_marlin":
    case "marlin":
    case "bitsandbytes":
      return 0.55;
    case "gguf":
      return 0.6;
    case "fp8":
    case "experts_int8":
      return 1;
    default:
      return spec.serve.dtype === "float32" ? 4 : 2;
  }
}

/** A rough KV cache per token (K and V over all layers), from the size: about 128 KiB at 8B, 380 KiB at 70B. */
export function kvBytesPerToken(paramsBillion: number): number {
  return 45 * 1024 * Math.sqrt(paramsBillion);
}

const fmt = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;

export function fitCheck(spec: TDeploymentSpec, facts: TFacts, options: TFitOptions = {}): TFitResult[] {
  const results: TFitResult[] = [];
  const name = spec.model.source === "hf" ? spec.model.repo : spec.model.path;
  const params = options.paramsBillion ?? paramsFromName(name.split("/").pop() ?? name);
  const weights = options.modelBytes ?? (params === null ? null : params * 1e9 * bytesPerParam(spec));
  if (weights === null) {
    results.push({
      check: "model-size",
      status: "warn",
      message: `The size of ${name} is unknown, so memory and disk could not be checked. Give its parameter count to check them.`,
    });
  } else {
    results.push({
      check: "model-size",
      status: "ok",
      message: `Weights about ${fmt(weights)}${options.modelBytes === undefined ? ` (${params} B parameters at ${bytesPerParam(spec)} bytes each)` : " (the model folder's size)"}.`,
    });
  }

  if (weights !== null) results.push(memoryCheck(spec, facts, weights, params));
  results.push(diskCheck(spec, facts, weights));

  const { port, host, apiKey } = spec.serve;
  if (options.listeningPorts !== undefined) {
    results.push(
      options.listeningPorts.includes(port)
        ? {
            check: "port",
            status: "fail",
            message: `Port ${port} is already in use on the host. Choose another port, or stop what listens there.`,
          }
        : { check: "port", status: "ok", message: `Port ${port} is free.` },
    );
  }

  const loopback = host === "::1" || host.startsWith("127.");
  if (!loopback) {
    results.push({
      check: "exposure",
      status: "warn",
      message:
        `vLLM will listen on ${host}:${port}, reachable from other machines. Its API key guards /v1 only: /health and /metrics answer anyone. ` +
        (apiKey === undefined
          ? "No API key is set, so anyone who can reach the port can use the model. "
          : "") +
        "Restrict the port with a firewall, or bind to 127.0.0.1 behind a reverse proxy.",
    });
  }
  return results;
}

function memoryCheck(
  spec: TDeploymentSpec,
  facts: TFacts,
  weights: number,
  params: number | null,
): TFitResult {
  const device = targetDevice(spec, facts);
  const maxLen = spec.serve.maxModelLen;
  const kv = maxLen !== undefined && params !== null ? maxLen * kvBytesPerToken(params) : 0;
  const kvText = kv > 0 ? ` + KV cache for one ${maxLen}-token sequence about ${fmt(kv)}` : "";
  if (device === "gpu") {
    const tp = spec.serve.tensorParallelSize;
    if (facts.gpus.length < tp) {
      return {
        check: "memory",
        status: "fail",
        message: `Tensor parallel size ${tp} needs ${tp} GPUs; the host has ${facts.gpus.length}. Lower it or choose another host.`,
      };
    }
    const used = facts.gpus.slice(0, tp);
    if (used.some((g) => g.memoryMiB === null)) {
      return {
        check: "memory",
        status: "warn",
        message: "The GPUs' memory is unknown; run Check host again.",
      };
    }
    const util = spec.serve.gpuMemoryUtilization ?? 0.9;
    const budget = used.reduce((sum, g) => sum + (g.memoryMiB ?? 0) * 1024 * 1024, 0) * util;
    const need = weights + kv + GPU_OVERHEAD_BYTES * tp;
    const detail = `Needs about ${fmt(need)} (weights ${fmt(weights)}${kvText}); ${tp} GPU(s) × ${util} give ${fmt(budget)}.`;
    if (need > budget) {
      return {
        check: "memory",
        status: "fail",
        message: `${detail} Lower max-model-len, use a quantized model, raise gpu-memory-utilization or tensor-parallel-size.`,
      };
    }
    return { check: "memory", status: need > budget * 0.9 ? "warn" : "ok", message: detail };
  }
  if (facts.memoryKiB === null) {
    return {
      check: "memory",
      status: "warn",
      message: "The host's memory is unknown; run Check host again.",
    };
  }
  const kvSpace =
    spec.serve.cpuKvCacheSpaceGiB !== undefined
      ? spec.serve.cpuKvCacheSpaceGiB * GiB
      : Math.max(kv, CPU_DEFAULT_KV_BYTES);
  const need = weights + kvSpace;
  const total = facts.memoryKiB * 1024;
  const available = (facts.memoryAvailableKiB ?? facts.memoryKiB) * 1024;
  const detail = `Needs about ${fmt(need)} of RAM (weights ${fmt(weights)} + KV cache space ${fmt(kvSpace)}); the host has ${fmt(total)}, ${fmt(available)} available.`;
  if (need > total) {
    return {
      check: "memory",
      status: "fail",
      message: `${detail} Use a smaller model or lower the KV cache space.`,
    };
  }
  return {
    check: "memory",
    status: need > available ? "warn" : "ok",
    message: need > available ? `${detail} Other processes use the rest; vLLM may not start.` : detail,
  };
}

function diskCheck(spec: TDeploymentSpec, facts: TFacts, weights: number | null): TFitResult {
  const downloads = spec.model.source === "hf" ? (weights ?? 0) : 0;
  const need = downloads + RUNTIME_DISK_BYTES;
  if (facts.disk === null || facts.disk.freeKiB === null) {
    return { check: "disk", status: "warn", message: "Free disk space is unknown; run Check host again." };
  }
  const free = facts.disk.freeKiB * 1024;
  const detail = `Needs about ${fmt(need)} on ${facts.disk.checkedPath} (${spec.install.method === "container" ? "image" : "virtual environment"} ~10 GiB${downloads > 0 ? ` + model ${fmt(downloads)}` : ""}); ${fmt(free)} free.`;
  if (free < need)
    return {
      check: "disk",
      status: "fail",
      message: `${detail} Free some space or choose another deploy path.`,
    };
  return {
    check: "disk",
    status: weights === null && spec.model.source === "hf" ? "warn" : "ok",
    message: detail,
  };
}

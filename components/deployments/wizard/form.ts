import {
  type DTYPES,
  PUBLIC_PYPI,
  type QUANTIZATIONS,
  type TDeploymentSpecInput,
  type TPreset,
} from "@/lib/deployments/schema";
import { parseExtraArgsText } from "./extra-args-text";

export type TInstallMethod = "pip" | "source" | "container";
export type TDevice = "gpu" | "cpu";

/** What the wizard's inputs hold, as typed: text stays text until `toSpecInput` builds the spec. */
export interface TWizardForm {
  hostId: string;
  modelSource: "hf" | "path";
  repo: string;
  revision: string;
  path: string;
  servedModelName: string;
  hfToken: string;
  preset: TPreset;
  /** Not part of the spec: helps the fit check when the model's name does not say its size. */
  paramsBillion: string;
  method: TInstallMethod;
  indexUrl: string;
  version: string;
  variant: TDevice;
  noCacheDir: boolean;
  gitUrl: string;
  ref: string;
  maxJobs: string;
  image: string;
  tag: string;
  bindHost: string;
  port: string;
  apiKey: string;
  gpuMemoryUtilization: string;
  maxModelLen: string;
  tensorParallelSize: string;
  dtype: (typeof DTYPES)[number];
  quantization: (typeof QUANTIZATIONS)[number];
  cpuKvCacheSpaceGiB: string;
  cpuThreadsBind: string;
  healthTimeoutS: string;
  extraArgs: string;
}

export const VLLM_GIT_URL = "https://github.com/vllm-project/vllm.git";

/**
 * Each input's key in the spec, as zod reports issue paths ("serve.port"). Inputs use it as their
 * id, so browser checks, the server's `fields` and the labels all meet on one name.
 */
export const FIELD_PATH = {
  hostId: "hostId",
  modelSource: "model.source",
  repo: "model.repo",
  revision: "model.revision",
  path: "model.path",
  servedModelName: "servedModelName",
  hfToken: "hfToken",
  preset: "preset",
  paramsBillion: "paramsBillion",
  method: "install.method",
  indexUrl: "install.indexUrl",
  version: "install.version",
  variant: "install.variant",
  noCacheDir: "install.noCacheDir",
  gitUrl: "install.gitUrl",
  ref: "install.ref",
  maxJobs: "install.maxJobs",
  image: "install.image",
  tag: "install.tag",
  bindHost: "serve.host",
  port: "serve.port",
  apiKey: "serve.apiKey",
  gpuMemoryUtilization: "serve.gpuMemoryUtilization",
  maxModelLen: "serve.maxModelLen",
  tensorParallelSize: "serve.tensorParallelSize",
  dtype: "serve.dtype",
  quantization: "serve.quantization",
  cpuKvCacheSpaceGiB: "serve.cpuKvCacheSpaceGiB",
  cpuThreadsBind: "serve.cpuThreadsBind",
  healthTimeoutS: "serve.healthTimeoutS",
  extraArgs: "serve.extraArgs",
} as const satisfies Record<keyof TWizardForm, string>;

/** The host facts the form's defaults depend on. */
export interface TFormHost {
  id: string;
  gpuCount: number;
  docker: boolean | null;
}

export function initialForm(host: TFormHost | null): TWizardForm {
  return {
    hostId: host?.id ?? "",
    modelSource: "hf",
    repo: "",
    revision: "",
    path: "",
    servedModelName: "",
    hfToken: "",
    preset: "chat",
    paramsBillion: "",
    method: "pip",
    indexUrl: PUBLIC_PYPI,
    version: "",
    variant: host !== null && host.gpuCount === 0 ? "cpu" : "gpu",
    noCacheDir: false,
    gitUrl: VLLM_GIT_URL,
    ref: "main",
    maxJobs: "",
    image: "vllm/vllm-openai",
    tag: "latest",
    bindHost: "127.0.0.1",
    port: "8000",
    apiKey: "",
    gpuMemoryUtilization: "",
    maxModelLen: "",
    tensorParallelSize: "1",
    dtype: "auto",
    quantization: "none",
    cpuKvCacheSpaceGiB: "",
    cpuThreadsBind: "",
    healthTimeoutS: "900",
    extraArgs: "",
  };
}

/** Choosing a host resets what depends on its facts: CPU wheels without GPUs, no container without Docker. */
export function withHost(form: TWizardForm, host: TFormHost): TWizardForm {
  return {
    ...form,
    hostId: host.id,
    variant: host.gpuCount === 0 ? "cpu" : "gpu",
    method: form.method === "container" && host.docker === false ? "pip" : form.method,
  };
}

/** Where vLLM will run, as lib/deployments/service-files' targetDevice decides it. */
export function deviceOf(form: Pick<TWizardForm, "method" | "variant">, gpuCount: number): TDevice {
  if (form.method === "pip") return form.variant;
  if (form.method === "source") return "cpu";
  return gpuCount > 0 ? "gpu" : "cpu";
}

/** Empty text is "not given" (the schema's default applies); anything else must read as a number. */
export function numberOrUndefined(text: string): number | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : Number.NaN;
}

const textOrUndefined = (text: string) => (text.trim() === "" ? undefined : text);

/** The spec the server will validate with the same schema. Only what the visible inputs hold goes in. */
export function toSpecInput(form: TWizardForm, gpuCount: number): TDeploymentSpecInput {
  const device = deviceOf(form, gpuCount);
  const model: TDeploymentSpecInput["model"] =
    form.modelSource === "hf"
      ? { source: "hf", repo: form.repo, revision: textOrUndefined(form.revision) }
      : { source: "path", path: form.path };
  let install: TDeploymentSpecInput["install"];
  if (form.method === "pip") {
    install = {
      method: "pip",
      indexUrl: textOrUndefined(form.indexUrl),
      version: textOrUndefined(form.version),
      variant: form.variant,
      noCacheDir: form.noCacheDir,
    };
  } else if (form.method === "source") {
    install = {
      method: "source",
      gitUrl: form.gitUrl,
      ref: textOrUndefined(form.ref),
      indexUrl: textOrUndefined(form.indexUrl),
      maxJobs: numberOrUndefined(form.maxJobs),
    };
  } else {
    install = { method: "container", image: textOrUndefined(form.image), tag: textOrUndefined(form.tag) };
  }
  return {
    hostId: form.hostId,
    model,
    servedModelName: textOrUndefined(form.servedModelName),
    hfToken: form.modelSource === "hf" ? textOrUndefined(form.hfToken) : undefined,
    preset: form.preset,
    install,
    serve: {
      host: textOrUndefined(form.bindHost),
      port: numberOrUndefined(form.port),
      apiKey: textOrUndefined(form.apiKey),
      maxModelLen: numberOrUndefined(form.maxModelLen),
      dtype: form.dtype,
      quantization: form.quantization,
      ...(device === "gpu"
        ? {
            gpuMemoryUtilization: numberOrUndefined(form.gpuMemoryUtilization),
            tensorParallelSize: numberOrUndefined(form.tensorParallelSize),
          }
        : {
            cpuKvCacheSpaceGiB: numberOrUndefined(form.cpuKvCacheSpaceGiB),
            cpuThreadsBind: textOrUndefined(form.cpuThreadsBind),
          }),
      healthTimeoutS: numberOrUndefined(form.healthTimeoutS),
      extraArgs: parseExtraArgsText(form.extraArgs),
    },
  };
}

/** The served name the schema derives when the field is left empty. */
export function defaultServedName(form: Pick<TWizardForm, "modelSource" | "repo" | "path">): string {
  if (form.modelSource === "hf") return form.repo.trim();
  return form.path.trim().replace(/\/+$/, "").split("/").pop() ?? "";
}

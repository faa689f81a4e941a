import { z } from "zod";
import { checkExtraArgs, flagsIn } from "./extra-args";

// One schema for the wizard (browser), the route handler, the job payload and the stored snapshot.
// Error messages never quote a secret's value: secrets are checked by shape only.

export const PUBLIC_PYPI = "https://pypi.org/simple";
export const CPU_TORCH_INDEX = "https://download.pytorch.org/whl/cpu";
export const DTYPES = ["auto", "half", "float16", "bfloat16", "float32"] as const;
/** `--quantization` names as vLLM spells them; "none" leaves the flag out (vLLM reads the config). */
export const QUANTIZATIONS = [
  "none",
  "awq",
  "awq_marlin",
  "gptq",
  "gptq_marlin",
  "fp8",
  "bitsandbytes",
  "gguf",
  "compressed-tensors",
  "experts_int8",
  "marlin",
] as const;
export const PRESETS = ["chat", "long-context", "multimodal", "custom"] as const;
export type TPreset = (typeof PRESETS)[number];

const NO_CONTROL = /^[^\0\r\n]*$/;
const HF_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const GIT_REF = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;
/** PEP 440 release with optional pre/post/dev and local part, e.g. 0.8.5, 0.9.0rc1, 0.6.3+cpu. */
const PEP440 = /^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+[A-Za-z0-9]+(\.[A-Za-z0-9]+)*)?$/;
const IMAGE =
  /^(?:[A-Za-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Secrets go into a 0600 env file read by sh, systemd and docker alike, so they use no quoting-sensitive characters. */
const SECRET = /^[A-Za-z0-9._+/=-]{8,512}$/;
const SECRET_HINT = "8 to 512 characters: letters, digits and . _ + / = -";

const noDotDot = (v: string) => !v.split("/").includes("..");

const ZSecret = (what: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()))
    .refine((v) => v === undefined || SECRET.test(v), { message: `${what}: ${SECRET_HINT}` });

const ZHttpUrl = (what: string) =>
  z
    .string()
    .trim()
    .max(2048, `${what}: at most 2048 characters`)
    .regex(NO_CONTROL, `${what}: one line, no control characters`)
    .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), {
      message: `${what}: an http:// or https:// URL`,
    });

const ZModel = z.discriminatedUnion("source", [
  z.object({
    source: z.literal("hf"),
    repo: z
      .string()
      .trim()
      .regex(HF_REPO, "A Hugging Face repo id: organisation/name, e.g. Qwen/Qwen2.5-0.5B-Instruct")
      .refine(noDotDot, "A Hugging Face repo id: organisation/name, without .."),
    revision: z
      .string()
      .trim()
      .default("main")
      .pipe(
        z
          .string()
          .regex(GIT_REF, "A branch, tag or commit: letters, digits, . _ / -")
          .refine(noDotDot, "No .. in the revision"),
      ),
  }),
  z.object({
    source: z.literal("path"),
    path: z
      .string()
      .trim()
      .max(1024, "At most 1024 characters")
      .regex(/^\/[^\0\r\n]*$/, "An absolute path to the model folder on the host, on one line")
      .refine(noDotDot, "No .. in the path"),
  }),
]);

const ZInstall = z.discriminatedUnion("method", [
  z.object({
    method: z.literal("pip"),
    indexUrl: ZHttpUrl("Package index").default(PUBLIC_PYPI),
    version: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v === "" ? undefined : v))
      .refine((v) => v === undefined || PEP440.test(v), "A vLLM version such as 0.8.5 or 0.6.3+cpu"),
    variant: z.enum(["gpu", "cpu"]).default("gpu"),
    noCacheDir: z.boolean().default(false),
  }),
  z.object({
    method: z.literal("source"),
    gitUrl: z
      .string()
      .trim()
      .max(2048, "At most 2048 characters")
      .regex(NO_CONTROL, "One line, no control characters")
      .refine(
        (v) =>
          /^(https:\/\/|ssh:\/\/|file:\/\/\/|\/)/.test(v) || /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^-]/.test(v),
        "An https://, ssh:// or file:// git URL, user@host:path, or an absolute path",
      ),
    ref: z
      .string()
      .trim()
      .default("main")
      .pipe(
        z
          .string()
          .regex(GIT_REF, "A branch or tag: letters, digits, . _ / -")
          .refine((v) => noDotDot(v) && !v.endsWith(".lock"), "Not a valid git branch or tag"),
      ),
    indexUrl: ZHttpUrl("Package index").default(PUBLIC_PYPI),
    maxJobs: z.number().int().min(1, "At least 1").max(256, "At most 256").optional(),
  }),
  z.object({
    method: z.literal("container"),
    image: z
      .string()
      .trim()
      .default("vllm/vllm-openai")
      .pipe(z.string().regex(IMAGE, "An image name such as vllm/vllm-openai")),
    tag: z.string().trim().default("latest").pipe(z.string().regex(TAG, "An image tag such as v0.8.5")),
  }),
]);

const ZServe = z.object({
  host: z
    .string()
    .trim()
    .default("127.0.0.1")
    .refine((v) => z.ipv4().safeParse(v).success || z.ipv6().safeParse(v).success, {
      message: "An IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::1",
    }),
  port: z.number().int("A whole number").min(1024, "1024 to 65535").max(65535, "1024 to 65535").default(8000),
  apiKey: ZSecret("API key"),
  gpuMemoryUtilization: z.number().min(0.05, "0.05 to 0.99").max(0.99, "0.05 to 0.99").optional(),
  maxModelLen: z
    .number()
    .int()
    .min(16, "At least 16 tokens")
    .max(10_000_000, "At most 10,000,000")
    .optional(),
  tensorParallelSize: z.number().int().min(1, "At least 1").max(64, "At most 64").default(1),
  dtype: z.enum(DTYPES).default("auto"),
  quantization: z.enum(QUANTIZATIONS).default("none"),
  /** CPU only: VLLM_CPU_KVCACHE_SPACE, GiB reserved for the KV cache. */
  cpuKvCacheSpaceGiB: z.number().int().min(1, "At least 1 GiB").max(4096, "At most 4096 GiB").optional(),
  /** CPU only: VLLM_CPU_OMP_THREADS_BIND, "auto", "nobind" or CPU ids such as 0-31|32-63. */
  cpuThreadsBind: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine((v) => v === undefined || /^(auto|nobind|[0-9][0-9,|-]{0,255})$/.test(v), {
      message: "auto, nobind, or CPU ids such as 0-31 or 0-31|32-63",
    }),
  healthTimeoutS: z.number().int().min(30, "At least 30 seconds").max(86_400, "At most a day").default(900),
  extraArgs: z
    .array(z.string().max(1024, "An extra argument of at most 1024 characters"))
    .max(64)
    .default([]),
});

/**
 * What each preset fills when the operator left the field empty:
 * - chat: standard chat serving; 8k context, 90 % of GPU memory, prefix caching for shared system prompts.
 * - long-context: 32k context, 92 % of GPU memory, chunked prefill so long prompts do not stall others,
 *   fewer concurrent sequences (16) to leave room for the bigger KV cache.
 * - multimodal: 8k context, up to 2 images per prompt, 8 concurrent sequences (vision encoders are heavy).
 * - custom: nothing; vLLM's own defaults apply.
 */
export const PRESET_DEFAULTS: Readonly<
  Record<TPreset, { gpuMemoryUtilization?: number; maxModelLen?: number; extraArgs: readonly string[] }>
> = {
  chat: { gpuMemoryUtilization: 0.9, maxModelLen: 8192, extraArgs: ["--enable-prefix-caching"] },
  "long-context": {
    gpuMemoryUtilization: 0.92,
    maxModelLen: 32768,
    extraArgs: ["--enable-chunked-prefill", "--max-num-seqs", "16"],
  },
  multimodal: {
    gpuMemoryUtilization: 0.9,
    maxModelLen: 8192,
    extraArgs: ["--limit-mm-per-prompt", '{"image":2}', "--max-num-seqs", "8"],
  },
  custom: { extraArgs: [] },
};

export const ZDeploymentSpec = z
  .object({
    hostId: z.string().trim().min(1, "Choose a host"),
    model: ZModel,
    servedModelName: z
      .string()
      .trim()
      .max(128, "At most 128 characters")
      .regex(NO_CONTROL, "One line, no control characters")
      .optional()
      .transform((v) => (v === "" ? undefined : v)),
    hfToken: ZSecret("Hugging Face token"),
    preset: z.enum(PRESETS).default("chat"),
    install: ZInstall,
    serve: ZServe,
  })
  .superRefine((spec, ctx) => {
    const checked = checkExtraArgs(spec.serve.extraArgs);
    if (!checked.ok) ctx.addIssue({ code: "custom", path: ["serve", "extraArgs"], message: checked.message });
    if (spec.install.method === "container" && spec.model.source === "path" && /[:,]/.test(spec.model.path)) {
      ctx.addIssue({
        code: "custom",
        path: ["model", "path"],
        message: "A model folder mounted into a container cannot contain : or , in its path",
      });
    }
  })
  .transform((spec) => {
    const preset = PRESET_DEFAULTS[spec.preset];
    const own = checkExtraArgs(spec.serve.extraArgs);
    const ownArgs = own.ok ? own.args : [];
    const present = flagsIn(ownArgs);
    // A preset flag the operator already gave (or negated) is left to the operator.
    const presetArgs: string[] = [];
    for (let i = 0; i < preset.extraArgs.length; i++) {
      const flag = preset.extraArgs[i] ?? "";
      const next = preset.extraArgs[i + 1];
      const takesValue = next !== undefined && !next.startsWith("--");
      if (!present.has(flag) && !present.has(flag.replace(/^--/, "--no-"))) {
        presetArgs.push(flag, ...(takesValue ? [next] : []));
      }
      if (takesValue) i++;
    }
    const servedModelName =
      spec.servedModelName ??
      (spec.model.source === "hf"
        ? spec.model.repo
        : (spec.model.path.replace(/\/+$/, "").split("/").pop() ?? "model"));
    return {
      ...spec,
      servedModelName: servedModelName === "" ? "model" : servedModelName,
      serve: {
        ...spec.serve,
        gpuMemoryUtilization: spec.serve.gpuMemoryUtilization ?? preset.gpuMemoryUtilization,
        maxModelLen: spec.serve.maxModelLen ?? preset.maxModelLen,
        extraArgs: [...presetArgs, ...ownArgs],
      },
    };
  });

export type TDeploymentSpec = z.output<typeof ZDeploymentSpec>;
export type TDeploymentSpecInput = z.input<typeof ZDeploymentSpec>;
export type TInstall = TDeploymentSpec["install"];

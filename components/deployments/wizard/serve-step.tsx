import type { ChangeEvent } from "react";
import { Field } from "@/components/ui/field";
import { EXTRA_ARG_FLAGS } from "@/lib/deployments/extra-args";
import { DTYPES, PRESET_DEFAULTS, QUANTIZATIONS } from "@/lib/deployments/schema";
import { formatExtraArgs } from "./extra-args-text";
import { control, type TStepProps } from "./fields";
import { deviceOf, FIELD_PATH as F } from "./form";
import { presetLabel } from "./presets";

export const isLoopback = (address: string) => {
  const a = address.trim();
  return a === "" || a === "::1" || a.startsWith("127.");
};

/** Step 4: how `vllm serve` runs. Empty fields take the preset's value, then vLLM's default. */
export function ServeStep({ form, set, errors, host }: TStepProps) {
  const device = deviceOf(form, host?.facts?.gpus.length ?? 0);
  const preset = PRESET_DEFAULTS[form.preset];
  const from = `from the ${presetLabel(form.preset).toLowerCase()} preset`;
  const presetArgs = formatExtraArgs(preset.extraArgs);
  const hints = {
    bindHost: isLoopback(form.bindHost)
      ? "127.0.0.1 keeps vLLM on the host; put a reverse proxy in front to reach it."
      : "Reachable from other machines. The API key does not guard /health or /metrics.",
    apiKey: "Clients send it as a Bearer token to /v1. Stored encrypted, never shown again.",
    maxModelLen:
      preset.maxModelLen !== undefined
        ? `Empty: ${preset.maxModelLen} (${from}).`
        : "Empty: the model's own context length.",
    gpuMemoryUtilization:
      preset.gpuMemoryUtilization !== undefined
        ? `Share of each GPU's memory vLLM may use. Empty: ${preset.gpuMemoryUtilization} (${from}).`
        : "Share of each GPU's memory vLLM may use. Empty: vLLM's default, 0.9.",
    tensorParallelSize: `GPUs one model is split across${host?.facts ? `; the host has ${host.facts.gpus.length}` : ""}.`,
    cpuKvCacheSpaceGiB: "VLLM_CPU_KVCACHE_SPACE: RAM reserved for the KV cache. Empty: vLLM's 4 GiB.",
    cpuThreadsBind: "VLLM_CPU_OMP_THREADS_BIND: auto, nobind, or CPU ids such as 0-31|32-63. Empty: auto.",
    healthTimeoutS: "How long to wait for /health after starting (large models load slowly).",
    extraArgs: `One flag per line, its value after a space or =, e.g. --max-num-seqs 64. ${
      presetArgs ? `The preset adds ${preset.extraArgs.join(" ")} unless you give that flag yourself. ` : ""
    }Allowed: ${Object.keys(EXTRA_ARG_FLAGS).join(", ")}.`,
  };
  const num = (
    key: "port" | "maxModelLen" | "gpuMemoryUtilization" | "tensorParallelSize",
    hint?: string,
  ) => ({
    ...control(F[key], errors, hint),
    value: form[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => set({ [key]: e.target.value }),
  });
  return (
    <div className="grid gap-5">
      <div className="grid gap-4 sm:grid-cols-[2fr_1fr_2fr]">
        <Field label="Bind address" name={F.bindHost} error={errors[F.bindHost]} hint={hints.bindHost}>
          <input
            {...control(F.bindHost, errors, hints.bindHost)}
            className={`${control(F.bindHost, errors).className} font-mono`}
            value={form.bindHost}
            onChange={(e) => set({ bindHost: e.target.value })}
            placeholder="127.0.0.1"
          />
        </Field>
        <Field label="Port" name={F.port} error={errors[F.port]}>
          <input {...num("port")} inputMode="numeric" placeholder="8000" />
        </Field>
        <Field label="API key" name={F.apiKey} error={errors[F.apiKey]} hint={hints.apiKey}>
          <input
            {...control(F.apiKey, errors, hints.apiKey)}
            type="password"
            autoComplete="new-password"
            value={form.apiKey}
            onChange={(e) => set({ apiKey: e.target.value })}
            placeholder="none"
          />
        </Field>
      </div>

      <div className="grid gap-4 sm:grid-cols-4">
        <Field
          label="Max model length"
          name={F.maxModelLen}
          error={errors[F.maxModelLen]}
          hint={hints.maxModelLen}
        >
          <input
            {...num("maxModelLen", hints.maxModelLen)}
            inputMode="numeric"
            placeholder={preset.maxModelLen?.toString() ?? "model's"}
          />
        </Field>
        <Field label="dtype" name={F.dtype} error={errors[F.dtype]}>
          <select
            {...control(F.dtype, errors)}
            value={form.dtype}
            onChange={(e) => set({ dtype: e.target.value as (typeof DTYPES)[number] })}
          >
            {DTYPES.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Quantization" name={F.quantization} error={errors[F.quantization]}>
          <select
            {...control(F.quantization, errors)}
            value={form.quantization}
            onChange={(e) => set({ quantization: e.target.value as (typeof QUANTIZATIONS)[number] })}
          >
            {QUANTIZATIONS.map((q) => (
              <option key={q} value={q}>
                {q === "none" ? "none (as the model's config says)" : q}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Health timeout (s)"
          name={F.healthTimeoutS}
          error={errors[F.healthTimeoutS]}
          hint={hints.healthTimeoutS}
        >
          <input
            {...control(F.healthTimeoutS, errors, hints.healthTimeoutS)}
            inputMode="numeric"
            value={form.healthTimeoutS}
            onChange={(e) => set({ healthTimeoutS: e.target.value })}
            placeholder="900"
          />
        </Field>
      </div>

      {device === "gpu" ? (
        <div className="grid gap-4 sm:grid-cols-2" data-testid="wizard-gpu-options">
          <Field
            label="GPU memory utilization"
            name={F.gpuMemoryUtilization}
            error={errors[F.gpuMemoryUtilization]}
            hint={hints.gpuMemoryUtilization}
          >
            <input
              {...num("gpuMemoryUtilization", hints.gpuMemoryUtilization)}
              inputMode="decimal"
              placeholder={preset.gpuMemoryUtilization?.toString() ?? "0.9"}
            />
          </Field>
          <Field
            label="Tensor parallel size"
            name={F.tensorParallelSize}
            error={errors[F.tensorParallelSize]}
            hint={hints.tensorParallelSize}
          >
            <input
              {...num("tensorParallelSize", hints.tensorParallelSize)}
              inputMode="numeric"
              placeholder="1"
            />
          </Field>
        </div>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2" data-testid="wizard-cpu-options">
          <Field
            label="KV cache space (GiB)"
            name={F.cpuKvCacheSpaceGiB}
            error={errors[F.cpuKvCacheSpaceGiB]}
            hint={hints.cpuKvCacheSpaceGiB}
          >
            <input
              {...control(F.cpuKvCacheSpaceGiB, errors, hints.cpuKvCacheSpaceGiB)}
              inputMode="numeric"
              value={form.cpuKvCacheSpaceGiB}
              onChange={(e) => set({ cpuKvCacheSpaceGiB: e.target.value })}
              placeholder="4"
            />
          </Field>
          <Field
            label="Thread binding"
            name={F.cpuThreadsBind}
            error={errors[F.cpuThreadsBind]}
            hint={hints.cpuThreadsBind}
          >
            <input
              {...control(F.cpuThreadsBind, errors, hints.cpuThreadsBind)}
              className={`${control(F.cpuThreadsBind, errors).className} font-mono`}
              value={form.cpuThreadsBind}
              onChange={(e) => set({ cpuThreadsBind: e.target.value })}
              placeholder="auto"
            />
          </Field>
        </div>
      )}

      <Field label="Extra arguments" name={F.extraArgs} error={errors[F.extraArgs]} hint={hints.extraArgs}>
        <textarea
          {...control(F.extraArgs, errors, hints.extraArgs)}
          className={`${control(F.extraArgs, errors).className} font-mono text-xs`}
          rows={4}
          value={form.extraArgs}
          onChange={(e) => set({ extraArgs: e.target.value })}
          placeholder={presetArgs || "--max-num-seqs 64"}
        />
      </Field>
    </div>
  );
}

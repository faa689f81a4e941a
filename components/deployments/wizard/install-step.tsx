import Link from "next/link";
import type { ReactNode } from "react";
import { PrereqStateChip } from "@/components/prerequisites/state-chip";
import { Field } from "@/components/ui/field";
import { maxJobsFor } from "@/lib/deployments/install-steps";
import { CPU_TORCH_INDEX, PUBLIC_PYPI } from "@/lib/deployments/schema";
import { ChoiceGroup, control, RadioCard, type TStepProps } from "./fields";
import { FIELD_PATH as F, numberOrUndefined, type TInstallMethod } from "./form";
import { PROFILE_OF_METHOD, type TWizardHost } from "./hosts";

const METHODS: readonly { value: TInstallMethod; label: string; help: string }[] = [
  { value: "pip", label: "pip", help: "vLLM's wheels from a package index into a virtual environment." },
  {
    value: "source",
    label: "CPU build from source",
    help: "Clones vLLM and builds it for the CPU. Slow; needs the build prerequisites.",
  },
  { value: "container", label: "Container image", help: "vLLM's image, run with Docker." },
];

const Note = ({ children, tone = "info" }: { children: ReactNode; tone?: "info" | "warn" }) => (
  <p
    className={`rounded-md px-3 py-2 text-xs ring-1 ring-inset ${
      tone === "warn"
        ? "bg-amber-50 text-amber-900 ring-amber-200"
        : "bg-slate-50 text-slate-600 ring-slate-200"
    }`}
  >
    {children}
  </p>
);

function MethodPrerequisites({ host, method }: { host: TWizardHost; method: TInstallMethod }) {
  const profile = PROFILE_OF_METHOD[method];
  const checked = host.prerequisites?.profile === profile ? host.prerequisites : null;
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="wizard-method-prereq">
      <span className="text-slate-600">Prerequisites for this method ({profile}):</span>
      {checked ? (
        <PrereqStateChip state={checked.state} />
      ) : (
        <span className="text-slate-500">not checked yet</span>
      )}
      <Link
        href={`/hosts/${host.id}/prerequisites?profile=${encodeURIComponent(profile)}`}
        className="text-sky-700 hover:underline"
      >
        Check or install →
      </Link>
    </p>
  );
}

/** Step 3: how vLLM gets onto the host. */
export function InstallStep({ form, set, errors, host }: TStepProps) {
  const facts = host?.facts ?? null;
  const noDocker = facts !== null && !facts.docker;
  const hasGpu = (facts?.gpus.length ?? 0) > 0;
  const x86 = facts?.arch === null || facts?.arch === undefined || /^(x86_64|amd64)$/.test(facts.arch);
  const publicIndex = form.indexUrl.trim().replace(/\/+$/, "") === PUBLIC_PYPI;
  const allowedJobs = facts ? maxJobsFor(facts) : null;
  const requestedJobs = numberOrUndefined(form.maxJobs);
  const jobs =
    facts && (requestedJobs === undefined || Number.isInteger(requestedJobs))
      ? maxJobsFor(facts, requestedJobs)
      : null;
  const hints = {
    indexUrl: "The public index, or your mirror's simple index for air-gapped sites.",
    version: "Empty: the newest the index has. Pin one such as 0.8.5 (CPU wheels: 0.8.5+cpu).",
    ref: "A branch or tag such as v0.8.5.",
    maxJobs:
      allowedJobs === null
        ? "Parallel compile jobs."
        : `This host allows at most ${allowedJobs} (one per 4 GiB of RAM and per CPU). Empty: ${allowedJobs}.`,
    tag: "Such as v0.8.5; latest follows vLLM's releases.",
  };
  return (
    <div className="grid gap-5">
      <ChoiceGroup legend="Install method" name={F.method} error={errors[F.method]}>
        {METHODS.map((m) => (
          <RadioCard
            key={m.value}
            name={F.method}
            value={m.value}
            checked={form.method === m.value}
            onSelect={() => set({ method: m.value })}
            label={m.label}
            help={m.help}
            disabledReason={
              m.value === "container" && noDocker
                ? "Not available: the host's last check found no Docker."
                : null
            }
          />
        ))}
      </ChoiceGroup>
      {host && <MethodPrerequisites host={host} method={form.method} />}

      {form.method !== "container" && (
        <Field label="Package index" name={F.indexUrl} error={errors[F.indexUrl]} hint={hints.indexUrl}>
          <input
            {...control(F.indexUrl, errors, hints.indexUrl)}
            className={`${control(F.indexUrl, errors).className} font-mono`}
            value={form.indexUrl}
            onChange={(e) => set({ indexUrl: e.target.value })}
            placeholder={PUBLIC_PYPI}
          />
        </Field>
      )}

      {form.method === "pip" && (
        <>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="vLLM version" name={F.version} error={errors[F.version]} hint={hints.version}>
              <input
                {...control(F.version, errors, hints.version)}
                value={form.version}
                onChange={(e) => set({ version: e.target.value })}
                placeholder="newest"
              />
            </Field>
          </div>
          <ChoiceGroup legend="Wheels" name={F.variant} error={errors[F.variant]} columns="sm:grid-cols-2">
            <RadioCard
              name={F.variant}
              value="gpu"
              checked={form.variant === "gpu"}
              onSelect={() => set({ variant: "gpu" })}
              label="GPU wheels"
              help="CUDA builds for NVIDIA GPUs."
            />
            <RadioCard
              name={F.variant}
              value="cpu"
              checked={form.variant === "cpu"}
              onSelect={() => set({ variant: "cpu" })}
              label="x86 CPU wheels"
              help={`The CPU builds vLLM publishes; torch from the CPU index${publicIndex ? ` (${CPU_TORCH_INDEX})` : " your mirror carries"}.`}
            />
          </ChoiceGroup>
          {form.variant === "gpu" && facts && !hasGpu && (
            <Note tone="warn">
              The host's last check found no NVIDIA GPU: the GPU wheels will not run there.
            </Note>
          )}
          {form.variant === "cpu" && !x86 && (
            <Note tone="warn">
              vLLM publishes CPU wheels for x86_64 only; this host is {facts?.arch}. Build from source
              instead.
            </Note>
          )}
          <label htmlFor={F.noCacheDir} className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              id={F.noCacheDir}
              checked={form.noCacheDir}
              onChange={(e) => set({ noCacheDir: e.target.checked })}
              className="accent-sky-600"
            />
            Do not keep pip's download cache (--no-cache-dir; saves disk)
          </label>
        </>
      )}

      {form.method === "source" && (
        <>
          <div className="grid gap-4 sm:grid-cols-[2fr_1fr_1fr]">
            <Field label="Git URL" name={F.gitUrl} error={errors[F.gitUrl]}>
              <input
                {...control(F.gitUrl, errors)}
                className={`${control(F.gitUrl, errors).className} font-mono`}
                value={form.gitUrl}
                onChange={(e) => set({ gitUrl: e.target.value })}
              />
            </Field>
            <Field label="Git ref" name={F.ref} error={errors[F.ref]} hint={hints.ref}>
              <input
                {...control(F.ref, errors, hints.ref)}
                value={form.ref}
                onChange={(e) => set({ ref: e.target.value })}
                placeholder="main"
              />
            </Field>
            <Field label="MAX_JOBS" name={F.maxJobs} error={errors[F.maxJobs]} hint={hints.maxJobs}>
              <input
                {...control(F.maxJobs, errors, hints.maxJobs)}
                inputMode="numeric"
                value={form.maxJobs}
                onChange={(e) => set({ maxJobs: e.target.value })}
                placeholder={allowedJobs === null ? undefined : String(allowedJobs)}
              />
            </Field>
          </div>
          <Note>
            Builds with <span className="font-mono">VLLM_TARGET_DEVICE=cpu</span>
            {jobs !== null && (
              <>
                {" "}
                and{" "}
                <span className="font-mono" data-testid="wizard-max-jobs">
                  MAX_JOBS={jobs}
                </span>
              </>
            )}
            , torch from {publicIndex ? <span className="font-mono">{CPU_TORCH_INDEX}</span> : "your mirror"}.
            vLLM runs on the CPU{hasGpu ? ", even though this host has GPUs" : ""}.
          </Note>
        </>
      )}

      {form.method === "container" && (
        <>
          <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
            <Field label="Image" name={F.image} error={errors[F.image]}>
              <input
                {...control(F.image, errors)}
                className={`${control(F.image, errors).className} font-mono`}
                value={form.image}
                onChange={(e) => set({ image: e.target.value })}
                placeholder="vllm/vllm-openai"
              />
            </Field>
            <Field label="Tag" name={F.tag} error={errors[F.tag]} hint={hints.tag}>
              <input
                {...control(F.tag, errors, hints.tag)}
                value={form.tag}
                onChange={(e) => set({ tag: e.target.value })}
                placeholder="latest"
              />
            </Field>
          </div>
          <Note>
            {hasGpu
              ? "The container gets the host's GPUs; Docker needs the NVIDIA container runtime."
              : "The host has no GPU: use a CPU image of vLLM."}
          </Note>
        </>
      )}
    </div>
  );
}

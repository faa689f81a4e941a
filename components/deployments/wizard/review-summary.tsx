import type { ReactNode } from "react";
import type { TDeploymentSpec } from "@/lib/deployments/schema";
import type { TDevice } from "./form";
import type { TWizardHost } from "./hosts";
import { presetLabel } from "./presets";

const secret = (value: string | undefined) => (value === undefined ? "not set" : "set");
const Mono = ({ children }: { children: ReactNode }) => <span className="font-mono text-xs">{children}</span>;

function installRows(spec: TDeploymentSpec): [string, ReactNode][] {
  const install = spec.install;
  switch (install.method) {
    case "pip":
      return [
        ["Install", `pip, ${install.variant === "cpu" ? "x86 CPU wheels" : "GPU wheels"}`],
        ["vLLM version", install.version ?? "newest on the index"],
        ["Package index", <Mono key="i">{install.indexUrl}</Mono>],
      ];
    case "source":
      return [
        ["Install", "CPU build from source"],
        [
          "Source",
          <Mono key="s">
            {install.gitUrl} @ {install.ref}
          </Mono>,
        ],
        ["Package index", <Mono key="i">{install.indexUrl}</Mono>],
      ];
    case "container":
      return [
        ["Install", "Container image"],
        [
          "Image",
          <Mono key="c">
            {install.image}:{install.tag}
          </Mono>,
        ],
      ];
  }
}

/** What will be deployed, as the server will store it; secrets only as "set" or "not set". */
export function ReviewSummary({
  spec,
  host,
  device,
}: {
  spec: TDeploymentSpec;
  host: TWizardHost | null;
  device: TDevice;
}) {
  const s = spec.serve;
  const rows: [string, ReactNode][] = [
    ["Host", host ? `${host.name} (${host.target})` : spec.hostId],
    [
      "Model",
      spec.model.source === "hf" ? (
        <Mono key="m">
          {spec.model.repo} @ {spec.model.revision}
        </Mono>
      ) : (
        <Mono key="m">{spec.model.path}</Mono>
      ),
    ],
    ["Served model name", spec.servedModelName],
    ...(spec.model.source === "hf"
      ? [["Hugging Face token", secret(spec.hfToken)] as [string, ReactNode]]
      : []),
    ["Preset", presetLabel(spec.preset)],
    ...installRows(spec),
    ["Listens on", <Mono key="l">{`${s.host.includes(":") ? `[${s.host}]` : s.host}:${s.port}`}</Mono>],
    ["API key", secret(s.apiKey)],
    ["Max model length", s.maxModelLen ?? "the model's own"],
    ...(device === "gpu"
      ? ([
          ["GPU memory utilization", String(s.gpuMemoryUtilization ?? "vLLM's default")],
          ["Tensor parallel size", String(s.tensorParallelSize)],
        ] as [string, ReactNode][])
      : ([
          [
            "KV cache space",
            s.cpuKvCacheSpaceGiB === undefined ? "vLLM's default (4 GiB)" : `${s.cpuKvCacheSpaceGiB} GiB`,
          ],
          ["Thread binding", s.cpuThreadsBind ?? "auto"],
        ] as [string, ReactNode][])),
    ["dtype · quantization", `${s.dtype} · ${s.quantization}`],
    ["Extra arguments", s.extraArgs.length > 0 ? <Mono key="e">{s.extraArgs.join(" ")}</Mono> : "none"],
  ];
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm" data-testid="review-summary">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-500">{label}</dt>
          <dd
            className="break-all font-medium text-slate-800"
            data-testid={`review-${label.toLowerCase().replaceAll(/[^a-z]+/g, "-")}`}
          >
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

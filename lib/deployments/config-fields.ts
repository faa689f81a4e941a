// Browser-safe: the configuration snapshot as labelled rows, shared by the detail page and the compare view.
import type { TDeploymentSpec } from "./schema";

/** One field of a configuration, as the operator reads it. Secrets carry only "set" or "not set". */
export interface TConfigField {
  path: string;
  label: string;
  group: "Model" | "Install" | "Serve" | "Secrets";
  value: string;
}

export type TSecretPresence = { apiKey: boolean; hfToken: boolean };

const LABELS: Record<string, string> = {
  "model.source": "Model source",
  "model.repo": "Hugging Face repo",
  "model.revision": "Revision",
  "model.path": "Model folder",
  servedModelName: "Served model name",
  preset: "Preset",
  "install.method": "Install method",
  "install.indexUrl": "Package index",
  "install.version": "vLLM version",
  "install.variant": "Variant",
  "install.noCacheDir": "pip --no-cache-dir",
  "install.gitUrl": "Git URL",
  "install.ref": "Git ref",
  "install.maxJobs": "Build jobs",
  "install.image": "Image",
  "install.tag": "Image tag",
  "serve.host": "Listen address",
  "serve.port": "Port",
  "serve.gpuMemoryUtilization": "GPU memory utilization",
  "serve.maxModelLen": "Max model length",
  "serve.tensorParallelSize": "Tensor parallel size",
  "serve.dtype": "dtype",
  "serve.quantization": "Quantization",
  "serve.cpuKvCacheSpaceGiB": "CPU KV cache (GiB)",
  "serve.cpuThreadsBind": "CPU threads bind",
  "serve.healthTimeoutS": "Health timeout (s)",
  "serve.extraArgs": "Extra arguments",
  "serve.apiKey": "API key",
  hfToken: "Hugging Face token",
};

/** Paths never shown as values, whatever a stored spec holds: the secrets, and the host (shown by name). */
const HIDDEN = new Set(["hostId", "hfToken", "serve.apiKey"]);

function groupOf(path: string): TConfigField["group"] {
  if (path.startsWith("install.")) return "Install";
  if (path.startsWith("serve.")) return "Serve";
  return "Model";
}

function show(value: unknown): string {
  if (value === undefined || value === null) return "—";
  if (Array.isArray(value)) return value.length === 0 ? "—" : value.map(String).join(" ");
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
    return;
  }
  if (!HIDDEN.has(prefix)) out.set(prefix, value);
}

/** The labelled fields of a stored spec, in the wizard's order; secrets as presence only. */
export function configFields(spec: TDeploymentSpec, secrets: TSecretPresence): TConfigField[] {
  const values = new Map<string, unknown>();
  flatten(spec, "", values);
  const order = Object.keys(LABELS);
  const paths = [...values.keys()].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || a.localeCompare(b);
  });
  const fields: TConfigField[] = paths.map((path) => ({
    path,
    label: LABELS[path] ?? path,
    group: groupOf(path),
    value: show(values.get(path)),
  }));
  fields.push(
    { path: "serve.apiKey", label: "API key", group: "Secrets", value: secrets.apiKey ? "set" : "not set" },
    {
      path: "hfToken",
      label: "Hugging Face token",
      group: "Secrets",
      value: secrets.hfToken ? "set" : "not set",
    },
  );
  return fields;
}

export interface TFieldDiff {
  path: string;
  label: string;
  group: TConfigField["group"];
  a: string;
  b: string;
  changed: boolean;
}

/**
 * Both configurations field by field, in one order; a field only one side has shows "—" on the other.
 * `secretChanged` names secret paths whose values differ although both are set (compared sealed-side,
 * never shown).
 */
export function diffConfigs(
  a: TConfigField[],
  b: TConfigField[],
  secretChanged: ReadonlySet<string> = new Set(),
): TFieldDiff[] {
  const byPath = new Map(b.map((f) => [f.path, f]));
  const rows: TFieldDiff[] = a.map((f) => {
    const other = byPath.get(f.path);
    byPath.delete(f.path);
    const bValue = other?.value ?? "—";
    return {
      path: f.path,
      label: f.label,
      group: f.group,
      a: f.value,
      b: bValue,
      changed: f.value !== bValue || secretChanged.has(f.path),
    };
  });
  for (const f of byPath.values())
    rows.push({ path: f.path, label: f.label, group: f.group, a: "—", b: f.value, changed: f.value !== "—" });
  const groups = ["Model", "Install", "Serve", "Secrets"];
  return rows.sort((x, y) => groups.indexOf(x.group) - groups.indexOf(y.group));
}

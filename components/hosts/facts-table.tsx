import type { ReactNode } from "react";
import { CopyBlock } from "@/components/ui/copy-button";
import { bool, gib, isRecord, list, num, rec, str, sudoLabel, sudoSummary } from "./facts-read";

type TRecord = Record<string, unknown>;

/** Keys this table knows how to show; anything else still appears under "Other facts". */
const KNOWN = new Set([
  "formatVersion",
  "os",
  "osId",
  "osIdLike",
  "osVersion",
  "distroFamily",
  "packageManager",
  "packageManagerPath",
  "kernel",
  "arch",
  "hostname",
  "user",
  "groups",
  "cpuModel",
  "cpuCount",
  "cpuPhysicalCores",
  "cpuCores",
  "memoryKiB",
  "memoryAvailableKiB",
  "disk",
  "diskFreeKiB",
  "numaNodes",
  "python3",
  "systemd",
  "docker",
  "dockerVersion",
  "nvidia",
  "gpus",
  "sudo",
]);

const Unknown = () => <span className="font-normal text-slate-400">unknown</span>;
const unknown = <Unknown />;
const yesNo = (v: boolean | null) => (v === null ? unknown : v ? "yes" : "no");
const join = (parts: (string | null | false)[], sep = " · ") => parts.filter(Boolean).join(sep) || null;

function anyValue(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v !== "object") return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== "object")) return v.join(", ") || "none";
  const json = JSON.stringify(v);
  return json.length > 240 ? `${json.slice(0, 240)}…` : json;
}

function diskRow(facts: TRecord): ReactNode {
  const disk = rec(facts, "disk");
  if (!disk) return gib(num(facts, "diskFreeKiB")) ?? <Unknown />;
  const free = gib(num(disk, "freeKiB"));
  const total = gib(num(disk, "totalKiB"));
  const path = str(disk, "path");
  const checked = str(disk, "checkedPath");
  return (
    <>
      {free ? `${free} free${total ? ` of ${total}` : ""}` : <Unknown />}
      {path && <span className="font-normal text-slate-500"> on {path}</span>}
      {bool(disk, "exists") === false && checked && (
        <span className="block text-xs font-normal text-slate-500">
          {path} does not exist yet; measured at {checked}
          {str(disk, "mount") ? ` (mount ${str(disk, "mount")})` : ""}
        </span>
      )}
    </>
  );
}

function nvidiaRow(facts: TRecord): ReactNode {
  if (!("nvidia" in facts)) return null;
  const nv = rec(facts, "nvidia");
  if (!nv) return "no nvidia-smi";
  const error = str(nv, "error");
  return (
    <>
      {join([
        str(nv, "driver") && `driver ${str(nv, "driver")}`,
        str(nv, "cuda") && `CUDA ${str(nv, "cuda")}`,
      ]) ?? "driver unknown"}
      {error && <span className="block text-xs font-normal text-rose-700">{error}</span>}
    </>
  );
}

function GpuList({ gpus }: { gpus: unknown[] }) {
  if (gpus.length === 0) return <>none</>;
  return (
    <ul className="grid gap-0.5" data-testid="host-gpus">
      {gpus.filter(isRecord).map((g, i) => {
        const mib = num(g, "memoryMiB");
        return (
          <li key={str(g, "busId") ?? i}>
            <span className="text-slate-500">{num(g, "index") ?? i}:</span> {str(g, "name") ?? "GPU"}
            <span className="font-normal text-slate-500">
              {" "}
              · {mib === null ? "memory unknown" : `${(mib / 1024).toFixed(0)} GiB`}
              {str(g, "driver") && ` · driver ${str(g, "driver")}`}
              {str(g, "busId") && ` · ${str(g, "busId")}`}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function SudoBlock({ facts }: { facts: TRecord }) {
  const sudo = sudoSummary(facts);
  if (!sudo) return null;
  return (
    <div
      className="grid gap-2 border-t border-slate-100 pt-3"
      data-testid="host-sudo-facts"
      data-sudo-mode={sudo.mode}
    >
      <p className="text-sm">
        <span className="font-medium">{sudoLabel(sudo)}</span>
        {sudo.reason && sudo.reason !== "unknown" && (
          <span className="ml-2 font-mono text-xs text-slate-500">{sudo.reason}</span>
        )}
      </p>
      <p className="text-sm text-slate-600">{sudo.summary}</p>
      {sudo.fixText && <p className="text-sm text-slate-600">{sudo.fixText}</p>}
      {sudo.sudoersLine && <CopyBlock text={sudo.sudoersLine} testId="sudoers-line" />}
    </div>
  );
}

/** A host's facts from its last check, whatever version of the facts script wrote them. */
export function FactsTable({ facts }: { facts: TRecord }) {
  const logical = num(facts, "cpuCount") ?? num(facts, "cpuCores");
  const physical = num(facts, "cpuPhysicalCores");
  const memory = gib(num(facts, "memoryKiB"));
  const available = gib(num(facts, "memoryAvailableKiB"));
  const pm = str(facts, "packageManager");
  const groups = list(facts, "groups").filter((g): g is string => typeof g === "string");
  const gpus = "gpus" in facts ? <GpuList gpus={list(facts, "gpus")} /> : null;
  const rows: [string, ReactNode][] = [
    ["Operating system", str(facts, "os") ?? unknown],
    [
      "Family",
      join([
        str(facts, "distroFamily"),
        pm && `${pm}${str(facts, "packageManagerPath") ? ` (${str(facts, "packageManagerPath")})` : ""}`,
      ]),
    ],
    ["Kernel", str(facts, "kernel")],
    ["Architecture", str(facts, "arch") ?? unknown],
    ["Hostname", str(facts, "hostname")],
    ["User", join([str(facts, "user"), groups.length > 0 && `groups ${groups.join(", ")}`])],
    [
      "CPU",
      join([
        str(facts, "cpuModel") ?? "unknown model",
        logical !== null && `${logical} logical`,
        physical !== null && `${physical} physical cores`,
      ]),
    ],
    ["Memory", memory ? `${memory}${available ? ` (${available} available)` : ""}` : unknown],
    ["Disk (deploy path)", diskRow(facts)],
    ["NUMA nodes", num(facts, "numaNodes")?.toString() ?? null],
    ["Python 3", "python3" in facts ? (str(facts, "python3") ?? "not installed") : null],
    ["systemd", "systemd" in facts ? yesNo(bool(facts, "systemd")) : null],
    [
      "Docker",
      "docker" in facts ? (bool(facts, "docker") ? (str(facts, "dockerVersion") ?? "yes") : "no") : null,
    ],
    ["NVIDIA", nvidiaRow(facts)],
    ["GPUs", gpus],
  ];
  const other = Object.entries(facts).filter(([k]) => !KNOWN.has(k));
  return (
    <div className="grid gap-3" data-testid="host-facts">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 text-sm">
        {rows
          .filter(([, value]) => value !== null && value !== undefined)
          .map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-slate-500">{label}</dt>
              <dd className="font-medium text-slate-800">{value}</dd>
            </div>
          ))}
        {other.map(([key, value]) => (
          <div key={key} className="contents">
            <dt className="font-mono text-xs text-slate-500">{key}</dt>
            <dd className="break-all font-mono text-xs text-slate-700">{anyValue(value)}</dd>
          </div>
        ))}
      </dl>
      <SudoBlock facts={facts} />
    </div>
  );
}

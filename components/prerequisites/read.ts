import type { THostView } from "@/lib/hosts/schema";
import type { TOperationView } from "@/lib/operations/schema";
import {
  isPrereqProfileId,
  PREREQ_PROFILE_IDS,
  PREREQ_PROFILES,
  type TPrereqProfileId,
} from "@/lib/prerequisites/profiles";
import type { TPrereqReport } from "@/lib/prerequisites/report";
import type { TPrereqMode, TPrereqResult } from "@/lib/prerequisites/result";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

// Operation params and results are JSON columns written by the worker; a page reads them
// defensively so an older or newer shape renders what it can instead of crashing.

export const DEFAULT_PROFILE: TPrereqProfileId = "cpu-source";

export const PROFILE_OPTIONS = PREREQ_PROFILE_IDS.map((id) => ({ id, label: PREREQ_PROFILES[id].label }));

export function profileLabel(id: string | null | undefined): string {
  return id && isPrereqProfileId(id) ? PREREQ_PROFILES[id].label : (id ?? "unknown profile");
}

export interface TPrereqParams {
  profile: TPrereqProfileId | null;
  mode: TPrereqMode | null;
}

export function prereqParamsOf(op: Pick<TOperationView, "params" | "result">): TPrereqParams {
  const source = isRecord(op.params) ? op.params : isRecord(op.result) ? op.result : {};
  const profile = isPrereqProfileId(source.profile) ? source.profile : null;
  const mode = source.mode === "check" || source.mode === "install" ? source.mode : null;
  return { profile, mode };
}

function isReport(value: unknown): value is TPrereqReport {
  return (
    isRecord(value) &&
    Array.isArray(value.items) &&
    Array.isArray(value.minimums) &&
    Array.isArray(value.missingPackages)
  );
}

/** The prerequisites result of an operation, or null when it has none (yet). */
export function prereqResultOf(op: Pick<TOperationView, "kind" | "result">): TPrereqResult | null {
  const r = op.result;
  if (op.kind !== "prerequisites" || !isRecord(r)) return null;
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  const blocked = isRecord(r.blocked) ? r.blocked : null;
  return {
    profile: isPrereqProfileId(r.profile) ? r.profile : DEFAULT_PROFILE,
    mode: r.mode === "install" ? "install" : "check",
    family: typeof r.family === "string" ? (r.family as TPrereqResult["family"]) : null,
    report: isReport(r.report) ? r.report : null,
    installed: strings(r.installed),
    reinstalled: strings(r.reinstalled),
    blocked: blocked
      ? {
          missing: strings(blocked.missing),
          broken: strings(blocked.broken),
          sudoUnavailable: blocked.sudoUnavailable === true,
          sudoSummary: typeof blocked.sudoSummary === "string" ? blocked.sudoSummary : "",
          command: typeof blocked.command === "string" ? blocked.command : "",
          sudoersLine: typeof blocked.sudoersLine === "string" ? blocked.sudoersLine : null,
        }
      : null,
    unsupported: isRecord(r.unsupported)
      ? {
          os: typeof r.unsupported.os === "string" ? r.unsupported.os : "unknown",
          packageManager:
            typeof r.unsupported.packageManager === "string" ? r.unsupported.packageManager : null,
        }
      : null,
  };
}

/** The host's latest prerequisites verdict (THostView.prerequisites), or null before any run ended. */
export function hostPrerequisitesOf(host: Pick<THostView, "prerequisites">): THostView["prerequisites"] {
  return host.prerequisites ?? null;
}
